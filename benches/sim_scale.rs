//! Scale benchmark of the simulator on the real `scale:50000` scenario (50 000 pods in 100
//! namespaces, made by its deployments, replica sets, scheduler and kubelet): resident memory
//! once every pod runs, a full paged list over HTTPS (limit=500), a watch from
//! resourceVersion 0, and one watch client following live label changes.
//! Run with `cargo bench --bench sim_scale`; each timed figure is the median of three runs.
#![allow(clippy::unwrap_used)]

mod sim_support;

use std::time::{Duration, Instant};

use futures::StreamExt;
use kubevibe::sim::{SimHandle, SimOptions, start};
use sim_support::*;

/// The allocator of the `kubevibe` binary, switched to mimalloc as `kubevibe sim` does, so the
/// in-process figures match the simulator's own process.
#[global_allocator]
static ALLOCATOR: kubevibe::allocator::Allocator = kubevibe::allocator::Allocator;

/// Label changes the live-watch figure follows, per run.
const WATCHED_CHANGES: usize = 20_000;

/// Pods changed per `modify_many` when the changes are produced in bursts.
const BURST: usize = 1_000;

/// A list page as the benchmark reads it: items are counted, not parsed into values.
#[derive(serde::Deserialize)]
struct Page {
    metadata: PageMetadata,
    items: Vec<serde::de::IgnoredAny>,
}

#[derive(serde::Deserialize)]
struct PageMetadata {
    #[serde(rename = "continue")]
    next: Option<String>,
}

async fn paged_list(handle: &SimHandle, http: &reqwest::Client) -> (usize, usize, usize, Duration) {
    let started = Instant::now();
    let (mut items, mut pages, mut bytes, mut next) = (0, 0, 0, String::new());
    loop {
        let url = format!(
            "{}/api/v1/pods?limit=500&continue={next}",
            handle.base_url()
        );
        let response = http
            .get(url)
            .bearer_auth(handle.token())
            .send()
            .await
            .unwrap();
        let body = response.bytes().await.unwrap();
        let page: Page = serde_json::from_slice(&body).unwrap();
        items += page.items.len();
        pages += 1;
        bytes += body.len();
        match page.metadata.next {
            Some(token) => next = token,
            None => return (items, pages, bytes, started.elapsed()),
        }
    }
}

/// How a watch error event starts (410 Gone when the watcher fell out of the window).
const ERROR: &[u8] = b"{\"type\":\"ERROR\"";

/// Reads a watch body until `expected` events (one JSON line each) have arrived.
async fn count_events(response: reqwest::Response, expected: usize) -> usize {
    let mut body = response.bytes_stream();
    let mut events = 0;
    while events < expected {
        let next = tokio::time::timeout(Duration::from_secs(120), body.next()).await;
        let chunk = next.unwrap().unwrap().unwrap();
        assert!(
            !chunk.windows(ERROR.len()).any(|w| w == ERROR),
            "the watch ended with an error: {}",
            String::from_utf8_lossy(&chunk)
        );
        events += chunk.iter().filter(|b| **b == b'\n').count();
    }
    events
}

/// A watch on every pod from `rv`, its response ready to be read.
async fn watch_pods_from(handle: &SimHandle, http: &reqwest::Client, rv: u64) -> reqwest::Response {
    let url = format!(
        "{}/api/v1/pods?watch=1&resourceVersion={rv}",
        handle.base_url()
    );
    http.get(url)
        .bearer_auth(handle.token())
        .send()
        .await
        .unwrap()
}

/// A watch from resourceVersion 0: every pod as an ADDED event, streamed to one client.
async fn initial_watch(
    handle: &SimHandle,
    http: &reqwest::Client,
    expected: usize,
) -> (usize, Duration) {
    let started = Instant::now();
    let response = watch_pods_from(handle, http, 0).await;
    let events = count_events(response, expected).await;
    (events, started.elapsed())
}

/// One client watching every pod while the store changes a label on `WATCHED_CHANGES` of
/// them as fast as it can, `batch` pods per write (1: one `modify` each). Returns the
/// events, the time until the last one arrived, and the time the writes took.
async fn live_watch(
    handle: &SimHandle,
    http: &reqwest::Client,
    round: usize,
    batch: usize,
) -> (usize, Duration, Duration) {
    let rv = handle.store().resource_version();
    let response = watch_pods_from(handle, http, rv).await;
    let store = handle.store().clone();
    let started = Instant::now();
    let writer =
        tokio::task::spawn_blocking(move || churn_labels(&store, WATCHED_CHANGES, round, batch));
    let events = count_events(response, WATCHED_CHANGES).await;
    let took = started.elapsed();
    (events, took, writer.await.unwrap())
}

/// Changes the catch-up figure replays: below the store's window of 10 000 retained changes,
/// so the watch is served from the window instead of ending with 410 Gone.
const RETAINED_CHANGES: usize = 9_000;

/// One client catching up on changes already made: `RETAINED_CHANGES` label changes are
/// written first (1 000 per `modify_many`), then a watch from the resourceVersion before them
/// receives each as a MODIFIED event from the retained window. This is the serving path for
/// change events alone, without the writer sharing the cores. Returns events and time.
async fn catch_up_watch(
    handle: &SimHandle,
    http: &reqwest::Client,
    round: usize,
) -> (usize, Duration) {
    let rv = handle.store().resource_version();
    let store = handle.store().clone();
    tokio::task::spawn_blocking(move || churn_labels(&store, RETAINED_CHANGES, round, BURST))
        .await
        .unwrap();
    let started = Instant::now();
    let response = watch_pods_from(handle, http, rv).await;
    let events = count_events(response, RETAINED_CHANGES).await;
    (events, started.elapsed())
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    kubevibe::allocator::Allocator::use_mimalloc();
    runtime.block_on(async {
        let before = rss_mib();
        let started = Instant::now();
        let options = SimOptions { scenario: format!("scale:{SCALE_PODS}"), ..SimOptions::default() };
        let handle = start(options).await.unwrap();
        let serving = started.elapsed();
        let (listed, running) = settle(handle.store(), SCALE_PODS).await;
        println!(
            "scale:{SCALE_PODS} in process: serving after {:.0} ms, all pods in the store after {:.2} s, all Running after {:.2} s [load {}]",
            serving.as_secs_f64() * 1e3,
            (serving + listed).as_secs_f64(),
            (serving + running).as_secs_f64(),
            load()
        );
        // Let the controllers finish their last status writes before memory is read.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let held = rss_mib();
        println!(
            "resident memory holding scale:{SCALE_PODS}: {held:.0} MiB ({before:.0} MiB before start, {:.1} KiB per pod) [load {}]",
            (held - before) * 1024.0 / SCALE_PODS as f64,
            load()
        );
        let stored: usize = handle
            .store()
            .list(&kubevibe::sim::resource::PODS, "")
            .unwrap()
            .iter()
            .map(|p| p.raw().len())
            .sum();
        println!("stored pod JSON: {:.1} KiB per pod on average", stored as f64 / 1024.0 / SCALE_PODS as f64);

        let http = client(&handle);
        let mut list_secs = Vec::new();
        for _ in 0..RUNS {
            let (items, pages, bytes, took) = paged_list(&handle, &http).await;
            assert!(items >= SCALE_PODS, "the list returned {items} pods");
            println!(
                "  paged list: {items} pods in {pages} pages ({:.0} MiB) in {:.2} s [load {}]",
                bytes as f64 / 1_048_576.0,
                took.as_secs_f64(),
                load()
            );
            list_secs.push(took.as_secs_f64());
        }
        report("full paged list (limit=500) over HTTPS", &list_secs, "s", 2);

        let mut initial_rates = Vec::new();
        for _ in 0..RUNS {
            let (events, took) = initial_watch(&handle, &http, SCALE_PODS).await;
            initial_rates.push(events as f64 / took.as_secs_f64());
        }
        report("watch from resourceVersion 0 (ADDED for every pod)", &initial_rates, "events/s", 0);

        let mut catch_up_rates = Vec::new();
        for run in 0..RUNS {
            let (events, took) = catch_up_watch(&handle, &http, 2 * RUNS + run).await;
            catch_up_rates.push(events as f64 / took.as_secs_f64());
        }
        report(
            &format!("one watch client catching up on {RETAINED_CHANGES} retained label changes (MODIFIED)"),
            &catch_up_rates,
            "events/s",
            0,
        );

        for (batch, how) in [(1, "written one at a time"), (BURST, "written 1000 per modify_many")] {
            let (mut live_rates, mut write_rates) = (Vec::new(), Vec::new());
            for run in 0..RUNS {
                let round = if batch == 1 { run } else { RUNS + run };
                let (events, took, writes) = live_watch(&handle, &http, round, batch).await;
                live_rates.push(events as f64 / took.as_secs_f64());
                write_rates.push(WATCHED_CHANGES as f64 / writes.as_secs_f64());
            }
            report(
                &format!("one watch client following {WATCHED_CHANGES} live label changes {how}"),
                &live_rates,
                "events/s",
                0,
            );
            report("  label changes written through the store", &write_rates, "writes/s", 0);
        }
        println!(
            "resident memory at the end: {:.0} MiB, peak {:.0} MiB [load {}]",
            rss_mib(),
            peak_rss_mib(),
            load()
        );
        handle.shutdown().await;
    });
}
