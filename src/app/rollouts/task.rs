//! The background task of one followed rollout: builds a kube-rs client for the cockpit's
//! cluster (retrying while the kubeconfig is unusable, each failure shown on the rollout), runs
//! `live::rollout::follow` and forwards its snapshots as `Msg::Rollout`.

use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::app::msg::Msg;
use crate::live::rollout::{FOLLOW_BUFFER, RolloutKey, RolloutSnapshot, follow};

/// The longest wait between two attempts to build the client.
const MAX_RETRY: Duration = Duration::from_secs(30);

/// Follows `key` until the cockpit's channel closes or the task is aborted.
pub async fn run(
    id: u64,
    key: RolloutKey,
    kubeconfig: Option<PathBuf>,
    context: Option<String>,
    tx: mpsc::Sender<Msg>,
) {
    let mut wait = Duration::from_millis(200);
    let client = loop {
        match crate::app::watch_task::client(kubeconfig.as_deref(), context.as_deref()).await {
            Ok(client) => break client,
            Err(error) => {
                let mut snapshot = RolloutSnapshot::new(key.clone());
                snapshot.error = Some(error);
                let msg = Msg::Rollout {
                    id,
                    snapshot: Box::new(snapshot),
                };
                if tx.send(msg).await.is_err() {
                    return;
                }
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(MAX_RETRY);
            }
        }
    };
    let (snapshots, mut received) = mpsc::channel(FOLLOW_BUFFER);
    let follower = tokio::spawn(follow(client, key, snapshots));
    while let Some(snapshot) = received.recv().await {
        let msg = Msg::Rollout {
            id,
            snapshot: Box::new(snapshot),
        };
        if tx.send(msg).await.is_err() {
            break;
        }
    }
    follower.abort();
}
