//! Seeding a cluster that has been running: each deployment's ReplicaSet and pods created
//! directly in the state the controllers, scheduler and kubelet would have left them in
//! (scheduled, Running, Ready, with their start-up logs), so a large scenario serves every pod
//! as soon as it starts. The controllers then find nothing to do but keep them.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::sim::clock::now_rfc3339;
use crate::sim::controllers::deployment::revisions::{annotate, new_replicaset};
use crate::sim::controllers::deployment::rolling::surge_and_unavailable;
use crate::sim::controllers::kubelet::logs::startup_lines;
use crate::sim::controllers::kubelet::pod_run::{Placement, PodRun};
use crate::sim::controllers::nodes::{CONTROL_PLANE_TAINT, NodeInfo};
use crate::sim::controllers::pods::{PodName, controller_ref, pod_from_template, template_hash};
use crate::sim::object::At;
use crate::sim::parallel;
use crate::sim::resource;
use crate::sim::status::ApiError;
use crate::sim::store::{Store, StoredObject, WriteOptions};

/// Where seeded pods go: the schedulable workers in turn, each pod with the next address of
/// its node.
struct Nodes {
    workers: Vec<NodeInfo>,
    placed: Vec<u32>,
    next: usize,
}

impl Nodes {
    fn of(store: &Store) -> Result<Self, ApiError> {
        let workers: Vec<NodeInfo> = store
            .list(&resource::NODES, "")?
            .iter()
            .map(|node| NodeInfo::from_value(&node.value()))
            .filter(|node| {
                node.schedulable && !node.taints.iter().any(|t| t.0 == CONTROL_PLANE_TAINT)
            })
            .collect();
        Ok(Self {
            placed: vec![0; workers.len()],
            workers,
            next: 0,
        })
    }

    fn place(&mut self) -> Option<Placement> {
        if self.workers.is_empty() {
            return None;
        }
        let index = self.next % self.workers.len();
        self.next += 1;
        let node = &self.workers[index];
        let placement = Placement {
            node: node.name.clone(),
            host_ip: node.internal_ip.clone(),
            pod_ip: node.pod_ip(self.placed[index]),
        };
        self.placed[index] += 1;
        Some(placement)
    }
}

/// Gives every deployment without a ReplicaSet its first ReplicaSet and running pods. The
/// objects are built on every core and created in batches (the ReplicaSets, then their pods).
pub fn settle_deployments(store: &Store) -> Result<(), ApiError> {
    let mut nodes = Nodes::of(store)?;
    let started_at = now_rfc3339();
    let with_sets: HashSet<String> = store
        .list(&resource::REPLICASETS, "")?
        .iter()
        .flat_map(|rs| {
            rs.owners()
                .iter()
                .map(|o| o.uid.clone())
                .collect::<Vec<_>>()
        })
        .collect();
    let deployments: Vec<Arc<StoredObject>> = store
        .list(&resource::DEPLOYMENTS, "")?
        .into_iter()
        .filter(|deployment| !with_sets.contains(deployment.uid()))
        .collect();
    let seeded = WriteOptions {
        keep_status: true,
        ..WriteOptions::default()
    };
    let sets: Vec<(String, Value)> = parallel::map(deployments, |deployment| {
        (
            deployment.namespace().to_string(),
            first_replicaset(&deployment),
        )
    });
    let mut owners = Vec::with_capacity(sets.len());
    for created in store.create_many(&resource::REPLICASETS, sets, &seeded)? {
        let rs = created?;
        let desired = rs
            .value()
            .at("/spec/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        let placements: Vec<Placement> = (0..desired).map_while(|_| nodes.place()).collect();
        owners.push((rs, placements));
    }
    // A few thousand pods at a time: their parsed values are large, and holding every one
    // of them at once would double the resident memory of the cluster.
    while !owners.is_empty() {
        let rest = owners.split_off(owners.len().min(SETS_PER_BATCH));
        let batch = std::mem::replace(&mut owners, rest);
        create_running_pods(store, batch, &started_at, &seeded)?;
    }
    Ok(())
}

/// ReplicaSets whose pods are built and created together.
const SETS_PER_BATCH: usize = 256;

/// Builds the pods of `sets` on every core and creates them in one batch, with their logs.
fn create_running_pods(
    store: &Store,
    sets: Vec<(Arc<StoredObject>, Vec<Placement>)>,
    started_at: &str,
    seeded: &WriteOptions,
) -> Result<(), ApiError> {
    let built: Vec<SeededPod> = parallel::map(sets, |(rs, placements)| {
        running_pods(&rs, placements, started_at)
    })
    .into_iter()
    .flatten()
    .collect();
    let (pods, logs): (Vec<(String, Value)>, Vec<ContainerLogs>) = built
        .into_iter()
        .map(|pod| ((pod.namespace, pod.object), pod.logs))
        .unzip();
    for (created, logs) in store
        .create_many(&resource::PODS, pods, seeded)?
        .into_iter()
        .zip(logs)
    {
        let pod = created?;
        for (container, lines) in logs {
            store.append_logs(pod.namespace(), pod.name(), &container, lines)?;
        }
    }
    Ok(())
}

/// Each container's name and start-up lines.
type ContainerLogs = Vec<(String, Vec<String>)>;

/// A pod as the kubelet would have left it, and its containers' start-up lines.
struct SeededPod {
    namespace: String,
    object: Value,
    logs: ContainerLogs,
}

/// The deployment's first ReplicaSet, with the status of all its pods ready.
fn first_replicaset(deployment: &StoredObject) -> Value {
    let value = deployment.value();
    let desired = value
        .at("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let template = value
        .at("/spec/template")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let hash = template_hash(&template, 0);
    let mut rs = new_replicaset(deployment, &value, &hash, desired);
    let strategy = value
        .at("/spec/strategy")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let (surge, _) = surge_and_unavailable(&strategy, desired);
    annotate(&mut rs, &value, 1, desired, desired + surge);
    rs["status"] = json!({
        "replicas": desired,
        "fullyLabeledReplicas": desired,
        "readyReplicas": desired,
        "availableReplicas": desired,
        "observedGeneration": 1,
    });
    rs
}

/// The ReplicaSet's pods, one per placement, scheduled, Running and Ready since `started_at`.
fn running_pods(rs: &StoredObject, placements: Vec<Placement>, started_at: &str) -> Vec<SeededPod> {
    let template = rs
        .value()
        .at("/spec/template")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let prefix = format!("{}-", rs.name());
    let owner = controller_ref("ReplicaSet", "apps/v1", rs);
    placements
        .into_iter()
        .map(|placement| {
            let mut pod = pod_from_template(&template, PodName::Generate(&prefix), owner.clone());
            pod["spec"]["nodeName"] = json!(placement.node);
            let run = PodRun::steady(&pod, placement, started_at);
            let mut status = run.render(&json!({}));
            for condition in status["conditions"].as_array_mut().into_iter().flatten() {
                condition["lastTransitionTime"] = json!(started_at);
            }
            pod["status"] = status;
            let logs = run
                .containers
                .iter()
                .map(|c| {
                    let lines = startup_lines(c.voice, &c.name, &c.image);
                    (c.name.clone(), lines)
                })
                .collect();
            SeededPod {
                namespace: rs.namespace().to_string(),
                object: pod,
                logs,
            }
        })
        .collect()
}
