//! The Pod table: READY, STATUS (the reason kubectl derives from container states), RESTARTS.

use serde_json::{Value, json};

use super::{Printer, age_column, col, name_column, since};
use crate::sim::object::At;
use crate::sim::object::str_at;

pub fn printer() -> Printer {
    let columns = vec![
        name_column(),
        col(
            "Ready",
            "string",
            0,
            "The aggregate readiness state of this pod for accepting traffic.",
        ),
        col(
            "Status",
            "string",
            0,
            "The aggregate status of the containers in this pod.",
        ),
        col(
            "Restarts",
            "string",
            0,
            "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
        ),
        age_column(),
        col("IP", "string", 1, "The IP address allocated to the pod."),
        col("Node", "string", 1, "The node the pod is running on."),
        col(
            "Nominated Node",
            "string",
            1,
            "The node the pod is nominated to run on.",
        ),
        col(
            "Readiness Gates",
            "string",
            1,
            "The pod readiness gates that are satisfied.",
        ),
    ];
    Printer::new(columns, row)
}

fn state<'a>(status: &'a Value, which: &str) -> Option<&'a Value> {
    status
        .at(&format!("/state/{which}"))
        .filter(|s| s.is_object())
}

fn terminated_reason(terminated: &Value, prefix: &str) -> String {
    let reason = str_at(terminated, "/reason");
    if !reason.is_empty() {
        return format!("{prefix}{reason}");
    }
    match terminated["signal"].as_i64().filter(|s| *s != 0) {
        Some(signal) => format!("{prefix}Signal:{signal}"),
        None => format!(
            "{prefix}ExitCode:{}",
            terminated["exitCode"].as_i64().unwrap_or(0)
        ),
    }
}

fn row(pod: &Value, now: jiff::Timestamp) -> Vec<Value> {
    let mut reason = match str_at(pod, "/status/reason") {
        "" => str_at(pod, "/status/phase").to_string(),
        given => given.to_string(),
    };
    let total = pod
        .at("/spec/containers")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let init_total = pod
        .at("/spec/initContainers")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let mut restarts = 0;
    let mut ready = 0;
    let mut last_restart: Option<Value> = None;
    let mut initializing = false;
    let init_statuses = pod
        .at("/status/initContainerStatuses")
        .and_then(Value::as_array);
    for (i, status) in init_statuses.into_iter().flatten().enumerate() {
        restarts += status["restartCount"].as_i64().unwrap_or(0);
        if let Some(terminated) = state(status, "terminated") {
            if terminated["exitCode"].as_i64() == Some(0) {
                continue;
            }
            reason = terminated_reason(terminated, "Init:");
        } else if let Some(waiting) = state(status, "waiting")
            && !matches!(str_at(waiting, "/reason"), "" | "PodInitializing")
        {
            reason = format!("Init:{}", str_at(waiting, "/reason"));
        } else {
            reason = format!("Init:{i}/{init_total}");
        }
        initializing = true;
        break;
    }
    if !initializing {
        restarts = 0;
        let mut has_running = false;
        let statuses = pod
            .at("/status/containerStatuses")
            .and_then(Value::as_array);
        for status in statuses.into_iter().flatten().rev() {
            restarts += status["restartCount"].as_i64().unwrap_or(0);
            if let Some(finished) = status.at("/lastState/terminated/finishedAt") {
                let later = last_restart
                    .as_ref()
                    .is_none_or(|seen| seen.as_str() < finished.as_str());
                if later {
                    last_restart = Some(finished.clone());
                }
            }
            if let Some(waiting) =
                state(status, "waiting").filter(|w| !str_at(w, "/reason").is_empty())
            {
                reason = str_at(waiting, "/reason").to_string();
            } else if let Some(terminated) = state(status, "terminated") {
                reason = terminated_reason(terminated, "");
            } else if status["ready"].as_bool() == Some(true) && state(status, "running").is_some()
            {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if has_condition(pod, "Ready") {
                "Running".to_string()
            } else {
                "NotReady".to_string()
            };
        }
    }
    let terminal = matches!(str_at(pod, "/status/phase"), "Succeeded" | "Failed");
    let deleting = pod
        .at("/metadata/deletionTimestamp")
        .is_some_and(|t| !t.is_null());
    if deleting && str_at(pod, "/status/reason") == "NodeLost" {
        reason = "Unknown".to_string();
    } else if deleting && !terminal {
        reason = "Terminating".to_string();
    }
    let restarts_text = match (&last_restart, restarts) {
        (Some(at), n) if n != 0 => format!("{n} ({} ago)", since(Some(at), now)),
        (_, n) => n.to_string(),
    };
    vec![
        json!(str_at(pod, "/metadata/name")),
        json!(format!("{ready}/{total}")),
        json!(reason),
        json!(restarts_text),
        json!(since(pod.at("/metadata/creationTimestamp"), now)),
        json!(none_if_empty(pod_ip(pod))),
        json!(none_if_empty(str_at(pod, "/spec/nodeName"))),
        json!(none_if_empty(str_at(pod, "/status/nominatedNodeName"))),
        json!(readiness_gates(pod)),
    ]
}

fn pod_ip(pod: &Value) -> &str {
    match str_at(pod, "/status/podIPs/0/ip") {
        "" => str_at(pod, "/status/podIP"),
        ip => ip,
    }
}

fn none_if_empty(text: &str) -> &str {
    if text.is_empty() { "<none>" } else { text }
}

fn has_condition(pod: &Value, kind: &str) -> bool {
    let conditions = pod.at("/status/conditions").and_then(Value::as_array);
    conditions
        .into_iter()
        .flatten()
        .any(|c| c["type"] == kind && c["status"] == "True")
}

fn readiness_gates(pod: &Value) -> String {
    let Some(gates) = pod
        .at("/spec/readinessGates")
        .and_then(Value::as_array)
        .filter(|g| !g.is_empty())
    else {
        return "<none>".to_string();
    };
    let satisfied = gates
        .iter()
        .filter(|g| has_condition(pod, str_at(g, "/conditionType")))
        .count();
    format!("{satisfied}/{}", gates.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(pod: Value) -> Vec<Value> {
        row(&pod, jiff::Timestamp::now())
    }

    #[test]
    fn a_pending_pod() {
        let pod = json!({ "metadata": { "name": "p" }, "spec": { "containers": [{}] }, "status": { "phase": "Pending" } });
        let cells = cells(pod);
        assert_eq!(cells[1..4], [json!("0/1"), json!("Pending"), json!("0")]);
        assert_eq!(
            cells[5..],
            [
                json!("<none>"),
                json!("<none>"),
                json!("<none>"),
                json!("<none>")
            ]
        );
    }

    #[test]
    fn a_crash_looping_container_shows_its_waiting_reason_and_restarts() {
        let pod = json!({
            "metadata": { "name": "p" },
            "spec": { "containers": [{}, {}], "nodeName": "n1" },
            "status": { "phase": "Running", "podIP": "10.0.0.5", "containerStatuses": [
                { "ready": true, "restartCount": 0, "state": { "running": {} } },
                { "ready": false, "restartCount": 4, "state": { "waiting": { "reason": "CrashLoopBackOff" } },
                  "lastState": { "terminated": { "finishedAt": "2020-01-01T00:00:00Z" } } }
            ] }
        });
        let cells = cells(pod);
        assert_eq!(cells[1..3], [json!("1/2"), json!("CrashLoopBackOff")]);
        assert!(
            cells[3]
                .as_str()
                .is_some_and(|r| r.starts_with("4 (") && r.ends_with(" ago)"))
        );
        assert_eq!(cells[5..7], [json!("10.0.0.5"), json!("n1")]);
    }

    #[test]
    fn init_containers_and_termination() {
        let init = json!({
            "metadata": { "name": "p" },
            "spec": { "initContainers": [{}, {}], "containers": [{}] },
            "status": { "phase": "Pending", "initContainerStatuses": [
                { "restartCount": 0, "state": { "terminated": { "exitCode": 0 } } },
                { "restartCount": 0, "state": { "running": {} } }
            ] }
        });
        assert_eq!(cells(init)[2], "Init:1/2");
        let deleting = json!({ "metadata": { "name": "p", "deletionTimestamp": "2020-01-01T00:00:00Z" },
            "spec": { "containers": [{}] }, "status": { "phase": "Running" } });
        assert_eq!(cells(deleting)[2], "Terminating");
    }
}
