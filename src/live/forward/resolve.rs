//! From a forward's target to a pod and a container port: a service's port → targetPort
//! (numeric or a named container port) and a ready pod behind its selector; a pod's owner
//! (ReplicaSet, StatefulSet, DaemonSet) gives the selector its replacements are chosen by.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::core::v1::{Pod, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::api::{Api, ListParams};

use super::{ForwardSpec, ForwardTarget};

/// The local port used when none is asked for: the remote port, +8000 below 1024 (as k9s does).
pub fn local_port_for(remote: u16) -> u16 {
    if remote < 1024 { remote + 8000 } else { remote }
}

/// How the port is found on each pod: a number, or a container port's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PortRef {
    Number(u16),
    Name(String),
}

impl PortRef {
    /// The container port on `pod`, `None` when a named port is not declared there.
    pub fn on(&self, pod: &Pod) -> Option<u16> {
        match self {
            PortRef::Number(port) => Some(*port),
            PortRef::Name(name) => pod
                .spec
                .as_ref()?
                .containers
                .iter()
                .flat_map(|c| c.ports.iter().flatten())
                .find(|p| p.name.as_deref() == Some(name.as_str()))
                .and_then(|p| u16::try_from(p.container_port).ok()),
        }
    }
}

/// The pod a forward starts on and how to replace it.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub pod: String,
    pub port: u16,
    pub port_ref: PortRef,
    /// Pods that may take over when the pod goes away (`None`: a bare pod, nobody may).
    pub selector: Option<String>,
}

/// Whether the pod is running, Ready and not being deleted.
pub fn is_ready(pod: &Pod) -> bool {
    if pod.metadata.deletion_timestamp.is_some() {
        return false;
    }
    let Some(status) = &pod.status else {
        return false;
    };
    status.phase.as_deref() == Some("Running")
        && status
            .conditions
            .iter()
            .flatten()
            .any(|c| c.type_ == "Ready" && c.status == "True")
}

/// Why a pod is not ready, in a few words.
pub fn not_ready_reason(pod: &Pod) -> String {
    if pod.metadata.deletion_timestamp.is_some() {
        return "it is being deleted".into();
    }
    let status = pod.status.as_ref();
    let waiting = status
        .and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .find_map(|c| c.state.as_ref()?.waiting.as_ref()?.reason.clone());
    let phase = status
        .and_then(|s| s.phase.clone())
        .unwrap_or_else(|| "Unknown".into());
    match waiting {
        Some(reason) => format!("it is not ready ({phase}, {reason})"),
        None => format!("it is not ready ({phase})"),
    }
}

/// `k=v,k=v` from a selector's matchLabels (`None` when it has none).
fn label_string(labels: &BTreeMap<String, String>) -> Option<String> {
    (!labels.is_empty()).then(|| {
        labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    })
}

fn match_labels(selector: Option<&LabelSelector>) -> Option<String> {
    label_string(selector?.match_labels.as_ref()?)
}

/// Resolves `spec` to a ready pod and its container port.
pub(crate) async fn resolve(client: &kube::Client, spec: &ForwardSpec) -> Result<Resolved, String> {
    let namespace = spec.target.namespace();
    let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
    match &spec.target {
        ForwardTarget::Pod { name, .. } => {
            let pod = pods.get(name).await.map_err(|error| {
                format!("cannot read pod {namespace}/{name}: {error} (is the name right?)")
            })?;
            let selector = owner_selector(client, namespace, &pod).await;
            let port_ref = PortRef::Number(spec.remote_port);
            if is_ready(&pod) {
                return Ok(Resolved {
                    pod: name.clone(),
                    port: spec.remote_port,
                    port_ref,
                    selector,
                });
            }
            let reason = not_ready_reason(&pod);
            let Some(selector) = selector else {
                return Err(format!(
                    "pod {namespace}/{name} cannot be forwarded to: {reason}"
                ));
            };
            let (pod, port) = pick_ready(&pods, &selector, &port_ref, Some(name))
                .await?
                .ok_or_else(|| {
                    format!("pod {namespace}/{name}: {reason}, and no ready sibling pod")
                })?;
            Ok(Resolved {
                pod,
                port,
                port_ref,
                selector: Some(selector),
            })
        }
        ForwardTarget::Service { name, .. } => {
            let services: Api<Service> = Api::namespaced(client.clone(), namespace);
            let service = services.get(name).await.map_err(|error| {
                format!("cannot read service {namespace}/{name}: {error} (is the name right?)")
            })?;
            let spec_of = service.spec.unwrap_or_default();
            let ports = spec_of.ports.unwrap_or_default();
            let Some(port) = ports.iter().find(|p| i32::from(spec.remote_port) == p.port) else {
                let known: Vec<String> = ports.iter().map(|p| p.port.to_string()).collect();
                return Err(format!(
                    "service {namespace}/{name} has no port {} (its ports: {})",
                    spec.remote_port,
                    known.join(", ")
                ));
            };
            let port_ref = match &port.target_port {
                Some(IntOrString::Int(n)) => PortRef::Number(
                    u16::try_from(*n).map_err(|_| format!("targetPort {n} is not a port"))?,
                ),
                Some(IntOrString::String(text)) => match text.parse::<u16>() {
                    Ok(n) => PortRef::Number(n),
                    Err(_) => PortRef::Name(text.clone()),
                },
                None => PortRef::Number(spec.remote_port),
            };
            let selector = spec_of
                .selector
                .as_ref()
                .and_then(label_string)
                .ok_or_else(|| {
                    format!(
                        "service {namespace}/{name} has no selector, so no pod backs it \
                         (forward to a pod instead)"
                    )
                })?;
            let (pod, port) = pick_ready(&pods, &selector, &port_ref, None)
                .await?
                .ok_or_else(|| {
                    format!("service {namespace}/{name} has no ready pod ({selector})")
                })?;
            Ok(Resolved {
                pod,
                port,
                port_ref,
                selector: Some(selector),
            })
        }
    }
}

/// A ready pod matching `selector` (not `except`) that declares the port, by name order.
async fn pick_ready(
    pods: &Api<Pod>,
    selector: &str,
    port_ref: &PortRef,
    except: Option<&str>,
) -> Result<Option<(String, u16)>, String> {
    let list = pods
        .list(&ListParams::default().labels(selector))
        .await
        .map_err(|error| format!("cannot list pods ({selector}): {error}"))?;
    let candidates: BTreeMap<String, Pod> = list
        .items
        .into_iter()
        .filter_map(|pod| Some((pod.metadata.name.clone()?, pod)))
        .collect();
    Ok(choose(&candidates, port_ref, except))
}

/// The first ready pod of `pods` (not `except`) that has the port.
pub(crate) fn choose(
    pods: &BTreeMap<String, Pod>,
    port_ref: &PortRef,
    except: Option<&str>,
) -> Option<(String, u16)> {
    pods.iter()
        .filter(|(name, pod)| Some(name.as_str()) != except && is_ready(pod))
        .find_map(|(name, pod)| Some((name.clone(), port_ref.on(pod)?)))
}

/// The selector of the pod's controller (ReplicaSet, StatefulSet, DaemonSet), whose other pods
/// may take over; `None` for a bare pod or one whose owner cannot be read.
async fn owner_selector(client: &kube::Client, namespace: &str, pod: &Pod) -> Option<String> {
    let owner = pod
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true))?;
    match owner.kind.as_str() {
        "ReplicaSet" => {
            let api: Api<ReplicaSet> = Api::namespaced(client.clone(), namespace);
            let set = api.get(&owner.name).await.ok()?;
            // A Deployment's pods span its ReplicaSets: a rollout's new pods take over too.
            let deployment = set
                .metadata
                .owner_references
                .iter()
                .flatten()
                .find(|o| o.controller == Some(true) && o.kind == "Deployment");
            if let Some(deployment) = deployment {
                let api: Api<Deployment> = Api::namespaced(client.clone(), namespace);
                if let Ok(found) = api.get(&deployment.name).await {
                    return match_labels(Some(&found.spec.selector));
                }
            }
            match_labels(Some(&set.spec.selector))
        }
        "StatefulSet" => {
            let api: Api<StatefulSet> = Api::namespaced(client.clone(), namespace);
            let owner = api.get(&owner.name).await.ok()?;
            match_labels(Some(&owner.spec.selector))
        }
        "DaemonSet" => {
            let api: Api<DaemonSet> = Api::namespaced(client.clone(), namespace);
            let owner = api.get(&owner.name).await.ok()?;
            match_labels(Some(&owner.spec.selector))
        }
        _ => None,
    }
}
