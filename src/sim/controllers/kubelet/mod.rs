//! The kubelets of every simulated node, as one controller: runs the pods bound to a node
//! through their containers' lifecycles, reports their status and events, writes their logs,
//! and finishes graceful deletions once the containers have stopped.

pub mod behavior;
pub mod lifecycle;
pub mod logs;
pub mod pod_run;

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

use super::index::key_of;
use super::nodes::NodeInfo;
use super::{Controller, Ctx};
use crate::sim::events::{EventSpec, EventType, Involved, Source};
use crate::sim::object::At;
use crate::sim::resource;
use crate::sim::store::{Change, ChangeKind, ObjectKey, StoredObject};
use lifecycle::{Report, Surroundings};
use pod_run::{Placement, PodRun};

/// How long a container takes to stop after SIGTERM (capped by the grace period).
const STOP_TIME: Duration = Duration::from_secs(1);
/// Simulated time between two rounds of periodic log lines.
const LOG_ROUND: Duration = Duration::from_secs(1);
/// Periodic log lines written per round, at most, across the whole cluster.
const LOG_LINES_PER_ROUND: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum KubeletKey {
    Pod(ObjectKey),
    /// The round of periodic log lines.
    Logs,
}

/// A running container taking its turn to log: (pod, pod uid, container).
type Talker = (ObjectKey, String, String);

#[derive(Default)]
pub struct Kubelet {
    nodes: HashMap<String, NodeInfo>,
    runs: HashMap<ObjectKey, PodRun>,
    next_ip: HashMap<String, u32>,
    images: HashSet<(String, String)>,
    talkers: VecDeque<Talker>,
    talking: HashSet<Talker>,
}

impl Kubelet {
    fn placement(&mut self, node: &str) -> Placement {
        let counter = self.next_ip.entry(node.to_string()).or_insert(0);
        let index = *counter;
        *counter += 1;
        let info = self.nodes.get(node);
        Placement {
            node: node.to_string(),
            host_ip: info.map(|n| n.internal_ip.clone()).unwrap_or_default(),
            pod_ip: info.map_or_else(
                || format!("10.244.0.{}", index % 253 + 2),
                |n| n.pod_ip(index),
            ),
        }
    }

    fn first_look(&mut self, ctx: &Ctx, pod: &StoredObject, value: &Value, node: &str) -> PodRun {
        let placement = self.placement(node);
        let now = Instant::now();
        if value.at("/status/containerStatuses").is_some() {
            return PodRun::adopt(value, placement, ctx.clock, now);
        }
        let images = &self.images;
        let run = PodRun::start(
            value,
            placement,
            |image| images.contains(&(node.to_string(), image.to_string())),
            ctx.clock,
            now,
        );
        for container in run.containers.iter().filter(|c| c.needs_pull) {
            ctx.events.record_per_pod(EventSpec {
                involved: &Involved::container(pod, &container.name),
                kind: EventType::Normal,
                reason: "Pulling",
                message: &format!("Pulling image \"{}\"", container.image),
                source: &Source::kubelet(node),
            });
        }
        run
    }

    /// Steps a pod's containers, reports what happened, and writes its status.
    /// Steps the pod's containers and writes the status they give. `value` is the pod
    /// already parsed, if the caller has it.
    fn run_pod(
        &mut self,
        ctx: &Ctx,
        key: &ObjectKey,
        pod: &StoredObject,
        value: Option<&Value>,
    ) -> Option<Duration> {
        let mut run = self.runs.remove(key)?;
        let now = Instant::now();
        let surroundings = Surroundings {
            clock: ctx.clock,
            pod_label: &run.label,
            restart_policy: &run.restart_policy,
            now,
        };
        let mut reports = Vec::new();
        let mut per_container = Vec::new();
        for container in &mut run.containers {
            let before = reports.len();
            container.step(&surroundings, &mut reports);
            per_container.push((container.name.clone(), before..reports.len()));
        }
        let source = Source::kubelet(&run.node);
        for (name, range) in per_container {
            for report in &reports[range] {
                self.report(ctx, pod, &run, &name, report, &source);
            }
        }
        for container in &run.containers {
            if container.pulled {
                self.images
                    .insert((run.node.clone(), container.image.clone()));
            }
            let talker = (key.clone(), run.uid.clone(), container.name.clone());
            if container.is_running() && self.talking.insert(talker.clone()) {
                self.talkers.push_back(talker);
            }
        }
        let parsed;
        let value = match value {
            Some(value) => value,
            None => {
                parsed = pod.value();
                &parsed
            }
        };
        // A pod whose status already says what its containers do (an adopted running pod)
        // needs no write: that write would change nothing, and costs a full read-modify-write.
        let unchanged = reports.is_empty() && run.render(&value["status"]) == value["status"];
        let written = if unchanged {
            Ok(())
        } else {
            ctx.store
                .modify_status(&resource::PODS, &key.0, &key.1, |pod| {
                    let status = run.render(&pod["status"]);
                    pod["status"] = status;
                })
                .map(drop)
        };
        if let Err(error) = written {
            tracing::debug!(%error, pod = %key.1, "pod status not written");
            return None;
        }
        let due = run.due();
        self.runs.insert(key.clone(), run);
        due.map(|due| {
            due.saturating_duration_since(now)
                .mul_f64(ctx.clock.speed())
        })
    }

    fn report(
        &self,
        ctx: &Ctx,
        pod: &StoredObject,
        run: &PodRun,
        container: &str,
        report: &Report,
        source: &Source,
    ) {
        match report {
            Report::Event {
                kind,
                reason,
                message,
            } => {
                let event = EventSpec {
                    involved: &Involved::container(pod, container),
                    kind: *kind,
                    reason,
                    message,
                    source,
                };
                if *kind == EventType::Normal {
                    ctx.events.record_per_pod(event);
                } else {
                    ctx.events.record(event);
                }
            }
            Report::NodeOom { message } => {
                let involved = Involved {
                    kind: "Node".to_string(),
                    api_version: "v1".to_string(),
                    name: run.node.clone(),
                    uid: run.node.clone(),
                    ..Involved::default()
                };
                ctx.events.record(EventSpec {
                    involved: &involved,
                    kind: EventType::Warning,
                    reason: "OOMKilling",
                    message,
                    source: &Source {
                        component: "kernel-monitor",
                        host: run.node.clone(),
                    },
                });
            }
            Report::Log(lines) => {
                for line in lines {
                    let _ =
                        ctx.store
                            .append_log(pod.namespace(), pod.name(), container, line.clone());
                }
            }
            Report::NewInstance => ctx
                .store
                .restart_log(pod.namespace(), pod.name(), container),
            Report::Exited => ctx.store.end_log(pod.namespace(), pod.name(), container),
        }
    }

    /// A terminating pod: stop its containers, then let the API server remove it.
    fn terminate(&mut self, ctx: &Ctx, key: &ObjectKey, pod: &StoredObject) -> Option<Duration> {
        let now = Instant::now();
        let run = self.runs.get_mut(key)?;
        let Some(stopping) = run.stopping else {
            let grace = pod
                .value()
                .at("/metadata/deletionGracePeriodSeconds")
                .and_then(Value::as_u64)
                .map_or(STOP_TIME, Duration::from_secs);
            let stop = STOP_TIME.min(grace);
            run.stopping = Some(now + ctx.clock.scaled(stop));
            let source = Source::kubelet(&run.node);
            for container in run.containers.iter().filter(|c| c.is_running()) {
                ctx.events.record_per_pod(EventSpec {
                    involved: &Involved::container(pod, &container.name),
                    kind: EventType::Normal,
                    reason: "Killing",
                    message: &format!("Stopping container {}", container.name),
                    source: &source,
                });
            }
            return Some(stop);
        };
        if stopping > now {
            return Some(
                stopping
                    .saturating_duration_since(now)
                    .mul_f64(ctx.clock.speed()),
            );
        }
        self.runs.remove(key);
        if let Err(error) = ctx.store.end_grace_period(&resource::PODS, &key.0, &key.1) {
            tracing::debug!(%error, pod = %key.1, "grace period not ended");
        }
        None
    }

    fn log_round(&mut self, ctx: &Ctx) {
        let turns = self.talkers.len().div_ceil(2).min(LOG_LINES_PER_ROUND);
        for _ in 0..turns {
            let Some(talker) = self.talkers.pop_front() else {
                break;
            };
            let (key, uid, name) = &talker;
            let container = self
                .runs
                .get_mut(key)
                .filter(|run| run.uid == *uid && run.stopping.is_none())
                .and_then(|run| run.containers.iter_mut().find(|c| c.name == *name))
                .filter(|c| c.is_running());
            let Some(container) = container else {
                self.talking.remove(&talker);
                continue;
            };
            container.log_sequence += 1;
            let line = logs::request_line(container.voice, name, container.log_sequence);
            let _ = ctx.store.append_log(&key.0, &key.1, name, line);
            self.talkers.push_back(talker);
        }
    }
}

impl Controller for Kubelet {
    type Key = KubeletKey;

    fn name(&self) -> &'static str {
        "kubelet"
    }

    fn resync(&mut self, ctx: &Ctx) -> Vec<KubeletKey> {
        self.nodes = ctx
            .store
            .list(&resource::NODES, "")
            .unwrap_or_default()
            .iter()
            .map(|node| {
                let info = NodeInfo::from_value(&node.value());
                (info.name.clone(), info)
            })
            .collect();
        let mut keys = vec![KubeletKey::Logs];
        let mut present = HashSet::new();
        for pod in ctx.store.list(&resource::PODS, "").unwrap_or_default() {
            if pod.field("spec.nodeName").unwrap_or("").is_empty() {
                continue;
            }
            let key = key_of(&pod);
            present.insert(key.clone());
            let known = self.runs.get(&key).is_some_and(|run| run.uid == pod.uid());
            if !known || pod.is_deleting() {
                keys.push(KubeletKey::Pod(key));
            }
        }
        self.runs.retain(|key, _| present.contains(key));
        keys
    }

    fn observe(&mut self, _ctx: &Ctx, change: &Change, dirty: &mut Vec<KubeletKey>) {
        if change.resource == resource::NODES {
            let info = NodeInfo::from_value(&change.object.value());
            if change.kind == ChangeKind::Deleted {
                self.nodes.remove(&info.name);
            } else {
                self.nodes.insert(info.name.clone(), info);
            }
            return;
        }
        if change.resource != resource::PODS {
            return;
        }
        let pod = &change.object;
        let key = key_of(pod);
        if change.kind == ChangeKind::Deleted {
            self.runs.remove(&key);
            return;
        }
        if pod.field("spec.nodeName").unwrap_or("").is_empty() {
            return;
        }
        match self.runs.get(&key) {
            Some(run) if run.uid == pod.uid() => {
                if pod.is_deleting() && run.stopping.is_none() {
                    dirty.push(KubeletKey::Pod(key));
                }
            }
            _ => dirty.push(KubeletKey::Pod(key)),
        }
    }

    fn reconcile(&mut self, ctx: &Ctx, key: &KubeletKey) -> Option<Duration> {
        let KubeletKey::Pod(key) = key else {
            self.log_round(ctx);
            return Some(LOG_ROUND);
        };
        let Ok(pod) = ctx.store.get(&resource::PODS, &key.0, &key.1) else {
            self.runs.remove(key);
            return None;
        };
        let node = pod.field("spec.nodeName").unwrap_or("").to_string();
        if node.is_empty() {
            return None;
        }
        let mut value = None;
        if self.runs.get(key).is_none_or(|run| run.uid != pod.uid()) {
            let parsed = pod.value();
            let phase = pod.field("status.phase").unwrap_or("");
            if (phase == "Succeeded" || phase == "Failed") && !pod.is_deleting() {
                return None;
            }
            let run = self.first_look(ctx, &pod, &parsed, &node);
            self.runs.insert(key.clone(), run);
            value = Some(parsed);
        }
        if pod.is_deleting() {
            return self.terminate(ctx, key, &pod);
        }
        self.run_pod(ctx, key, &pod, value.as_ref())
    }
}
