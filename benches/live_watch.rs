//! Watching the pods of the simulator's `scale:50000` scenario (in process) into a live
//! store: time to the first rows and to all 50 000 loaded, against a bare `serde_json` scan of
//! the same list pages; resident memory while the list is applied (peak) and once live
//! (steady). Run with `cargo bench --bench live_watch`; without `--bench` it uses scale:2000.
//! `LIVE_WATCH_PAGE=N` sets the watcher's page size (default: the cockpit's, 5 000).
#![allow(clippy::unwrap_used)]

mod sim_support;

use std::time::{Duration, Instant};

use kube::config::{KubeConfigOptions, Kubeconfig};
use kubevibe::live::projection::{KnownKind, PodRow};
use kubevibe::live::store::{Change, Store, SyncState};
use kubevibe::live::watch::{self, WatchSpec};
use kubevibe::sim::{SimHandle, SimOptions, start};
use sim_support::*;
use tokio::sync::mpsc;

/// A list page as the baseline reads it: every item is scanned by serde, nothing is kept.
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

/// The same paged list the watcher makes (limit=500), fetched and scanned without decoding.
async fn bare_scan(handle: &SimHandle, http: &reqwest::Client) -> (usize, Duration) {
    let started = Instant::now();
    let (mut items, mut next) = (0, String::new());
    loop {
        let url = format!(
            "{}/api/v1/pods?limit=500&continue={next}",
            handle.base_url()
        );
        let body = http
            .get(url)
            .bearer_auth(handle.token())
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let page: Page = serde_json::from_slice(&body).unwrap();
        items += page.items.len();
        match page.metadata.next {
            Some(token) if !token.is_empty() => next = token,
            _ => return (items, started.elapsed()),
        }
    }
}

async fn kube_client(handle: &SimHandle) -> kube::Client {
    let kubeconfig = Kubeconfig::from_yaml(&handle.kubeconfig_yaml("bench")).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .unwrap();
    kube::Client::try_from(config).unwrap()
}

/// Resets the peak resident memory (VmHWM) to the current size.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

struct Watched {
    first_rows: Duration,
    loaded: Duration,
    rows: usize,
    peak_mib: f64,
    steady_mib: f64,
}

/// One watch from scratch until the store is live with `pods` rows.
async fn watch_once(client: kube::Client, pods: usize, streaming: bool) -> Watched {
    let before = rss_mib();
    reset_peak();
    let started = Instant::now();
    let (sender, mut receiver) = mpsc::channel(64);
    let mut spec = WatchSpec::new(PodRow::api_resource()).streaming_list(streaming);
    spec.page_size = std::env::var("LIVE_WATCH_PAGE")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(spec.page_size);
    let handle = watch::spawn::<PodRow>(client, spec, sender);
    let mut store = Store::for_projection::<PodRow>("pods", None);
    let mut first_rows = None;
    while let Some(batch) = receiver.recv().await {
        if first_rows.is_none() && batch.iter().any(|c| matches!(c, Change::InitRow(_))) {
            first_rows = Some(started.elapsed());
        }
        store.apply_all(batch);
        if *store.state() == SyncState::Live {
            break;
        }
    }
    let loaded = started.elapsed();
    let peak = peak_rss_mib() - before;
    handle.stop();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let steady = rss_mib() - before;
    let rows = store.counts().total;
    assert!(rows >= pods, "the store holds {rows} of {pods} pods");
    drop(store);
    Watched {
        first_rows: first_rows.unwrap_or(loaded),
        loaded,
        rows,
        peak_mib: peak,
        steady_mib: steady,
    }
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let pods = if full { SCALE_PODS } else { 2_000 };
    let runs = if full { RUNS } else { 1 };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let options = SimOptions {
            scenario: format!("scale:{pods}"),
            ..SimOptions::default()
        };
        let handle = start(options).await.unwrap();
        settle(handle.store(), pods).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let http = client(&handle);
        let kube = kube_client(&handle).await;

        let mut scans = Vec::new();
        for _ in 0..runs {
            let (items, took) = bare_scan(&handle, &http).await;
            assert!(items >= pods);
            scans.push(took.as_secs_f64());
        }
        report("bare serde_json scan of the paged list (limit=500)", &scans, "s", 3);

        for streaming in [false, true] {
            let how = if streaming { "streaming list" } else { "paged list" };
            let (mut first, mut all, mut peak, mut steady) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for _ in 0..runs {
                let w = watch_once(kube.clone(), pods, streaming).await;
                println!(
                    "  {how}: {} rows, first rows {:.3} s, all loaded {:.3} s, peak +{:.1} MiB, steady +{:.1} MiB [load {}]",
                    w.rows,
                    w.first_rows.as_secs_f64(),
                    w.loaded.as_secs_f64(),
                    w.peak_mib,
                    w.steady_mib,
                    load()
                );
                first.push(w.first_rows.as_secs_f64());
                all.push(w.loaded.as_secs_f64());
                peak.push(w.peak_mib);
                steady.push(w.steady_mib);
            }
            report(&format!("{how}: time to first rows"), &first, "s", 3);
            report(&format!("{how}: time to all {pods} rows"), &all, "s", 3);
            println!(
                "{how}: all rows in {:.2}x the bare scan",
                median(all.clone()) / median(scans.clone())
            );
            report(&format!("{how}: peak RSS growth during the list"), &peak, "MiB", 1);
            report(&format!("{how}: steady RSS growth once live"), &steady, "MiB", 1);
            println!(
                "{how}: steady {:.2} KiB per pod",
                median(steady) * 1024.0 / pods as f64
            );
        }
        handle.shutdown().await;
    });
}
