//! A pod as the kubelet runs it: its containers' state machines, its addresses, and the pod
//! status rendered from them (phase, conditions, container statuses).

use std::time::Duration;

use serde_json::{Value, json};
use tokio::time::Instant;

use super::behavior::behavior_of;
use super::lifecycle::{
    ContainerRun, Stage, Terminated, backoff, pull_backoff_message, pull_error_message,
    qualified_image,
};
use super::logs::voice_of;
use crate::sim::clock::{Clock, now_rfc3339};
use crate::sim::controllers::pods::stable_hash;
use crate::sim::object::At;
use crate::sim::object::str_at;

#[derive(Clone, Debug)]
pub struct PodRun {
    pub uid: String,
    pub node: String,
    pub host_ip: String,
    pub pod_ip: String,
    pub start_time: String,
    pub restart_policy: String,
    /// `name_namespace(uid)`, as the kubelet names pods in messages.
    pub label: String,
    pub containers: Vec<ContainerRun>,
    pub init_containers: Vec<String>,
    /// When a terminating pod's containers will have stopped.
    pub stopping: Option<Instant>,
}

/// Where a pod runs: its node's address and the address given to the pod.
pub struct Placement {
    pub node: String,
    pub host_ip: String,
    pub pod_ip: String,
}

fn containers_of(pod: &Value, list: &str) -> Vec<Value> {
    pod.at(&format!("/spec/{list}"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

impl PodRun {
    /// A pod the kubelet has not run before; `image_present` says what the node has pulled.
    pub fn start(
        pod: &Value,
        placement: Placement,
        image_present: impl Fn(&str) -> bool,
        clock: Clock,
        now: Instant,
    ) -> Self {
        let mut run = Self::empty(pod, placement);
        let pull_time = |needs_pull: bool| {
            let jitter = Duration::from_millis(stable_hash(&run.label) % 1200);
            clock.scaled(if needs_pull {
                Duration::from_millis(1500) + jitter
            } else {
                Duration::from_millis(300) + jitter / 4
            })
        };
        for container in containers_of(pod, "containers") {
            let mut container = container_run(pod, &container);
            let present = image_present(&container.image);
            container.needs_pull = pull_needed(pod, &container.name, present);
            container.due = Some(now + pull_time(container.needs_pull));
            run.containers.push(container);
        }
        run
    }

    /// A pod found already running (after a restart of the kubelet or a resync): its
    /// containers continue from the state its status shows.
    pub fn adopt(pod: &Value, placement: Placement, clock: Clock, now: Instant) -> Self {
        let mut run = Self::empty(pod, placement);
        if let Some(start) = pod.at("/status/startTime").and_then(Value::as_str) {
            run.start_time = start.to_string();
        }
        if let Some(ip) = pod.at("/status/podIP").and_then(Value::as_str) {
            run.pod_ip = ip.to_string();
        }
        let statuses = pod
            .at("/status/containerStatuses")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let finished = matches!(str_at(pod, "/status/phase"), "Succeeded" | "Failed");
        for spec in containers_of(pod, "containers") {
            let mut container = container_run(pod, &spec);
            let status = statuses
                .iter()
                .find(|s| s["name"] == container.name)
                .cloned()
                .unwrap_or(Value::Null);
            container.restart_count = status["restartCount"].as_i64().unwrap_or(0);
            container.last_terminated = terminated_of(&status["lastState"]["terminated"]);
            container.container_id = str_at(&status, "/containerID").to_string();
            container.pulled = !str_at(&status, "/imageID").is_empty();
            container.ready = status["ready"].as_bool().unwrap_or(false);
            let after = |d: Duration| Some(now + clock.scaled(d));
            let state = &status["state"];
            if let Some(started) = state["running"]["startedAt"].as_str() {
                let exit_at = container.runs_for.and_then(after);
                let ready_at = (!container.ready
                    && container.behavior != super::behavior::Behavior::NeverReady)
                    .then(|| now + clock.scaled(container.readiness_delay.unwrap_or_default()));
                container.stage = Stage::Running {
                    started_at: started.to_string(),
                    exit_at,
                    ready_at,
                    probe_at: None,
                };
                container.due = [exit_at, ready_at].into_iter().flatten().min();
            } else if let Some(terminated) = terminated_of(&state["terminated"]) {
                if finished {
                    container.stage = Stage::Done(terminated);
                } else {
                    container.stage = Stage::Exited(terminated);
                    container.due = after(Duration::from_secs(1));
                }
            } else {
                let (stage, wait) = match str_at(state, "/waiting/reason") {
                    "CrashLoopBackOff" => (
                        Stage::CrashLoopBackOff,
                        backoff(container.restart_count.max(1) as u32),
                    ),
                    "ErrImagePull" => (Stage::ErrImagePull, Duration::from_secs(2)),
                    "ImagePullBackOff" => (Stage::ImagePullBackOff, Duration::from_secs(10)),
                    _ => (Stage::Creating, Duration::from_secs(1)),
                };
                container.stage = stage;
                container.due = after(wait);
            }
            run.containers.push(container);
        }
        run
    }

    /// A pod that has been running for a while: every container pulled, started at
    /// `started_at` and ready, as a cluster seeded in its steady state shows it.
    pub fn steady(pod: &Value, placement: Placement, started_at: &str) -> Self {
        let mut run = Self::empty(pod, placement);
        run.start_time = started_at.to_string();
        for spec in containers_of(pod, "containers") {
            let mut container = container_run(pod, &spec);
            container.pulled = true;
            container.ready = true;
            container.container_id = format!(
                "containerd://{}{}",
                uuid::Uuid::new_v4().simple(),
                uuid::Uuid::new_v4().simple()
            );
            container.stage = Stage::Running {
                started_at: started_at.to_string(),
                exit_at: None,
                ready_at: None,
                probe_at: None,
            };
            container.due = None;
            run.containers.push(container);
        }
        run
    }

    fn empty(pod: &Value, placement: Placement) -> Self {
        let uid = str_at(pod, "/metadata/uid").to_string();
        Self {
            label: format!(
                "{}_{}({uid})",
                str_at(pod, "/metadata/name"),
                str_at(pod, "/metadata/namespace")
            ),
            uid,
            node: placement.node,
            host_ip: placement.host_ip,
            pod_ip: placement.pod_ip,
            start_time: now_rfc3339(),
            restart_policy: match str_at(pod, "/spec/restartPolicy") {
                "" => "Always".to_string(),
                policy => policy.to_string(),
            },
            containers: Vec::new(),
            init_containers: containers_of(pod, "initContainers")
                .iter()
                .map(|c| str_at(c, "/name").to_string())
                .collect(),
            stopping: None,
        }
    }

    pub fn due(&self) -> Option<Instant> {
        self.containers.iter().filter_map(|c| c.due).min()
    }

    pub fn phase(&self) -> &'static str {
        let done: Vec<&Terminated> = self
            .containers
            .iter()
            .filter_map(|c| match &c.stage {
                Stage::Done(t) => Some(t),
                _ => None,
            })
            .collect();
        if !self.containers.is_empty() && done.len() == self.containers.len() {
            return if done.iter().all(|t| t.exit_code == 0) {
                "Succeeded"
            } else {
                "Failed"
            };
        }
        if self.containers.iter().all(ContainerRun::has_started_once) {
            "Running"
        } else {
            "Pending"
        }
    }

    /// The pod's status; conditions keep their transition times from `old` when unchanged.
    pub fn render(&self, old: &Value) -> Value {
        let phase = self.phase();
        let finished = phase == "Succeeded" || phase == "Failed";
        let unready: Vec<&str> = self
            .containers
            .iter()
            .filter(|c| !c.ready)
            .map(|c| c.name.as_str())
            .collect();
        let ready = unready.is_empty() && !finished;
        let not_ready = || -> (&'static str, String) {
            if finished {
                ("PodCompleted", String::new())
            } else {
                (
                    "ContainersNotReady",
                    format!("containers with unready status: [{}]", unready.join(" ")),
                )
            }
        };
        let mut conditions = vec![
            condition(old, "PodReadyToStartContainers", !finished, None),
            condition(old, "Initialized", true, None),
            condition(old, "Ready", ready, (!ready).then(not_ready)),
            condition(old, "ContainersReady", ready, (!ready).then(not_ready)),
        ];
        conditions.push(
            old["conditions"]
                .as_array()
                .and_then(|c| c.iter().find(|c| c["type"] == "PodScheduled"))
                .cloned()
                .unwrap_or_else(|| condition(old, "PodScheduled", true, None)),
        );
        // Values built here are moved in, not interpolated: `json!` copies an interpolated
        // value through its serializer, which was a third of seeding a large cluster.
        let mut status = json!({
            "phase": phase,
            "hostIP": self.host_ip,
            "hostIPs": [{ "ip": self.host_ip }],
            "podIP": self.pod_ip,
            "podIPs": [{ "ip": self.pod_ip }],
            "startTime": self.start_time,
        });
        status["conditions"] = Value::Array(conditions);
        status["containerStatuses"] = self
            .containers
            .iter()
            .map(|c| container_status(c, &self.label))
            .collect();
        if !self.init_containers.is_empty() {
            status["initContainerStatuses"] = self
                .init_containers
                .iter()
                .map(|name| init_status(name, &self.start_time))
                .collect();
        }
        if let Some(qos) = old.get("qosClass") {
            status["qosClass"] = qos.clone();
        }
        status
    }
}

fn container_run(pod: &Value, spec: &Value) -> ContainerRun {
    let behavior = behavior_of(pod, spec);
    let image = str_at(spec, "/image").to_string();
    let batch = matches!(str_at(pod, "/spec/restartPolicy"), "Never" | "OnFailure");
    let readiness_delay = spec
        .get("readinessProbe")
        .filter(|p| p.is_object())
        .map(|probe| Duration::from_secs(probe["initialDelaySeconds"].as_u64().unwrap_or(0) + 1));
    ContainerRun {
        name: str_at(spec, "/name").to_string(),
        voice: voice_of(&image, batch),
        runs_for: behavior.runs_for(pod),
        behavior,
        image,
        readiness_delay,
        needs_pull: true,
        stage: Stage::Creating,
        due: None,
        restart_count: 0,
        pull_failures: 0,
        last_terminated: None,
        ready: false,
        container_id: String::new(),
        pulled: false,
        log_sequence: 0,
    }
}

fn pull_needed(pod: &Value, container: &str, present: bool) -> bool {
    let policy = pod
        .at("/spec/containers")
        .and_then(Value::as_array)
        .and_then(|list| list.iter().find(|c| c["name"] == container))
        .map(|c| str_at(c, "/imagePullPolicy").to_string())
        .unwrap_or_default();
    match policy.as_str() {
        "Never" => false,
        "Always" => true,
        _ => !present,
    }
}

fn condition(old: &Value, kind: &str, ok: bool, why: Option<(&str, String)>) -> Value {
    let status = if ok { "True" } else { "False" };
    let previous = old["conditions"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["type"] == kind));
    let since = previous
        .filter(|p| p["status"] == status)
        .and_then(|p| p["lastTransitionTime"].as_str())
        .map(str::to_string)
        .unwrap_or_else(now_rfc3339);
    let mut condition = json!({ "type": kind, "status": status, "lastProbeTime": null, "lastTransitionTime": since });
    if let Some((reason, message)) = why {
        condition["reason"] = json!(reason);
        if !message.is_empty() {
            condition["message"] = json!(message);
        }
    }
    condition
}

fn terminated_json(t: &Terminated, container_id: &str) -> Value {
    json!({ "terminated": {
        "exitCode": t.exit_code, "reason": t.reason,
        "startedAt": t.started_at, "finishedAt": t.finished_at,
        "containerID": container_id,
    } })
}

fn terminated_of(value: &Value) -> Option<Terminated> {
    let reason = match value["reason"].as_str()? {
        "OOMKilled" => "OOMKilled",
        "Completed" => "Completed",
        _ => "Error",
    };
    Some(Terminated {
        exit_code: value["exitCode"].as_i64().unwrap_or(1),
        reason,
        started_at: str_at(value, "/startedAt").to_string(),
        finished_at: str_at(value, "/finishedAt").to_string(),
    })
}

fn container_status(c: &ContainerRun, pod_label: &str) -> Value {
    let waiting = |reason: &str, message: Option<String>| match message {
        Some(message) => json!({ "waiting": { "reason": reason, "message": message } }),
        None => json!({ "waiting": { "reason": reason } }),
    };
    let state = match &c.stage {
        Stage::Creating => waiting("ContainerCreating", None),
        Stage::ErrImagePull => waiting("ErrImagePull", Some(pull_error_message(&c.image))),
        Stage::ImagePullBackOff => {
            waiting("ImagePullBackOff", Some(pull_backoff_message(&c.image)))
        }
        Stage::Running { started_at, .. } => json!({ "running": { "startedAt": started_at } }),
        Stage::Exited(t) | Stage::Done(t) => terminated_json(t, &c.container_id),
        Stage::CrashLoopBackOff => waiting(
            "CrashLoopBackOff",
            Some(format!(
                "back-off {}s restarting failed container={} pod={pod_label}",
                backoff(c.restart_count.max(1) as u32).as_secs(),
                c.name
            )),
        ),
    };
    let last_state = c
        .last_terminated
        .as_ref()
        .map(|t| terminated_json(t, &c.container_id))
        .unwrap_or_else(|| json!({}));
    let image_id = if c.pulled {
        let full = qualified_image(&c.image);
        let repository = full.split(['@']).next().unwrap_or(&full);
        let repository = match repository.rfind(':') {
            Some(i) if !repository[i..].contains('/') => &repository[..i],
            _ => repository,
        };
        format!(
            "{repository}@sha256:{:016x}{:016x}{:016x}{:016x}",
            stable_hash(&c.image),
            stable_hash(&format!("{}#1", c.image)),
            stable_hash(&format!("{}#2", c.image)),
            stable_hash(&format!("{}#3", c.image))
        )
    } else {
        String::new()
    };
    let mut status = json!({
        "name": c.name,
        "image": c.image,
        "imageID": image_id,
        "ready": c.ready,
        "started": c.is_running(),
        "restartCount": c.restart_count,
    });
    status["state"] = state;
    status["lastState"] = last_state;
    if !c.container_id.is_empty() {
        status["containerID"] = json!(c.container_id);
    }
    status
}

fn init_status(name: &str, at: &str) -> Value {
    json!({
        "name": name, "ready": true, "started": false, "restartCount": 0, "image": "", "imageID": "",
        "state": { "terminated": { "exitCode": 0, "reason": "Completed", "startedAt": at, "finishedAt": at } },
        "lastState": {},
    })
}
