//! kubevibe's pod watch and `kubectl get pods -A -w` side by side on the same stream: the
//! simulator (in this process) holds `scale:50000`; both clients start together, list every pod,
//! then follow 10 000 label changes written through the simulator's store. Each runs as its own
//! process, so CPU (utime + stime from /proc/PID/stat) and resident memory are read the same
//! way for both: at the end of the initial list, and after the live changes.
//!
//! kubevibe's side is this binary again (`--watch-child KUBECONFIG`): `live::watch` (kube-rs,
//! paged list, then watch) feeding a `live::store::Store` of pod rows, no drawing. kubectl prints
//! every row and event to a pipe the bench counts. Prints a SKIPPED line when kubectl is missing
//! (`KUBECTL` names another binary). Run with `cargo bench --bench side_by_side`; without
//! `--bench` it uses `scale:2000` and 1 000 changes.
#![allow(clippy::unwrap_used)]

mod sim_support;

/// The allocator of the `kubevibe` binary (the system's in the cockpit): this binary is
/// kubevibe's side of the comparison.
#[global_allocator]
static ALLOCATOR: kubevibe::allocator::Allocator = kubevibe::allocator::Allocator;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use kube::config::{KubeConfigOptions, Kubeconfig};
use kubevibe::live::projection::{KnownKind, PodRow};
use kubevibe::live::store::{Change, Store, SyncState};
use kubevibe::live::watch::{self, WatchSpec};
use kubevibe::sim::{SimOptions, start};
use sim_support::*;
use tokio::sync::mpsc;

const WATCH_CHILD: &str = "--watch-child";

fn kubectl_binary() -> String {
    std::env::var("KUBECTL").unwrap_or_else(|_| "kubectl".to_string())
}

/// Child mode: watch every pod into a store; print `live` once listed, then `applied N` after
/// each batch that applied changes while live.
fn watch_child(kubeconfig: &Path) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let parsed = Kubeconfig::read_from(kubeconfig).unwrap();
        let config = kube::Config::from_custom_kubeconfig(parsed, &KubeConfigOptions::default())
            .await
            .unwrap();
        let client = kube::Client::try_from(config).unwrap();
        let (sender, mut receiver) = mpsc::channel(16);
        let _handle =
            watch::spawn::<PodRow>(client, WatchSpec::new(PodRow::api_resource()), sender);
        let mut store = Store::for_projection::<PodRow>("pods", None);
        let mut out = std::io::stdout();
        let (mut live, mut applied, mut reported) = (false, 0usize, 0usize);
        while let Some(batch) = receiver.recv().await {
            if live {
                applied += batch
                    .iter()
                    .filter(|c| matches!(c, Change::Apply(_)))
                    .count();
            }
            store.apply_all(batch);
            if !live && *store.state() == SyncState::Live {
                live = true;
                writeln!(out, "live {}", store.counts().total).unwrap();
                out.flush().unwrap();
            }
            if applied > reported {
                reported = applied;
                writeln!(out, "applied {applied}").unwrap();
                out.flush().unwrap();
            }
        }
    });
}

/// One client process and what the bench has read from its output.
struct Client {
    child: Child,
    /// kubectl: lines printed; kubevibe: changes applied while live.
    seen: Arc<AtomicUsize>,
    listed: Arc<AtomicBool>,
}

impl Client {
    fn memory(&self) -> (f64, f64) {
        let pid = self.child.id().to_string();
        (
            status_mib(&pid, "VmRSS").unwrap_or(0.0),
            status_mib(&pid, "VmHWM").unwrap_or(0.0),
        )
    }

    fn cpu(&self) -> f64 {
        sim_support::cpu_seconds(&self.child.id().to_string())
    }
}

fn spawn_kubectl(kubeconfig: &Path, pods: usize) -> Client {
    let mut child = Command::new(kubectl_binary())
        .args(["get", "pods", "-A", "-w", "--kubeconfig"])
        .arg(kubeconfig)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let seen = Arc::new(AtomicUsize::new(0));
    let listed = Arc::new(AtomicBool::new(false));
    let (count, done) = (seen.clone(), listed.clone());
    std::thread::spawn(move || {
        let mut buffer = vec![0u8; 1 << 16];
        while let Ok(n) = stdout.read(&mut buffer) {
            if n == 0 {
                break;
            }
            let lines = buffer[..n].iter().filter(|b| **b == b'\n').count();
            // The header and one line per pod make the initial list.
            if count.fetch_add(lines, Ordering::AcqRel) + lines > pods {
                done.store(true, Ordering::Release);
            }
        }
    });
    Client {
        child,
        seen,
        listed,
    }
}

fn spawn_kubevibe(kubeconfig: &Path) -> Client {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .arg(WATCH_CHILD)
        .arg(kubeconfig)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let seen = Arc::new(AtomicUsize::new(0));
    let listed = Arc::new(AtomicBool::new(false));
    let (count, done) = (seen.clone(), listed.clone());
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line.starts_with("live") {
                done.store(true, Ordering::Release);
            } else if let Some(n) = line.strip_prefix("applied ") {
                count.store(n.parse().unwrap_or(0), Ordering::Release);
            }
        }
    });
    Client {
        child,
        seen,
        listed,
    }
}

#[derive(Default, Clone)]
struct Figures {
    list_s: f64,
    list_cpu: f64,
    list_rss: f64,
    live_cpu: f64,
    live_rss: f64,
    peak: f64,
    events: usize,
}

async fn run_once(
    handle: &kubevibe::sim::SimHandle,
    kubeconfig: &Path,
    pods: usize,
    churn: usize,
    round: usize,
) -> [Figures; 2] {
    let started = Instant::now();
    let mut clients = [spawn_kubevibe(kubeconfig), spawn_kubectl(kubeconfig, pods)];
    let mut figures = [Figures::default(), Figures::default()];
    let mut pending = [true, true];
    while pending.iter().any(|p| *p) {
        for (i, client) in clients.iter().enumerate() {
            if pending[i] && client.listed.load(Ordering::Acquire) {
                pending[i] = false;
                figures[i].list_s = started.elapsed().as_secs_f64();
                figures[i].list_cpu = client.cpu();
                figures[i].list_rss = client.memory().0;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the initial lists did not finish in 300 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let before: Vec<usize> = clients
        .iter()
        .map(|c| c.seen.load(Ordering::Acquire))
        .collect();
    churn_labels(handle.store(), churn, round, 1);
    let wanted = [churn, churn];
    let waiting = Instant::now();
    while waiting.elapsed() < Duration::from_secs(120)
        && clients
            .iter()
            .enumerate()
            .any(|(i, c)| c.seen.load(Ordering::Acquire) - before[i] < wanted[i])
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for (i, client) in clients.iter_mut().enumerate() {
        figures[i].live_cpu = client.cpu() - figures[i].list_cpu;
        (figures[i].live_rss, figures[i].peak) = client.memory();
        figures[i].events = client.seen.load(Ordering::Acquire) - before[i];
        let _ = client.child.kill();
        let _ = client.child.wait();
    }
    figures
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == WATCH_CHILD) {
        // Set up as the cockpit's process is (`kubevibe` does this first in `main`).
        kubevibe::allocator::tune_for_cockpit();
        watch_child(Path::new(&args[at + 1]));
        return;
    }
    let full = args.iter().any(|a| a == "--bench");
    let (pods, churn, runs) = if full {
        (SCALE_PODS, 10_000, RUNS)
    } else {
        (2_000, 1_000, 1)
    };
    let version = Command::new(kubectl_binary())
        .args(["version", "--client"])
        .stderr(Stdio::null())
        .output();
    let Ok(version) = version.map(|o| String::from_utf8_lossy(&o.stdout).to_string()) else {
        println!("SKIPPED side_by_side: kubectl was not found (install it or set KUBECTL)");
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let handle = start(SimOptions {
            scenario: format!("scale:{pods}"),
            ..SimOptions::default()
        })
        .await
        .unwrap();
        settle(handle.store(), pods).await;
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        std::fs::write(&kubeconfig, handle.kubeconfig_yaml("bench")).unwrap();
        println!(
            "scale:{pods}, {churn} label changes per run; {}",
            version.lines().next().unwrap_or("kubectl")
        );
        let mut all: Vec<[Figures; 2]> = Vec::new();
        for round in 0..runs {
            let figures = run_once(&handle, &kubeconfig, pods, churn, round).await;
            for (name, f) in ["kubevibe", "kubectl"].iter().zip(&figures) {
                println!(
                    "  {name}: list {:.2} s, {:.2} s CPU, RSS {:.1} MiB; {} live events, {:.2} s \
                     CPU, RSS {:.1} MiB, peak {:.1} MiB [load {}]",
                    f.list_s,
                    f.list_cpu,
                    f.list_rss,
                    f.events,
                    f.live_cpu,
                    f.live_rss,
                    f.peak,
                    load()
                );
            }
            all.push(figures);
        }
        let names = ["kubevibe live::watch + store", "kubectl get pods -A -w"];
        for (i, name) in names.iter().enumerate() {
            let pick = |f: fn(&Figures) -> f64| all.iter().map(|r| f(&r[i])).collect::<Vec<_>>();
            report(
                &format!("{name}: initial list, wall"),
                &pick(|f| f.list_s),
                "s",
                2,
            );
            report(
                &format!("{name}: initial list, CPU"),
                &pick(|f| f.list_cpu),
                "s",
                2,
            );
            report(
                &format!("{name}: RSS after the list"),
                &pick(|f| f.list_rss),
                "MiB",
                1,
            );
            report(
                &format!("{name}: CPU for {churn} live changes"),
                &pick(|f| f.live_cpu),
                "s",
                2,
            );
            report(
                &format!("{name}: RSS after the changes"),
                &pick(|f| f.live_rss),
                "MiB",
                1,
            );
            report(&format!("{name}: peak RSS"), &pick(|f| f.peak), "MiB", 1);
        }
        handle.shutdown().await;
    });
}
