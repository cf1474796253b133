//! A pod's READY, STATUS and RESTARTS computed the way `kubectl get pods` prints them
//! (kubectl's `printPod`): init progress and failures, waiting and terminated reasons,
//! sidecars, Completed-but-running, Terminating and Unknown for deleted pods.

use crate::live::projection::meta::seconds;
use crate::live::projection::pod::{ContainerStatusLite, PodRow, StateLite};

/// The READY, STATUS and RESTARTS columns of one pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodStatusLine {
    pub ready: u32,
    pub total: u32,
    pub status: String,
    pub restarts: u32,
    /// When a container last terminated before restarting (Unix seconds).
    pub last_restart: Option<i64>,
}

fn terminated_at(status: &ContainerStatusLite) -> Option<i64> {
    let last = status.last_state.as_ref()?.terminated.as_ref()?;
    seconds(&last.finished_at)
}

fn later(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    a.max(b)
}

fn state(status: &ContainerStatusLite) -> StateLite {
    status.state.clone().unwrap_or_default()
}

fn nonempty(reason: &Option<String>) -> Option<&str> {
    reason.as_deref().filter(|r| !r.is_empty())
}

pub fn status_line(pod: &PodRow) -> PodStatusLine {
    let spec = &pod.spec;
    let status = &pod.status;
    let mut total = spec.containers.len() as u32;
    let mut ready = 0u32;
    let mut restarts = 0u32;
    let mut sidecar_restarts = 0u32;
    let mut last_restart = None;
    let mut sidecar_last_restart = None;
    let phase = status.phase.clone().unwrap_or_default();
    let mut reason = nonempty(&status.reason).map_or(phase.clone(), str::to_string);

    if status
        .conditions
        .iter()
        .any(|c| c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated"))
    {
        reason = "SchedulingGated".to_string();
    }

    let restartable = |name: &str| {
        spec.init_containers
            .iter()
            .any(|c| c.name == name && c.restartable())
    };
    total += spec
        .init_containers
        .iter()
        .filter(|c| c.restartable())
        .count() as u32;

    let mut initializing = false;
    for (i, container) in status.init_container_statuses.iter().enumerate() {
        let count = container.restart_count.max(0) as u32;
        restarts += count;
        last_restart = later(last_restart, terminated_at(container));
        let sidecar = restartable(&container.name);
        if sidecar {
            sidecar_restarts += count;
            sidecar_last_restart = later(sidecar_last_restart, terminated_at(container));
        }
        let current = state(container);
        match (&current.terminated, &current.waiting) {
            (Some(t), _) if t.exit_code == 0 => continue,
            _ if sidecar && container.started == Some(true) => {
                if container.ready {
                    ready += 1;
                }
                continue;
            }
            (Some(t), _) => {
                reason = match (nonempty(&t.reason), t.signal.unwrap_or(0)) {
                    (Some(r), _) => format!("Init:{r}"),
                    (None, 0) => format!("Init:ExitCode:{}", t.exit_code),
                    (None, signal) => format!("Init:Signal:{signal}"),
                };
            }
            (None, Some(w)) if nonempty(&w.reason).is_some_and(|r| r != "PodInitializing") => {
                reason = format!("Init:{}", nonempty(&w.reason).unwrap_or_default());
            }
            _ => reason = format!("Init:{i}/{}", spec.init_containers.len()),
        }
        initializing = true;
        break;
    }

    let initialized = status
        .conditions
        .iter()
        .any(|c| c.type_ == "Initialized" && c.status == "True");
    if !initializing || initialized {
        restarts = sidecar_restarts;
        last_restart = sidecar_last_restart;
        let mut has_running = false;
        for container in status.container_statuses.iter().rev() {
            restarts += container.restart_count.max(0) as u32;
            last_restart = later(last_restart, terminated_at(container));
            let current = state(container);
            let waiting = current.waiting.as_ref().and_then(|w| nonempty(&w.reason));
            if let Some(w) = waiting {
                reason = w.to_string();
            } else if let Some(t) = &current.terminated {
                reason = match (nonempty(&t.reason), t.signal.unwrap_or(0)) {
                    (Some(r), _) => r.to_string(),
                    (None, 0) => format!("ExitCode:{}", t.exit_code),
                    (None, signal) => format!("Signal:{signal}"),
                };
            } else if container.ready && current.running.is_some() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            let pod_ready = status
                .conditions
                .iter()
                .any(|c| c.type_ == "Ready" && c.status == "True");
            reason = if pod_ready { "Running" } else { "NotReady" }.to_string();
        }
    }

    if pod.metadata.deletion_timestamp.is_some() {
        if status.reason.as_deref() == Some("NodeLost") {
            reason = "Unknown".to_string();
        } else if phase != "Failed" && phase != "Succeeded" {
            reason = "Terminating".to_string();
        }
    }

    PodStatusLine {
        ready,
        total,
        status: reason,
        restarts,
        last_restart: if restarts > 0 { last_restart } else { None },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn line(pod: Value) -> PodStatusLine {
        let pod: PodRow = serde_json::from_value(pod).expect("a pod");
        status_line(&pod)
    }

    fn waiting(name: &str, reason: &str, restarts: i32) -> Value {
        json!({ "name": name, "ready": false, "restartCount": restarts,
                "state": { "waiting": { "reason": reason } } })
    }

    fn running(name: &str, ready: bool) -> Value {
        json!({ "name": name, "ready": ready, "restartCount": 0,
                "state": { "running": { "startedAt": "2026-01-01T00:00:00Z" } } })
    }

    fn pod(containers: usize, status: Value) -> Value {
        let containers: Vec<Value> = (0..containers)
            .map(|i| json!({ "name": format!("c{i}"), "image": "x" }))
            .collect();
        json!({ "metadata": { "name": "p", "uid": "u" },
                "spec": { "containers": containers }, "status": status })
    }

    #[test]
    fn a_running_pod_counts_its_ready_containers() {
        let got = line(pod(
            2,
            json!({ "phase": "Running",
                "containerStatuses": [running("c0", true), running("c1", false)] }),
        ));
        assert_eq!(
            (got.ready, got.total, got.status.as_str()),
            (1, 2, "Running")
        );
    }

    #[test]
    fn a_waiting_reason_wins_over_the_phase() {
        let got = line(pod(
            1,
            json!({ "phase": "Running",
                "containerStatuses": [waiting("c0", "CrashLoopBackOff", 4)] }),
        ));
        assert_eq!(got.status, "CrashLoopBackOff");
        assert_eq!(got.restarts, 4);
    }

    #[test]
    fn a_terminated_container_shows_its_reason_or_exit_code() {
        let oom = json!({ "name": "c0", "ready": false, "restartCount": 1,
            "state": { "terminated": { "reason": "OOMKilled", "exitCode": 137 } },
            "lastState": { "terminated": { "exitCode": 137,
                "finishedAt": "2026-01-01T00:00:10Z" } } });
        let got = line(pod(
            1,
            json!({ "phase": "Running", "containerStatuses": [oom] }),
        ));
        assert_eq!(got.status, "OOMKilled");
        assert_eq!(got.last_restart, Some(1_767_225_610));
        let bare = json!({ "name": "c0", "ready": false, "restartCount": 0,
            "state": { "terminated": { "exitCode": 3 } } });
        let got = line(pod(
            1,
            json!({ "phase": "Failed", "containerStatuses": [bare] }),
        ));
        assert_eq!(got.status, "ExitCode:3");
    }

    #[test]
    fn init_containers_show_progress_and_failures() {
        let mut p = pod(
            1,
            json!({ "phase": "Pending",
            "initContainerStatuses": [
                { "name": "a", "ready": false, "restartCount": 0,
                  "state": { "terminated": { "exitCode": 0, "reason": "Completed" } } },
                waiting("b", "PodInitializing", 0) ] }),
        );
        p["spec"]["initContainers"] = json!([{ "name": "a" }, { "name": "b" }]);
        assert_eq!(line(p.clone()).status, "Init:1/2");
        p["status"]["initContainerStatuses"][1] = waiting("b", "CrashLoopBackOff", 2);
        assert_eq!(line(p.clone()).status, "Init:CrashLoopBackOff");
        p["status"]["initContainerStatuses"][1] = json!({ "name": "b", "restartCount": 0,
            "state": { "terminated": { "exitCode": 1, "reason": "Error" } } });
        assert_eq!(line(p).status, "Init:Error");
    }

    #[test]
    fn a_ready_sidecar_counts_toward_ready_and_total() {
        let mut p = pod(
            1,
            json!({ "phase": "Running",
            "conditions": [{ "type": "Initialized", "status": "True" }],
            "initContainerStatuses": [{ "name": "proxy", "ready": true, "started": true,
                "restartCount": 2, "state": { "running": {} } }],
            "containerStatuses": [running("c0", true)] }),
        );
        p["spec"]["initContainers"] = json!([{ "name": "proxy", "restartPolicy": "Always" }]);
        let got = line(p);
        assert_eq!(
            (got.ready, got.total, got.status.as_str()),
            (2, 2, "Running")
        );
        assert_eq!(got.restarts, 2);
    }

    #[test]
    fn completed_with_a_running_container_reads_running_or_not_ready() {
        let done = json!({ "name": "c1", "ready": false, "restartCount": 0,
            "state": { "terminated": { "exitCode": 0, "reason": "Completed" } } });
        let status = json!({ "phase": "Running",
            "containerStatuses": [running("c0", true), done] });
        assert_eq!(line(pod(2, status.clone())).status, "NotReady");
        let mut with_ready = status;
        with_ready["conditions"] = json!([{ "type": "Ready", "status": "True" }]);
        assert_eq!(line(pod(2, with_ready)).status, "Running");
    }

    #[test]
    fn a_deleted_pod_is_terminating_unless_finished_or_lost() {
        let mut p = pod(
            1,
            json!({ "phase": "Running",
            "containerStatuses": [running("c0", true)] }),
        );
        p["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
        assert_eq!(line(p.clone()).status, "Terminating");
        p["status"]["reason"] = json!("NodeLost");
        assert_eq!(line(p.clone()).status, "Unknown");
        p["status"]["reason"] = Value::Null;
        p["status"]["phase"] = json!("Succeeded");
        p["status"]["containerStatuses"] = json!([]);
        assert_eq!(line(p).status, "Succeeded");
    }

    #[test]
    fn a_gated_pod_says_so() {
        let got = line(pod(
            1,
            json!({ "phase": "Pending", "conditions": [
            { "type": "PodScheduled", "status": "False", "reason": "SchedulingGated" }] }),
        ));
        assert_eq!(got.status, "SchedulingGated");
    }
}
