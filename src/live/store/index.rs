//! An order-statistic index over row slots: a sorted list of small sorted chunks, so an
//! insert or remove costs a binary search and a short shift, and the n-th entry is found by
//! walking chunk lengths — cheap enough to keep up to date per watch event.

use std::cmp::Ordering;

/// Entries per chunk before it splits in two.
const CHUNK: usize = 512;

#[derive(Clone, Debug, Default)]
pub struct SortedIndex {
    chunks: Vec<Vec<u32>>,
    len: usize,
}

impl SortedIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// An index of `items` in the order `cmp` gives.
    pub fn build(mut items: Vec<u32>, cmp: impl Fn(u32, u32) -> Ordering) -> Self {
        items.sort_unstable_by(|a, b| cmp(*a, *b));
        let len = items.len();
        let chunks = items.chunks(CHUNK / 2).map(<[u32]>::to_vec).collect();
        Self { chunks, len }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The chunk that holds or would hold `item`.
    fn chunk_of(&self, item: u32, cmp: &impl Fn(u32, u32) -> Ordering) -> usize {
        let after = self.chunks.partition_point(|chunk| {
            chunk
                .last()
                .is_some_and(|last| cmp(*last, item) == Ordering::Less)
        });
        after.min(self.chunks.len().saturating_sub(1))
    }

    /// Adds `item`; `cmp` must be the order the index was built with.
    pub fn insert(&mut self, item: u32, cmp: impl Fn(u32, u32) -> Ordering) {
        self.len += 1;
        if self.chunks.is_empty() {
            self.chunks.push(vec![item]);
            return;
        }
        let at = self.chunk_of(item, &cmp);
        let chunk = &mut self.chunks[at];
        let pos = chunk.partition_point(|x| cmp(*x, item) == Ordering::Less);
        chunk.insert(pos, item);
        if chunk.len() > CHUNK {
            let tail = chunk.split_off(CHUNK / 2);
            self.chunks.insert(at + 1, tail);
        }
    }

    /// Removes `item`, which must compare as it did when inserted. Returns whether it was there.
    pub fn remove(&mut self, item: u32, cmp: impl Fn(u32, u32) -> Ordering) -> bool {
        if self.chunks.is_empty() {
            return false;
        }
        let at = self.chunk_of(item, &cmp);
        let chunk = &mut self.chunks[at];
        let pos = chunk.partition_point(|x| cmp(*x, item) == Ordering::Less);
        if chunk.get(pos) != Some(&item) {
            return false;
        }
        chunk.remove(pos);
        if chunk.is_empty() {
            self.chunks.remove(at);
        }
        self.len -= 1;
        true
    }

    /// The position of `item`, if present.
    pub fn position(&self, item: u32, cmp: impl Fn(u32, u32) -> Ordering) -> Option<usize> {
        if self.chunks.is_empty() {
            return None;
        }
        let at = self.chunk_of(item, &cmp);
        let chunk = &self.chunks[at];
        let pos = chunk.partition_point(|x| cmp(*x, item) == Ordering::Less);
        (chunk.get(pos) == Some(&item))
            .then(|| self.chunks[..at].iter().map(Vec::len).sum::<usize>() + pos)
    }

    /// The entries from position `start` on, in order.
    pub fn iter_from(&self, start: usize) -> impl Iterator<Item = u32> + '_ {
        let mut skip = start;
        let mut first = self.chunks.len();
        for (i, chunk) in self.chunks.iter().enumerate() {
            if skip < chunk.len() {
                first = i;
                break;
            }
            skip -= chunk.len();
        }
        self.chunks
            .get(first..)
            .unwrap_or_default()
            .iter()
            .flatten()
            .skip(skip)
            .copied()
    }

    pub fn get(&self, position: usize) -> Option<u32> {
        self.iter_from(position).next()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn matches_a_sorted_set(ops in proptest::collection::vec((any::<bool>(), 0u32..3000), 1..3000)) {
            // Order by a coarse key, then the item, so equal keys are common.
            let key = |x: u32| (x % 97, x);
            let cmp = |a: u32, b: u32| key(a).cmp(&key(b));
            let mut index = SortedIndex::new();
            let mut model = std::collections::BTreeSet::new();
            for (add, item) in ops {
                let present = model.contains(&key(item));
                if add && !present {
                    index.insert(item, cmp);
                    model.insert(key(item));
                } else if !add {
                    prop_assert_eq!(index.remove(item, cmp), present);
                    model.remove(&key(item));
                }
            }
            let model: Vec<u32> = model.into_iter().map(|(_, x)| x).collect();
            prop_assert_eq!(index.len(), model.len());
            prop_assert_eq!(index.iter_from(0).collect::<Vec<_>>(), model.clone());
            for probe in [0, model.len() / 3, model.len().saturating_sub(1), model.len()] {
                prop_assert_eq!(index.get(probe), model.get(probe).copied());
                let tail: Vec<u32> = index.iter_from(probe).collect();
                prop_assert_eq!(&tail[..], &model[probe.min(model.len())..]);
            }
            if let Some(item) = model.get(model.len() / 2) {
                prop_assert_eq!(index.position(*item, cmp), Some(model.len() / 2));
            }
            let rebuilt = SortedIndex::build(model.clone(), cmp);
            prop_assert_eq!(rebuilt.iter_from(0).collect::<Vec<_>>(), model);
        }
    }
}
