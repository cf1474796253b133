//! The rows of one watched kind: applies watcher changes (a relist replaces the whole set
//! atomically at its end), keeps rows keyed by uid, the pane's sync state, per-tone counts,
//! and a sort + filter index updated per change, so drawing never sorts or filters.
//!
//! Memory per row is kept small: the uid index holds slot numbers only (hashed by the uid
//! in the slot), labels and owners are shared between rows, and a relist keeps a row that did
//! not change instead of holding the old and new copies until the list is done.

mod filter;
mod index;
mod shared;

use compact_str::CompactString;
use hashbrown::HashTable;
use std::cmp::Ordering;
use std::hash::{BuildHasher, RandomState};
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
    /// Per slot, the row's [`Row::sort_key`] on the sort column (reversed when descending),
    /// so most comparisons of the index read one array instead of two rows.
    keys: Vec<u64>,
    free: Vec<u32>,
    /// Slots by the hash of their row's uid.
    by_uid: HashTable<u32>,
    hasher: RandomState,
    shared: shared::Shared,
    pending: Option<Pending>,
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

/// A (re)list in progress: its rows in order, where a row equal to the one the store holds
/// is kept as that row's slot instead of a second copy.
struct Pending {
    /// A slot number, or [`FRESH`] for the next row of `fresh`.
    order: Vec<u32>,
    fresh: Vec<Row>,
}

const FRESH: u32 = u32::MAX;

/// The index order: the sort column (reversed when descending), then namespace, name and
/// slot, so distinct rows never compare equal. The slots' cached keys decide when they
/// differ; the rows are compared only when the keys tie.
fn order<'a>(
    slots: &'a [Option<Row>],
    keys: &'a [u64],
    sort: Sort,
) -> impl Fn(u32, u32) -> Ordering + 'a {
    move |a, b| {
        if a == b {
            return Ordering::Equal;
        }
        let (ka, kb) = (keys[a as usize], keys[b as usize]);
        if ka != kb {
            return ka.cmp(&kb);
        }
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

/// The cached key of `row` for `sort`.
fn key_of(row: &Row, sort: Sort) -> u64 {
    let key = row.sort_key(sort.column);
    if sort.descending { !key } else { key }
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
            keys: Vec::new(),
            free: Vec::new(),
            by_uid: HashTable::new(),
            hasher: RandomState::new(),
            shared: shared::Shared::new(),
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
        let slot = self.slot_of(uid)?;
        self.index
            .position(slot, order(&self.slots, &self.keys, self.sort))
    }

    pub fn get(&self, uid: &str) -> Option<&Row> {
        let slot = self.slot_of(uid)?;
        self.slots[slot as usize].as_ref()
    }

    fn slot_of(&self, uid: &str) -> Option<u32> {
        let slots = &self.slots;
        self.by_uid
            .find(self.hasher.hash_one(uid), |&s| uid_at(slots, s) == uid)
            .copied()
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
                self.pending = Some(Pending {
                    order: Vec::new(),
                    fresh: Vec::new(),
                });
                self.state = SyncState::Syncing;
            }
            Change::InitRow(row) => self.list_row(row),
            Change::InitDone => {
                let pending = self.pending.take();
                self.replace_all(pending);
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

    fn upsert(&mut self, mut row: Row) {
        let hash = self.hasher.hash_one(row.uid.as_str());
        let slots = &self.slots;
        let found = self
            .by_uid
            .find(hash, |&s| uid_at(slots, s) == row.uid)
            .copied();
        let shown = self.passes(&row);
        let tone = tone_slot(row.tone);
        if let Some(slot) = found {
            let at = slot as usize;
            let old = self.slots[at].as_ref();
            self.shared.share(&mut row, old);
            let was_shown = old.is_some_and(|old| self.passes(old));
            // Same filter result and the same place in the order: the index stays as it is.
            let same_place = old.is_some_and(|old| old.compare(&row, self.sort.column).is_eq());
            if was_shown && !(shown && same_place) {
                self.index
                    .remove(slot, order(&self.slots, &self.keys, self.sort));
            }
            if let Some(old) = &self.slots[at] {
                self.tones[tone_slot(old.tone)] -= 1;
            }
            self.keys[at] = key_of(&row, self.sort);
            self.slots[at] = Some(row);
            self.tones[tone] += 1;
            if shown && !(was_shown && same_place) {
                self.index
                    .insert(slot, order(&self.slots, &self.keys, self.sort));
            }
            return;
        }
        self.shared.share(&mut row, None);
        let key = key_of(&row, self.sort);
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(row);
                self.keys[slot as usize] = key;
                slot
            }
            None => {
                self.slots.push(Some(row));
                self.keys.push(key);
                (self.slots.len() - 1) as u32
            }
        };
        let (slots, hasher) = (&self.slots, &self.hasher);
        self.by_uid
            .insert_unique(hash, slot, |&s| hasher.hash_one(uid_at(slots, s)));
        self.tones[tone] += 1;
        if shown {
            self.index
                .insert(slot, order(&self.slots, &self.keys, self.sort));
        }
    }

    fn delete(&mut self, uid: &str) {
        let slots = &self.slots;
        let Ok(entry) = self
            .by_uid
            .find_entry(self.hasher.hash_one(uid), |&s| uid_at(slots, s) == uid)
        else {
            return;
        };
        let (slot, _) = entry.remove();
        self.index
            .remove(slot, order(&self.slots, &self.keys, self.sort));
        if let Some(old) = self.slots[slot as usize].take() {
            self.tones[tone_slot(old.tone)] -= 1;
        }
        self.free.push(slot);
    }

    /// One row of a (re)list: kept as a slot number when the store holds the same row.
    fn list_row(&mut self, mut row: Row) {
        let previous = self.slot_of(&row.uid);
        let pending = self.pending.get_or_insert_with(|| Pending {
            order: Vec::new(),
            fresh: Vec::new(),
        });
        let old = previous.and_then(|slot| self.slots[slot as usize].as_ref());
        self.shared.share(&mut row, old);
        match previous {
            Some(slot) if old == Some(&row) => pending.order.push(slot),
            _ => {
                pending.order.push(FRESH);
                pending.fresh.push(row);
            }
        }
    }

    /// Replaces every row with the list's, in the list's order (a repeated uid keeps its last
    /// version).
    fn replace_all(&mut self, pending: Option<Pending>) {
        let Pending { order, fresh } = pending.unwrap_or(Pending {
            order: Vec::new(),
            fresh: Vec::new(),
        });
        let mut old = std::mem::take(&mut self.slots);
        let mut fresh = fresh.into_iter();
        self.free.clear();
        self.by_uid.clear();
        self.keys.clear();
        self.tones = [0; 4];
        self.slots.reserve_exact(order.len());
        for entry in order {
            let row = match entry {
                FRESH => fresh.next(),
                // A second copy of an unchanged row was already moved over.
                slot => old.get_mut(slot as usize).and_then(Option::take),
            };
            let Some(row) = row else { continue };
            let hash = self.hasher.hash_one(row.uid.as_str());
            let slots = &self.slots;
            if let Some(&slot) = self.by_uid.find(hash, |&s| uid_at(slots, s) == row.uid) {
                if let Some(previous) = &self.slots[slot as usize] {
                    self.tones[tone_slot(previous.tone)] -= 1;
                }
                self.tones[tone_slot(row.tone)] += 1;
                self.slots[slot as usize] = Some(row);
                continue;
            }
            self.tones[tone_slot(row.tone)] += 1;
            self.slots.push(Some(row));
            let slot = (self.slots.len() - 1) as u32;
            let (slots, hasher) = (&self.slots, &self.hasher);
            self.by_uid
                .insert_unique(hash, slot, |&s| hasher.hash_one(uid_at(slots, s)));
        }
        drop(old);
        self.slots.shrink_to_fit();
        self.reindex();
    }

    /// Rebuilds the index after the sort or filter changed, or after a relist.
    fn reindex(&mut self) {
        let sort = self.sort;
        self.keys.clear();
        self.keys.extend(
            self.slots
                .iter()
                .map(|row| row.as_ref().map_or(0, |r| key_of(r, sort))),
        );
        self.keys.shrink_to_fit();
        let shown: Vec<u32> = self
            .slots
            .iter()
            .enumerate()
            .filter(|(_, row)| row.as_ref().is_some_and(|r| self.passes(r)))
            .map(|(slot, _)| slot as u32)
            .collect();
        self.index = SortedIndex::build(shown, order(&self.slots, &self.keys, self.sort));
    }
}

/// The uid of the row in `slot` (empty for a free slot, which the uid index never holds).
fn uid_at(slots: &[Option<Row>], slot: u32) -> &str {
    slots[slot as usize].as_ref().map_or("", |row| &row.uid)
}
