//! Entering and leaving the full-screen terminal: raw mode, alternate screen, mouse, bracketed
//! paste — and restoring all of it on every exit path (return, error, panic, signal).
//! While the cockpit owns the screen, fd 2 goes to a pipe ([`stderr_capture`]) so child
//! processes (kube-rs exec credential plugins) never paint over it.

pub mod stderr_capture;

use std::io::{self, Stdout, Write};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute, queue};
use ratatui::Terminal;
use ratatui::backend::{CrosstermBackend, TestBackend};

pub type CockpitTerminal = Terminal<CrosstermBackend<Stdout>>;

/// Backends that can wrap a frame in a synchronized update (no tearing mid-frame).
pub trait SyncBackend {
    fn begin_sync(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn end_sync(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<W: Write> SyncBackend for CrosstermBackend<W> {
    fn begin_sync(&mut self) -> io::Result<()> {
        queue!(self, BeginSynchronizedUpdate)
    }
    fn end_sync(&mut self) -> io::Result<()> {
        execute!(self, EndSynchronizedUpdate)
    }
}

impl SyncBackend for TestBackend {}

/// Restores the terminal when dropped, whatever way the cockpit ends.
pub struct TerminalGuard {
    pub terminal: CockpitTerminal,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<Self> {
        install_panic_hook();
        enable_raw_mode()?;
        let mut stdout = io::stdout();
        if let Err(error) = execute!(
            stdout,
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste
        ) {
            restore();
            return Err(error);
        }
        match Terminal::new(CrosstermBackend::new(stdout)) {
            Ok(terminal) => Ok(Self { terminal }),
            Err(error) => {
                restore();
                Err(error)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Put the terminal back as it was. Safe to call more than once.
pub fn restore() {
    stderr_capture::restore_stderr();
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
}

/// Restore the terminal before a panic message is printed, so it is readable.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}
