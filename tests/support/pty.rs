//! Runs the real `kubevibe` binary in a pseudo-terminal and reads its screen with a vt100
//! parser; waits are on screen content with deadlines, never fixed sleeps.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub struct PtyApp {
    pub child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    _master: Box<dyn MasterPty + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    reader: Option<std::thread::JoinHandle<()>>,
    _home: tempfile::TempDir,
}

impl PtyApp {
    /// Start the binary with `args` in a `cols`x`rows` terminal and a throwaway home.
    pub fn spawn(args: &[&str], cols: u16, rows: u16) -> Self {
        Self::spawn_with(args, cols, rows, |_| {})
    }

    /// Like `spawn`, after `prepare` has written files into the throwaway home.
    pub fn spawn_with(
        args: &[&str],
        cols: u16,
        rows: u16,
        prepare: impl FnOnce(&std::path::Path),
    ) -> Self {
        let home = tempfile::tempdir().expect("temp home");
        prepare(home.path());
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_kubevibe"));
        command.args(args);
        command.env_clear();
        command.env("TERM", "xterm-256color");
        command.env("HOME", home.path());
        command.env("PATH", std::env::var("PATH").unwrap_or_default());
        command.env("KUBEVIBE_CONFIG_DIR", home.path().join("config"));
        command.env("KUBEVIBE_DATA_DIR", home.path().join("data"));
        command.env("KUBECONFIG", home.path().join("kubeconfig"));
        let child = pty.slave.spawn_command(command).expect("spawn kubevibe");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (screen_in, raw_in) = (Arc::clone(&screen), Arc::clone(&raw));
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                screen_in.lock().expect("screen").process(&buf[..n]);
                raw_in.lock().expect("raw").extend_from_slice(&buf[..n]);
            }
        });
        Self {
            child,
            writer,
            _master: pty.master,
            screen,
            raw,
            reader: Some(reader),
            _home: home,
        }
    }

    pub fn contents(&self) -> String {
        self.screen.lock().expect("screen").screen().contents()
    }

    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().expect("raw").clone()
    }

    pub fn alternate_screen(&self) -> bool {
        self.screen
            .lock()
            .expect("screen")
            .screen()
            .alternate_screen()
    }

    /// Wait until the screen shows `text`, or fail with what it shows.
    pub fn wait_for(&self, text: &str, within: Duration) {
        self.wait_until(within, &format!("screen to show {text:?}"), |screen| {
            screen.contains(text)
        });
    }

    pub fn wait_until(&self, within: Duration, what: &str, ready: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + within;
        loop {
            let screen = self.contents();
            if ready(&screen) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Where `text` starts on screen (row, column), cell by cell; the first place from the top.
    #[allow(dead_code)]
    pub fn position_of(&self, text: &str) -> Option<(u16, u16)> {
        let parser = self.screen.lock().expect("screen");
        let screen = parser.screen();
        let (rows, cols) = screen.size();
        (0..rows).find_map(|row| {
            // Each character with the column of the cell it came from.
            let mut line = String::new();
            let mut columns = Vec::new();
            for col in 0..cols {
                let Some(cell) = screen.cell(row, col) else {
                    continue;
                };
                if cell.is_wide_continuation() {
                    continue;
                }
                let contents = if cell.has_contents() {
                    cell.contents()
                } else {
                    " "
                };
                for c in contents.chars() {
                    line.push(c);
                    columns.push(col);
                }
            }
            let byte = line.find(text)?;
            let index = line[..byte].chars().count();
            Some((row, columns[index]))
        })
    }

    /// The foreground and background colours of the cell at (row, column).
    #[allow(dead_code)]
    pub fn colors_at(&self, row: u16, col: u16) -> Option<(vt100::Color, vt100::Color)> {
        let parser = self.screen.lock().expect("screen");
        let cell = parser.screen().cell(row, col)?;
        Some((cell.fgcolor(), cell.bgcolor()))
    }

    /// The colours of the first cell of `text` where it shows on screen.
    #[allow(dead_code)]
    pub fn colors_of(&self, text: &str) -> Option<(vt100::Color, vt100::Color)> {
        let (row, col) = self.position_of(text)?;
        self.colors_at(row, col)
    }

    /// Wait until `ready` holds for what the terminal shows (text, positions, colours), or
    /// fail with the screen's text.
    #[allow(dead_code)]
    pub fn wait_until_app(&self, within: Duration, what: &str, ready: impl Fn(&Self) -> bool) {
        let deadline = Instant::now() + within;
        while !ready(self) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; the screen shows:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    /// Wait for the process to end; returns whether it exited successfully.
    pub fn wait_exit(&mut self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("child status") {
                return status.success();
            }
            assert!(
                Instant::now() < deadline,
                "kubevibe did not exit; the screen shows:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The terminal modes the cockpit turned on were all turned off again, in order.
    /// Call after the process exited: it first reads the output to its end.
    pub fn assert_terminal_restored(&mut self) {
        if let Some(reader) = self.reader.take() {
            reader.join().expect("pty reader thread");
        }
        let raw = String::from_utf8_lossy(&self.raw()).into_owned();
        for (on, off, what) in [
            ("\x1b[?1049h", "\x1b[?1049l", "alternate screen"),
            ("\x1b[?2004h", "\x1b[?2004l", "bracketed paste"),
            ("\x1b[?1000h", "\x1b[?1000l", "mouse capture"),
        ] {
            let last_on = raw
                .rfind(on)
                .unwrap_or_else(|| panic!("{what} was never enabled"));
            let last_off = raw
                .rfind(off)
                .unwrap_or_else(|| panic!("{what} was not restored"));
            assert!(last_off > last_on, "{what} was left on");
        }
        assert!(!self.alternate_screen(), "still on the alternate screen");
    }
}
