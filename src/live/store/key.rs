//! The comparison keys the store's index entries carry: the sort column's 64-bit key and the
//! first 8 bytes of namespace and name, with whether each is exact, so that most comparisons
//! (ties on the sort column included) read the index's own chunks instead of two rows.

use std::cmp::Ordering;

use super::Sort;
use crate::live::row::{Row, prefix_key};

const SORT_EXACT: u8 = 1;
const NAMESPACE_EXACT: u8 = 2;
const NAME_EXACT: u8 = 4;

/// What the index compares first for one row. With a descending sort every key is
/// inverted, as the whole row order is reversed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Key {
    sort: u64,
    namespace: u64,
    name: u64,
    /// Which of the three keys are exact (equal exact keys mean equal values).
    exact: u8,
}

impl Key {
    pub fn of(row: &Row, sort: Sort) -> Key {
        let (sort_key, sort_exact) = row.exact_sort_key(sort.column);
        let (namespace, namespace_exact) = prefix_key(&row.namespace);
        let (name, name_exact) = prefix_key(&row.name);
        let flip = |k: u64| if sort.descending { !k } else { k };
        Key {
            sort: flip(sort_key),
            namespace: flip(namespace),
            name: flip(name),
            exact: (u8::from(sort_exact) * SORT_EXACT)
                | (u8::from(namespace_exact) * NAMESPACE_EXACT)
                | (u8::from(name_exact) * NAME_EXACT),
        }
    }

    /// How two rows with these keys order as far as the keys tell: decided, or equal up to
    /// the first part whose keys are not exact, which the rows must then compare.
    fn decide(&self, other: &Key) -> Decision {
        let both = self.exact & other.exact;
        if self.sort != other.sort {
            return Decision::Decided(self.sort.cmp(&other.sort));
        }
        if both & SORT_EXACT == 0 {
            return Decision::FromSort;
        }
        if self.namespace != other.namespace {
            return Decision::Decided(self.namespace.cmp(&other.namespace));
        }
        if both & NAMESPACE_EXACT == 0 {
            return Decision::FromNamespace;
        }
        if self.name != other.name {
            return Decision::Decided(self.name.cmp(&other.name));
        }
        if both & NAME_EXACT == 0 {
            return Decision::FromName;
        }
        Decision::Decided(Ordering::Equal)
    }
}

/// What comparing two keys left to do.
enum Decision {
    Decided(Ordering),
    /// Compare the rows from the sort column on.
    FromSort,
    /// Equal sort values: compare the namespaces, then the names.
    FromNamespace,
    /// Equal sort values and namespaces: compare the names.
    FromName,
}

/// An index entry: a slot and its row's keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: Key,
    pub slot: u32,
}

impl Entry {
    pub fn of(slot: u32, row: &Row, sort: Sort) -> Entry {
        Entry {
            key: Key::of(row, sort),
            slot,
        }
    }
}

/// The index order: the sort column (reversed when descending), then namespace, name and
/// slot, so distinct rows never compare equal. The entries' keys decide most pairs; the rows
/// are compared only when the keys cannot tell.
pub fn order(slots: &[Option<Row>], sort: Sort) -> impl Fn(&Entry, &Entry) -> Ordering + '_ {
    move |a, b| {
        if a.slot == b.slot {
            return Ordering::Equal;
        }
        let rows = || match (&slots[a.slot as usize], &slots[b.slot as usize]) {
            (Some(x), Some(y)) => Some((x, y)),
            _ => None,
        };
        let ascending = match a.key.decide(&b.key) {
            // The keys are already inverted for a descending sort.
            Decision::Decided(by_keys) => return by_keys.then(a.slot.cmp(&b.slot)),
            Decision::FromSort => rows().map(|(x, y)| x.compare(y, sort.column)),
            Decision::FromNamespace => rows().map(|(x, y)| x.compare_identity(y)),
            Decision::FromName => rows().map(|(x, y)| x.name.cmp(&y.name)),
        }
        .unwrap_or(Ordering::Equal);
        let by_rows = if sort.descending {
            ascending.reverse()
        } else {
            ascending
        };
        by_rows.then(a.slot.cmp(&b.slot))
    }
}
