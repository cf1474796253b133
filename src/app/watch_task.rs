//! The watch pane's background task: builds a kube-rs client from the kubeconfig and context
//! the cockpit shows, runs the `live::watch` watcher for the pane's target and forwards its
//! batches as `Msg::Watch`. It ends when the cockpit's channel closes or the task is aborted.
//! It also keeps the rows of several namespaces only (`:ns a,b`), restarts the watcher with a
//! relist after a stall (laptop sleep), and on a 403 finds which common kinds are visible.

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use kube::config::{KubeConfigOptions, Kubeconfig};
use tokio::sync::mpsc;

use crate::app::msg::Msg;
use crate::app::watch::{ObjectRef, WatchKind, WatchTarget};
use crate::live::projection::{DeploymentRow, EventRow, GenericRow, NodeRow, PodRow, ServiceRow};
use crate::live::stall::{CHECK_EVERY, StallWatch};
use crate::live::store::Change;
use crate::live::watch::{self, FORBIDDEN, WatchHandle, WatchSpec};

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
    let several = crate::app::namespaces::several(target.namespace.as_deref());
    let mut spec = WatchSpec::new(target.kind.api_resource());
    if let (Some(namespace), None) = (&target.namespace, &several) {
        spec = spec.namespace(namespace.clone());
    }
    if let Some(selector) = &target.labels {
        spec = spec.labels(selector.clone());
    }
    // Which common kinds can be read, found once after the first 403.
    let mut visible: Option<String> = None;
    let mut stall = StallWatch::new(SystemTime::now(), Instant::now());
    let mut check = tokio::time::interval(CHECK_EVERY);
    loop {
        let (batches, mut received) = mpsc::channel(BATCHES);
        // Dropping the handle (a restart, or this task aborted) stops the watcher.
        let _handle = spawn_watcher(target.kind, client.clone(), spec.clone(), batches);
        loop {
            tokio::select! {
                batch = received.recv() => {
                    let Some(mut changes) = batch else { return };
                    if changes.iter().any(|c| !matches!(c, Change::Down { .. })) {
                        stall.saw_event(SystemTime::now());
                    }
                    if let Some(namespaces) = &several {
                        changes = crate::app::namespaces::keep_only(changes, namespaces);
                    }
                    for change in &mut changes {
                        if let Change::Down { error, .. } = change
                            && error.starts_with(FORBIDDEN)
                        {
                            let found = match &visible {
                                Some(found) => found.clone(),
                                None => visible
                                    .insert(probe_visible(&client, &spec).await)
                                    .clone(),
                            };
                            error.push_str(&found);
                        }
                    }
                    if tx.send(Msg::Watch { id, changes }).await.is_err() {
                        return;
                    }
                }
                _ = check.tick() => {
                    if let Some(stalled) = stall.check(SystemTime::now(), Instant::now()) {
                        tracing::info!(reason = %stalled.message(), "watch restarted");
                        let changes = vec![Change::Down {
                            error: stalled.message(),
                            at: Instant::now(),
                        }];
                        if tx.send(Msg::Watch { id, changes }).await.is_err() {
                            return;
                        }
                        break;
                    }
                }
            }
        }
    }
}

/// A watcher over `kind`'s projection (`GenericRow` for discovered kinds).
fn spawn_watcher(
    kind: WatchKind,
    client: kube::Client,
    spec: WatchSpec,
    batches: mpsc::Sender<Vec<Change>>,
) -> WatchHandle {
    match kind {
        WatchKind::Pods => watch::spawn::<PodRow>(client, spec, batches),
        WatchKind::Deployments => watch::spawn::<DeploymentRow>(client, spec, batches),
        WatchKind::Services => watch::spawn::<ServiceRow>(client, spec, batches),
        WatchKind::Nodes => watch::spawn::<NodeRow>(client, spec, batches),
        WatchKind::Events => watch::spawn::<EventRow>(client, spec, batches),
        WatchKind::Other(_) => watch::spawn::<GenericRow>(client, spec, batches),
    }
}

/// The common kinds probed after a 403.
const COMMON: [WatchKind; 5] = [
    WatchKind::Pods,
    WatchKind::Deployments,
    WatchKind::Services,
    WatchKind::Events,
    WatchKind::Nodes,
];

/// ` · visible: deployments, services` — which common kinds (other than the refused one) a
/// one-object list can read in the same namespace; nodes cluster-wide.
pub async fn probe_visible(client: &kube::Client, refused: &WatchSpec) -> String {
    let probes = COMMON
        .iter()
        .filter(|kind| kind.api_resource().plural != refused.resource.plural)
        .map(|kind| {
            let resource = kind.api_resource();
            let api: kube::Api<kube::api::DynamicObject> =
                match (&refused.namespace, kind.namespaced()) {
                    (Some(namespace), true) => {
                        kube::Api::namespaced_with(client.clone(), namespace, &resource)
                    }
                    _ => kube::Api::all_with(client.clone(), &resource),
                };
            async move {
                let params = kube::api::ListParams::default().limit(1);
                api.list(&params).await.is_ok().then(|| kind.title())
            }
        });
    let visible: Vec<&str> = futures::future::join_all(probes)
        .await
        .into_iter()
        .flatten()
        .collect();
    if visible.is_empty() {
        " · none of pods, deployments, services, events, nodes is visible either".to_string()
    } else {
        format!(" · visible: {}", visible.join(", "))
    }
}

/// Discovers the cluster's kinds with the client for `context` of `kubeconfig`.
pub async fn discover(
    kubeconfig: Option<&std::path::Path>,
    context: Option<&str>,
) -> Result<crate::app::discovery::Catalogue, String> {
    let client = client(kubeconfig, context).await?;
    crate::app::discovery::discover(&client).await
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
