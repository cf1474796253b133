//! Service defaults and the cluster IP / node port allocations behind them.

use crate::sim::object::At;
use serde_json::{Value, json};

use super::{Write, child, set_default};

/// Sequential allocators for Service cluster IPs (10.96.0.0/12) and node ports (30000-32767).
#[derive(Clone, Debug)]
pub struct Allocations {
    next_ip: u32,
    next_node_port: u16,
}

impl Default for Allocations {
    fn default() -> Self {
        // 10.96.0.1 belongs to the `kubernetes` Service.
        Self {
            next_ip: u32::from_be_bytes([10, 96, 0, 2]),
            next_node_port: 30000,
        }
    }
}

impl Allocations {
    pub fn cluster_ip(&mut self) -> String {
        let ip = std::net::Ipv4Addr::from(self.next_ip);
        self.next_ip = self.next_ip.wrapping_add(1);
        ip.to_string()
    }

    pub fn node_port(&mut self) -> u16 {
        let port = self.next_node_port;
        self.next_node_port = if port >= 32767 { 30000 } else { port + 1 };
        port
    }
}

pub fn service(object: &mut Value, write: Write<'_>, allocations: &mut Allocations) {
    let Some(root) = object.as_object_mut() else {
        return;
    };
    let spec = child(root, "spec");
    set_default(spec, "type", json!("ClusterIP"));
    set_default(spec, "sessionAffinity", json!("None"));
    let kind = spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("ClusterIP")
        .to_string();
    if let Write::Update { old } = write {
        for key in ["clusterIP", "clusterIPs"] {
            if let Some(previous) = old.at(&format!("/spec/{key}")) {
                set_default(spec, key, previous.clone());
            }
        }
    }
    if kind != "ExternalName" {
        if spec
            .get("clusterIP")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            spec.insert("clusterIP".to_string(), json!(allocations.cluster_ip()));
        }
        let ip = spec.get("clusterIP").cloned().unwrap_or(Value::Null);
        set_default(spec, "clusterIPs", json!([ip]));
        set_default(spec, "ipFamilies", json!(["IPv4"]));
        set_default(spec, "ipFamilyPolicy", json!("SingleStack"));
        set_default(spec, "internalTrafficPolicy", json!("Cluster"));
    }
    if kind == "NodePort" || kind == "LoadBalancer" {
        set_default(spec, "externalTrafficPolicy", json!("Cluster"));
    }
    let old_ports = match write {
        Write::Update { old } => old
            .at("/spec/ports")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        Write::Create { .. } => Vec::new(),
    };
    if let Some(Value::Array(ports)) = spec.get_mut("ports") {
        for port in ports.iter_mut().filter_map(Value::as_object_mut) {
            set_default(port, "protocol", json!("TCP"));
            let number = port.get("port").cloned().unwrap_or(Value::Null);
            set_default(port, "targetPort", number.clone());
            if kind == "NodePort" || kind == "LoadBalancer" {
                let kept = old_ports
                    .iter()
                    .find(|p| p["port"] == number)
                    .map(|p| p["nodePort"].clone());
                match kept.filter(|p| !p.is_null()) {
                    Some(node_port) => set_default(port, "nodePort", node_port),
                    None if port.get("nodePort").is_none_or(Value::is_null) => {
                        port.insert("nodePort".to_string(), json!(allocations.node_port()));
                    }
                    None => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_ips_are_allocated_and_kept_on_update() {
        let mut allocations = Allocations::default();
        let mut created = json!({ "spec": { "type": "NodePort", "ports": [{ "port": 80 }] } });
        service(
            &mut created,
            Write::Create { keep_status: false },
            &mut allocations,
        );
        assert_eq!(created["spec"]["clusterIP"], "10.96.0.2");
        assert_eq!(created["spec"]["ports"][0]["targetPort"], 80);
        assert_eq!(created["spec"]["ports"][0]["nodePort"], 30000);
        let mut updated = json!({ "spec": { "type": "NodePort", "ports": [{ "port": 80 }] } });
        service(
            &mut updated,
            Write::Update { old: &created },
            &mut allocations,
        );
        assert_eq!(updated["spec"]["clusterIP"], "10.96.0.2");
        assert_eq!(updated["spec"]["ports"][0]["nodePort"], 30000);
    }
}
