//! The effect runner's side of a log follow: builds the kube client for the cockpit's context
//! (retried while the kubeconfig is unusable, each failure shown in the view),
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
    let failed = |error| Msg::Logs {
        id,
        event: LogEvent::Error(error),
    };
    let Some(client) = crate::app::watch_task::client_with_retry(
        kubeconfig.as_deref(),
        context.as_deref(),
        &tx,
        failed,
    )
    .await
    else {
        return;
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
