//! fd 2 captured while the cockpit owns the terminal: kube-rs runs exec credential plugins
//! (cloud logins) with stderr inherited, and whatever they print would be painted over the
//! cockpit. `StderrCapture` points fd 2 at a pipe, hands each line to a callback on a reader
//! thread (the cockpit shows it as a message and logs it), and puts the original fd 2 back when
//! stopped or dropped — and on a panic, through [`restore_stderr`] in the terminal's restore.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

const STDERR: RawFd = 2;
/// A line repeated within this long is passed on once (a plugin failing on every retry).
const REPEAT_QUIET: Duration = Duration::from_secs(60);
/// Longest line passed on, in characters.
const MAX_LINE: usize = 500;

/// A duplicate of the original fd 2 while it is captured (-1: not captured).
static SAVED: AtomicI32 = AtomicI32::new(-1);

/// Puts the original fd 2 back if it is captured. Safe to call more than once, from a panic
/// hook too (two system calls, no allocation).
pub fn restore_stderr() {
    let saved = SAVED.swap(-1, Ordering::SeqCst);
    if saved >= 0 {
        let _ = nix::unistd::dup2(saved, STDERR);
        let _ = nix::unistd::close(saved);
    }
}

/// fd 2 redirected to a pipe until [`StderrCapture::stop`] or drop.
pub struct StderrCapture {
    _reader: std::thread::JoinHandle<()>,
}

impl StderrCapture {
    /// Redirects fd 2 and calls `on_line` for each line written to it (trailing whitespace
    /// trimmed, empty lines and repeats within a minute skipped, long lines cut).
    pub fn start(mut on_line: impl FnMut(String) + Send + 'static) -> io::Result<Self> {
        if SAVED.load(Ordering::SeqCst) >= 0 {
            return Err(io::Error::other("stderr is already captured"));
        }
        let (read, write): (OwnedFd, OwnedFd) = nix::unistd::pipe().map_err(io::Error::from)?;
        let saved = nix::unistd::dup(STDERR).map_err(io::Error::from)?;
        if let Err(error) = nix::unistd::dup2(write.as_raw_fd(), STDERR) {
            let _ = nix::unistd::close(saved);
            return Err(io::Error::from(error));
        }
        SAVED.store(saved, Ordering::SeqCst);
        // fd 2 now holds the only write end we keep; children inherit it.
        drop(write);
        let reader = std::thread::Builder::new()
            .name("stderr-capture".into())
            .spawn(move || {
                let mut seen: HashMap<String, Instant> = HashMap::new();
                for line in BufReader::new(std::fs::File::from(read)).lines() {
                    let Ok(line) = line else { break };
                    if let Some(line) = keep(&mut seen, &line, Instant::now()) {
                        on_line(line);
                    }
                }
            })
            .inspect_err(|_| restore_stderr())?;
        Ok(Self { _reader: reader })
    }

    /// Puts the original fd 2 back. The reader thread ends when the last writer (a child still
    /// running) closes the pipe.
    pub fn stop(&self) {
        restore_stderr();
    }
}

impl Drop for StderrCapture {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The line to pass on, or `None` for an empty line or a recent repeat.
fn keep(seen: &mut HashMap<String, Instant>, line: &str, now: Instant) -> Option<String> {
    let line = line.trim_end();
    if line.trim().is_empty() {
        return None;
    }
    let mut line: String = line.chars().take(MAX_LINE).collect();
    if line.len() < line.trim_end().len() {
        line.truncate(line.trim_end().len());
    }
    seen.retain(|_, at| now.saturating_duration_since(*at) < REPEAT_QUIET);
    if seen.contains_key(&line) {
        return None;
    }
    seen.insert(line.clone(), now);
    Some(line)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::process::{Command, Stdio};
    use std::sync::mpsc;

    /// A hang guard, not a speed check.
    const GIVE_UP: Duration = Duration::from_secs(30);

    #[test]
    fn repeats_and_blank_lines_are_dropped() {
        let mut seen = HashMap::new();
        let now = Instant::now();
        assert_eq!(
            keep(&mut seen, "token expired  \n", now).as_deref(),
            Some("token expired")
        );
        assert_eq!(
            keep(&mut seen, "token expired", now + Duration::from_secs(5)),
            None
        );
        assert_eq!(keep(&mut seen, "   ", now), None);
        assert_eq!(
            keep(&mut seen, "token expired", now + REPEAT_QUIET * 2).as_deref(),
            Some("token expired")
        );
        let long = "x".repeat(MAX_LINE * 2);
        assert_eq!(keep(&mut seen, &long, now).unwrap().len(), MAX_LINE);
    }

    #[test]
    fn fd_2_of_the_process_and_its_children_goes_to_the_callback_until_stopped() {
        let (tx, rx) = mpsc::channel();
        let capture = StderrCapture::start(move |line| {
            let _ = tx.send(line);
        })
        .expect("fd 2 is captured");
        assert!(
            StderrCapture::start(|_| {}).is_err(),
            "one capture at a time"
        );
        // A child with inherited stderr, as kube-rs runs an interactive exec plugin.
        let status = Command::new("sh")
            .args(["-c", "echo 'plugin: token expired, run login' >&2; exit 1"])
            .stderr(Stdio::inherit())
            .status()
            .expect("sh runs");
        assert!(!status.success());
        // And the process itself, writing to fd 2 directly.
        std::io::stderr()
            .write_all(b"written by the cockpit\n")
            .unwrap();
        let mut lines = Vec::new();
        while lines.len() < 2 {
            lines.push(rx.recv_timeout(GIVE_UP).expect("a captured line"));
        }
        assert!(
            lines.contains(&"plugin: token expired, run login".to_string()),
            "{lines:?}"
        );
        assert!(
            lines.contains(&"written by the cockpit".to_string()),
            "{lines:?}"
        );
        capture.stop();
        assert_eq!(SAVED.load(Ordering::SeqCst), -1, "fd 2 is restored");
        // After the stop, the pipe has no writer left: the reader ends and sends nothing more.
        assert!(rx.recv_timeout(GIVE_UP).is_err());
    }
}
