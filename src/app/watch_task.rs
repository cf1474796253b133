//! The watch pane's background task: builds a kube-rs client from the kubeconfig and context
//! the cockpit shows, runs the `live::watch` watcher for the pane's target and forwards its
//! batches as `Msg::Watch`. It ends when the cockpit's channel closes or the task is aborted.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use kube::config::{KubeConfigOptions, Kubeconfig};
use tokio::sync::mpsc;

use crate::app::msg::Msg;
use crate::app::watch::{ObjectRef, WatchKind, WatchTarget};
use crate::live::projection::{DeploymentRow, EventRow, NodeRow, PodRow, ServiceRow};
use crate::live::store::Change;
use crate::live::watch::{self, WatchSpec};

/// Batches in flight between the watcher and the forwarder.
const BATCHES: usize = 16;
/// The longest wait between two attempts to read the kubeconfig.
const MAX_RETRY: Duration = Duration::from_secs(30);

/// A kube-rs client for `context` of `kubeconfig` (`None`: `KUBECONFIG` or
/// `~/.kube/config`, as kubectl reads it).
pub async fn client(
    kubeconfig: Option<&std::path::Path>,
    context: Option<&str>,
) -> Result<kube::Client, String> {
    let options = KubeConfigOptions {
        context: context.map(str::to_string),
        ..KubeConfigOptions::default()
    };
    let config = match kubeconfig {
        Some(path) => {
            let parsed = Kubeconfig::read_from(path).map_err(|error| {
                format!(
                    "cannot read the kubeconfig {}: {error} (check the file, or set KUBECONFIG)",
                    path.display()
                )
            })?;
            kube::Config::from_custom_kubeconfig(parsed, &options).await
        }
        None => kube::Config::from_kubeconfig(&options).await,
    }
    .map_err(|error| {
        format!("cannot use the kubeconfig: {error} (check the context with `kubectl config get-contexts`)")
    })?;
    kube::Client::try_from(config)
        .map_err(|error| format!("cannot build a Kubernetes client: {error}"))
}

/// Builds the client (retrying with a growing wait while the kubeconfig is unusable, e.g. the
/// demo cluster has not written it yet, each failure shown in the pane), then watches `target`
/// and forwards every batch as `Msg::Watch { id, .. }`.
pub async fn run(
    id: u64,
    target: WatchTarget,
    kubeconfig: Option<PathBuf>,
    context: Option<String>,
    tx: mpsc::Sender<Msg>,
) {
    let mut wait = Duration::from_millis(200);
    let client = loop {
        match client(kubeconfig.as_deref(), context.as_deref()).await {
            Ok(client) => break client,
            Err(error) => {
                let changes = vec![Change::Down {
                    error,
                    at: Instant::now(),
                }];
                if tx.send(Msg::Watch { id, changes }).await.is_err() {
                    return;
                }
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(MAX_RETRY);
            }
        }
    };
    let mut spec = WatchSpec::new(target.kind.api_resource());
    if let Some(namespace) = &target.namespace {
        spec = spec.namespace(namespace.clone());
    }
    if let Some(selector) = &target.labels {
        spec = spec.labels(selector.clone());
    }
    let (batches, mut received) = mpsc::channel(BATCHES);
    // Dropping the handle (when this task is aborted) stops the watcher.
    let _handle = match target.kind {
        WatchKind::Pods => watch::spawn::<PodRow>(client, spec, batches),
        WatchKind::Deployments => watch::spawn::<DeploymentRow>(client, spec, batches),
        WatchKind::Services => watch::spawn::<ServiceRow>(client, spec, batches),
        WatchKind::Nodes => watch::spawn::<NodeRow>(client, spec, batches),
        WatchKind::Events => watch::spawn::<EventRow>(client, spec, batches),
    };
    while let Some(changes) = received.recv().await {
        if tx.send(Msg::Watch { id, changes }).await.is_err() {
            return;
        }
    }
}

/// Reads `object` in full with `Api<DynamicObject>::get`, as JSON.
pub async fn fetch(
    kubeconfig: Option<&std::path::Path>,
    context: Option<&str>,
    object: &ObjectRef,
) -> Result<serde_json::Value, String> {
    let client = client(kubeconfig, context).await?;
    let resource = object.kind.api_resource();
    let api: kube::Api<kube::api::DynamicObject> = match &object.namespace {
        Some(namespace) => kube::Api::namespaced_with(client, namespace, &resource),
        None => kube::Api::all_with(client, &resource),
    };
    let found = api.get(&object.name).await.map_err(|error| {
        format!(
            "cannot read {} {}: {error}",
            object.kind.title(),
            object.name
        )
    })?;
    serde_json::to_value(found).map_err(|error| format!("cannot encode {}: {error}", object.name))
}
