//! The effect runner: carries out `Effect`s as tokio tasks, each with a cancel handle, and sends
//! their results back as `Msg`s on a bounded channel.

use std::collections::HashMap;
use std::sync::Arc;

use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use crate::app::effect::Effect;
use crate::app::msg::Msg;
use crate::llm::Provider;
use crate::store::history::PromptHistory;

/// Room for stream events between the tasks and the loop; a full channel slows the stream down.
pub const CHANNEL_CAPACITY: usize = 1024;

pub struct EffectRunner {
    provider: Arc<dyn Provider>,
    tx: mpsc::Sender<Msg>,
    streams: HashMap<u64, AbortHandle>,
    history: Option<PromptHistory>,
}

impl EffectRunner {
    pub fn new(
        provider: Arc<dyn Provider>,
        tx: mpsc::Sender<Msg>,
        history: Option<PromptHistory>,
    ) -> Self {
        Self {
            provider,
            tx,
            streams: HashMap::new(),
            history,
        }
    }

    pub fn run(&mut self, effect: Effect) {
        match effect {
            Effect::StartStream { id, request } => {
                let mut stream = self.provider.stream(request);
                let tx = self.tx.clone();
                let task = tokio::spawn(async move {
                    while let Some(event) = stream.next().await {
                        if tx.send(Msg::Llm { stream: id, event }).await.is_err() {
                            break;
                        }
                    }
                });
                self.streams.retain(|_, handle| !handle.is_finished());
                self.streams.insert(id, task.abort_handle());
            }
            Effect::CancelStream { id } => {
                if let Some(handle) = self.streams.remove(&id) {
                    handle.abort();
                }
            }
            Effect::SaveHistory(prompt) => {
                if let Some(history) = &mut self.history
                    && let Err(error) = history.push(&prompt)
                {
                    tracing::warn!(%error, "could not save the prompt history");
                }
            }
            Effect::Quit => self.shutdown(),
        }
    }

    /// Stop every task (quitting cancels them all before the terminal is restored).
    pub fn shutdown(&mut self) {
        for (_, handle) in self.streams.drain() {
            handle.abort();
        }
    }
}

impl Drop for EffectRunner {
    fn drop(&mut self) {
        self.shutdown();
    }
}
