//! An order-statistic index over row slots: a sorted list of small sorted chunks, so an
//! insert or remove costs a binary search and a short shift, and the n-th entry is found by
//! walking chunk lengths — cheap enough to keep up to date per watch event. Entries can carry
//! their comparison keys, so a search reads the chunks it walks and not the rows.

use std::cmp::Ordering;

/// Entries per chunk before it splits in two.
const CHUNK: usize = 512;

#[derive(Clone, Debug)]
pub struct SortedIndex<T = u32> {
    chunks: Vec<Vec<T>>,
    /// The last entry of each chunk, so finding the chunk reads one array.
    lasts: Vec<T>,
    len: usize,
}

impl<T> Default for SortedIndex<T> {
    fn default() -> Self {
        SortedIndex {
            chunks: Vec::new(),
            lasts: Vec::new(),
            len: 0,
        }
    }
}

impl<T: Copy + PartialEq> SortedIndex<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// An index of `items` in the order `cmp` gives.
    pub fn build(mut items: Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) -> Self {
        items.sort_unstable_by(&cmp);
        let len = items.len();
        let chunks: Vec<Vec<T>> = items.chunks(CHUNK / 2).map(<[T]>::to_vec).collect();
        let lasts = chunks.iter().filter_map(|c| c.last().copied()).collect();
        Self { chunks, lasts, len }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The chunk that holds or would hold `item`.
    fn chunk_of(&self, item: &T, cmp: &impl Fn(&T, &T) -> Ordering) -> usize {
        let after = self
            .lasts
            .partition_point(|last| cmp(last, item) == Ordering::Less);
        after.min(self.chunks.len().saturating_sub(1))
    }

    /// Adds `item`; `cmp` must be the order the index was built with.
    pub fn insert(&mut self, item: T, cmp: impl Fn(&T, &T) -> Ordering) {
        self.len += 1;
        if self.chunks.is_empty() {
            self.chunks.push(vec![item]);
            self.lasts.push(item);
            return;
        }
        let at = self.chunk_of(&item, &cmp);
        let chunk = &mut self.chunks[at];
        let pos = chunk.partition_point(|x| cmp(x, &item) == Ordering::Less);
        if chunk.len() == chunk.capacity() {
            // Room for one full chunk, not double: a chunk never holds more than that.
            chunk.reserve_exact((CHUNK + 1).saturating_sub(chunk.len()).max(1));
        }
        chunk.insert(pos, item);
        if chunk.len() > CHUNK {
            // Entries added in order (a list in the sort order) fill one chunk after another
            // instead of leaving each half empty.
            let at_end = at + 1 == self.lasts.len() && pos == CHUNK;
            let tail = chunk.split_off(if at_end { CHUNK } else { CHUNK / 2 });
            let (head_last, tail_last) = (chunk.last().copied(), tail.last().copied());
            self.chunks.insert(at + 1, tail);
            if let (Some(head_last), Some(tail_last)) = (head_last, tail_last) {
                self.lasts[at] = head_last;
                self.lasts.insert(at + 1, tail_last);
            }
        } else if pos + 1 == chunk.len() {
            self.lasts[at] = item;
        }
    }

    /// Repacks the entries into chunks filled to three quarters, each holding no spare room:
    /// the index then costs little more than its entries (chunks grow again as needed).
    pub fn compact(&mut self) {
        let entries: Vec<T> = self.chunks.iter().flatten().copied().collect();
        self.chunks = entries.chunks(CHUNK * 3 / 4).map(<[T]>::to_vec).collect();
        self.lasts = self
            .chunks
            .iter()
            .filter_map(|c| c.last().copied())
            .collect();
    }

    /// Removes `item`, which must compare as it did when inserted. Returns whether it was there.
    pub fn remove(&mut self, item: &T, cmp: impl Fn(&T, &T) -> Ordering) -> bool {
        if self.chunks.is_empty() {
            return false;
        }
        let at = self.chunk_of(item, &cmp);
        let chunk = &mut self.chunks[at];
        let pos = chunk.partition_point(|x| cmp(x, item) == Ordering::Less);
        if chunk.get(pos) != Some(item) {
            return false;
        }
        chunk.remove(pos);
        match chunk.last() {
            None => {
                self.chunks.remove(at);
                self.lasts.remove(at);
            }
            Some(last) => self.lasts[at] = *last,
        }
        self.len -= 1;
        true
    }

    /// The position of `item`, if present.
    pub fn position(&self, item: &T, cmp: impl Fn(&T, &T) -> Ordering) -> Option<usize> {
        if self.chunks.is_empty() {
            return None;
        }
        let at = self.chunk_of(item, &cmp);
        let chunk = &self.chunks[at];
        let pos = chunk.partition_point(|x| cmp(x, item) == Ordering::Less);
        (chunk.get(pos) == Some(item))
            .then(|| self.chunks[..at].iter().map(Vec::len).sum::<usize>() + pos)
    }

    /// The entries from position `start` on, in order.
    pub fn iter_from(&self, start: usize) -> impl Iterator<Item = T> + '_ {
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

    pub fn get(&self, position: usize) -> Option<T> {
        self.iter_from(position).next()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn matches_a_sorted_set(
            ops in proptest::collection::vec((any::<bool>(), 0u32..3000), 1..3000),
            ascending in proptest::collection::vec(0u32..3000, 0..1200),
        ) {
            // Order by a coarse key, then the item, so equal keys are common.
            let key = |x: u32| (x % 97, x);
            let cmp = |a: &u32, b: &u32| key(*a).cmp(&key(*b));
            let mut index = SortedIndex::new();
            let mut model = std::collections::BTreeSet::new();
            // Items added in ascending order first (they split chunks at the end).
            let mut ascending = ascending;
            ascending.sort_by_key(|x| key(*x));
            ascending.dedup();
            let ops = ascending.into_iter().map(|x| (true, x)).chain(ops);
            for (add, item) in ops {
                let present = model.contains(&key(item));
                if add && !present {
                    index.insert(item, cmp);
                    model.insert(key(item));
                } else if !add {
                    prop_assert_eq!(index.remove(&item, cmp), present);
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
                prop_assert_eq!(index.position(item, cmp), Some(model.len() / 2));
            }
            let rebuilt = SortedIndex::build(model.clone(), cmp);
            prop_assert_eq!(rebuilt.iter_from(0).collect::<Vec<_>>(), model.clone());
            // Compacted, it holds and finds the same entries.
            index.compact();
            prop_assert_eq!(index.len(), model.len());
            prop_assert_eq!(index.iter_from(0).collect::<Vec<_>>(), model.clone());
            for (position, item) in model.iter().enumerate().step_by(97) {
                prop_assert_eq!(index.position(item, cmp), Some(position));
            }
        }
    }
}
