//! One table row as the store keeps it: identity, drill-down metadata and typed cells that
//! sort by meaning (numbers as numbers, ages by timestamp) and render to kubectl's text.

use compact_str::CompactString;
use std::cmp::Ordering;
use std::sync::Arc;

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
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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
/// (every column after NAME, in the kind's column order). Labels and owners are shared: the
/// store keeps one copy of each distinct set (the replicas of a deployment have the same).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub uid: CompactString,
    pub namespace: CompactString,
    pub name: CompactString,
    pub labels: Arc<[(CompactString, CompactString)]>,
    pub owners: Arc<[Owner]>,
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

    /// A 64-bit key that orders like `column` does: a smaller key means the row sorts first
    /// on that column; equal keys say nothing (compare the rows). Numbers, ratios, ages and
    /// restart counts are exact; text keys on its first 7 bytes.
    pub fn sort_key(&self, column: ColumnId) -> u64 {
        self.value(column).sort_key()
    }

    /// [`Row::sort_key`] and whether it is exact (see [`CellRef::exact_sort_key`]).
    pub fn exact_sort_key(&self, column: ColumnId) -> (u64, bool) {
        self.value(column).exact_sort_key()
    }

    /// Orders two rows on `column`, then namespace and name, so the order is total for
    /// distinct objects.
    pub fn compare(&self, other: &Row, column: ColumnId) -> Ordering {
        self.value(column)
            .compare(&other.value(column))
            .then_with(|| self.compare_identity(other))
    }

    /// Orders two rows by namespace, then name.
    pub fn compare_identity(&self, other: &Row) -> Ordering {
        self.namespace
            .cmp(&other.namespace)
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

    /// See [`Row::sort_key`]: the top byte is the kind of value (text sorts before
    /// numbers, as [`Cell::compare`] does), the other 56 bits order values of that kind.
    pub fn sort_key(&self) -> u64 {
        self.exact_sort_key().0
    }

    /// [`CellRef::sort_key`], and whether the key is exact: two exact keys are equal only
    /// when the values compare equal (numbers, ages and ratios in 56 bits, restart counts,
    /// text of at most 7 bytes without NUL bytes).
    pub fn exact_sort_key(&self) -> (u64, bool) {
        const BITS: u64 = (1 << 56) - 1;
        const HALF: i64 = 1 << 55;
        const RATIO_CAP: u32 = 0x0fff_ffff;
        let (rank, value, exact): (u64, u64, bool) = match self {
            CellRef::Str(text) => text_rank_key(text),
            CellRef::Cell(Cell::Text(text)) => text_rank_key(text),
            CellRef::Cell(Cell::Int(n)) => match *n {
                n if n < -HALF => (1, 0, false),
                n if n >= HALF => (1, BITS, false),
                n => (1, (n + HALF) as u64, true),
            },
            CellRef::Cell(Cell::Ratio(a, b)) => {
                // A clamped `ready` says nothing about `total`.
                let total = if *a < RATIO_CAP {
                    (*b).min(RATIO_CAP)
                } else {
                    0
                };
                (
                    2,
                    (u64::from((*a).min(RATIO_CAP)) << 28) | u64::from(total),
                    *a < RATIO_CAP && *b < RATIO_CAP,
                )
            }
            // Younger (a later time) first; a missing time last.
            CellRef::Cell(Cell::Age(Some(at))) => match *at {
                at if at >= HALF - 1 => (3, 0, false),
                at if at < -HALF => (3, BITS - 1, false),
                at => (3, BITS - 1 - (at + HALF) as u64, true),
            },
            CellRef::Cell(Cell::Age(None)) => (3, BITS, true),
            CellRef::Cell(Cell::Restarts { count, .. }) => (4, u64::from(*count), true),
        };
        ((rank << 56) | (value & BITS), exact)
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

/// Rank 0 and the first 7 bytes of `text`, big-endian, zero-padded: orders like the bytes
/// do; exact when the text has no more than 7 bytes and no NUL byte (padding is NULs).
fn text_rank_key(text: &str) -> (u64, u64, bool) {
    let mut bytes = [0u8; 8];
    let head = &text.as_bytes()[..text.len().min(7)];
    bytes[1..=head.len()].copy_from_slice(head);
    let exact = text.len() <= 7 && !head.contains(&0);
    (0, u64::from_be_bytes(bytes), exact)
}

/// The first 8 bytes of `text`, big-endian, zero-padded: orders like the bytes do; exact
/// (equal keys mean equal texts) when the text has no more than 8 bytes and no NUL byte.
pub fn prefix_key(text: &str) -> (u64, bool) {
    let mut bytes = [0u8; 8];
    let head = &text.as_bytes()[..text.len().min(8)];
    bytes[..head.len()].copy_from_slice(head);
    (
        u64::from_be_bytes(bytes),
        text.len() <= 8 && !head.contains(&0),
    )
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

#[cfg(test)]
mod key_tests {
    use super::*;
    use proptest::prelude::*;

    fn cell() -> impl Strategy<Value = Cell> {
        prop_oneof![
            "[a-c]{0,9}".prop_map(Cell::text),
            any::<i64>().prop_map(Cell::Int),
            (0u32..3, 0u32..3).prop_map(|(a, b)| Cell::Ratio(a, b)),
            (any::<u32>(), any::<u32>()).prop_map(|(a, b)| Cell::Ratio(a, b)),
            proptest::option::of(any::<i64>()).prop_map(Cell::Age),
            proptest::option::of(-5i64..5).prop_map(Cell::Age),
            (0u32..4).prop_map(|count| Cell::Restarts { count, last: None }),
            "[a\\x00]{0,8}".prop_map(Cell::text),
            (-3i64..3).prop_map(|d| Cell::Int((1 << 55) + d)),
            (-3i64..3).prop_map(|d| Cell::Int(-(1 << 55) + d)),
            (-3i64..3).prop_map(|d| Cell::Age(Some((1 << 55) + d))),
            (-3i64..3).prop_map(|d| Cell::Age(Some(-(1 << 55) + d))),
            (0x0fff_fffdu32..0x1000_0002, 0x0fff_fffdu32..0x1000_0002)
                .prop_map(|(a, b)| Cell::Ratio(a, b)),
        ]
    }

    proptest! {
        #[test]
        fn a_smaller_key_always_sorts_first(a in cell(), b in cell()) {
            let (ka, kb) = (CellRef::Cell(&a).sort_key(), CellRef::Cell(&b).sort_key());
            let order = a.compare(&b);
            if ka < kb {
                prop_assert_eq!(order, Ordering::Less);
            } else if ka > kb {
                prop_assert_eq!(order, Ordering::Greater);
            }
            let ((_, ea), (_, eb)) = (CellRef::Cell(&a).exact_sort_key(), CellRef::Cell(&b).exact_sort_key());
            if ka == kb && ea && eb {
                prop_assert_eq!(order, Ordering::Equal, "equal exact keys of {:?} and {:?}", a, b);
            }
        }

        #[test]
        fn equal_exact_prefix_keys_mean_equal_texts(a in "[a\\x00b]{0,10}", b in "[a\\x00b]{0,10}") {
            let ((ka, ea), (kb, eb)) = (prefix_key(&a), prefix_key(&b));
            if ka < kb {
                prop_assert!(a < b);
            } else if ka > kb {
                prop_assert!(a > b);
            } else if ea && eb {
                prop_assert_eq!(&a, &b);
            }
        }
    }

    #[test]
    fn text_keys_tell_statuses_apart_and_names_match_cells() {
        let key = |s: &str| CellRef::Str(s).sort_key();
        assert!(key("CrashLoopBackOff") < key("Running"));
        assert!(key("Run") < key("Running"));
        assert_eq!(
            key("Running"),
            CellRef::Cell(&Cell::text("Running")).sort_key()
        );
        assert!(key("zzz") < CellRef::Cell(&Cell::Int(0)).sort_key());
    }
}
