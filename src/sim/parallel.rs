//! Mapping a list of independent items on every core, in order: for building and preparing
//! the tens of thousands of objects a large scenario seeds.

/// Items below this many are mapped on the calling thread.
const PARALLEL_FROM: usize = 256;

/// `items` mapped through `f`, in their order, split over the available cores. A thread that
/// cannot be started leaves its share to the calling thread.
pub fn map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    if threads < 2 || items.len() < PARALLEL_FROM {
        return items.into_iter().map(f).collect();
    }
    let share = items.len().div_ceil(threads);
    let mut rest = items.into_iter();
    let mut shares: Vec<Vec<T>> = Vec::with_capacity(threads);
    loop {
        let next: Vec<T> = rest.by_ref().take(share).collect();
        if next.is_empty() {
            break;
        }
        shares.push(next);
    }
    let f = &f;
    std::thread::scope(|scope| {
        // The first share runs here; the others on their own threads.
        let mut shares = shares.into_iter();
        let first = shares.next().unwrap_or_default();
        let spawned: Vec<Result<_, Vec<T>>> = shares
            .map(|share| {
                // `spawn_scoped` consumes the closure even on failure, so the share is handed
                // over through a slot the closure takes it from.
                let slot = std::sync::Mutex::new(Some(share));
                let slot = std::sync::Arc::new(slot);
                let taken = slot.clone();
                let started = std::thread::Builder::new().spawn_scoped(scope, move || {
                    let share = taken
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .take()
                        .unwrap_or_default();
                    share.into_iter().map(f).collect::<Vec<R>>()
                });
                started.map_err(|_| {
                    slot.lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .take()
                        .unwrap_or_default()
                })
            })
            .collect();
        let mut mapped: Vec<R> = first.into_iter().map(f).collect();
        for share in spawned {
            match share {
                Ok(handle) => match handle.join() {
                    Ok(results) => mapped.extend(results),
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                Err(share) => mapped.extend(share.into_iter().map(f)),
            }
        }
        mapped
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_order_of_many_items() {
        let items: Vec<u64> = (0..10_000).collect();
        let mapped = super::map(items, |n| n * 2);
        assert_eq!(mapped.len(), 10_000);
        assert!(mapped.iter().enumerate().all(|(i, n)| *n == i as u64 * 2));
    }

    #[test]
    fn maps_few_items_in_place() {
        assert_eq!(super::map(vec![1, 2, 3], |n| n + 1), vec![2, 3, 4]);
        assert!(super::map(Vec::<u8>::new(), |n| n).is_empty());
    }
}
