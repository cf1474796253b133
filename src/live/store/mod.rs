//! The rows of one watched kind: applies watcher changes (a relist updates rows in place and
//! removes the ones it did not list at its end), keeps rows keyed by uid, the pane's sync
//! state, per-tone counts, and a sort + filter index updated per change, so drawing never
//! sorts or filters.
//!
//! Memory per row is kept small: the uid index holds slot numbers only (hashed by the uid
//! in the slot), labels and owners are shared between rows, and a relist never holds a
//! second copy of the rows.

mod filter;
mod index;
mod key;
mod shared;

use compact_str::CompactString;
use hashbrown::HashTable;
use std::hash::{BuildHasher, RandomState};
use std::time::Instant;

pub use filter::{Filter, FilterError};
pub use index::SortedIndex;

use key::{Entry, order};

use crate::live::projection::Projection;
use crate::live::row::{Column, ColumnId, Row, Tone, column};

/// What the watcher reports, in the order it happened.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// A (re)list starts; the rows held stay until it is done (the pane says it is syncing).
    Init,
    /// One object of the (re)list: added, or updated in place.
    InitRow(Row),
    /// The (re)list is complete: rows it did not list are removed.
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
    /// Listing: rows listed so far are current, the others (if any) are from before and
    /// are removed at the end of the list if it does not name them.
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
    /// Per slot, whether the row passes the filter (is in the index).
    shown: Vec<bool>,
    /// Per slot, the list generation that last named the row.
    seen: Vec<u32>,
    free: Vec<u32>,
    /// Slots by the hash of their row's uid.
    by_uid: HashTable<u32>,
    hasher: RandomState,
    shared: shared::Shared,
    /// The generation of the newest (re)list; rows of a finished list not named by it
    /// are removed.
    generation: u32,
    /// Whether a (re)list is in progress.
    listing: bool,
    /// Whether a list has ever completed (a list now in progress is then a relist).
    listed_once: bool,
    state: SyncState,
    sort: Sort,
    filter: Option<Filter>,
    index: SortedIndex<Entry>,
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
            shown: Vec::new(),
            seen: Vec::new(),
            free: Vec::new(),
            by_uid: HashTable::new(),
            hasher: RandomState::new(),
            shared: shared::Shared::new(),
            generation: 0,
            listed_once: false,
            listing: false,
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

    /// A relist is in progress over rows of an earlier list: rows it has not named yet may
    /// be gone.
    pub fn relisting(&self) -> bool {
        self.listing && self.listed_once
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
            .filter_map(|entry| self.slots[entry.slot as usize].as_ref())
    }

    /// The visible row at `position`.
    pub fn visible_row(&self, position: usize) -> Option<&Row> {
        self.visible(position, 1).next()
    }

    /// Where the row with `uid` is among the visible rows (to keep a selection on it).
    pub fn position_of(&self, uid: &str) -> Option<usize> {
        let slot = self.slot_of(uid)?;
        let entry = Entry::of(slot, self.slots[slot as usize].as_ref()?, self.sort);
        self.index.position(&entry, order(&self.slots, self.sort))
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
                self.start_list();
                self.state = SyncState::Syncing;
            }
            Change::InitRow(row) => {
                if !self.listing {
                    self.start_list();
                }
                self.upsert(row);
            }
            Change::InitDone => {
                if !self.listing {
                    // A list without rows.
                    self.start_list();
                }
                self.finish_list();
                self.state = SyncState::Live;
                // The list's decoded pages and replaced rows are freed by now: give their
                // pages back so the process stays at its working size, not at the list's peak.
                crate::allocator::release_free_pages();
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

    /// A new (re)list: rows it names from now on are marked with a new generation. A list
    /// that started before and did not finish is superseded (its marks are older).
    fn start_list(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        self.listing = true;
    }

    /// The end of a (re)list: every row it did not name (and no event re-added since it
    /// started) is gone.
    fn finish_list(&mut self) {
        self.listing = false;
        self.listed_once = true;
        let generation = self.generation;
        let stale: Vec<u32> = (0..self.slots.len())
            .filter(|&at| self.slots[at].is_some() && self.seen[at] != generation)
            .map(|at| at as u32)
            .collect();
        for slot in stale {
            self.remove_slot(slot);
        }
        self.index.compact();
    }

    fn passes(&self, row: &Row) -> bool {
        self.filter.as_ref().is_none_or(|f| f.matches(row))
    }

    /// Adds `row`, or updates the row with its uid in place.
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
            let was_shown = self.shown[at];
            let Some(old) = self.slots[at].as_mut() else {
                return;
            };
            self.shared.share(&mut row, Some(old));
            self.tones[tone_slot(old.tone)] -= 1;
            self.tones[tone] += 1;
            self.seen[at] = self.generation;
            // Same filter result and the same place in the order: the index stays as it is.
            if was_shown == shown && (!shown || old.compare(&row, self.sort.column).is_eq()) {
                *old = row;
                return;
            }
            if was_shown {
                let entry = Entry::of(slot, old, self.sort);
                self.index.remove(&entry, order(&self.slots, self.sort));
            }
            let entry = Entry::of(slot, &row, self.sort);
            self.slots[at] = Some(row);
            self.shown[at] = shown;
            if shown {
                self.index.insert(entry, order(&self.slots, self.sort));
            }
            return;
        }
        self.shared.share(&mut row, None);
        let entry = |slot| Entry::of(slot, &row, self.sort);
        let slot = self.free.pop().unwrap_or(self.slots.len() as u32);
        let entry = entry(slot);
        let at = slot as usize;
        if at == self.slots.len() {
            if at == self.slots.capacity() {
                // Grown by an eighth rather than doubled: a row slot is large, and doubling
                // could leave half of a big store's slots unused.
                let more = (at / 8).max(64);
                self.slots.reserve_exact(more);
                self.shown.reserve_exact(more);
                self.seen.reserve_exact(more);
            }
            self.slots.push(Some(row));
            self.shown.push(shown);
            self.seen.push(self.generation);
        } else {
            self.slots[at] = Some(row);
            self.shown[at] = shown;
            self.seen[at] = self.generation;
        }
        let (slots, hasher) = (&self.slots, &self.hasher);
        self.by_uid
            .insert_unique(hash, slot, |&s| hasher.hash_one(uid_at(slots, s)));
        self.tones[tone] += 1;
        if shown {
            self.index.insert(entry, order(&self.slots, self.sort));
        }
    }

    fn delete(&mut self, uid: &str) {
        if let Some(slot) = self.slot_of(uid) {
            self.remove_slot(slot);
        }
    }

    /// Removes the row in `slot` from the uid index, the sort index and the counts.
    fn remove_slot(&mut self, slot: u32) {
        let at = slot as usize;
        let Some(row) = self.slots[at].as_ref() else {
            return;
        };
        let hash = self.hasher.hash_one(row.uid.as_str());
        if let Ok(entry) = self.by_uid.find_entry(hash, |&s| s == slot) {
            entry.remove();
        }
        if self.shown[at] {
            let entry = Entry::of(slot, row, self.sort);
            self.index.remove(&entry, order(&self.slots, self.sort));
            self.shown[at] = false;
        }
        if let Some(old) = self.slots[at].take() {
            self.tones[tone_slot(old.tone)] -= 1;
        }
        self.free.push(slot);
    }

    /// Rebuilds the index after the sort or filter changed.
    fn reindex(&mut self) {
        let (sort, filter) = (self.sort, self.filter.as_ref());
        self.shown.clear();
        self.shown.extend(self.slots.iter().map(|row| {
            row.as_ref()
                .is_some_and(|r| filter.is_none_or(|f| f.matches(r)))
        }));
        let entries: Vec<Entry> = self
            .slots
            .iter()
            .zip(&self.shown)
            .enumerate()
            .filter_map(|(slot, (row, shown))| {
                let row = row.as_ref().filter(|_| *shown)?;
                Some(Entry::of(slot as u32, row, sort))
            })
            .collect();
        self.index = SortedIndex::build(entries, order(&self.slots, sort));
    }
}

/// The uid of the row in `slot` (empty for a free slot, which the uid index never holds).
fn uid_at(slots: &[Option<Row>], slot: u32) -> &str {
    slots[slot as usize].as_ref().map_or("", |row| &row.uid)
}
