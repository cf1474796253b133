//! Start-up of the real `kubevibe sim` binary: from spawning the process until its HTTPS port
//! answers `/version`, and with `scale:50000` until every seeded pod is listed over HTTPS and
//! until all of them run; then the resident memory of the serving process. Also the
//! in-process `kubevibe::sim::start` on an empty cluster.
//! Run with `cargo bench --bench sim_startup`; each figure is the median of three runs.
#![allow(clippy::unwrap_used)]

mod sim_support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kubevibe::sim::{SimOptions, start};
use sim_support::*;

/// What one start of the binary measured, in seconds since the spawn.
struct Startup {
    version: f64,
    listed: Option<f64>,
    running: Option<f64>,
    rss_mib: f64,
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The server's certificate is not known before its kubeconfig is written, and `/version`
/// needs no token, so the first probe trusts any certificate.
fn probe_client() -> reqwest::Client {
    reqwest::Client::builder()
        .danger_accept_invalid_certs(true)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

fn spawn_sim(scenario: &str, port: u16, dir: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_kubevibe"))
        .args(["sim", "--scenario", scenario, "--port", &port.to_string()])
        .arg("--kubeconfig-out")
        .arg(dir.join("kubeconfig"))
        .env("HOME", dir)
        .env("KUBEVIBE_CONFIG_DIR", dir.join("config"))
        .env("KUBEVIBE_DATA_DIR", dir.join("data"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn wait_for_version(http: &reqwest::Client, base: &str, child: &mut Child) {
    loop {
        if let Ok(response) = http.get(format!("{base}/version")).send().await
            && response.status().is_success()
        {
            return;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "kubevibe sim exited early"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// The bearer token from the kubeconfig the simulator wrote (`token: "…"`).
fn token(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("kubeconfig")).ok()?;
    let line = text.lines().find_map(|l| l.trim().strip_prefix("token:"))?;
    serde_json::from_str(line.trim()).ok()
}

/// Pods matching `query`, from one `limit=1` page: its item plus `remainingItemCount` (the
/// simulator counts the rest only without selectors), or whether any matched at all.
async fn count(http: &reqwest::Client, base: &str, token: &str, query: &str) -> u64 {
    let url = format!("{base}/api/v1/pods?limit=1{query}");
    let Ok(response) = http.get(url).bearer_auth(token).send().await else {
        return 0;
    };
    let page: serde_json::Value = response.json().await.unwrap_or_default();
    let items = page["items"].as_array().map_or(0, Vec::len) as u64;
    items + page["metadata"]["remainingItemCount"].as_u64().unwrap_or(0)
}

async fn start_binary(scenario: &str, pods: Option<u64>) -> Startup {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("https://127.0.0.1:{port}");
    let http = probe_client();
    let spawned = Instant::now();
    let mut child = spawn_sim(scenario, port, dir.path());
    wait_for_version(&http, &base, &mut child).await;
    let version = spawned.elapsed().as_secs_f64();
    let (mut listed, mut running) = (None, None);
    if let Some(pods) = pods {
        let token = loop {
            if let Some(token) = token(dir.path()) {
                break token;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        };
        while count(&http, &base, &token, "").await < pods {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        listed = Some(spawned.elapsed().as_secs_f64());
        while count(
            &http,
            &base,
            &token,
            "&fieldSelector=status.phase!%3DRunning",
        )
        .await
            > 0
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        running = Some(spawned.elapsed().as_secs_f64());
        // Let the last status writes land before memory is read.
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let rss_mib = tree_rss_mib(child.id());
    child.kill().unwrap();
    child.wait().unwrap();
    Startup {
        version,
        listed,
        running,
        rss_mib,
    }
}

async fn in_process_empty() -> f64 {
    let http = probe_client();
    let started = Instant::now();
    let handle = start(SimOptions {
        scenario: "empty".to_string(),
        ..SimOptions::default()
    })
    .await
    .unwrap();
    let url = format!("{}/version", handle.base_url());
    assert!(http.get(url).send().await.unwrap().status().is_success());
    let took = started.elapsed().as_secs_f64();
    handle.shutdown().await;
    took
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut in_process = Vec::new();
        for _ in 0..RUNS {
            in_process.push(in_process_empty().await * 1e3);
        }
        report(
            "in-process start(empty) until /version answers",
            &in_process,
            "ms",
            1,
        );

        let mut empty = Vec::new();
        for _ in 0..RUNS {
            let run = start_binary("empty", None).await;
            println!(
                "  empty: /version after {:.1} ms, RSS {:.0} MiB [load {}]",
                run.version * 1e3,
                run.rss_mib,
                load()
            );
            empty.push(run.version * 1e3);
        }
        report(
            "kubevibe sim --scenario empty: spawn until /version answers",
            &empty,
            "ms",
            1,
        );

        let scenario = format!("scale:{SCALE_PODS}");
        let runs: Vec<Startup> = {
            let mut runs = Vec::new();
            for _ in 0..RUNS {
                let run = start_binary(&scenario, Some(SCALE_PODS as u64)).await;
                println!(
                    "  {scenario}: /version after {:.2} s, all pods listed after {:.2} s, all Running after {:.2} s, RSS {:.0} MiB [load {}]",
                    run.version,
                    run.listed.unwrap_or(f64::NAN),
                    run.running.unwrap_or(f64::NAN),
                    run.rss_mib,
                    load()
                );
                runs.push(run);
            }
            runs
        };
        let pick = |f: fn(&Startup) -> f64| runs.iter().map(f).collect::<Vec<_>>();
        report(
            &format!("kubevibe sim --scenario {scenario}: spawn until /version answers"),
            &pick(|r| r.version),
            "s",
            2,
        );
        report(
            &format!("kubevibe sim --scenario {scenario}: spawn until all {SCALE_PODS} pods are listed"),
            &pick(|r| r.listed.unwrap_or(f64::NAN)),
            "s",
            2,
        );
        report(
            &format!("kubevibe sim --scenario {scenario}: spawn until all pods are Running"),
            &pick(|r| r.running.unwrap_or(f64::NAN)),
            "s",
            2,
        );
        report(
            &format!("kubevibe sim --scenario {scenario}: resident memory, all pods Running"),
            &pick(|r| r.rss_mib),
            "MiB",
            0,
        );
    });
}
