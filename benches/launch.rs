//! Launch to first drawn frame of the real binary, in a pseudo-terminal, with no network:
//! `kubevibe --first-frame-only demo` draws once, exits, and prints the time since `main`.
//! Run with `cargo bench --bench launch`.

use std::io::Read;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

fn launch_once(home: &std::path::Path) -> (f64, Duration) {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 50,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pty");
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_kubevibe"));
    command.args(["--first-frame-only", "demo"]);
    command.env("TERM", "xterm-256color");
    command.env("HOME", home);
    command.env("KUBEVIBE_CONFIG_DIR", home.join("config"));
    command.env("KUBEVIBE_DATA_DIR", home.join("data"));
    let started = Instant::now();
    let mut child = pty.slave.spawn_command(command).expect("spawn kubevibe");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("pty reader");
    let mut output = Vec::new();
    let mut buf = [0u8; 65536];
    while let Ok(n) = reader.read(&mut buf) {
        if n == 0 {
            break;
        }
        output.extend_from_slice(&buf[..n]);
    }
    child.wait().expect("kubevibe exit");
    let wall = started.elapsed();
    let text = String::from_utf8_lossy(&output);
    let in_process = text
        .split("first frame drawn ")
        .nth(1)
        .and_then(|rest| rest.split(" ms").next())
        .and_then(|ms| ms.trim().parse().ok())
        .expect("the binary reports its first frame");
    (in_process, wall)
}

fn main() {
    let home = tempfile::tempdir().expect("temp home");
    let runs = if std::env::args().any(|a| a == "--bench") {
        30
    } else {
        3
    };
    let mut in_process = Vec::new();
    let mut wall = Vec::new();
    for _ in 0..runs {
        let (ms, total) = launch_once(home.path());
        in_process.push(ms);
        wall.push(total.as_secs_f64() * 1000.0);
    }
    in_process.sort_by(f64::total_cmp);
    wall.sort_by(f64::total_cmp);
    let pick = |v: &[f64], p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    println!(
        "launch: main() to first frame p50 {:.2} ms, p90 {:.2} ms; spawn to exit p50 {:.2} ms ({runs} runs, 200x50)",
        pick(&in_process, 0.5),
        pick(&in_process, 0.9),
        pick(&wall, 0.5),
    );
}
