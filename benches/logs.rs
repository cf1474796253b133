//! Log throughput and memory, in two parts:
//! - capacity: lines/s through the byte line splitter plus the 10 000-line ring buffer of the
//!   logs view (on one core), and the process RSS sampled every 100 000 lines of a
//!   1 000 000-line run, which must stay flat once the ring is full;
//! - tailed: a pod of the simulator (in process, `healthy` scenario) writes 50 000 lines/s for
//!   20 s while the real follower (`live::logs::follow::run`, kube-rs `log_stream` over HTTPS)
//!   tails it into the logs view's state; lines written and received per second and the
//!   process RSS each second, which must stay flat (the view's ring and the simulator's own log
//!   buffer both hold 10 000 lines).
//!
//! Run with `cargo bench --bench logs`; without `--bench` it runs a small smoke pass.
#![allow(clippy::unwrap_used)]

mod sim_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use kube::config::{KubeConfigOptions, Kubeconfig};
use kubevibe::app::logs::{DEFAULT_RING_LINES, LogsState};
use kubevibe::live::logs::{LineSplitter, LogEvent, LogLine, LogRequest, LogSource};
use kubevibe::sim::resource;
use kubevibe::sim::{SimOptions, start};
use sim_support::load;
use tokio::sync::mpsc;

/// Lines per second the tailed part writes.
const TAIL_RATE: usize = 50_000;
/// Marks the bench's own lines (the scenario's pods log a little by themselves).
const MARK: &str = "bench-line ";

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

/// The simulator's first Running pod in `shop` and its first container.
fn running_pod(store: &kubevibe::sim::store::Store) -> Option<(String, String)> {
    store
        .list(&resource::PODS, "shop")
        .ok()?
        .iter()
        .find(|p| p.field("status.phase") == Some("Running"))
        .and_then(|p| {
            let container = p.value()["spec"]["containers"][0]["name"]
                .as_str()?
                .to_string();
            Some((p.name().to_string(), container))
        })
}

/// Tails one pod of the simulator while it writes `TAIL_RATE` lines/s for `seconds`.
async fn tailed(seconds: u64) {
    let handle = start(SimOptions {
        scenario: "healthy".into(),
        ..SimOptions::default()
    })
    .await
    .unwrap();
    let started = Instant::now();
    let (pod, container) = loop {
        if let Some(found) = running_pod(handle.store()) {
            break found;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no shop pod ran"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let kubeconfig = Kubeconfig::from_yaml(&handle.kubeconfig_yaml("bench")).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .unwrap();
    let client = kube::Client::try_from(config).unwrap();
    let request = LogRequest {
        tail_lines: Some(0),
        ..LogRequest::new(LogSource::Pod {
            namespace: "shop".into(),
            name: pod.clone(),
        })
    };
    let (tx, mut rx) = mpsc::channel(64);
    let follower = tokio::spawn(kubevibe::live::logs::follow::run(client, request, tx));
    // The view's side: every batch into the logs state, as `app::logs::on_event` does.
    let received = Arc::new(AtomicUsize::new(0));
    let (started_tx, started_rx) = tokio::sync::oneshot::channel();
    let view = {
        let received = received.clone();
        tokio::spawn(async move {
            let mut state = LogsState::with_capacity(DEFAULT_RING_LINES);
            let mut started = Some(started_tx);
            while let Some(event) = rx.recv().await {
                match event {
                    LogEvent::Lines(lines) => {
                        let ours = lines.iter().filter(|l| l.text.starts_with(MARK)).count();
                        state.push_lines(lines);
                        received.fetch_add(ours, Ordering::AcqRel);
                    }
                    LogEvent::Started { .. } => {
                        if let Some(tx) = started.take() {
                            let _ = tx.send(());
                        }
                    }
                    _ => {}
                }
            }
            state.ring.len()
        })
    };
    started_rx.await.unwrap();
    // The writer: a thread appending what is due every millisecond.
    let written = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (store, written) = (handle.store().clone(), written.clone());
        std::thread::spawn(move || {
            let total = TAIL_RATE * seconds as usize;
            let begin = Instant::now();
            let mut n = 0;
            while n < total {
                let due = ((begin.elapsed().as_secs_f64() * TAIL_RATE as f64) as usize).min(total);
                while n < due {
                    let line = format!(
                        "{MARK}{n} level=info msg=\"handled request\" path=/api/cart/{n} status=200 took=3ms"
                    );
                    store.append_log("shop", &pod, &container, line).unwrap();
                    n += 1;
                }
                written.store(n, Ordering::Release);
                std::thread::sleep(Duration::from_millis(1));
            }
            begin.elapsed()
        })
    };
    let mut samples = Vec::new();
    let begin = Instant::now();
    let mut last = (0, 0);
    while !writer.is_finished() {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let (w, r) = (
            written.load(Ordering::Acquire),
            received.load(Ordering::Acquire),
        );
        samples.push(format!(
            "{:.0}s: +{}w +{}r {:.1}MiB",
            begin.elapsed().as_secs_f64(),
            w - last.0,
            r - last.1,
            sim_support::rss_mib()
        ));
        last = (w, r);
    }
    let wrote_for = writer.join().unwrap();
    let total = written.load(Ordering::Acquire);
    let waiting = Instant::now();
    while received.load(Ordering::Acquire) < total && waiting.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let got = received.load(Ordering::Acquire);
    let behind = waiting.elapsed();
    follower.abort();
    handle.shutdown().await;
    let held = view.await.unwrap();
    println!(
        "tailed: {total} lines written at {:.0} lines/s; {got} received ({:.2} %), the last \
         {:.0} ms after the writer stopped; the view holds {held} [load {}]",
        total as f64 / wrote_for.as_secs_f64(),
        got as f64 * 100.0 / total as f64,
        behind.as_secs_f64() * 1e3,
        load()
    );
    println!(
        "tailed, each second (lines written, received, process RSS): {}",
        samples.join("  ")
    );
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    if !full {
        run(20_000, false);
        runtime.block_on(tailed(2));
        return;
    }
    for _ in 0..3 {
        run(1_000_000, true);
    }
    for _ in 0..3 {
        runtime.block_on(tailed(20));
    }
}
