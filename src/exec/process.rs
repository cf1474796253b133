//! The child's process group: killing it whole, and describing how the child ended.

use std::process::ExitStatus;

/// Sends SIGKILL to the process group `pgid` (the child and everything it started). A group
/// that is already gone is not an error.
pub(crate) fn kill_group(pgid: u32) {
    #[cfg(unix)]
    {
        use nix::sys::signal::{Signal, killpg};
        use nix::unistd::Pid;
        if let Ok(raw) = i32::try_from(pgid)
            && raw > 0
        {
            let _ = killpg(Pid::from_raw(raw), Signal::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = pgid;
}

/// `None` for a normal exit, else what happened to the process.
pub(crate) fn abnormal_end(status: &ExitStatus) -> Option<String> {
    if status.code().is_some() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = nix::sys::signal::Signal::try_from(signal)
                .map(|signal| signal.as_str().to_owned())
                .unwrap_or_else(|_| format!("signal {signal}"));
            return Some(format!("terminated by {name}"));
        }
    }
    Some(format!("ended without an exit code ({status})"))
}
