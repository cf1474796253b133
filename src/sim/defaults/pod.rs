//! Pod and pod-template defaults, plus the admission defaults a new Pod gets (service account,
//! not-ready/unreachable tolerations, QoS class).

use serde_json::{Map, Value, json};

use super::{child, set_default};

/// Defaults a Pod; `creating` adds what admission plugins add on create.
pub fn pod(object: &mut Value, creating: bool) {
    let Some(root) = object.as_object_mut() else {
        return;
    };
    let spec = child(root, "spec");
    pod_spec(spec);
    if creating {
        set_default(spec, "serviceAccountName", json!("default"));
        let account = spec
            .get("serviceAccountName")
            .cloned()
            .unwrap_or(json!("default"));
        set_default(spec, "serviceAccount", account);
        set_default(spec, "priority", json!(0));
        set_default(spec, "preemptionPolicy", json!("PreemptLowerPriority"));
        default_tolerations(spec);
        let qos = qos_class(spec);
        set_default(child(root, "status"), "qosClass", json!(qos));
    }
}

/// Defaults shared by Pods and the pod templates of workloads.
pub fn pod_spec(spec: &mut Map<String, Value>) {
    set_default(spec, "restartPolicy", json!("Always"));
    set_default(spec, "dnsPolicy", json!("ClusterFirst"));
    set_default(spec, "schedulerName", json!("default-scheduler"));
    set_default(spec, "terminationGracePeriodSeconds", json!(30));
    set_default(spec, "securityContext", json!({}));
    set_default(spec, "enableServiceLinks", json!(true));
    for list in ["initContainers", "containers"] {
        if let Some(Value::Array(containers)) = spec.get_mut(list) {
            containers
                .iter_mut()
                .filter_map(Value::as_object_mut)
                .for_each(container);
        }
    }
}

fn container(container: &mut Map<String, Value>) {
    set_default(
        container,
        "terminationMessagePath",
        json!("/dev/termination-log"),
    );
    set_default(container, "terminationMessagePolicy", json!("File"));
    let image = container.get("image").and_then(Value::as_str).unwrap_or("");
    set_default(container, "imagePullPolicy", json!(pull_policy(image)));
    let resources = child(container, "resources");
    if let Some(limits) = resources
        .get("limits")
        .cloned()
        .and_then(|l| l.as_object().cloned())
    {
        let requests = child(resources, "requests");
        for (name, quantity) in limits {
            set_default(requests, &name, quantity);
        }
    }
    if let Some(Value::Array(ports)) = container.get_mut("ports") {
        for port in ports.iter_mut().filter_map(Value::as_object_mut) {
            set_default(port, "protocol", json!("TCP"));
        }
    }
}

/// `Always` for `:latest` or untagged images, `IfNotPresent` otherwise.
fn pull_policy(image: &str) -> &'static str {
    if image.contains('@') {
        return "IfNotPresent";
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, "latest")) | None => "Always",
        Some(_) => "IfNotPresent",
    }
}

fn default_tolerations(spec: &mut Map<String, Value>) {
    let tolerations = spec.entry("tolerations").or_insert_with(|| json!([]));
    let Value::Array(list) = tolerations else {
        return;
    };
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        if !list.iter().any(|t| t["key"] == key) {
            list.push(json!({ "key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300 }));
        }
    }
}

fn qos_class(spec: &Map<String, Value>) -> &'static str {
    let containers: Vec<&Value> = ["initContainers", "containers"]
        .iter()
        .filter_map(|list| spec.get(*list).and_then(Value::as_array))
        .flatten()
        .collect();
    let has_any = |c: &&Value| {
        ["requests", "limits"].iter().any(|k| {
            c["resources"][*k]
                .as_object()
                .is_some_and(|m| !m.is_empty())
        })
    };
    if !containers.iter().any(has_any) {
        return "BestEffort";
    }
    let guaranteed = containers.iter().all(|c| {
        ["cpu", "memory"].iter().all(|r| {
            let limit = &c["resources"]["limits"][*r];
            !limit.is_null() && *limit == c["resources"]["requests"][*r]
        })
    });
    if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_pull_policy_follows_the_tag() {
        assert_eq!(pull_policy("nginx"), "Always");
        assert_eq!(pull_policy("nginx:latest"), "Always");
        assert_eq!(pull_policy("nginx:1.27"), "IfNotPresent");
        assert_eq!(pull_policy("registry:5000/team/app"), "Always");
        assert_eq!(pull_policy("app@sha256:abc"), "IfNotPresent");
    }

    #[test]
    fn new_pods_get_admission_defaults_and_qos() {
        let mut object = json!({ "spec": { "containers": [{ "name": "c", "image": "nginx:1",
            "resources": { "limits": { "cpu": "1", "memory": "1Gi" } } }] } });
        pod(&mut object, true);
        assert_eq!(object["spec"]["serviceAccountName"], "default");
        assert_eq!(
            object["spec"]["containers"][0]["resources"]["requests"]["cpu"],
            "1"
        );
        assert_eq!(object["status"]["qosClass"], "Guaranteed");
        assert_eq!(
            object["spec"]["tolerations"].as_array().map(Vec::len),
            Some(2)
        );
    }
}
