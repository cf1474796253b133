//! One table row as the store keeps it: identity, drill-down metadata and typed cells that
//! sort by meaning (numbers as numbers, ages by timestamp) and render to kubectl's text.

use compact_str::CompactString;
use std::cmp::Ordering;

use crate::live::age::{age, human_duration};

/// How a row's state reads at a glance; the table colours it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Tone {
    #[default]
    Normal,
    /// Running, Ready, Completed, a healthy rollout.
    Good,
    /// Pending, ContainerCreating, Terminating, a rollout in progress.
    Warn,
    /// CrashLoopBackOff, ImagePullBackOff, OOMKilled, Error, NotReady, a Warning event.
    Bad,
}

/// A controller or owner of the row's object (for drill-down).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub kind: CompactString,
    pub name: CompactString,
    pub controller: bool,
}

/// One cell value. Text cells render as they are; the others are rendered at draw time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Text(CompactString),
    Int(i64),
    /// `ready/total`, sorted by ready then total.
    Ratio(u32, u32),
    /// An age, from a Unix timestamp; `<unknown>` when missing.
    Age(Option<i64>),
    /// kubectl's RESTARTS: the count, and `(5m ago)` after it when the last restart is known.
    Restarts {
        count: u32,
        last: Option<i64>,
    },
}

impl Cell {
    pub fn text(value: impl Into<CompactString>) -> Self {
        Cell::Text(value.into())
    }

    /// The text kubectl would print for this cell at `now` (Unix seconds).
    pub fn render(&self, now: i64) -> String {
        match self {
            Cell::Text(text) => text.to_string(),
            Cell::Int(n) => n.to_string(),
            Cell::Ratio(a, b) => format!("{a}/{b}"),
            Cell::Age(Some(at)) => age(*at, now),
            Cell::Age(None) => "<unknown>".to_string(),
            Cell::Restarts {
                count,
                last: Some(at),
            } if *count > 0 => format!("{count} ({} ago)", human_duration(now - at)),
            Cell::Restarts { count, .. } => count.to_string(),
        }
    }

    /// Text a filter looks at; ages and numbers are not filtered on.
    pub fn filter_text(&self) -> Option<&str> {
        match self {
            Cell::Text(text) => Some(text),
            _ => None,
        }
    }

    /// Ascending order: text by bytes, numbers numerically, ages youngest first.
    pub fn compare(&self, other: &Cell) -> Ordering {
        match (self, other) {
            (Cell::Text(a), Cell::Text(b)) => a.cmp(b),
            (Cell::Int(a), Cell::Int(b)) => a.cmp(b),
            (Cell::Ratio(a, b), Cell::Ratio(c, d)) => (a, b).cmp(&(c, d)),
            // A later creation time is a smaller age; a missing time sorts last.
            (Cell::Age(a), Cell::Age(b)) => match (a, b) {
                (Some(a), Some(b)) => b.cmp(a),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
            (Cell::Restarts { count: a, .. }, Cell::Restarts { count: b, .. }) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Cell::Text(_) => 0,
            Cell::Int(_) => 1,
            Cell::Ratio(..) => 2,
            Cell::Age(_) => 3,
            Cell::Restarts { .. } => 4,
        }
    }
}

/// A row: the object's identity, labels and owners for drill-down, and the kind's cells
/// (every column after NAME, in the kind's column order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub uid: CompactString,
    pub namespace: CompactString,
    pub name: CompactString,
    pub labels: Box<[(CompactString, CompactString)]>,
    pub owners: Box<[Owner]>,
    pub cells: Box<[Cell]>,
    pub tone: Tone,
}

/// A column the store can sort on and the table can draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnId {
    Namespace,
    Name,
    /// The kind's n-th cell.
    Cell(usize),
}

impl Row {
    /// The cell of a kind column; NAMESPACE and NAME come from the identity.
    pub fn value(&self, column: ColumnId) -> CellRef<'_> {
        match column {
            ColumnId::Namespace => CellRef::Str(&self.namespace),
            ColumnId::Name => CellRef::Str(&self.name),
            ColumnId::Cell(i) => self.cells.get(i).map_or(CellRef::Str(""), CellRef::Cell),
        }
    }

    /// Orders two rows on `column`, then namespace and name, so the order is total for
    /// distinct objects.
    pub fn compare(&self, other: &Row, column: ColumnId) -> Ordering {
        self.value(column)
            .compare(&other.value(column))
            .then_with(|| self.namespace.cmp(&other.namespace))
            .then_with(|| self.name.cmp(&other.name))
    }
}

/// A borrowed cell value.
#[derive(Clone, Copy, Debug)]
pub enum CellRef<'a> {
    Str(&'a str),
    Cell(&'a Cell),
}

impl CellRef<'_> {
    pub fn render(&self, now: i64) -> String {
        match self {
            CellRef::Str(s) => s.to_string(),
            CellRef::Cell(c) => c.render(now),
        }
    }

    pub fn compare(&self, other: &CellRef<'_>) -> Ordering {
        match (self, other) {
            (CellRef::Str(a), CellRef::Str(b)) => a.cmp(b),
            (CellRef::Cell(a), CellRef::Cell(b)) => a.compare(b),
            (CellRef::Str(a), CellRef::Cell(Cell::Text(b))) => (*a).cmp(b),
            (CellRef::Cell(Cell::Text(a)), CellRef::Str(b)) => (**a).cmp(b),
            (CellRef::Str(_), CellRef::Cell(_)) => Ordering::Less,
            (CellRef::Cell(_), CellRef::Str(_)) => Ordering::Greater,
        }
    }
}

/// A column of a kind: its title and the width it wants (the table may shrink NAME).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub title: &'static str,
    pub width: u16,
}

pub const fn column(title: &'static str, width: u16) -> Column {
    Column { title, width }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_sort_youngest_first_and_missing_last() {
        let mut cells = [Cell::Age(None), Cell::Age(Some(10)), Cell::Age(Some(20))];
        cells.sort_by(Cell::compare);
        assert_eq!(
            cells,
            [Cell::Age(Some(20)), Cell::Age(Some(10)), Cell::Age(None)]
        );
    }

    #[test]
    fn restarts_render_with_the_last_restart_when_known() {
        let cell = Cell::Restarts {
            count: 3,
            last: Some(100),
        };
        assert_eq!(cell.render(400), "3 (5m ago)");
        let never = Cell::Restarts {
            count: 0,
            last: Some(100),
        };
        assert_eq!(never.render(400), "0");
    }
}
