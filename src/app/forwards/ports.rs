//! The ports a pod or service offers to forward, read from its JSON.

use serde_json::Value;

/// One port to offer in the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortChoice {
    /// The port the forward names: a container port of a pod, a port of a service.
    pub port: u16,
    /// What it is: `http (container web)`, `http → targetPort http`.
    pub label: String,
}

/// The TCP ports of a pod's containers.
pub fn pod_ports(pod: &Value) -> Vec<PortChoice> {
    let containers = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut choices = Vec::new();
    for container in containers {
        let container_name = container.get("name").and_then(Value::as_str).unwrap_or("?");
        for port in container
            .get("ports")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            if !is_tcp(port) {
                continue;
            }
            let Some(number) = number(port.get("containerPort")) else {
                continue;
            };
            let label = match port.get("name").and_then(Value::as_str) {
                Some(name) => format!("{name} (container {container_name})"),
                None => format!("container {container_name}"),
            };
            choices.push(PortChoice {
                port: number,
                label,
            });
        }
    }
    choices
}

/// The TCP ports of a service.
pub fn service_ports(service: &Value) -> Vec<PortChoice> {
    service
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|port| is_tcp(port))
        .filter_map(|port| {
            let number = number(port.get("port"))?;
            let target = match port.get("targetPort") {
                Some(Value::String(name)) => name.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => number.to_string(),
            };
            let label = match port.get("name").and_then(Value::as_str) {
                Some(name) => format!("{name} → targetPort {target}"),
                None => format!("→ targetPort {target}"),
            };
            Some(PortChoice {
                port: number,
                label,
            })
        })
        .collect()
}

fn is_tcp(port: &Value) -> bool {
    port.get("protocol")
        .and_then(Value::as_str)
        .is_none_or(|p| p.eq_ignore_ascii_case("TCP"))
}

fn number(value: Option<&Value>) -> Option<u16> {
    u16::try_from(value?.as_u64()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pod_ports_list_tcp_container_ports_with_names() {
        let pod = json!({"spec": {"containers": [
            {"name": "web", "ports": [{"name": "http", "containerPort": 8080},
                                      {"containerPort": 53, "protocol": "UDP"}]},
            {"name": "side", "ports": [{"containerPort": 9090}]}]}});
        let ports = pod_ports(&pod);
        assert_eq!(ports.len(), 2);
        assert_eq!(ports[0].port, 8080);
        assert_eq!(ports[0].label, "http (container web)");
        assert_eq!(ports[1].label, "container side");
        assert!(pod_ports(&json!({})).is_empty());
    }

    #[test]
    fn service_ports_show_their_target() {
        let service = json!({"spec": {"ports": [
            {"name": "http", "port": 80, "targetPort": "http"},
            {"port": 9153, "targetPort": 9153}]}});
        let ports = service_ports(&service);
        assert_eq!(ports[0].port, 80);
        assert_eq!(ports[0].label, "http → targetPort http");
        assert_eq!(ports[1].label, "→ targetPort 9153");
    }
}
