//! Idle cost of the real binary: the cockpit in a pseudo-terminal (200x50), its watch pane on
//! `pods` in all namespaces (Tab Tab `:all` Enter), then left alone for 60 s with no input.
//! CPU is utime + stime of the process from /proc/PID/stat before and after the quiet minute;
//! draws are counted as the synchronized-update frames (`ESC [ ? 2026 h`) written to the terminal.
//!
//! Two setups: `kubevibe demo` (the simulator runs inside the cockpit's process with the demo
//! scenario, whose checkout pod keeps crash-looping, so events do arrive), and the cockpit alone
//! against `kubevibe sim --scenario healthy` run as its own process (live watches, no events),
//! whose CPU is reported apart. Run with `cargo bench --bench idle`; without `--bench` it
//! watches for 5 s instead of 60.
#![allow(clippy::unwrap_used)]

mod sim_support;

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use sim_support::{load, tree_rss_mib};

const ROWS: u16 = 50;
const COLS: u16 = 200;
/// Synchronized update begin: written once per drawn frame.
const FRAME_START: &[u8] = b"\x1b[?2026h";
const RECORDING: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/agent_loop/namespaces.jsonl"
);

/// What the terminal received: the screen as parsed and the frames counted.
struct Screen {
    parser: vt100::Parser,
    frames: u64,
    /// The last bytes of the previous read, so a marker split across reads is counted.
    tail: Vec<u8>,
}

fn count(haystack: &[u8], needle: &[u8]) -> u64 {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count() as u64
}

struct Cockpit {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<Screen>>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Cockpit {
    fn spawn(args: &[&str], home: &Path, kubeconfig: Option<&Path>) -> Cockpit {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_kubevibe"));
        command.args(args);
        command.env("TERM", "xterm-256color");
        command.env("HOME", home);
        command.env("KUBEVIBE_CONFIG_DIR", home.join("config"));
        command.env("KUBEVIBE_DATA_DIR", home.join("data"));
        if let Some(path) = kubeconfig {
            command.env("KUBECONFIG", path);
        }
        let child = pty.slave.spawn_command(command).expect("spawn kubevibe");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let screen = Arc::new(Mutex::new(Screen {
            parser: vt100::Parser::new(ROWS, COLS, 0),
            frames: 0,
            tail: Vec::new(),
        }));
        let feed = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut screen = feed.lock().unwrap();
                let mut joined = std::mem::take(&mut screen.tail);
                joined.extend_from_slice(&buf[..n]);
                screen.frames += count(&joined, FRAME_START);
                let keep = joined.len().min(FRAME_START.len() - 1);
                screen.tail = joined[joined.len() - keep..].to_vec();
                screen.parser.process(&buf[..n]);
            }
        });
        Cockpit {
            child,
            writer,
            screen,
            _master: pty.master,
        }
    }

    fn pid(&self) -> u32 {
        self.child.process_id().expect("the cockpit's pid")
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().parser.screen().contents()
    }

    fn frames(&self) -> u64 {
        self.screen.lock().unwrap().frames
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
    }

    /// Waits until the screen shows `text`; panics with the screen after `limit`.
    fn wait_for(&self, text: &str, limit: Duration) {
        let started = Instant::now();
        while !self.contents().contains(text) {
            assert!(
                started.elapsed() < limit,
                "the cockpit did not show {text:?} within {limit:?}; screen:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn quit(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Shows all namespaces in the watch pane, waits for `row` (a pod of another namespace), lets
/// start-up work settle, then measures `quiet`. Returns (CPU s, draws, RSS MiB).
fn idle_minute(cockpit: &mut Cockpit, row: &str, quiet: Duration) -> (f64, u64, f64) {
    cockpit.wait_for("pods", Duration::from_secs(60));
    cockpit.send(b"\t\t:all\r");
    cockpit.wait_for(row, Duration::from_secs(60));
    std::thread::sleep(Duration::from_secs(5));
    let pid = cockpit.pid();
    let (cpu, frames) = (sim_support::tree_cpu_seconds(pid), cockpit.frames());
    std::thread::sleep(quiet);
    (
        sim_support::tree_cpu_seconds(pid) - cpu,
        cockpit.frames() - frames,
        tree_rss_mib(pid),
    )
}

fn report(what: &str, quiet: Duration, (cpu, draws, rss): (f64, u64, f64)) {
    let seconds = quiet.as_secs_f64();
    println!(
        "{what}: {:.2} % of a core ({cpu:.2} s CPU in {seconds:.0} s), {draws} draws \
         ({:.2}/s), RSS {rss:.1} MiB [load {}]",
        cpu / seconds * 100.0,
        draws as f64 / seconds,
        load()
    );
}

/// A `kubevibe sim` process; returns it with the path of its kubeconfig once written.
fn start_sim(scenario: &str, dir: &Path) -> (Child, std::path::PathBuf) {
    let kubeconfig = dir.join("sim-kubeconfig");
    let child = Command::new(env!("CARGO_BIN_EXE_kubevibe"))
        .args(["sim", "--scenario", scenario, "--kubeconfig-out"])
        .arg(&kubeconfig)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start kubevibe sim");
    let started = Instant::now();
    while std::fs::metadata(&kubeconfig).map_or(true, |m| m.len() == 0) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the simulator wrote no kubeconfig"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (child, kubeconfig)
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let quiet = Duration::from_secs(if full { 60 } else { 5 });
    let runs = if full { 3 } else { 1 };
    let home = tempfile::tempdir().expect("temp home");

    for _ in 0..runs {
        let mut demo = Cockpit::spawn(&["demo"], home.path(), None);
        let figures = idle_minute(&mut demo, "kube-system", quiet);
        report(
            "kubevibe demo, watch pane on pods -A, no input",
            quiet,
            figures,
        );
        demo.quit();
    }

    for _ in 0..runs {
        let (mut sim, kubeconfig) = start_sim("healthy", home.path());
        let model = format!("replay:{RECORDING}");
        let mut cockpit = Cockpit::spawn(&["--model", &model], home.path(), Some(&kubeconfig));
        let sim_cpu = sim_support::tree_cpu_seconds(sim.id());
        let figures = idle_minute(&mut cockpit, "kube-system", quiet);
        report(
            "kubevibe against `kubevibe sim --scenario healthy`, pods -A, no events, no input",
            quiet,
            figures,
        );
        println!(
            "  (the simulator process meanwhile: {:.2} s CPU since the cockpit started)",
            sim_support::tree_cpu_seconds(sim.id()) - sim_cpu
        );
        cockpit.quit();
        let _ = sim.kill();
        let _ = sim.wait();
    }
}
