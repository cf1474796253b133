//! The effect runner's side of a log follow: builds the kube client for the cockpit's context,
//! runs `live::logs::run` and forwards its events as `Msg::Logs`.

use std::path::PathBuf;

use tokio::sync::mpsc;

use crate::app::msg::Msg;
use crate::live::logs::{LogEvent, LogRequest};

/// Events in flight between the follower and the forwarder.
const EVENTS: usize = 64;

/// Follows `request` and forwards its events as `Msg::Logs { id, .. }` until aborted.
pub async fn run(
    id: u64,
    request: LogRequest,
    kubeconfig: Option<PathBuf>,
    context: Option<String>,
    tx: mpsc::Sender<Msg>,
) {
    let client =
        match crate::app::watch_task::client(kubeconfig.as_deref(), context.as_deref()).await {
            Ok(client) => client,
            Err(error) => {
                let _ = tx
                    .send(Msg::Logs {
                        id,
                        event: LogEvent::Error(error),
                    })
                    .await;
                return;
            }
        };
    let (events, mut received) = mpsc::channel(EVENTS);
    let follow = crate::live::logs::run(client, request, events);
    let forward = async {
        while let Some(event) = received.recv().await {
            if tx.send(Msg::Logs { id, event }).await.is_err() {
                return;
            }
        }
    };
    tokio::join!(follow, forward);
}
