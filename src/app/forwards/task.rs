//! The effect runner's side of the forwards: each forward is a task (building the client,
//! then running `live::forward` and passing its events on as `Msg::Forwards`), aborted by
//! `x` or at quit; port look-ups and the saved-forwards file run here too.

use std::collections::HashMap;
use std::path::PathBuf;

use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use super::{ForwardEffect, ForwardMsg};
use crate::app::msg::Msg;
use crate::live::forward::{self, ForwardEvent, ForwardState};
use crate::store::forwards::SavedForwards;

/// Events in flight between one forward and the cockpit.
const EVENTS: usize = 64;

/// Where the forwards' client and files come from.
#[derive(Debug, Clone, Default)]
pub struct ForwardEnv {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub data_dir: Option<PathBuf>,
}

impl ForwardEnv {
    fn saved(&self) -> Option<SavedForwards> {
        Some(SavedForwards::new(
            self.data_dir.as_ref()?,
            self.context.as_deref().unwrap_or("default"),
        ))
    }
}

/// The running forwards and look-ups.
#[derive(Debug, Default)]
pub struct ForwardTasks {
    forwards: HashMap<u64, AbortHandle>,
    lookups: Vec<AbortHandle>,
}

impl ForwardTasks {
    pub fn run(&mut self, effect: ForwardEffect, env: &ForwardEnv, tx: &mpsc::Sender<Msg>) {
        match effect {
            ForwardEffect::Start { id, spec } => {
                let env = env.clone();
                let tx = tx.clone();
                let task = tokio::spawn(async move {
                    let client = crate::app::watch_task::client(
                        env.kubeconfig.as_deref(),
                        env.context.as_deref(),
                    )
                    .await;
                    let client = match client {
                        Ok(client) => client,
                        Err(error) => {
                            let event = ForwardEvent::State(ForwardState::Failed { error });
                            let _ = tx
                                .send(Msg::Forwards(ForwardMsg::Event { id, event }))
                                .await;
                            return;
                        }
                    };
                    let (events, mut received) = mpsc::channel(EVENTS);
                    // Dropping the handle (when this task is aborted) stops the forward.
                    let _handle = forward::spawn(client, spec, events);
                    while let Some(event) = received.recv().await {
                        let msg = Msg::Forwards(ForwardMsg::Event { id, event });
                        if tx.send(msg).await.is_err() {
                            return;
                        }
                    }
                });
                self.forwards.retain(|_, handle| !handle.is_finished());
                self.forwards.insert(id, task.abort_handle());
            }
            ForwardEffect::Stop { id } => {
                if let Some(handle) = self.forwards.remove(&id) {
                    handle.abort();
                }
            }
            ForwardEffect::Ports { object } => {
                let env = env.clone();
                let tx = tx.clone();
                let task = tokio::spawn(async move {
                    let result = crate::app::watch_task::fetch(
                        env.kubeconfig.as_deref(),
                        env.context.as_deref(),
                        &object,
                    )
                    .await;
                    let _ = tx
                        .send(Msg::Forwards(ForwardMsg::Fetched { object, result }))
                        .await;
                });
                self.lookups.retain(|handle| !handle.is_finished());
                self.lookups.push(task.abort_handle());
            }
            ForwardEffect::Load { start } => {
                let saved = match env.saved() {
                    Some(store) => store.load().map_err(|e| e.to_string()),
                    None => Err("no data directory: forwards cannot be saved".into()),
                };
                send(tx, ForwardMsg::Saved { saved, start });
            }
            ForwardEffect::Save { name, spec } => {
                let saved = match env.saved() {
                    Some(store) => store.save(&name, &spec).map_err(|error| {
                        format!(
                            "could not save the forward to {}: {error}",
                            store.path().display()
                        )
                    }),
                    None => Err("no data directory: forwards cannot be saved".into()),
                };
                send(tx, ForwardMsg::Saved { saved, start: None });
            }
        }
    }

    /// Stops every forward (quit): their listeners and connections close.
    pub fn shutdown(&mut self) {
        for (_, handle) in self.forwards.drain() {
            handle.abort();
        }
        for handle in self.lookups.drain(..) {
            handle.abort();
        }
    }

    /// Forwards whose task still runs.
    pub fn running(&self) -> usize {
        self.forwards.values().filter(|h| !h.is_finished()).count()
    }
}

fn send(tx: &mpsc::Sender<Msg>, msg: ForwardMsg) {
    if tx.try_send(Msg::Forwards(msg)).is_err() {
        tracing::warn!("the cockpit's channel is full: a forwards message was dropped");
    }
}
