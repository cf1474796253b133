//! The rows of one watched kind: applies watcher changes (a relist replaces the whole set
//! atomically at its end), keeps rows keyed by uid, the pane's sync state, per-tone counts,
//! and a sort + filter index updated per change, so drawing never sorts or filters.

mod filter;
mod index;

use compact_str::CompactString;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::time::Instant;

pub use filter::{Filter, FilterError};
pub use index::SortedIndex;

use crate::live::projection::Projection;
use crate::live::row::{Column, ColumnId, Row, Tone, column};

/// What the watcher reports, in the order it happened.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// A (re)list starts; the rows on screen stay until it is done.
    Init,
    /// One object of the (re)list.
    InitRow(Row),
    /// The (re)list is complete: its rows replace the old set.
    InitDone,
    /// An object was added or changed.
    Apply(Row),
    /// The object with this uid was deleted.
    Delete(CompactString),
    /// The watch failed and is being retried with backoff.
    Down { error: String, at: Instant },
}

/// The pane's connection indicator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncState {
    /// Listing; rows (if any) are from before.
    Syncing,
    Live,
    /// Down since `since`; rows are the last known state.
    Reconnecting {
        since: Instant,
        error: String,
    },
}

/// A sort column and direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort {
    pub column: ColumnId,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort {
            column: ColumnId::Name,
            descending: false,
        }
    }
}

/// How many rows there are, how many pass the filter, and how many of all are in each tone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub total: usize,
    pub shown: usize,
    pub good: usize,
    pub warn: usize,
    pub bad: usize,
}

/// The rows of one kind in one namespace (or all).
pub struct Store {
    kind: String,
    namespace: Option<String>,
    columns: Vec<(ColumnId, Column)>,
    slots: Vec<Option<Row>>,
    free: Vec<u32>,
    by_uid: HashMap<CompactString, u32>,
    pending: Option<Vec<Row>>,
    state: SyncState,
    sort: Sort,
    filter: Option<Filter>,
    index: SortedIndex,
    tones: [usize; 4],
}

fn tone_slot(tone: Tone) -> usize {
    match tone {
        Tone::Normal => 0,
        Tone::Good => 1,
        Tone::Warn => 2,
        Tone::Bad => 3,
    }
}

/// The index order: the sort column (reversed when descending), then namespace, name and
/// slot, so distinct rows never compare equal.
fn order(slots: &[Option<Row>], sort: Sort) -> impl Fn(u32, u32) -> Ordering + '_ {
    move |a, b| {
        let by_row = match (&slots[a as usize], &slots[b as usize]) {
            (Some(x), Some(y)) => x.compare(y, sort.column),
            _ => Ordering::Equal,
        };
        let by_row = if sort.descending {
            by_row.reverse()
        } else {
            by_row
        };
        by_row.then(a.cmp(&b))
    }
}

impl Store {
    /// A store for projection `P`, titled `kind`, watching `namespace` (`None`: all, which
    /// adds a NAMESPACE column).
    pub fn for_projection<P: Projection>(kind: &str, namespace: Option<String>) -> Self {
        Self::new(kind, namespace, P::columns())
    }

    pub fn new(kind: &str, namespace: Option<String>, kind_columns: &[Column]) -> Self {
        let mut columns = Vec::with_capacity(kind_columns.len() + 2);
        if namespace.is_none() {
            columns.push((ColumnId::Namespace, column("NAMESPACE", 12)));
        }
        columns.push((ColumnId::Name, column("NAME", 40)));
        columns.extend(
            kind_columns
                .iter()
                .enumerate()
                .map(|(i, c)| (ColumnId::Cell(i), *c)),
        );
        Store {
            kind: kind.to_string(),
            namespace,
            columns,
            slots: Vec::new(),
            free: Vec::new(),
            by_uid: HashMap::new(),
            pending: None,
            state: SyncState::Syncing,
            sort: Sort::default(),
            filter: None,
            index: SortedIndex::new(),
            tones: [0; 4],
        }
    }

    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The watched namespace; `None` for all namespaces.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    pub fn columns(&self) -> &[(ColumnId, Column)] {
        &self.columns
    }

    pub fn state(&self) -> &SyncState {
        &self.state
    }

    pub fn sort(&self) -> Sort {
        self.sort
    }

    pub fn filter(&self) -> Option<&Filter> {
        self.filter.as_ref()
    }

    pub fn counts(&self) -> Counts {
        Counts {
            total: self.by_uid.len(),
            shown: self.index.len(),
            good: self.tones[1],
            warn: self.tones[2],
            bad: self.tones[3],
        }
    }

    /// Rows passing the filter.
    pub fn visible_len(&self) -> usize {
        self.index.len()
    }

    /// Up to `count` visible rows from position `start`, in sort order.
    pub fn visible(&self, start: usize, count: usize) -> impl Iterator<Item = &Row> + '_ {
        self.index
            .iter_from(start)
            .take(count)
            .filter_map(|slot| self.slots[slot as usize].as_ref())
    }

    /// The visible row at `position`.
    pub fn visible_row(&self, position: usize) -> Option<&Row> {
        self.visible(position, 1).next()
    }

    /// Where the row with `uid` is among the visible rows (to keep a selection on it).
    pub fn position_of(&self, uid: &str) -> Option<usize> {
        let slot = *self.by_uid.get(uid)?;
        self.index.position(slot, order(&self.slots, self.sort))
    }

    pub fn get(&self, uid: &str) -> Option<&Row> {
        let slot = *self.by_uid.get(uid)?;
        self.slots[slot as usize].as_ref()
    }

    /// Every row, in no particular order.
    pub fn rows(&self) -> impl Iterator<Item = &Row> + '_ {
        self.slots.iter().flatten()
    }

    pub fn set_sort(&mut self, sort: Sort) {
        if sort != self.sort {
            self.sort = sort;
            self.reindex();
        }
    }

    pub fn set_filter(&mut self, filter: Option<Filter>) {
        self.filter = filter;
        self.reindex();
    }

    /// Applies a batch of changes in order.
    pub fn apply_all(&mut self, changes: impl IntoIterator<Item = Change>) {
        for change in changes {
            self.apply(change);
        }
    }

    pub fn apply(&mut self, change: Change) {
        match change {
            Change::Init => {
                self.pending = Some(Vec::new());
                self.state = SyncState::Syncing;
            }
            Change::InitRow(row) => self.pending.get_or_insert_with(Vec::new).push(row),
            Change::InitDone => {
                let rows = self.pending.take().unwrap_or_default();
                self.replace_all(rows);
                self.state = SyncState::Live;
            }
            Change::Apply(row) => {
                self.upsert(row);
                self.come_back();
            }
            Change::Delete(uid) => {
                self.delete(&uid);
                self.come_back();
            }
            Change::Down { error, at } => {
                let since = match &self.state {
                    SyncState::Reconnecting { since, .. } => *since,
                    _ => at,
                };
                self.state = SyncState::Reconnecting { since, error };
            }
        }
    }

    /// An event after an outage means the watch is back.
    fn come_back(&mut self) {
        if matches!(self.state, SyncState::Reconnecting { .. }) {
            self.state = SyncState::Live;
        }
    }

    fn passes(&self, row: &Row) -> bool {
        self.filter.as_ref().is_none_or(|f| f.matches(row))
    }

    fn upsert(&mut self, row: Row) {
        let shown = self.passes(&row);
        let tone = tone_slot(row.tone);
        if let Some(&slot) = self.by_uid.get(&row.uid) {
            self.index.remove(slot, order(&self.slots, self.sort));
            if let Some(old) = &self.slots[slot as usize] {
                self.tones[tone_slot(old.tone)] -= 1;
            }
            self.slots[slot as usize] = Some(row);
            self.tones[tone] += 1;
            if shown {
                self.index.insert(slot, order(&self.slots, self.sort));
            }
            return;
        }
        let uid = row.uid.clone();
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(row);
                slot
            }
            None => {
                self.slots.push(Some(row));
                (self.slots.len() - 1) as u32
            }
        };
        self.by_uid.insert(uid, slot);
        self.tones[tone] += 1;
        if shown {
            self.index.insert(slot, order(&self.slots, self.sort));
        }
    }

    fn delete(&mut self, uid: &str) {
        let Some(slot) = self.by_uid.remove(uid) else {
            return;
        };
        self.index.remove(slot, order(&self.slots, self.sort));
        if let Some(old) = self.slots[slot as usize].take() {
            self.tones[tone_slot(old.tone)] -= 1;
        }
        self.free.push(slot);
    }

    fn replace_all(&mut self, rows: Vec<Row>) {
        self.slots.clear();
        self.free.clear();
        self.by_uid.clear();
        self.tones = [0; 4];
        self.slots.reserve(rows.len());
        for row in rows {
            // A repeated uid in one list keeps its last version.
            if let Some(&slot) = self.by_uid.get(&row.uid) {
                if let Some(old) = &self.slots[slot as usize] {
                    self.tones[tone_slot(old.tone)] -= 1;
                }
                self.tones[tone_slot(row.tone)] += 1;
                self.slots[slot as usize] = Some(row);
                continue;
            }
            self.tones[tone_slot(row.tone)] += 1;
            self.by_uid.insert(row.uid.clone(), self.slots.len() as u32);
            self.slots.push(Some(row));
        }
        self.slots.shrink_to_fit();
        self.reindex();
    }

    /// Rebuilds the index after the sort or filter changed, or after a relist.
    fn reindex(&mut self) {
        let shown: Vec<u32> = self
            .slots
            .iter()
            .enumerate()
            .filter(|(_, row)| row.as_ref().is_some_and(|r| self.passes(r)))
            .map(|(slot, _)| slot as u32)
            .collect();
        self.index = SortedIndex::build(shown, order(&self.slots, self.sort));
    }
}
