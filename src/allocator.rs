//! The process's memory allocator: the system's, or mimalloc once the process becomes the
//! cluster simulator (`kubevibe sim`).
//!
//! The simulator builds, parses and serializes tens of thousands of small JSON values per
//! second; with glibc's malloc a third of its time went to allocating and freeing, and
//! mimalloc halves that work. The cockpit is the opposite case: it holds little and decodes
//! big list pages now and then, and mimalloc keeps freed pages resident (179 MiB against
//! glibc's 41 MiB after listing 50 000 pods). So the choice is made per process, once, early
//! in `main`: blocks allocated before the switch stay the system allocator's, and every free
//! asks mimalloc's page map whether the block is its own. It also gives freed pages back to
//! the operating system after a big list, which glibc does not do by itself.

#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

use mimalloc::MiMalloc;

/// Set once, never cleared: whether new blocks come from mimalloc.
static MIMALLOC: AtomicBool = AtomicBool::new(false);

/// The global allocator of the `kubevibe` binary (and of the benchmarks that stand in for it).
pub struct Allocator;

impl Allocator {
    /// From now on this process allocates with mimalloc. Blocks allocated before keep being
    /// freed and resized by the system allocator.
    pub fn use_mimalloc() {
        MIMALLOC.store(true, Ordering::Release);
    }

    /// Whether `ptr` is a block mimalloc handed out.
    pub fn from_mimalloc(ptr: *const u8) -> bool {
        // Before the switch mimalloc has handed out nothing (and may not be initialized).
        if !Self::mimalloc_on() {
            return false;
        }
        // SAFETY: `mi_is_in_heap_region` only looks the address up in mimalloc's page map;
        // it accepts any pointer, ours or not (mimalloc's own malloc override relies on it).
        unsafe { libmimalloc_sys::mi_is_in_heap_region(ptr.cast()) }
    }

    fn mimalloc_on() -> bool {
        MIMALLOC.load(Ordering::Acquire)
    }
}

// SAFETY: every block is freed and resized by the allocator that made it: before the switch
// all blocks are the system's; after it, `from_mimalloc` tells the two apart.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if Self::mimalloc_on() {
            // SAFETY: forwarded with the caller's guarantees.
            unsafe { MiMalloc.alloc(layout) }
        } else {
            // SAFETY: forwarded with the caller's guarantees.
            unsafe { System.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if Self::mimalloc_on() {
            // SAFETY: forwarded with the caller's guarantees.
            unsafe { MiMalloc.alloc_zeroed(layout) }
        } else {
            // SAFETY: forwarded with the caller's guarantees.
            unsafe { System.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if Self::from_mimalloc(ptr) {
            // SAFETY: mimalloc made this block.
            unsafe { MiMalloc.dealloc(ptr, layout) }
        } else {
            // SAFETY: the system allocator made this block.
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if Self::from_mimalloc(ptr) {
            // SAFETY: mimalloc made this block.
            unsafe { MiMalloc.realloc(ptr, layout, new_size) }
        } else {
            // SAFETY: the system allocator made this block; it stays the system's.
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }
}

/// Gives the pages of freed blocks back to the operating system. glibc keeps a heap at its
/// peak: after the list pages of 50 000 pods (5 000 objects per page, decoded) the watch
/// process stayed at 130 MiB although the rows it keeps take about 30 MiB.
pub fn release_free_pages() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if !MIMALLOC.load(Ordering::Acquire) {
        // SAFETY: `malloc_trim` only walks glibc's own heap under its own locks.
        unsafe {
            libc::malloc_trim(0);
        }
    }
}

/// Sets glibc's allocator up for the cockpit, before its threads start: one arena (each
/// thread's arena kept its own fragments of the list pages) and blocks of 256 KiB and more
/// mapped on their own, so a decoded list page goes back to the system when it is freed.
/// After listing 50 000 pods the watch process holds 50 MiB instead of 89 MiB.
pub fn tune_for_cockpit() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if !MIMALLOC.load(Ordering::Acquire) {
        // SAFETY: `mallopt` only sets glibc's allocator parameters; both are documented ones.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 1);
            libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
        }
    }
}
