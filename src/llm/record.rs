//! Records every stream of a provider to a JSONL file that replay can play back.
//!
//! Each stream's events are collected into one turn (the format of [`super::replay`]) and
//! handed to a writer thread when the stream ends or is dropped, so that concurrent streams
//! never interleave their lines and file I/O never runs on the async runtime. Recording is
//! best effort: a full queue or a file that cannot be written costs a warning in the log,
//! never an event of the stream.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::StreamExt;
use futures::stream::BoxStream;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::transcript;
use super::{ChatRequest, LlmEvent, Provider};

/// Finished turns waiting for the writer; more are dropped with a warning.
const QUEUE_LEN: usize = 64;

pub struct RecordingProvider {
    inner: Arc<dyn Provider>,
    writer: Option<mpsc::Sender<WriterMessage>>,
}

enum WriterMessage {
    Turn(String),
    Flush(oneshot::Sender<()>),
}

impl RecordingProvider {
    /// Wrap `inner`, appending to `path` (created with mode 0600).
    pub fn new(inner: Arc<dyn Provider>, path: PathBuf) -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE_LEN);
        let spawned = std::thread::Builder::new()
            .name("llm-recorder".into())
            .spawn(move || write_turns(&path, receiver));
        let writer = match spawned {
            Ok(_) => Some(sender),
            Err(error) => {
                tracing::warn!(%error, "cannot start the recording thread; not recording");
                None
            }
        };
        Self { inner, writer }
    }

    /// Resolves once every turn finished before this call has been written (or failed to be).
    async fn write_pending(&self) {
        let Some(writer) = &self.writer else { return };
        let (done, written) = oneshot::channel();
        if writer.send(WriterMessage::Flush(done)).await.is_ok() {
            // An error means the writer is gone, which leaves nothing to wait for either.
            let _ = written.await;
        }
    }
}

impl Provider for RecordingProvider {
    fn label(&self) -> String {
        self.inner.label()
    }

    fn flushed(&self) -> futures::future::BoxFuture<'_, ()> {
        Box::pin(async move {
            self.write_pending().await;
            self.inner.flushed().await;
        })
    }

    fn stream(&self, request: ChatRequest) -> BoxStream<'static, LlmEvent> {
        let turn = TurnRecorder {
            text: transcript::turn_line(transcript::prompt_of(&request)),
            events: 0,
            writer: self.writer.clone(),
        };
        let mut inner = self.inner.stream(request);
        Box::pin(async_stream::stream! {
            // A local, so the turn is queued as soon as the stream ends, not when it is dropped.
            let mut turn = turn;
            let mut previous = Instant::now();
            while let Some(event) = inner.next().await {
                let now = Instant::now();
                turn.record(now - previous, &event);
                previous = now;
                yield event;
            }
        })
    }
}

/// The lines of one stream's turn, queued for writing when dropped.
struct TurnRecorder {
    text: String,
    events: usize,
    writer: Option<mpsc::Sender<WriterMessage>>,
}

impl TurnRecorder {
    fn record(&mut self, delay: std::time::Duration, event: &LlmEvent) {
        self.text.push_str(&transcript::event_line(delay, event));
        self.events += 1;
    }
}

impl Drop for TurnRecorder {
    fn drop(&mut self) {
        let Some(writer) = &self.writer else { return };
        if self.events == 0 {
            return;
        }
        let turn = std::mem::take(&mut self.text);
        if let Err(error) = writer.try_send(WriterMessage::Turn(turn)) {
            tracing::warn!(%error, "recording queue unavailable; a turn was not recorded");
        }
    }
}

/// The writer thread: appends turns until every sender is gone.
fn write_turns(path: &Path, mut receiver: mpsc::Receiver<WriterMessage>) {
    let mut file: Option<File> = None;
    while let Some(message) = receiver.blocking_recv() {
        match message {
            WriterMessage::Turn(text) => {
                if let Err(error) = append(path, &mut file, &text) {
                    tracing::warn!(path = %path.display(), %error, "cannot write the recording");
                    file = None;
                }
            }
            WriterMessage::Flush(done) => {
                let _ = done.send(());
            }
        }
    }
}

fn append(path: &Path, file: &mut Option<File>, text: &str) -> std::io::Result<()> {
    let file = match file {
        Some(file) => file,
        None => file.insert(open_private(path)?),
    };
    file.write_all(text.as_bytes())
}

fn open_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}
