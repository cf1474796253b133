//! The follower: resolves a [`LogSource`] to pods — one pod, or the pods a Deployment's or
//! Service's selector matches, watched with kube-rs's `watcher` — and runs one
//! [`follow_container`] task per container, starting streams for new pods (a rollout's new
//! pod joins the merged view) and stopping those of deleted pods.

use std::collections::{BTreeMap, HashMap, HashSet};

use futures::StreamExt;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Pod, Service};
use kube::api::Api;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::live::logs::stream::{StreamSpec, follow_container};
use crate::live::logs::{LogEvent, LogRequest, LogSource};

/// Follows `request` until the task is dropped (or, for one pod, until its streams end).
/// Lines and state changes go to `tx`; a failure to resolve the source is sent as
/// [`LogEvent::Error`].
pub async fn run(client: kube::Client, request: LogRequest, tx: mpsc::Sender<LogEvent>) {
    let namespace = request.source.namespace().to_string();
    let pods: Api<Pod> = Api::namespaced(client.clone(), &namespace);
    let selector = match &request.source {
        LogSource::Pod { name, .. } => {
            follow_pod(pods, name, &request, tx).await;
            return;
        }
        LogSource::Deployment { name, .. } => {
            let api: Api<Deployment> = Api::namespaced(client, &namespace);
            api.get(name)
                .await
                .map(|d| d.spec.selector.match_labels.unwrap_or_default())
        }
        LogSource::Service { name, .. } => {
            let api: Api<Service> = Api::namespaced(client, &namespace);
            api.get(name)
                .await
                .map(|s| s.spec.and_then(|s| s.selector).unwrap_or_default())
        }
    };
    let labels = match selector {
        Ok(labels) if !labels.is_empty() => selector_text(&labels),
        Ok(_) => {
            let text = format!(
                "{} selects no pods (empty selector)",
                request.source.label()
            );
            let _ = tx.send(LogEvent::Error(text)).await;
            return;
        }
        Err(error) => {
            let text = format!("cannot read {}: {error}", request.source.label());
            let _ = tx.send(LogEvent::Error(text)).await;
            return;
        }
    };
    follow_selected(pods, &labels, &request, tx).await;
}

/// `a=b,c=d` from a matchLabels map.
pub fn selector_text(labels: &BTreeMap<String, String>) -> String {
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn containers(pod: &Pod) -> Vec<String> {
    pod.spec
        .as_ref()
        .map(|s| s.containers.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default()
}

fn spawn_streams(
    tasks: &mut JoinSet<()>,
    api: &Api<Pod>,
    pod: &Pod,
    request: &LogRequest,
    tx: &mpsc::Sender<LogEvent>,
) -> Vec<tokio::task::AbortHandle> {
    let name = pod.metadata.name.clone().unwrap_or_default();
    containers(pod)
        .into_iter()
        .map(|container| {
            let spec = StreamSpec {
                pod: name.clone(),
                container,
                previous: request.previous,
                tail_lines: request.tail_lines,
            };
            tasks.spawn(follow_container(api.clone(), spec, tx.clone()))
        })
        .collect()
}

async fn follow_pod(api: Api<Pod>, name: &str, request: &LogRequest, tx: mpsc::Sender<LogEvent>) {
    let pod = match api.get(name).await {
        Ok(pod) => pod,
        Err(error) => {
            let _ = tx
                .send(LogEvent::Error(format!("cannot read pod {name}: {error}")))
                .await;
            return;
        }
    };
    let mut tasks = JoinSet::new();
    spawn_streams(&mut tasks, &api, &pod, request, &tx);
    while tasks.join_next().await.is_some() {}
}

async fn follow_selected(
    api: Api<Pod>,
    labels: &str,
    request: &LogRequest,
    tx: mpsc::Sender<LogEvent>,
) {
    let config = watcher::Config::default().labels(labels);
    let mut events = std::pin::pin!(watcher::watcher(api.clone(), config).default_backoff());
    let mut tasks = JoinSet::new();
    let mut running: HashMap<String, Vec<tokio::task::AbortHandle>> = HashMap::new();
    let mut listed: HashSet<String> = HashSet::new();
    loop {
        tokio::select! {
            event = events.next() => {
                let Some(event) = event else { return };
                match event {
                    Ok(Event::Init) => listed.clear(),
                    Ok(Event::InitApply(pod) | Event::Apply(pod)) => {
                        let name = pod.metadata.name.clone().unwrap_or_default();
                        listed.insert(name.clone());
                        let terminating = pod.metadata.deletion_timestamp.is_some();
                        if !terminating && !running.contains_key(&name) {
                            let handles = spawn_streams(&mut tasks, &api, &pod, request, &tx);
                            running.insert(name, handles);
                        }
                    }
                    Ok(Event::InitDone) => {
                        let gone: Vec<String> =
                            running.keys().filter(|n| !listed.contains(*n)).cloned().collect();
                        for name in gone {
                            stop(&mut running, &name, &tx).await;
                        }
                    }
                    Ok(Event::Delete(pod)) => {
                        let name = pod.metadata.name.clone().unwrap_or_default();
                        stop(&mut running, &name, &tx).await;
                    }
                    Err(error) => {
                        if tx.send(LogEvent::Error(format!("watching pods: {error}"))).await.is_err() {
                            return;
                        }
                    }
                }
            }
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
        }
    }
}

async fn stop(
    running: &mut HashMap<String, Vec<tokio::task::AbortHandle>>,
    name: &str,
    tx: &mpsc::Sender<LogEvent>,
) {
    let Some(handles) = running.remove(name) else {
        return;
    };
    for handle in handles {
        handle.abort();
    }
    let _ = tx
        .send(LogEvent::Ended {
            pod: name.to_string(),
            container: String::new(),
            reason: "pod deleted".into(),
        })
        .await;
}
