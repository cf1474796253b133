//! One copy of each distinct label set and owner list among a store's rows: the replicas of
//! a deployment carry the same labels and owner, so a row holds a shared pointer instead of
//! its own copy.

use std::collections::HashSet;
use std::hash::Hash;
use std::sync::Arc;

use compact_str::CompactString;

use crate::live::row::{Owner, Row};

/// Distinct values of one kind, dropped once no row holds them any more.
struct Pool<T: ?Sized> {
    values: HashSet<Arc<T>>,
    /// The pool is swept of unused values when it grows past this size.
    sweep_at: usize,
}

impl<T: ?Sized + Hash + Eq> Pool<T> {
    fn new() -> Self {
        Pool {
            values: HashSet::new(),
            sweep_at: 1024,
        }
    }

    /// The pooled copy of `value` (which becomes the pooled copy when it is new).
    fn share(&mut self, value: Arc<T>) -> Arc<T> {
        if let Some(pooled) = self.values.get(&value) {
            return Arc::clone(pooled);
        }
        if self.values.len() >= self.sweep_at {
            self.values.retain(|v| Arc::strong_count(v) > 1);
            self.sweep_at = (self.values.len() * 2).max(1024);
        }
        self.values.insert(Arc::clone(&value));
        value
    }
}

/// The label sets and owner lists of a store's rows.
pub struct Shared {
    labels: Pool<[(CompactString, CompactString)]>,
    owners: Pool<[Owner]>,
}

impl Shared {
    pub fn new() -> Self {
        Shared {
            labels: Pool::new(),
            owners: Pool::new(),
        }
    }

    /// Makes `row` point at the pooled labels and owners; `previous` (the row it replaces)
    /// is tried first, as an update rarely changes either.
    pub fn share(&mut self, row: &mut Row, previous: Option<&Row>) {
        match previous {
            Some(old) if old.labels == row.labels => row.labels = Arc::clone(&old.labels),
            _ if row.labels.is_empty() => {}
            _ => row.labels = self.labels.share(Arc::clone(&row.labels)),
        }
        match previous {
            Some(old) if old.owners == row.owners => row.owners = Arc::clone(&old.owners),
            _ if row.owners.is_empty() => {}
            _ => row.owners = self.owners.share(Arc::clone(&row.owners)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::row::Tone;

    fn row(uid: &str, app: &str) -> Row {
        Row {
            uid: uid.into(),
            namespace: "shop".into(),
            name: uid.into(),
            labels: [("app".into(), app.into())].into(),
            owners: [Owner {
                kind: "ReplicaSet".into(),
                name: app.into(),
                controller: true,
            }]
            .into(),
            cells: Box::new([]),
            tone: Tone::Normal,
        }
    }

    #[test]
    fn equal_sets_share_one_copy_and_unused_ones_are_swept() {
        let mut shared = Shared::new();
        let mut a = row("a", "web");
        let mut b = row("b", "web");
        shared.share(&mut a, None);
        shared.share(&mut b, None);
        assert!(Arc::ptr_eq(&a.labels, &b.labels));
        assert!(Arc::ptr_eq(&a.owners, &b.owners));
        let mut other = row("c", "db");
        shared.share(&mut other, None);
        assert!(!Arc::ptr_eq(&a.labels, &other.labels));

        drop(other);
        for i in 0..2000 {
            shared.share(&mut row(&format!("x{i}"), &format!("app-{i}")), None);
        }
        assert!(
            shared.labels.values.len() < 1100,
            "{} label sets kept",
            shared.labels.values.len()
        );
        assert!(
            shared.labels.values.contains(&a.labels),
            "a set in use stays"
        );
    }
}
