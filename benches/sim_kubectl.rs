//! The real kubectl against the simulator holding `scale:50000`, for side-by-side comparisons
//! with kubevibe on the same cluster and the same stream of changes:
//! - `kubectl get pods -A`: wall time and peak resident memory (median of three runs, after
//!   one run that fills kubectl's discovery cache);
//! - `kubectl get pods -A -w`: time to print the initial list, resident memory after it, and
//!   the events per second it prints while the bench changes a label on 10 000 pods through
//!   the simulator's store (three rounds).
//!
//! A child's peak memory comes from `getrusage(RUSAGE_CHILDREN)` in a helper process (this
//! binary again, with `--measure-child`) whose only child is kubectl, so each run is measured
//! on its own. Prints a SKIPPED line when kubectl is missing (`KUBECTL` names another binary).
//! Run with `cargo bench --bench sim_kubectl`.
#![allow(clippy::unwrap_used)]

mod sim_support;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use kubevibe::sim::{SimOptions, start};
use nix::sys::resource::{UsageWho, getrusage};
use sim_support::*;
use tokio::io::AsyncReadExt;

const MEASURE_CHILD: &str = "--measure-child";
/// Label changes per round of the watch figure; below the simulator's per-resource window of
/// 10 000 retained changes, so a slow watcher catches up instead of getting 410 Gone.
const CHURN: usize = 10_000;

fn kubectl_binary() -> String {
    std::env::var("KUBECTL").unwrap_or_else(|_| "kubectl".to_string())
}

fn kubectl_version() -> Option<String> {
    let output = Command::new(kubectl_binary())
        .args(["version", "--client"])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output.status.success().then(|| {
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    })
}

/// Helper mode: runs the command, counts the lines it prints, and reports its wall time and
/// the peak resident memory of its process tree (`ru_maxrss` of the waited-for children).
fn measure_child(command: &[String]) {
    let started = Instant::now();
    let mut child = Command::new(&command[0])
        .args(&command[1..])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let (mut lines, mut buffer) = (0usize, vec![0u8; 1 << 16]);
    while let Ok(n) = stdout.read(&mut buffer) {
        if n == 0 {
            break;
        }
        lines += buffer[..n].iter().filter(|b| **b == b'\n').count();
    }
    let status = child.wait().unwrap();
    let wall = started.elapsed();
    let peak_kib = getrusage(UsageWho::RUSAGE_CHILDREN).unwrap().max_rss();
    let errors = errors.join().unwrap_or_default();
    if !status.success() {
        eprintln!("{} failed ({status}): {errors}", command.join(" "));
    }
    println!(
        "measured {} {peak_kib} {lines} {}",
        wall.as_secs_f64(),
        status.success()
    );
}

struct Measured {
    wall_s: f64,
    peak_mib: f64,
    lines: usize,
}

fn measured(args: &[&str], home: &Path) -> Measured {
    let output = Command::new(std::env::current_exe().unwrap())
        .arg(MEASURE_CHILD)
        .arg(kubectl_binary())
        .args(args)
        .env("HOME", home)
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    let fields: Vec<&str> = text
        .lines()
        .find_map(|l| l.strip_prefix("measured "))
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(fields[3], "true", "kubectl {} failed", args.join(" "));
    Measured {
        wall_s: fields[0].parse().unwrap(),
        peak_mib: fields[1].parse::<f64>().unwrap() / 1024.0,
        lines: fields[2].parse().unwrap(),
    }
}

/// Waits until `lines` reaches `target`; panics after `limit`.
async fn wait_lines(lines: &AtomicUsize, target: usize, limit: Duration) {
    let started = Instant::now();
    while lines.load(Ordering::Relaxed) < target {
        assert!(
            started.elapsed() < limit,
            "kubectl printed {} of {target} lines in {limit:?}",
            lines.load(Ordering::Relaxed)
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

async fn get_pods(kubeconfig: &str, home: &Path) {
    let args = ["--kubeconfig", kubeconfig, "get", "pods", "-A"];
    let cold = measured(&args, home);
    println!(
        "  kubectl get pods -A, empty discovery cache: {} lines in {:.2} s, peak RSS {:.0} MiB [load {}]",
        cold.lines,
        cold.wall_s,
        cold.peak_mib,
        load()
    );
    let (mut walls, mut peaks) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let run = measured(&args, home);
        assert!(
            run.lines > SCALE_PODS,
            "kubectl printed {} lines",
            run.lines
        );
        println!(
            "  kubectl get pods -A: {} lines in {:.2} s, peak RSS {:.0} MiB [load {}]",
            run.lines,
            run.wall_s,
            run.peak_mib,
            load()
        );
        walls.push(run.wall_s);
        peaks.push(run.peak_mib);
    }
    report("kubectl get pods -A: wall time", &walls, "s", 2);
    report("kubectl get pods -A: peak RSS", &peaks, "MiB", 0);
}

async fn watch_pods(handle: &kubevibe::sim::SimHandle, kubeconfig: &str, home: &Path) {
    let started = Instant::now();
    let mut child = tokio::process::Command::new(kubectl_binary())
        .args(["--kubeconfig", kubeconfig, "get", "pods", "-A", "-w"])
        .env("HOME", home)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let pid = child.id().unwrap();
    let lines = Arc::new(AtomicUsize::new(0));
    let mut stdout = child.stdout.take().unwrap();
    let counter = lines.clone();
    tokio::spawn(async move {
        let mut buffer = vec![0u8; 1 << 16];
        while let Ok(n) = stdout.read(&mut buffer).await {
            if n == 0 {
                break;
            }
            let count = buffer[..n].iter().filter(|b| **b == b'\n').count();
            counter.fetch_add(count, Ordering::Relaxed);
        }
    });
    // The header and one row per pod.
    wait_lines(&lines, SCALE_PODS + 1, Duration::from_secs(300)).await;
    let listed = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after_list = tree_rss_mib(pid);
    println!(
        "kubectl get pods -A -w: initial list printed after {listed:.2} s, RSS {after_list:.0} MiB one second later [load {}]",
        load()
    );
    let (mut rates, mut writes) = (Vec::new(), Vec::new());
    for round in 0..RUNS {
        let base = lines.load(Ordering::Relaxed);
        let store = handle.store().clone();
        let started = Instant::now();
        let writer = tokio::task::spawn_blocking(move || churn_labels(&store, CHURN, round, 1));
        wait_lines(&lines, base + CHURN, Duration::from_secs(300)).await;
        let took = started.elapsed().as_secs_f64();
        let wrote = writer.await.unwrap().as_secs_f64();
        println!(
            "  {CHURN} label changes written in {wrote:.2} s, printed by kubectl -w in {took:.2} s [load {}]",
            load()
        );
        rates.push(CHURN as f64 / took);
        writes.push(CHURN as f64 / wrote);
    }
    report(
        "kubectl get pods -A -w: events printed",
        &rates,
        "events/s",
        0,
    );
    report(
        "  label changes written through the store",
        &writes,
        "writes/s",
        0,
    );
    println!(
        "kubectl get pods -A -w: RSS {:.0} MiB after the changes, peak {:.0} MiB [load {}]",
        tree_rss_mib(pid),
        tree_peak_mib(pid),
        load()
    );
    child.kill().await.unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(MEASURE_CHILD) {
        return measure_child(&args[2..]);
    }
    let Some(version) = kubectl_version() else {
        println!("SKIPPED: kubectl not found (set KUBECTL or install kubectl); no kubectl figures");
        return;
    };
    println!("kubectl: {version}");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let handle = start(SimOptions {
            scenario: format!("scale:{SCALE_PODS}"),
            ..SimOptions::default()
        })
        .await
        .unwrap();
        settle(handle.store(), SCALE_PODS).await;
        let home = tempfile::tempdir().unwrap();
        let kubeconfig = home.path().join("kubeconfig");
        handle
            .write_kubeconfig(&kubeconfig, "kubevibe-sim")
            .unwrap();
        let kubeconfig = kubeconfig.to_string_lossy().to_string();
        println!(
            "scale:{SCALE_PODS} settled: every pod Running [load {}]",
            load()
        );
        get_pods(&kubeconfig, home.path()).await;
        watch_pods(&handle, &kubeconfig, home.path()).await;
        handle.shutdown().await;
    });
}
