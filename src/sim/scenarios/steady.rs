//! Seeding a cluster that has been running: each deployment's ReplicaSet and pods created
//! directly in the state the controllers, scheduler and kubelet would have left them in
//! (scheduled, Running, Ready, with their start-up logs), so a large scenario serves every pod
//! as soon as it starts. The controllers then find nothing to do but keep them.

use serde_json::{Value, json};

use crate::sim::clock::now_rfc3339;
use crate::sim::controllers::deployment::revisions::{annotate, new_replicaset};
use crate::sim::controllers::deployment::rolling::surge_and_unavailable;
use crate::sim::controllers::kubelet::logs::startup_lines;
use crate::sim::controllers::kubelet::pod_run::{Placement, PodRun};
use crate::sim::controllers::nodes::{CONTROL_PLANE_TAINT, NodeInfo};
use crate::sim::controllers::pods::{PodName, controller_ref, pod_from_template, template_hash};
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

/// Gives every deployment without a ReplicaSet its first ReplicaSet and running pods.
pub fn settle_deployments(store: &Store) -> Result<(), ApiError> {
    let mut nodes = Nodes::of(store)?;
    let started_at = now_rfc3339();
    let with_sets: std::collections::HashSet<String> = store
        .list(&resource::REPLICASETS, "")?
        .iter()
        .flat_map(|rs| {
            rs.owners()
                .iter()
                .map(|o| o.uid.clone())
                .collect::<Vec<_>>()
        })
        .collect();
    for deployment in store.list(&resource::DEPLOYMENTS, "")? {
        if with_sets.contains(deployment.uid()) {
            continue;
        }
        settle(store, &deployment, &mut nodes, &started_at)?;
    }
    Ok(())
}

fn settle(
    store: &Store,
    deployment: &StoredObject,
    nodes: &mut Nodes,
    started_at: &str,
) -> Result<(), ApiError> {
    let value = deployment.value();
    let desired = value
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let template = value
        .pointer("/spec/template")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let hash = template_hash(&template, 0);
    let mut rs = new_replicaset(deployment, &value, &hash, desired);
    let strategy = value
        .pointer("/spec/strategy")
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
    let seeded = WriteOptions {
        keep_status: true,
        ..WriteOptions::default()
    };
    let rs = store.create_with(&resource::REPLICASETS, deployment.namespace(), rs, &seeded)?;
    let template = rs
        .value()
        .pointer("/spec/template")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let prefix = format!("{}-", rs.name());
    let owner = controller_ref("ReplicaSet", "apps/v1", &rs);
    for _ in 0..desired {
        let Some(placement) = nodes.place() else {
            return Ok(());
        };
        let mut pod = pod_from_template(&template, PodName::Generate(&prefix), owner.clone());
        pod["spec"]["nodeName"] = json!(placement.node);
        let run = PodRun::steady(&pod, placement, started_at);
        let mut status = run.render(&json!({}));
        for condition in status["conditions"].as_array_mut().into_iter().flatten() {
            condition["lastTransitionTime"] = json!(started_at);
        }
        pod["status"] = status;
        let pod = store.create_with(&resource::PODS, rs.namespace(), pod, &seeded)?;
        for container in &run.containers {
            for line in startup_lines(container.voice, &container.name, &container.image) {
                store.append_log(pod.namespace(), pod.name(), &container.name, line)?;
            }
        }
    }
    Ok(())
}
