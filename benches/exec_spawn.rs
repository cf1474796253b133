//! The executor's costs: from approval (the `spawn` call) to a running child and to the
//! `Started` event, and 100 000 lines of output through `spawn` into a consumer.
//!
//! Run with `cargo bench --bench exec_spawn`; figures are printed, not asserted.

use std::time::{Duration, Instant};

use kubevibe::exec::{ExecEvent, ExecRequest, spawn};
use tokio::sync::mpsc;

const STARTS: usize = 200;
const LINE_RUNS: usize = 10;
const LINES: usize = 100_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[index]
}

fn micros(duration: Duration) -> String {
    format!("{:.0} µs", duration.as_secs_f64() * 1e6)
}

/// `spawn` until it returns (the child has exec'd) and until `Started` is received.
async fn start_latency() {
    let mut spawned = Vec::with_capacity(STARTS);
    let mut started = Vec::with_capacity(STARTS);
    for _ in 0..STARTS {
        let request = ExecRequest::new(vec!["kubectl".to_owned()]).program("true");
        let (sender, mut receiver) = mpsc::channel(16);
        let begin = Instant::now();
        let running = spawn(request, sender).expect("`true` starts");
        spawned.push(begin.elapsed());
        match receiver.recv().await {
            Some(ExecEvent::Started { .. }) => started.push(begin.elapsed()),
            other => panic!("expected Started, got {other:?}"),
        }
        while let Some(event) = receiver.recv().await {
            if matches!(event, ExecEvent::Finished(_)) {
                break;
            }
        }
        drop(running);
    }
    spawned.sort();
    started.sort();
    println!(
        "approval → child exec'd (spawn returns), {STARTS} runs: median {}, p95 {}, max {}",
        micros(percentile(&spawned, 0.5)),
        micros(percentile(&spawned, 0.95)),
        micros(spawned[spawned.len() - 1]),
    );
    println!(
        "approval → Started received, {STARTS} runs: median {}, p95 {}, max {}",
        micros(percentile(&started, 0.5)),
        micros(percentile(&started, 0.95)),
        micros(started[started.len() - 1]),
    );
}

/// `seq 1 100000` through `spawn` into a consumer that counts lines and bytes.
async fn line_throughput() {
    let mut rates = Vec::with_capacity(LINE_RUNS);
    let mut messages_seen = Vec::with_capacity(LINE_RUNS);
    for _ in 0..LINE_RUNS {
        let request = ExecRequest::new(vec![
            "kubectl".to_owned(),
            "1".to_owned(),
            LINES.to_string(),
        ])
        .program("seq");
        let (sender, mut receiver) = mpsc::channel(64);
        let begin = Instant::now();
        let running = spawn(request, sender).expect("`seq` starts");
        let (mut lines, mut bytes, mut messages) = (0usize, 0usize, 0usize);
        while let Some(event) = receiver.recv().await {
            match event {
                ExecEvent::Output(batch) => {
                    messages += 1;
                    lines += batch.len();
                    bytes += batch.iter().map(|line| line.text.len()).sum::<usize>();
                }
                ExecEvent::Finished(report) => {
                    assert_eq!(report.total_lines, LINES);
                    break;
                }
                ExecEvent::Started { .. } => {}
            }
        }
        let elapsed = begin.elapsed();
        assert_eq!(lines, LINES);
        std::hint::black_box(bytes);
        rates.push(LINES as f64 / elapsed.as_secs_f64());
        messages_seen.push(messages);
        drop(running);
    }
    rates.sort_by(f64::total_cmp);
    messages_seen.sort_unstable();
    println!(
        "{LINES} lines through spawn, {LINE_RUNS} runs: median {:.2} M lines/s (min {:.2}, max {:.2}); \
         Output messages per run: median {}, min {}, max {}",
        rates[rates.len() / 2] / 1e6,
        rates[0] / 1e6,
        rates[rates.len() - 1] / 1e6,
        messages_seen[messages_seen.len() / 2],
        messages_seen[0],
        messages_seen[messages_seen.len() - 1],
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        start_latency().await;
        line_throughput().await;
    });
}
