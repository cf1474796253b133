//! Log throughput and memory: lines/s through the byte line splitter plus the 10 000-line ring
//! buffer of the logs view (on one core), and the process RSS sampled every 100 000 lines of
//! a 1 000 000-line run, which must stay flat once the ring is full.
//! Run with `cargo bench --bench logs`; without `--bench` it runs a small smoke pass.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Instant;

use kubevibe::app::logs::{DEFAULT_RING_LINES, LogsState};
use kubevibe::live::logs::{LineSplitter, LogLine};

/// Resident set size in KiB (Linux `/proc/self/statm`; 0 elsewhere).
fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4
}

/// A 64 KiB chunk of ~100-byte log lines, as a kubelet stream delivers them.
fn chunk(start: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(70_000);
    let mut i = start;
    while out.len() < 64 * 1024 {
        out.extend_from_slice(
            format!("2026-01-01T00:00:00Z level=info msg=\"handled request\" path=/api/cart/{i} status=200 took=3ms\n")
                .as_bytes(),
        );
        i += 1;
    }
    out
}

fn run(lines: usize, report_rss: bool) {
    let pod: Arc<str> = Arc::from("checkout-7d9f-x2k4p");
    let container: Arc<str> = Arc::from("app");
    let mut state = LogsState::with_capacity(DEFAULT_RING_LINES);
    let mut splitter = LineSplitter::default();
    let mut out = Vec::new();
    let mut pushed = 0;
    let mut next_report = 100_000;
    let mut samples = Vec::new();
    let started = Instant::now();
    while pushed < lines {
        splitter.push(&chunk(pushed), &mut out);
        let batch: Vec<LogLine> = out
            .drain(..)
            .map(|text| LogLine {
                pod: pod.clone(),
                container: container.clone(),
                text,
                timestamp: None,
            })
            .collect();
        pushed += batch.len();
        state.push_lines(batch);
        if report_rss && pushed >= next_report {
            samples.push((pushed, rss_kib()));
            next_report += 100_000;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "splitter + ring: {pushed} lines in {elapsed:.3} s = {:.0} lines/s (ring holds {}, dropped {})",
        pushed as f64 / elapsed,
        state.ring.len(),
        state.ring.dropped
    );
    if report_rss {
        let line: Vec<String> = samples
            .iter()
            .map(|(n, kib)| format!("{}k:{:.1}MiB", n / 1000, *kib as f64 / 1024.0))
            .collect();
        println!("RSS: {}", line.join(" "));
    }
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    if !full {
        run(20_000, false);
        return;
    }
    for _ in 0..3 {
        run(1_000_000, true);
    }
}
