//! The process allocator's switch to mimalloc: blocks made before it are still freed and
//! resized by the system allocator, blocks made after it by mimalloc, across threads.

use kubevibe::allocator::Allocator;

#[global_allocator]
static ALLOCATOR: Allocator = Allocator;

#[test]
fn blocks_from_before_and_after_the_switch_each_go_back_to_their_allocator() {
    let mut before: Vec<Vec<u64>> = (0..1_000u64)
        .map(|i| vec![i; 1 + (i % 97) as usize])
        .collect();
    let before_text = "made by the system allocator".repeat(1_000);
    assert!(!Allocator::from_mimalloc(before[0].as_ptr().cast()));

    Allocator::use_mimalloc();
    let after: Vec<Vec<u64>> = (0..1_000u64)
        .map(|i| vec![i; 1 + (i % 89) as usize])
        .collect();
    assert!(Allocator::from_mimalloc(after[0].as_ptr().cast()));
    assert!(!Allocator::from_mimalloc(before[0].as_ptr().cast()));
    assert!(!Allocator::from_mimalloc(before_text.as_ptr()));

    // Old blocks grow and shrink in place with the system allocator, contents kept.
    for (i, block) in before.iter_mut().enumerate() {
        block.extend(std::iter::repeat_n(i as u64, 4_096));
        block.shrink_to_fit();
        assert_eq!(block[0], i as u64);
        assert!(!Allocator::from_mimalloc(block.as_ptr().cast()));
    }
    // Blocks of both kinds are dropped on another thread.
    let dropper = std::thread::spawn(move || {
        let total: u64 = before.iter().chain(after.iter()).map(|b| b[0]).sum();
        drop(before);
        drop(after);
        total
    });
    assert_eq!(
        dropper.join().expect("the dropping thread ran"),
        2 * (0..1_000).sum::<u64>()
    );
    assert_eq!(before_text.len(), 28_000);
}
