//! The DaemonSet controller: one pod on every node the template fits (node selector, affinity,
//! taints), pinned with node affinity on the node's name; pods on nodes that no longer fit go,
//! and template changes roll out one unavailable pod at a time.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use serde_json::{Value, json};

use super::index::{OwnerIndex, key_of};
use super::nodes::NodeInfo;
use super::pods::{PodName, PodView, controller_ref, pod_from_template, template_hash};
use super::scheduler::placeable;
use super::{Controller, Ctx, set_count};
use crate::sim::events::{EventSpec, EventType, Involved, Source};
use crate::sim::object::At;
use crate::sim::object::str_at;
use crate::sim::resource;
use crate::sim::store::{Change, ChangeKind, DeleteOptions, ObjectKey, StoredObject};

const COMPONENT: &str = "daemonset-controller";
const REVISION_LABEL: &str = "controller-revision-hash";

pub struct DaemonSetController {
    pods: OwnerIndex,
    by_uid: HashMap<String, ObjectKey>,
    nodes: BTreeMap<String, NodeInfo>,
}

impl Default for DaemonSetController {
    fn default() -> Self {
        Self {
            pods: OwnerIndex::new(resource::PODS),
            by_uid: HashMap::new(),
            nodes: BTreeMap::new(),
        }
    }
}

fn event(ctx: &Ctx, set: &StoredObject, reason: &str, message: &str) {
    ctx.events.record_per_pod(EventSpec {
        involved: &Involved::of("DaemonSet", "apps/v1", set),
        kind: EventType::Normal,
        reason,
        message,
        source: &Source::controller(COMPONENT),
    });
}

/// The node a daemon pod is pinned to, by its node affinity or its binding.
fn node_of(pod: &Value) -> String {
    let bound = str_at(pod, "/spec/nodeName");
    if !bound.is_empty() {
        return bound.to_string();
    }
    pod.at("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchFields/0/values/0")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn daemon_template(template: &Value, node: &str, hash: &str) -> Value {
    let mut template = template.clone();
    template["metadata"]["labels"][REVISION_LABEL] = json!(hash);
    template["spec"]["affinity"]["nodeAffinity"] = json!({
        "requiredDuringSchedulingIgnoredDuringExecution": { "nodeSelectorTerms": [
            { "matchFields": [{ "key": "metadata.name", "operator": "In", "values": [node] }] }
        ] }
    });
    let mut tolerations = template["spec"]["tolerations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for (key, effect) in [
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ] {
        tolerations.push(json!({ "key": key, "operator": "Exists", "effect": effect }));
    }
    template["spec"]["tolerations"] = json!(tolerations);
    template
}

impl Controller for DaemonSetController {
    type Key = ObjectKey;

    fn name(&self) -> &'static str {
        "daemonset"
    }

    fn resync(&mut self, ctx: &Ctx) -> Vec<ObjectKey> {
        self.pods.rebuild(&ctx.store);
        self.nodes = ctx
            .store
            .list(&resource::NODES, "")
            .unwrap_or_default()
            .iter()
            .map(|n| (n.name().to_string(), NodeInfo::from_value(&n.value())))
            .collect();
        let sets = ctx
            .store
            .list(&resource::DAEMONSETS, "")
            .unwrap_or_default();
        self.by_uid = sets
            .iter()
            .map(|s| (s.uid().to_string(), key_of(s)))
            .collect();
        sets.iter().map(|s| key_of(s)).collect()
    }

    fn observe(&mut self, _ctx: &Ctx, change: &Change, dirty: &mut Vec<ObjectKey>) {
        if change.resource == resource::NODES {
            let name = change.object.name().to_string();
            if change.kind == ChangeKind::Deleted {
                self.nodes.remove(&name);
            } else {
                let info = NodeInfo::from_value(&change.object.value());
                if self.nodes.get(&name) == Some(&info) {
                    return;
                }
                self.nodes.insert(name, info);
            }
            dirty.extend(self.by_uid.values().cloned());
            return;
        }
        if change.resource == resource::DAEMONSETS {
            if change.kind == ChangeKind::Deleted {
                self.by_uid.remove(change.object.uid());
            } else {
                self.by_uid
                    .insert(change.object.uid().to_string(), key_of(&change.object));
                dirty.push(key_of(&change.object));
            }
            return;
        }
        for owner in self.pods.observe(change) {
            if let Some(key) = self.by_uid.get(&owner) {
                dirty.push(key.clone());
            }
        }
    }

    fn reconcile(&mut self, ctx: &Ctx, key: &ObjectKey) -> Option<Duration> {
        let set = ctx.store.get(&resource::DAEMONSETS, &key.0, &key.1).ok()?;
        if set.is_deleting() {
            return None;
        }
        let value = set.value();
        let template = value
            .at("/spec/template")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let hash = template_hash(&template, 0);
        let eligible: Vec<&String> = self
            .nodes
            .iter()
            .filter(|(_, n)| placeable(&template, n))
            .map(|(name, _)| name)
            .collect();
        let mut by_node: BTreeMap<String, Vec<(std::sync::Arc<StoredObject>, PodView, String)>> =
            BTreeMap::new();
        for pod in self.pods.objects_owned_by(&ctx.store, set.uid()) {
            let pod_value = pod.value();
            let revision = pod
                .labels()
                .iter()
                .find(|(k, _)| k == REVISION_LABEL)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let view = PodView::of(&pod);
            if view.is_finished() {
                continue;
            }
            by_node
                .entry(node_of(&pod_value))
                .or_default()
                .push((pod, view, revision));
        }
        let delete = |pod: &StoredObject| {
            if !pod.is_deleting()
                && ctx
                    .store
                    .delete(
                        &resource::PODS,
                        pod.namespace(),
                        pod.name(),
                        &DeleteOptions::default(),
                    )
                    .is_ok()
            {
                event(
                    ctx,
                    &set,
                    "SuccessfulDelete",
                    &format!("Deleted pod: {}", pod.name()),
                );
            }
        };
        let prefix = format!("{}-", set.name());
        let (mut scheduled, mut ready, mut updated, mut unavailable) = (0, 0, 0, 0);
        let mut outdated = Vec::new();
        for node in &eligible {
            let pods = by_node.remove(*node).unwrap_or_default();
            let live: Vec<_> = pods.iter().filter(|(p, _, _)| !p.is_deleting()).collect();
            if live.is_empty() {
                unavailable += 1;
                if !pods.is_empty() {
                    continue;
                }
                let pod = pod_from_template(
                    &daemon_template(&template, node, &hash),
                    PodName::Generate(&prefix),
                    controller_ref("DaemonSet", "apps/v1", &set),
                );
                match ctx.store.create(&resource::PODS, set.namespace(), pod) {
                    Ok(pod) => {
                        self.pods.record(&pod);
                        event(
                            ctx,
                            &set,
                            "SuccessfulCreate",
                            &format!("Created pod: {}", pod.name()),
                        );
                    }
                    Err(error) => {
                        tracing::debug!(%error, daemonset = set.name(), "pod not created")
                    }
                }
                continue;
            }
            scheduled += 1;
            for (extra, _, _) in live.iter().skip(1) {
                delete(extra);
            }
            let (pod, view, revision) = live[0];
            if view.is_ready() {
                ready += 1;
            } else {
                unavailable += 1;
            }
            if *revision == hash {
                updated += 1;
            } else {
                outdated.push(pod.clone());
            }
        }
        for pods in by_node.values() {
            for (pod, _, _) in pods {
                delete(pod);
            }
        }
        let max_unavailable = value
            .at("/spec/updateStrategy/rollingUpdate/maxUnavailable")
            .and_then(Value::as_i64)
            .unwrap_or(1)
            .max(1);
        let rolling = value
            .at("/spec/updateStrategy/type")
            .and_then(Value::as_str)
            != Some("OnDelete");
        if rolling && unavailable < max_unavailable {
            for pod in outdated
                .iter()
                .take((max_unavailable - unavailable) as usize)
            {
                delete(pod);
            }
        }
        let desired = eligible.len() as i64;
        let generation = value
            .at("/metadata/generation")
            .cloned()
            .unwrap_or(json!(1));
        let written = ctx
            .store
            .modify_status(&resource::DAEMONSETS, &key.0, &key.1, |set| {
                let status = &mut set["status"];
                status["observedGeneration"] = generation;
                status["desiredNumberScheduled"] = json!(desired);
                status["currentNumberScheduled"] = json!(scheduled);
                status["numberMisscheduled"] = json!(0);
                status["numberReady"] = json!(ready);
                set_count(status, "numberAvailable", ready);
                set_count(status, "numberUnavailable", (desired - ready).max(0));
                set_count(status, "updatedNumberScheduled", updated);
            });
        if let Err(error) = written {
            tracing::debug!(%error, daemonset = %key.1, "status not written");
        }
        None
    }
}
