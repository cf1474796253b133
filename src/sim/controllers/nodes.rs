//! The simulated nodes: created when the cluster has none, and read back as the few facts
//! the scheduler and the kubelet need (capacity, labels, taints, addresses, pod CIDR).

use serde_json::{Value, json};

use super::quantity;
use crate::sim::object::At;
use crate::sim::object::{str_at, string_map};
use crate::sim::resource;
use crate::sim::status::ApiError;
use crate::sim::store::{Store, WriteOptions};

pub const CONTROL_PLANE_TAINT: &str = "node-role.kubernetes.io/control-plane";
const PODS_PER_NODE: i64 = 110;

/// What scheduling and the kubelet need to know about a node.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeInfo {
    pub name: String,
    pub labels: Vec<(String, String)>,
    /// (key, value, effect) of each taint.
    pub taints: Vec<(String, String, String)>,
    pub cpu_millis: i64,
    pub memory_bytes: i64,
    pub max_pods: i64,
    pub internal_ip: String,
    pub pod_cidr: String,
    pub schedulable: bool,
}

impl NodeInfo {
    pub fn from_value(node: &Value) -> Self {
        let allocatable =
            |key: &str| str_at(node, &format!("/status/allocatable/{key}")).to_string();
        let taints = node
            .at("/spec/taints")
            .and_then(Value::as_array)
            .map(|taints| {
                taints
                    .iter()
                    .map(|t| {
                        (
                            str_at(t, "/key").to_string(),
                            str_at(t, "/value").to_string(),
                            str_at(t, "/effect").to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let internal_ip = node
            .at("/status/addresses")
            .and_then(Value::as_array)
            .and_then(|addresses| addresses.iter().find(|a| a["type"] == "InternalIP"))
            .map(|a| str_at(a, "/address").to_string())
            .unwrap_or_default();
        let ready = node
            .at("/status/conditions")
            .and_then(Value::as_array)
            .is_none_or(|conditions| {
                conditions
                    .iter()
                    .filter(|c| c["type"] == "Ready")
                    .all(|c| c["status"] == "True")
            });
        Self {
            name: str_at(node, "/metadata/name").to_string(),
            labels: string_map(node, "/metadata/labels"),
            taints,
            cpu_millis: quantity::cpu_millis(&allocatable("cpu")).unwrap_or(4000),
            memory_bytes: quantity::bytes(&allocatable("memory")).unwrap_or(16 << 30),
            max_pods: allocatable("pods").parse().unwrap_or(PODS_PER_NODE),
            internal_ip,
            pod_cidr: str_at(node, "/spec/podCIDR").to_string(),
            schedulable: ready && node.at("/spec/unschedulable") != Some(&json!(true)),
        }
    }

    /// The `index`-th pod address in this node's pod CIDR (a /24).
    pub fn pod_ip(&self, index: u32) -> String {
        let base = self.pod_cidr.split('/').next().unwrap_or("10.244.0.0");
        let mut octets: Vec<&str> = base.split('.').collect();
        let host = (index % 253 + 2).to_string();
        if octets.len() == 4 {
            octets[3] = &host;
            return octets.join(".");
        }
        format!("10.244.0.{host}")
    }
}

/// The names nodes get: one control plane, then workers.
pub fn node_name(index: usize) -> String {
    match index {
        0 => "kubevibe-control-plane".to_string(),
        1 => "kubevibe-worker".to_string(),
        n => format!("kubevibe-worker{n}"),
    }
}

/// The Node object for node `index` (0 is the control plane).
pub fn node_object(index: usize) -> Value {
    let name = node_name(index);
    let control_plane = index == 0;
    let mut labels = json!({
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
    });
    let taints = if control_plane {
        labels[CONTROL_PLANE_TAINT] = json!("");
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = json!("");
        json!([{ "key": CONTROL_PLANE_TAINT, "effect": "NoSchedule" }])
    } else {
        json!([])
    };
    let cidr = format!("10.{}.{}.0/24", 244 + index / 256, index % 256);
    let address = format!("172.18.{}.{}", index / 250, index % 250 + 2);
    let resources = json!({
        "cpu": "8", "memory": "32859672Ki", "pods": PODS_PER_NODE.to_string(),
        "ephemeral-storage": "102626232Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0",
    });
    let now = crate::sim::clock::now_rfc3339();
    let condition = |kind: &str, status: &str, reason: &str, message: &str| {
        json!({ "type": kind, "status": status, "reason": reason, "message": message,
                "lastHeartbeatTime": now, "lastTransitionTime": now })
    };
    let uuid = uuid::Uuid::new_v4().to_string();
    json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": labels,
            "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": { "podCIDR": cidr, "podCIDRs": [cidr], "providerID": format!("kubevibe://{name}"), "taints": taints },
        "status": {
            "capacity": resources,
            "allocatable": resources,
            "conditions": [
                condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "addresses": [{ "type": "InternalIP", "address": address }, { "type": "Hostname", "address": name }],
            "daemonEndpoints": { "kubeletEndpoint": { "Port": 10250 } },
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": uuid,
                "containerRuntimeVersion": "containerd://1.7.24",
                "kernelVersion": "6.8.0-51-generic",
                "kubeProxyVersion": "v1.32.0",
                "kubeletVersion": "v1.32.0",
                "machineID": uuid.replace('-', ""),
                "operatingSystem": "linux",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "systemUUID": uuid,
            },
        },
    })
}

/// Creates nodes until the cluster has at least `count` (never fewer than a control plane
/// and one worker). Existing nodes are kept.
pub fn ensure_nodes(store: &Store, count: usize) -> Result<usize, ApiError> {
    let existing = store.list(&resource::NODES, "")?.len();
    let wanted = count.max(2);
    let options = WriteOptions {
        keep_status: true,
        ..WriteOptions::default()
    };
    let mut created = 0;
    let mut index = 0;
    while existing + created < wanted {
        let node = node_object(index);
        index += 1;
        match store.create_with(&resource::NODES, "", node, &options) {
            Ok(_) => created += 1,
            Err(ApiError::AlreadyExists(_)) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn nodes_are_created_once_with_capacity_and_addresses() {
        let store = Store::default();
        crate::sim::bootstrap::bootstrap(&store).unwrap();
        assert_eq!(ensure_nodes(&store, 3).unwrap(), 3);
        assert_eq!(ensure_nodes(&store, 3).unwrap(), 0);
        let node = store
            .get(&resource::NODES, "", "kubevibe-worker")
            .unwrap()
            .value();
        let info = NodeInfo::from_value(&node);
        assert_eq!(info.cpu_millis, 8000);
        assert_eq!(info.max_pods, 110);
        assert!(info.schedulable);
        assert_eq!(info.pod_ip(0), "10.244.1.2");
        assert_eq!(info.internal_ip, "172.18.0.3");
        let control = store
            .get(&resource::NODES, "", &node_name(0))
            .unwrap()
            .value();
        assert_eq!(NodeInfo::from_value(&control).taints.len(), 1);
    }
}
