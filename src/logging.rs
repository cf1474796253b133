//! Tracing to a file under the data dir — never to the terminal, which belongs to the cockpit.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Start logging to `path` (level from `KUBEVIBE_LOG`, default `info`). Keep the guard alive
/// until exit so buffered lines are flushed. Logging problems never stop the cockpit.
pub fn init(path: &Path) -> Option<WorkerGuard> {
    let file = crate::paths::open_private_append(path).ok()?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = EnvFilter::try_from_env("KUBEVIBE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}
