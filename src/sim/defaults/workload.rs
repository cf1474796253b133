//! Defaults of the workload kinds (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob).

use serde_json::{Map, Value, json};

use super::{Write, child, pod::pod_spec, set_default};
use crate::sim::object::At;
use crate::sim::resource::{self, GroupResource};

pub fn workload(gr: &GroupResource, object: &mut Value, write: Write<'_>) {
    let uid = object
        .at("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let name = object
        .at("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let Some(root) = object.as_object_mut() else {
        return;
    };
    if *gr == resource::DEPLOYMENTS {
        let spec = child(root, "spec");
        set_default(spec, "replicas", json!(1));
        set_default(spec, "revisionHistoryLimit", json!(10));
        set_default(spec, "progressDeadlineSeconds", json!(600));
        update_strategy(
            child(spec, "strategy"),
            json!({ "maxUnavailable": "25%", "maxSurge": "25%" }),
        );
        template(spec);
    } else if *gr == resource::REPLICASETS {
        let spec = child(root, "spec");
        set_default(spec, "replicas", json!(1));
        template(spec);
    } else if *gr == resource::STATEFULSETS {
        let spec = child(root, "spec");
        set_default(spec, "replicas", json!(1));
        set_default(spec, "podManagementPolicy", json!("OrderedReady"));
        set_default(spec, "revisionHistoryLimit", json!(10));
        set_default(
            spec,
            "updateStrategy",
            json!({ "type": "RollingUpdate", "rollingUpdate": { "partition": 0 } }),
        );
        set_default(
            spec,
            "persistentVolumeClaimRetentionPolicy",
            json!({ "whenDeleted": "Retain", "whenScaled": "Retain" }),
        );
        template(spec);
    } else if *gr == resource::DAEMONSETS {
        let spec = child(root, "spec");
        set_default(spec, "revisionHistoryLimit", json!(10));
        update_strategy(
            child(spec, "updateStrategy"),
            json!({ "maxUnavailable": 1, "maxSurge": 0 }),
        );
        template(spec);
    } else if *gr == resource::JOBS {
        let creating = matches!(write, Write::Create { .. });
        job_spec(child(root, "spec"), &uid, &name, creating);
    } else if *gr == resource::CRONJOBS {
        let spec = child(root, "spec");
        set_default(spec, "concurrencyPolicy", json!("Allow"));
        set_default(spec, "suspend", json!(false));
        set_default(spec, "successfulJobsHistoryLimit", json!(3));
        set_default(spec, "failedJobsHistoryLimit", json!(1));
        let job_template = child(spec, "jobTemplate");
        let job = child(job_template, "spec");
        template(job);
    }
}

/// An empty strategy becomes RollingUpdate, whose parameters get their defaults.
fn update_strategy(strategy: &mut Map<String, Value>, rolling_defaults: Value) {
    set_default(strategy, "type", json!("RollingUpdate"));
    if strategy.get("type").and_then(Value::as_str) != Some("RollingUpdate") {
        return;
    }
    let rolling = child(strategy, "rollingUpdate");
    for (key, value) in rolling_defaults.as_object().into_iter().flatten() {
        set_default(rolling, key, value.clone());
    }
}

fn template(spec: &mut Map<String, Value>) {
    let template = child(spec, "template");
    let pod = child(template, "spec");
    if pod.contains_key("containers") {
        pod_spec(pod);
    }
}

/// A Job gets a selector on its own uid, and the matching labels on its template, unless it
/// asked for `manualSelector`.
fn job_spec(spec: &mut Map<String, Value>, uid: &str, name: &str, creating: bool) {
    set_default(spec, "parallelism", json!(1));
    set_default(spec, "completions", json!(1));
    set_default(spec, "backoffLimit", json!(6));
    set_default(spec, "completionMode", json!("NonIndexed"));
    set_default(spec, "suspend", json!(false));
    set_default(spec, "podReplacementPolicy", json!("TerminatingOrFailed"));
    template(spec);
    let manual = spec.get("manualSelector").and_then(Value::as_bool) == Some(true);
    if !creating || manual || uid.is_empty() {
        return;
    }
    spec.insert(
        "selector".to_string(),
        json!({ "matchLabels": { "batch.kubernetes.io/controller-uid": uid } }),
    );
    let metadata = child(child(spec, "template"), "metadata");
    let labels = child(metadata, "labels");
    for (key, value) in [
        ("batch.kubernetes.io/controller-uid", uid),
        ("batch.kubernetes.io/job-name", name),
        ("controller-uid", uid),
        ("job-name", name),
    ] {
        labels.insert(key.to_string(), json!(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_select_their_own_pods() {
        let mut job = json!({ "metadata": { "name": "once", "uid": "u-1" },
            "spec": { "template": { "spec": { "containers": [{ "name": "c", "image": "busybox" }], "restartPolicy": "Never" } } } });
        workload(
            &resource::JOBS,
            &mut job,
            Write::Create { keep_status: false },
        );
        assert_eq!(
            job["spec"]["selector"]["matchLabels"]["batch.kubernetes.io/controller-uid"],
            "u-1"
        );
        assert_eq!(
            job["spec"]["template"]["metadata"]["labels"]["job-name"],
            "once"
        );
        assert_eq!(job["spec"]["backoffLimit"], 6);
    }

    #[test]
    fn deployments_get_a_rolling_update_strategy() {
        let mut deployment = json!({ "spec": { "strategy": {}, "template": { "spec": { "containers": [{ "name": "c", "image": "nginx" }] } } } });
        workload(
            &resource::DEPLOYMENTS,
            &mut deployment,
            Write::Create { keep_status: false },
        );
        assert_eq!(deployment["spec"]["replicas"], 1);
        assert_eq!(
            deployment["spec"]["strategy"]["rollingUpdate"]["maxSurge"],
            "25%"
        );
        assert_eq!(
            deployment["spec"]["template"]["spec"]["restartPolicy"],
            "Always"
        );
    }
}
