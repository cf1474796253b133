//! The non-pod projections decode real-shaped objects (unknown fields skipped) into the
//! cells kubectl prints for them.
#![allow(clippy::unwrap_used)]

use kubevibe::live::projection::{
    DeploymentRow, EventRow, GenericRow, NodeRow, Projection, ServiceRow,
};
use kubevibe::live::row::{Row, Tone};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const NOW: i64 = 1_767_268_800;

fn row<P: Projection + DeserializeOwned>(object: Value) -> Row {
    serde_json::from_value::<P>(object).unwrap().into_row()
}

fn cells(row: &Row) -> Vec<String> {
    row.cells.iter().map(|c| c.render(NOW)).collect()
}

fn meta(name: &str) -> Value {
    json!({ "name": name, "namespace": "shop", "uid": format!("uid-{name}"),
            "creationTimestamp": "2026-01-01T11:00:00Z",
            "managedFields": [{ "manager": "kubectl", "fieldsV1": { "f:spec": {} } }],
            "annotations": { "big": "x".repeat(1000) } })
}

#[test]
fn deployments_show_ready_up_to_date_and_available() {
    let rolling = row::<DeploymentRow>(json!({
        "metadata": meta("web"),
        "spec": { "replicas": 3, "template": { "spec": { "containers": [] } } },
        "status": { "readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2,
                    "conditions": [{ "type": "Available", "status": "True" }] }
    }));
    assert_eq!(cells(&rolling), ["2/3", "3", "2", "60m"]);
    assert_eq!(rolling.tone, Tone::Warn);
    let scaled_to_zero = row::<DeploymentRow>(json!({ "metadata": meta("idle"),
        "spec": { "replicas": 0 }, "status": {} }));
    assert_eq!(cells(&scaled_to_zero)[0], "0/0");
    assert_eq!(scaled_to_zero.tone, Tone::Good);
}

#[test]
fn services_show_type_addresses_and_ports() {
    let cluster = row::<ServiceRow>(json!({ "metadata": meta("web"),
        "spec": { "type": "ClusterIP", "clusterIP": "10.96.0.10",
                  "ports": [{ "port": 80, "protocol": "TCP", "targetPort": 8080 },
                            { "port": 53, "protocol": "UDP" }] } }));
    assert_eq!(
        cells(&cluster),
        ["ClusterIP", "10.96.0.10", "<none>", "80/TCP,53/UDP", "60m"]
    );
    let pending = row::<ServiceRow>(json!({ "metadata": meta("lb"),
        "spec": { "type": "LoadBalancer", "clusterIP": "10.96.0.11",
                  "ports": [{ "port": 443, "nodePort": 30443, "protocol": "TCP" }] },
        "status": { "loadBalancer": {} } }));
    assert_eq!(cells(&pending)[2..4], ["<pending>", "443:30443/TCP"]);
    assert_eq!(pending.tone, Tone::Warn);
    let external = row::<ServiceRow>(json!({ "metadata": meta("db"),
        "spec": { "type": "ExternalName", "externalName": "db.example.com" } }));
    assert_eq!(
        cells(&external)[1..4],
        ["<none>", "db.example.com", "<none>"]
    );
}

#[test]
fn nodes_show_readiness_roles_and_version() {
    let mut m = meta("node-1");
    m["labels"] = json!({ "node-role.kubernetes.io/control-plane": "",
                          "kubernetes.io/hostname": "node-1" });
    let node = row::<NodeRow>(json!({ "metadata": m,
        "spec": { "unschedulable": true },
        "status": { "conditions": [{ "type": "Ready", "status": "True" }],
                    "nodeInfo": { "kubeletVersion": "v1.33.1" } } }));
    assert_eq!(
        cells(&node),
        [
            "Ready,SchedulingDisabled",
            "control-plane",
            "60m",
            "v1.33.1"
        ]
    );
    let lost = row::<NodeRow>(json!({ "metadata": meta("node-2"),
        "status": { "conditions": [{ "type": "Ready", "status": "Unknown" }] } }));
    assert_eq!(cells(&lost)[..2], ["NotReady", "<none>"]);
    assert_eq!(lost.tone, Tone::Bad);
}

#[test]
fn events_show_when_what_and_why() {
    let event = row::<EventRow>(json!({ "metadata": meta("web.1"),
        "type": "Warning", "reason": "BackOff",
        "message": "Back-off restarting failed container\napp in pod web",
        "involvedObject": { "kind": "Pod", "name": "web-1", "namespace": "shop" },
        "lastTimestamp": "2026-01-01T11:59:30Z", "count": 4 }));
    assert_eq!(
        cells(&event),
        [
            "30s",
            "Warning",
            "BackOff",
            "pod/web-1",
            "Back-off restarting failed container app in pod web"
        ]
    );
    assert_eq!(event.tone, Tone::Bad);
}

#[test]
fn any_kind_keeps_identity_labels_and_owners() {
    let mut m = meta("cert");
    m["labels"] = json!({ "app": "web" });
    m["ownerReferences"] = json!([{ "apiVersion": "cert-manager.io/v1", "kind": "Certificate",
        "name": "web-tls", "uid": "o-1", "controller": true }]);
    let generic = row::<GenericRow>(json!({ "metadata": m, "spec": { "anything": [1, 2] } }));
    assert_eq!(
        (&*generic.namespace, &*generic.name, &*generic.uid),
        ("shop", "cert", "uid-cert")
    );
    assert_eq!(cells(&generic), ["60m"]);
    assert_eq!(&*generic.labels[0].0, "app");
    assert_eq!(&*generic.owners[0].kind, "Certificate");
    assert!(generic.owners[0].controller);
}
