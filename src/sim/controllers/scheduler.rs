//! The scheduler: binds pending pods to a node that fits their requests, node selector,
//! required node affinity and taints, preferring the least allocated node among a sample (as
//! `percentageOfNodesToScore` does). Pods nothing fits get `PodScheduled=False/Unschedulable`
//! and a FailedScheduling event, and are retried when nodes change.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use serde_json::{Value, json};

use super::index::key_of;
use super::nodes::NodeInfo;
use super::{Controller, Ctx, quantity};
use crate::sim::clock::now_rfc3339;
use crate::sim::events::{EventSpec, EventType, Involved, Source};
use crate::sim::object::At;
use crate::sim::object::str_at;
use crate::sim::resource;
use crate::sim::store::{Change, ChangeKind, ObjectKey, StoredObject};

const SCHEDULER: &str = "default-scheduler";
/// Feasible nodes scored per pod before the best one is taken.
const NODES_TO_SCORE: usize = 64;
const UNSCHEDULABLE_RETRY: Duration = Duration::from_secs(30);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Requests {
    cpu_millis: i64,
    memory_bytes: i64,
}

#[derive(Debug)]
struct NodeLoad {
    info: NodeInfo,
    cpu_millis: i64,
    memory_bytes: i64,
    pods: i64,
}

#[derive(Default)]
pub struct Scheduler {
    nodes: BTreeMap<String, NodeLoad>,
    placed: HashMap<ObjectKey, (String, Requests)>,
    unschedulable: HashSet<ObjectKey>,
    next_start: usize,
}

impl Scheduler {
    fn place(&mut self, key: ObjectKey, node: &str, requests: Requests) {
        self.release(&key);
        if let Some(load) = self.nodes.get_mut(node) {
            load.cpu_millis += requests.cpu_millis;
            load.memory_bytes += requests.memory_bytes;
            load.pods += 1;
        }
        self.placed.insert(key, (node.to_string(), requests));
    }

    fn release(&mut self, key: &ObjectKey) {
        let Some((node, requests)) = self.placed.remove(key) else {
            return;
        };
        if let Some(load) = self.nodes.get_mut(&node) {
            load.cpu_millis -= requests.cpu_millis;
            load.memory_bytes -= requests.memory_bytes;
            load.pods -= 1;
        }
    }

    fn observe_pod(&mut self, change: &Change, dirty: &mut Vec<ObjectKey>) {
        let pod = &change.object;
        let key = key_of(pod);
        let phase = pod.field("status.phase").unwrap_or("");
        let node = pod.field("spec.nodeName").unwrap_or("");
        if change.kind == ChangeKind::Deleted || phase == "Succeeded" || phase == "Failed" {
            self.release(&key);
            self.unschedulable.remove(&key);
            return;
        }
        if !node.is_empty() {
            self.unschedulable.remove(&key);
            if self
                .placed
                .get(&key)
                .is_none_or(|(placed, _)| placed != node)
            {
                let requests = requests_of(&pod.value());
                self.place(key, node, requests);
            }
            return;
        }
        let ours = pod.field("spec.schedulerName").unwrap_or(SCHEDULER) == SCHEDULER;
        let waiting_for_retry = self.unschedulable.contains(&key);
        if ours && !pod.is_deleting() && (change.kind == ChangeKind::Added || !waiting_for_retry) {
            dirty.push(key);
        }
    }

    fn observe_node(&mut self, change: &Change, dirty: &mut Vec<ObjectKey>) {
        let name = change.object.name().to_string();
        if change.kind == ChangeKind::Deleted {
            self.nodes.remove(&name);
            return;
        }
        let info = NodeInfo::from_value(&change.object.value());
        match self.nodes.get_mut(&name) {
            Some(load) if load.info == info => return,
            Some(load) => load.info = info,
            None => {
                self.nodes.insert(
                    name,
                    NodeLoad {
                        info,
                        cpu_millis: 0,
                        memory_bytes: 0,
                        pods: 0,
                    },
                );
            }
        }
        dirty.extend(self.unschedulable.iter().cloned());
    }

    fn schedule(&mut self, ctx: &Ctx, pod: &StoredObject) -> Option<Duration> {
        let value = pod.value();
        let requests = requests_of(&value);
        let demands = Demands::of(&value);
        let names: Vec<&String> = self.nodes.keys().collect();
        let count = names.len();
        let mut best: Option<(f64, &str)> = None;
        let mut feasible = 0;
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        for offset in 0..count {
            let name = names[(self.next_start + offset) % count];
            let Some(load) = self.nodes.get(name) else {
                continue;
            };
            if let Some(reason) = demands.misfit(load, requests) {
                *reasons.entry(reason).or_default() += 1;
                continue;
            }
            feasible += 1;
            let score = free_share(load, requests);
            if best.is_none_or(|(top, _)| score > top) {
                best = Some((score, &load.info.name));
            }
            if feasible >= NODES_TO_SCORE {
                break;
            }
        }
        self.next_start = (self.next_start + 1) % count.max(1);
        let Some((_, node)) = best else {
            self.mark_unschedulable(ctx, pod, count, &reasons);
            return Some(UNSCHEDULABLE_RETRY);
        };
        let node = node.to_string();
        let key = key_of(pod);
        match ctx.store.bind_pod(pod.namespace(), pod.name(), &node) {
            Ok(bound) => {
                self.place(key.clone(), &node, requests);
                self.unschedulable.remove(&key);
                let message = format!(
                    "Successfully assigned {}/{} to {node}",
                    pod.namespace(),
                    pod.name()
                );
                ctx.events.record_per_pod(EventSpec {
                    involved: &Involved::pod(&bound),
                    kind: EventType::Normal,
                    reason: "Scheduled",
                    message: &message,
                    source: &Source::controller(SCHEDULER),
                });
            }
            Err(error) => tracing::debug!(%error, pod = pod.name(), "binding failed"),
        }
        None
    }

    fn mark_unschedulable(
        &mut self,
        ctx: &Ctx,
        pod: &StoredObject,
        nodes: usize,
        reasons: &BTreeMap<String, usize>,
    ) {
        self.unschedulable.insert(key_of(pod));
        let histogram: Vec<String> = reasons
            .iter()
            .map(|(reason, count)| format!("{count} {reason}"))
            .collect();
        let preemption = if nodes == 0 {
            "preemption: 0/0 nodes are available".to_string()
        } else {
            format!(
                "preemption: 0/{nodes} nodes are available: {nodes} No preemption victims found for incoming pod"
            )
        };
        let message = format!(
            "0/{nodes} nodes are available: {}. {preemption}.",
            if histogram.is_empty() {
                "no nodes available to schedule pods".to_string()
            } else {
                histogram.join(", ")
            }
        );
        let condition_message = message.clone();
        let written =
            ctx.store
                .modify_status(&resource::PODS, pod.namespace(), pod.name(), |pod| {
                    set_unschedulable(pod, &condition_message);
                });
        let involved = written
            .map(|p| Involved::pod(&p))
            .unwrap_or_else(|_| Involved::pod(pod));
        ctx.events.record(EventSpec {
            involved: &involved,
            kind: EventType::Warning,
            reason: "FailedScheduling",
            message: &message,
            source: &Source::controller(SCHEDULER),
        });
    }
}

fn set_unschedulable(pod: &mut Value, message: &str) {
    let status = &mut pod["status"];
    if !status["conditions"].is_array() {
        status["conditions"] = json!([]);
    }
    let Some(conditions) = status["conditions"].as_array_mut() else {
        return;
    };
    if let Some(existing) = conditions.iter_mut().find(|c| c["type"] == "PodScheduled") {
        if existing["status"] == "False" && existing["message"] == message {
            return;
        }
        *existing = unschedulable_condition(message);
        return;
    }
    conditions.push(unschedulable_condition(message));
}

fn unschedulable_condition(message: &str) -> Value {
    json!({ "type": "PodScheduled", "status": "False", "lastProbeTime": null,
            "lastTransitionTime": now_rfc3339(), "reason": "Unschedulable", "message": message })
}

/// Share of the node left free after placing the pod; higher is better.
fn free_share(load: &NodeLoad, requests: Requests) -> f64 {
    let cpu =
        1.0 - (load.cpu_millis + requests.cpu_millis) as f64 / load.info.cpu_millis.max(1) as f64;
    let memory = 1.0
        - (load.memory_bytes + requests.memory_bytes) as f64 / load.info.memory_bytes.max(1) as f64;
    let pods = 1.0 - (load.pods + 1) as f64 / load.info.max_pods.max(1) as f64;
    (cpu + memory + pods) / 3.0
}

/// Sum of container requests; init containers run first, so only the largest of them counts.
fn requests_of(pod: &Value) -> Requests {
    let sum = |list: &str| -> Vec<Requests> {
        pod.at(&format!("/spec/{list}"))
            .and_then(Value::as_array)
            .map(|containers| {
                containers
                    .iter()
                    .map(|c| Requests {
                        cpu_millis: quantity::cpu_millis(str_at(c, "/resources/requests/cpu"))
                            .unwrap_or(0),
                        memory_bytes: quantity::bytes(str_at(c, "/resources/requests/memory"))
                            .unwrap_or(0),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let main = sum("containers")
        .into_iter()
        .fold(Requests::default(), |a, b| Requests {
            cpu_millis: a.cpu_millis + b.cpu_millis,
            memory_bytes: a.memory_bytes + b.memory_bytes,
        });
    let init = sum("initContainers");
    Requests {
        cpu_millis: init
            .iter()
            .map(|r| r.cpu_millis)
            .fold(main.cpu_millis, i64::max),
        memory_bytes: init
            .iter()
            .map(|r| r.memory_bytes)
            .fold(main.memory_bytes, i64::max),
    }
}

/// One node selector requirement: (key, operator, values, whether the key is a field).
type NodeRequirement = (String, String, Vec<String>, bool);

/// What a pod asks of its node besides resources.
struct Demands {
    node_selector: Vec<(String, String)>,
    /// Required node affinity terms (any may match): (key, operator, values, is_field).
    affinity: Vec<Vec<NodeRequirement>>,
    tolerations: Vec<Value>,
}

impl Demands {
    fn of(pod: &Value) -> Self {
        let terms = pod
            .at("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms")
            .and_then(Value::as_array)
            .map(|terms| terms.iter().map(term).collect())
            .unwrap_or_default();
        Self {
            node_selector: crate::sim::object::string_map(pod, "/spec/nodeSelector"),
            affinity: terms,
            tolerations: pod
                .at("/spec/tolerations")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
        }
    }

    /// Why the pod cannot go to `load`, in the scheduler's words; `None` when it fits.
    fn misfit(&self, load: &NodeLoad, requests: Requests) -> Option<String> {
        let info = &load.info;
        if !info.schedulable {
            return Some("node(s) were unschedulable".to_string());
        }
        let label = |key: &str| {
            info.labels
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        let selector_ok = self
            .node_selector
            .iter()
            .all(|(key, value)| label(key) == Some(value.as_str()));
        let affinity_ok = self.affinity.is_empty()
            || self.affinity.iter().any(|term| {
                term.iter().all(|(key, operator, values, is_field)| {
                    let actual = if *is_field {
                        (key == "metadata.name").then_some(info.name.as_str())
                    } else {
                        label(key)
                    };
                    match operator.as_str() {
                        "In" => actual.is_some_and(|a| values.iter().any(|v| v == a)),
                        "NotIn" => actual.is_none_or(|a| values.iter().all(|v| v != a)),
                        "Exists" => actual.is_some(),
                        "DoesNotExist" => actual.is_none(),
                        _ => false,
                    }
                })
            });
        if !selector_ok || !affinity_ok {
            return Some("node(s) didn't match Pod's node affinity/selector".to_string());
        }
        for (key, value, effect) in &info.taints {
            if effect == "PreferNoSchedule" || self.tolerates(key, value, effect) {
                continue;
            }
            return Some(format!("node(s) had untolerated taint {{{key}: {value}}}"));
        }
        if load.pods + 1 > info.max_pods {
            return Some("Too many pods".to_string());
        }
        if load.cpu_millis + requests.cpu_millis > info.cpu_millis {
            return Some("Insufficient cpu".to_string());
        }
        if load.memory_bytes + requests.memory_bytes > info.memory_bytes {
            return Some("Insufficient memory".to_string());
        }
        None
    }

    fn tolerates(&self, key: &str, value: &str, effect: &str) -> bool {
        self.tolerations.iter().any(|t| {
            let effect_ok = str_at(t, "/effect").is_empty() || str_at(t, "/effect") == effect;
            let key_ok = str_at(t, "/key").is_empty() || str_at(t, "/key") == key;
            let value_ok = str_at(t, "/operator") == "Exists" || str_at(t, "/value") == value;
            effect_ok && key_ok && value_ok
        })
    }
}

fn term(term: &Value) -> Vec<NodeRequirement> {
    let mut requirements = Vec::new();
    for (list, is_field) in [("matchExpressions", false), ("matchFields", true)] {
        for requirement in term[list].as_array().into_iter().flatten() {
            let values = requirement["values"]
                .as_array()
                .map(|v| {
                    v.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            requirements.push((
                str_at(requirement, "/key").to_string(),
                str_at(requirement, "/operator").to_string(),
                values,
                is_field,
            ));
        }
    }
    requirements
}

impl Controller for Scheduler {
    type Key = ObjectKey;

    fn name(&self) -> &'static str {
        "scheduler"
    }

    fn resync(&mut self, ctx: &Ctx) -> Vec<ObjectKey> {
        self.nodes.clear();
        self.placed.clear();
        for node in ctx.store.list(&resource::NODES, "").unwrap_or_default() {
            let info = NodeInfo::from_value(&node.value());
            self.nodes.insert(
                info.name.clone(),
                NodeLoad {
                    info,
                    cpu_millis: 0,
                    memory_bytes: 0,
                    pods: 0,
                },
            );
        }
        let mut pending = Vec::new();
        for pod in ctx.store.list(&resource::PODS, "").unwrap_or_default() {
            let node = pod.field("spec.nodeName").unwrap_or("");
            let phase = pod.field("status.phase").unwrap_or("");
            if phase == "Succeeded" || phase == "Failed" {
                continue;
            }
            if node.is_empty() {
                if !pod.is_deleting() {
                    pending.push(key_of(&pod));
                }
                continue;
            }
            let requests = requests_of(&pod.value());
            let node = node.to_string();
            self.place(key_of(&pod), &node, requests);
        }
        pending
    }

    fn observe(&mut self, _ctx: &Ctx, change: &Change, dirty: &mut Vec<ObjectKey>) {
        if change.resource == resource::PODS {
            self.observe_pod(change, dirty);
        } else if change.resource == resource::NODES {
            self.observe_node(change, dirty);
        }
    }

    fn reconcile(&mut self, ctx: &Ctx, key: &ObjectKey) -> Option<Duration> {
        let pod = ctx.store.get(&resource::PODS, &key.0, &key.1).ok()?;
        let bound = !pod.field("spec.nodeName").unwrap_or("").is_empty();
        if bound || pod.is_deleting() {
            self.unschedulable.remove(key);
            return None;
        }
        self.schedule(ctx, &pod)
    }
}

/// Whether a pod (or pod template) may run on `node` by its node selector, required node
/// affinity and taints, leaving resources aside. DaemonSets place their pods with this.
pub fn placeable(pod: &Value, node: &NodeInfo) -> bool {
    let load = NodeLoad {
        info: node.clone(),
        cpu_millis: 0,
        memory_bytes: 0,
        pods: 0,
    };
    Demands::of(pod)
        .misfit(&load, Requests::default())
        .is_none()
}
