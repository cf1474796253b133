//! Tables of the core kinds: Services, ConfigMaps, Secrets, Namespaces, Nodes, Endpoints,
//! EndpointSlices and ServiceAccounts.

use serde_json::{Value, json};

use super::{Printer, age_column, col, name_column, or_none, since};
use crate::sim::object::At;
use crate::sim::object::str_at;

fn name_and_age(object: &Value, now: jiff::Timestamp) -> (Value, Value) {
    (
        json!(str_at(object, "/metadata/name")),
        json!(since(object.at("/metadata/creationTimestamp"), now)),
    )
}

fn count(object: &Value, fields: &[&str]) -> usize {
    fields
        .iter()
        .filter_map(|f| object.get(*f).and_then(Value::as_object))
        .map(|m| m.len())
        .sum()
}

fn strings<'a>(object: &'a Value, pointer: &str) -> Vec<&'a str> {
    object
        .at(pointer)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

pub fn services() -> Printer {
    let columns = vec![
        name_column(),
        col("Type", "string", 0, "The type of service."),
        col("Cluster-IP", "string", 0, "The cluster IP of the service."),
        col(
            "External-IP",
            "string",
            0,
            "The external IP of the service.",
        ),
        col("Port(s)", "string", 0, "The ports of the service."),
        age_column(),
        col(
            "Selector",
            "string",
            1,
            "Route service traffic to pods with label keys and values matching this selector.",
        ),
    ];
    Printer::new(columns, |svc, now| {
        let (name, age) = name_and_age(svc, now);
        let kind = match str_at(svc, "/spec/type") {
            "" => "ClusterIP",
            kind => kind,
        };
        let selector: Vec<String> = svc
            .at("/spec/selector")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                    .collect()
            })
            .unwrap_or_default();
        vec![
            name,
            json!(kind),
            json!(or_none(str_at(svc, "/spec/clusterIP"))),
            json!(external_ip(svc, kind)),
            json!(ports(svc)),
            age,
            json!(or_none(selector.join(","))),
        ]
    })
}

fn external_ip(svc: &Value, kind: &str) -> String {
    let external = strings(svc, "/spec/externalIPs").join(",");
    match kind {
        "ExternalName" => str_at(svc, "/spec/externalName").to_string(),
        "LoadBalancer" => {
            let ingress = svc
                .at("/status/loadBalancer/ingress")
                .and_then(Value::as_array);
            let mut addresses: Vec<&str> = ingress
                .into_iter()
                .flatten()
                .filter_map(|i| i["ip"].as_str().or_else(|| i["hostname"].as_str()))
                .collect();
            if !external.is_empty() {
                addresses.insert(0, &external);
            }
            if addresses.is_empty() {
                "<pending>".to_string()
            } else {
                addresses.join(",")
            }
        }
        _ => or_none(external),
    }
}

fn ports(svc: &Value) -> String {
    let ports = svc.at("/spec/ports").and_then(Value::as_array);
    let parts: Vec<String> = ports
        .into_iter()
        .flatten()
        .map(|p| {
            let protocol = p["protocol"].as_str().unwrap_or("TCP");
            let port = p["port"].as_i64().unwrap_or(0);
            match p["nodePort"].as_i64().filter(|n| *n != 0) {
                Some(node_port) => format!("{port}:{node_port}/{protocol}"),
                None => format!("{port}/{protocol}"),
            }
        })
        .collect();
    or_none(parts.join(","))
}

pub fn configmaps() -> Printer {
    let columns = vec![
        name_column(),
        col("Data", "integer", 0, "Number of data entries."),
        age_column(),
    ];
    Printer::new(columns, |cm, now| {
        let (name, age) = name_and_age(cm, now);
        vec![name, json!(count(cm, &["data", "binaryData"])), age]
    })
}

pub fn secrets() -> Printer {
    let columns = vec![
        name_column(),
        col(
            "Type",
            "string",
            0,
            "Used to facilitate programmatic handling of secret data.",
        ),
        col("Data", "integer", 0, "Number of data entries."),
        age_column(),
    ];
    Printer::new(columns, |secret, now| {
        let (name, age) = name_and_age(secret, now);
        vec![
            name,
            json!(str_at(secret, "/type")),
            json!(count(secret, &["data"])),
            age,
        ]
    })
}

pub fn namespaces() -> Printer {
    let columns = vec![
        name_column(),
        col("Status", "string", 0, "The status of the namespace"),
        age_column(),
    ];
    Printer::new(columns, |ns, now| {
        let (name, age) = name_and_age(ns, now);
        vec![name, json!(str_at(ns, "/status/phase")), age]
    })
}

pub fn nodes() -> Printer {
    let columns = vec![
        name_column(),
        col("Status", "string", 0, "The status of the node"),
        col("Roles", "string", 0, "The roles of the node"),
        age_column(),
        col(
            "Version",
            "string",
            0,
            "Kubelet Version reported by the node.",
        ),
        col(
            "Internal-IP",
            "string",
            1,
            "List of addresses reachable to the node.",
        ),
        col(
            "External-IP",
            "string",
            1,
            "List of addresses reachable to the node.",
        ),
        col(
            "OS-Image",
            "string",
            1,
            "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
        ),
        col(
            "Kernel-Version",
            "string",
            1,
            "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
        ),
        col(
            "Container-Runtime",
            "string",
            1,
            "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
        ),
    ];
    Printer::new(columns, |node, now| {
        let (name, age) = name_and_age(node, now);
        let address = |kind: &str| {
            let addresses = node.at("/status/addresses").and_then(Value::as_array);
            let found = addresses.into_iter().flatten().find(|a| a["type"] == kind);
            or_none(found.map(|a| str_at(a, "/address")).unwrap_or(""))
        };
        let info = |field: &str| str_at(node, &format!("/status/nodeInfo/{field}")).to_string();
        vec![
            name,
            json!(node_status(node)),
            json!(node_roles(node)),
            age,
            json!(info("kubeletVersion")),
            json!(address("InternalIP")),
            json!(address("ExternalIP")),
            json!(or_none(info("osImage"))),
            json!(or_none(info("kernelVersion"))),
            json!(or_none(info("containerRuntimeVersion"))),
        ]
    })
}

fn node_status(node: &Value) -> String {
    let conditions = node.at("/status/conditions").and_then(Value::as_array);
    let ready = conditions
        .into_iter()
        .flatten()
        .find(|c| c["type"] == "Ready");
    let mut status = match ready.map(|c| str_at(c, "/status")) {
        Some("True") => "Ready".to_string(),
        Some("False") => "NotReady".to_string(),
        _ => "Unknown".to_string(),
    };
    if node.at("/spec/unschedulable").and_then(Value::as_bool) == Some(true) {
        status.push_str(",SchedulingDisabled");
    }
    status
}

fn node_roles(node: &Value) -> String {
    let labels = node.at("/metadata/labels").and_then(Value::as_object);
    let mut roles: Vec<&str> = labels
        .into_iter()
        .flatten()
        .filter_map(
            |(key, value)| match key.strip_prefix("node-role.kubernetes.io/") {
                Some(role) if !role.is_empty() => Some(role),
                _ if key == "kubernetes.io/role" => value.as_str(),
                _ => None,
            },
        )
        .collect();
    roles.sort_unstable();
    or_none(roles.join(","))
}

pub fn endpoints() -> Printer {
    let columns = vec![
        name_column(),
        col("Endpoints", "string", 0, "Endpoints of the service"),
        age_column(),
    ];
    Printer::new(columns, |ep, now| {
        let (name, age) = name_and_age(ep, now);
        let mut listed = Vec::new();
        let subsets = ep.get("subsets").and_then(Value::as_array);
        for subset in subsets.into_iter().flatten() {
            let ports: Vec<i64> = subset["ports"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p["port"].as_i64())
                .collect();
            for address in subset["addresses"].as_array().into_iter().flatten() {
                let ip = str_at(address, "/ip");
                if ports.is_empty() {
                    listed.push(ip.to_string());
                }
                listed.extend(ports.iter().map(|port| format!("{ip}:{port}")));
            }
        }
        vec![name, json!(first_three(&listed)), age]
    })
}

fn first_three(items: &[String]) -> String {
    match items.len() {
        0 => "<none>".to_string(),
        1..=3 => items.join(","),
        n => format!("{} + {} more...", items[..3].join(","), n - 3),
    }
}

pub fn endpoint_slices() -> Printer {
    let columns = vec![
        name_column(),
        col("AddressType", "string", 0, "The IP protocol for this slice"),
        col("Ports", "string", 0, "The ports of this slice"),
        col("Endpoints", "string", 0, "The endpoints of this slice"),
        age_column(),
    ];
    Printer::new(columns, |slice, now| {
        let (name, age) = name_and_age(slice, now);
        let ports: Vec<String> = slice
            .get("ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| p["port"].as_i64().map(|n| n.to_string()))
            .collect();
        let addresses: Vec<String> = slice
            .get("endpoints")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .flat_map(|e| {
                strings(e, "/addresses")
                    .into_iter()
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect();
        vec![
            name,
            json!(str_at(slice, "/addressType")),
            json!(or_none(ports.join(","))),
            json!(first_three(&addresses)),
            age,
        ]
    })
}

pub fn service_accounts() -> Printer {
    let columns = vec![
        name_column(),
        col(
            "Secrets",
            "integer",
            0,
            "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.",
        ),
        age_column(),
    ];
    Printer::new(columns, |sa, now| {
        let (name, age) = name_and_age(sa, now);
        let secrets = sa
            .get("secrets")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        vec![name, json!(secrets), age]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_ports_and_external_ips() {
        let svc = json!({ "spec": { "type": "NodePort", "ports": [{ "port": 80, "nodePort": 30080, "protocol": "TCP" }, { "port": 53, "protocol": "UDP" }] } });
        assert_eq!(ports(&svc), "80:30080/TCP,53/UDP");
        assert_eq!(external_ip(&svc, "NodePort"), "<none>");
        assert_eq!(external_ip(&json!({}), "LoadBalancer"), "<pending>");
    }

    #[test]
    fn node_status_and_roles() {
        let node = json!({ "metadata": { "labels": { "node-role.kubernetes.io/control-plane": "" } },
            "spec": { "unschedulable": true }, "status": { "conditions": [{ "type": "Ready", "status": "True" }] } });
        assert_eq!(node_status(&node), "Ready,SchedulingDisabled");
        assert_eq!(node_roles(&node), "control-plane");
    }

    #[test]
    fn endpoints_list_at_most_three() {
        let items: Vec<String> = (1..=5).map(|i| format!("10.0.0.{i}:80")).collect();
        assert_eq!(
            first_three(&items),
            "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more..."
        );
    }
}
