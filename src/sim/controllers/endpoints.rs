//! The endpoints and endpointslice controllers: every Service with a selector gets an
//! `Endpoints` object and an `EndpointSlice` listing the pods it selects, ready ones as
//! addresses and the rest as not ready, with target ports resolved by name or number.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use serde_json::{Value, json};

use super::index::key_of;
use super::pods::{PodView, controller_ref};
use super::{Controller, Ctx};
use crate::sim::object::At;
use crate::sim::object::str_at;
use crate::sim::resource;
use crate::sim::selector::LabelSelector;
use crate::sim::status::ApiError;
use crate::sim::store::{Change, ChangeKind, DeleteOptions, ListOptions, ObjectKey, StoredObject};

const MANAGED_BY: &str = "endpointslice.kubernetes.io/managed-by";
const SLICE_CONTROLLER: &str = "endpointslice-controller.k8s.io";
const SERVICE_NAME: &str = "kubernetes.io/service-name";

/// A selected pod as endpoints list it.
#[derive(Clone, Debug, PartialEq)]
struct Member {
    ip: String,
    node: String,
    uid: String,
    ready: bool,
    /// Ready, whether or not terminating.
    serving: bool,
    terminating: bool,
    /// Container ports: (name, number, protocol).
    ports: Vec<(String, i64, String)>,
}

/// Resolved ports, then ready and not-ready addresses.
type Subset = (Vec<(String, i64, String)>, Vec<Value>, Vec<Value>);

struct Selecting {
    selector: LabelSelector,
}

#[derive(Default)]
pub struct EndpointsController {
    /// Services with a selector, per namespace.
    services: HashMap<String, BTreeMap<String, Selecting>>,
    members: HashMap<ObjectKey, BTreeMap<String, Member>>,
    /// The services each pod is a member of.
    memberships: HashMap<ObjectKey, Vec<String>>,
    slices: HashMap<ObjectKey, String>,
}

fn member_of(pod: &StoredObject) -> Member {
    let value = pod.value();
    let view = PodView::of(pod);
    let ports = value
        .at("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|c| c["ports"].as_array().cloned().unwrap_or_default())
        .map(|p| {
            (
                str_at(&p, "/name").to_string(),
                p["containerPort"].as_i64().unwrap_or(0),
                match str_at(&p, "/protocol") {
                    "" => "TCP".to_string(),
                    protocol => protocol.to_string(),
                },
            )
        })
        .collect();
    Member {
        ip: view.status.pod_ip.clone(),
        node: view.spec.node_name.clone(),
        uid: pod.uid().to_string(),
        ready: view.is_ready() && !pod.is_deleting(),
        serving: view.is_ready(),
        terminating: pod.is_deleting(),
        ports,
    }
}

/// The service's ports resolved against one pod's container ports: (name, port, protocol).
fn resolve_ports(service_ports: &[Value], member: &Member) -> Vec<(String, i64, String)> {
    service_ports
        .iter()
        .filter_map(|port| {
            let protocol = match str_at(port, "/protocol") {
                "" => "TCP",
                p => p,
            };
            let number = match &port["targetPort"] {
                Value::Number(n) => n.as_i64()?,
                Value::String(name) => member.ports.iter().find(|(n, _, _)| n == name)?.1,
                _ => port["port"].as_i64()?,
            };
            Some((
                str_at(port, "/name").to_string(),
                number,
                protocol.to_string(),
            ))
        })
        .collect()
}

fn port_json((name, port, protocol): &(String, i64, String)) -> Value {
    if name.is_empty() {
        json!({ "port": port, "protocol": protocol })
    } else {
        json!({ "name": name, "port": port, "protocol": protocol })
    }
}

fn target(namespace: &str, pod: &str, member: &Member) -> Value {
    json!({ "kind": "Pod", "namespace": namespace, "name": pod, "uid": member.uid })
}

impl EndpointsController {
    fn selecting(&self, pod: &StoredObject) -> Vec<String> {
        self.services
            .get(pod.namespace())
            .map(|services| {
                services
                    .iter()
                    .filter(|(_, s)| s.selector.matches(pod.labels()))
                    .map(|(name, _)| name.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn observe_pod(&mut self, change: &Change, dirty: &mut Vec<ObjectKey>) {
        let pod = &change.object;
        let key = key_of(pod);
        let before = self.memberships.remove(&key).unwrap_or_default();
        let after = if change.kind == ChangeKind::Deleted {
            Vec::new()
        } else {
            self.selecting(pod)
        };
        for service in before.iter().filter(|s| !after.contains(s)) {
            let service_key = (key.0.clone(), service.clone());
            if let Some(members) = self.members.get_mut(&service_key) {
                members.remove(&key.1);
            }
            dirty.push(service_key);
        }
        if after.is_empty() {
            return;
        }
        let member = member_of(pod);
        for service in &after {
            let service_key = (key.0.clone(), service.clone());
            let members = self.members.entry(service_key.clone()).or_default();
            if members.get(&key.1) != Some(&member) {
                members.insert(key.1.clone(), member.clone());
                dirty.push(service_key);
            }
        }
        self.memberships.insert(key, after);
    }

    fn observe_service(&mut self, ctx: &Ctx, change: &Change, dirty: &mut Vec<ObjectKey>) {
        let service = &change.object;
        let key = key_of(service);
        let value = service.value();
        let selector = value
            .at("/spec/selector")
            .and_then(Value::as_object)
            .filter(|s| !s.is_empty());
        let namespace_services = self.services.entry(key.0.clone()).or_default();
        match (change.kind, selector) {
            (ChangeKind::Deleted, _) | (_, None) => {
                namespace_services.remove(&key.1);
                self.members.remove(&key);
                if change.kind == ChangeKind::Deleted {
                    self.slices.remove(&key);
                    let _ = ctx.store.delete(
                        &resource::ENDPOINTS,
                        &key.0,
                        &key.1,
                        &DeleteOptions::default(),
                    );
                }
                return;
            }
            (_, Some(labels)) => {
                let selector = LabelSelector::from_object(&json!({ "matchLabels": labels }));
                namespace_services.insert(
                    key.1.clone(),
                    Selecting {
                        selector: selector.clone(),
                    },
                );
                let options = ListOptions {
                    labels: selector,
                    ..ListOptions::default()
                };
                let pods = ctx
                    .store
                    .list_page(&resource::PODS, &key.0, &options)
                    .map(|p| p.items)
                    .unwrap_or_default();
                let members: BTreeMap<String, Member> = pods
                    .iter()
                    .map(|pod| (pod.name().to_string(), member_of(pod)))
                    .collect();
                for pod in &pods {
                    let memberships = self.memberships.entry(key_of(pod)).or_default();
                    if !memberships.contains(&key.1) {
                        memberships.push(key.1.clone());
                    }
                }
                self.members.insert(key.clone(), members);
            }
        }
        dirty.push(key);
    }

    fn write_endpoints(
        &self,
        ctx: &Ctx,
        service: &Value,
        key: &ObjectKey,
        members: &BTreeMap<String, Member>,
    ) -> Result<(), ApiError> {
        let service_ports = service
            .at("/spec/ports")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut subsets: Vec<Subset> = Vec::new();
        for (pod, member) in members
            .iter()
            .filter(|(_, m)| !m.ip.is_empty() && !m.terminating)
        {
            let ports = resolve_ports(&service_ports, member);
            let address = json!({ "ip": member.ip, "nodeName": member.node, "targetRef": target(&key.0, pod, member) });
            let index = match subsets.iter().position(|(p, _, _)| *p == ports) {
                Some(index) => index,
                None => {
                    subsets.push((ports, Vec::new(), Vec::new()));
                    subsets.len() - 1
                }
            };
            if member.ready {
                subsets[index].1.push(address);
            } else {
                subsets[index].2.push(address);
            }
        }
        let subsets: Vec<Value> = subsets
            .iter()
            .map(|(ports, ready, not_ready)| {
                let mut subset =
                    json!({ "ports": ports.iter().map(port_json).collect::<Vec<_>>() });
                if !ready.is_empty() {
                    subset["addresses"] = json!(ready);
                }
                if !not_ready.is_empty() {
                    subset["notReadyAddresses"] = json!(not_ready);
                }
                subset
            })
            .collect();
        let labels = service
            .at("/metadata/labels")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let apply = |endpoints: &mut Value| {
            endpoints["metadata"]["labels"] = labels.clone();
            match endpoints.as_object_mut() {
                Some(map) if subsets.is_empty() => {
                    map.remove("subsets");
                }
                Some(map) => {
                    map.insert("subsets".to_string(), json!(subsets));
                }
                None => {}
            }
        };
        match ctx
            .store
            .modify(&resource::ENDPOINTS, &key.0, &key.1, apply)
        {
            Err(ApiError::NotFound(_)) => {
                let mut endpoints = json!({ "apiVersion": "v1", "kind": "Endpoints", "metadata": { "name": key.1 } });
                apply(&mut endpoints);
                ctx.store
                    .create(&resource::ENDPOINTS, &key.0, endpoints)
                    .map(|_| ())
            }
            other => other.map(|_| ()),
        }
    }

    fn write_slice(
        &mut self,
        ctx: &Ctx,
        service: &StoredObject,
        value: &Value,
        key: &ObjectKey,
        members: &BTreeMap<String, Member>,
    ) -> Result<(), ApiError> {
        let service_ports = value
            .at("/spec/ports")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let with_ip: Vec<(&String, &Member)> =
            members.iter().filter(|(_, m)| !m.ip.is_empty()).collect();
        let ports: Vec<Value> = with_ip
            .first()
            .map(|(_, m)| {
                resolve_ports(&service_ports, m)
                    .iter()
                    .map(port_json)
                    .collect()
            })
            .unwrap_or_default();
        let endpoints: Vec<Value> = with_ip
            .iter()
            .map(|(pod, m)| {
                json!({
                    "addresses": [m.ip],
                    "conditions": { "ready": m.ready, "serving": m.serving, "terminating": m.terminating },
                    "nodeName": m.node,
                    "targetRef": target(&key.0, pod, m),
                })
            })
            .collect();
        let apply = |slice: &mut Value| {
            slice["endpoints"] = json!(endpoints);
            slice["ports"] = json!(ports);
        };
        if let Some(name) = self.slices.get(key) {
            match ctx
                .store
                .modify(&resource::ENDPOINTSLICES, &key.0, name, apply)
            {
                Err(ApiError::NotFound(_)) => {}
                other => return other.map(|_| ()),
            }
        }
        let mut slice = json!({
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "metadata": {
                "generateName": format!("{}-", key.1),
                "labels": { SERVICE_NAME: key.1, MANAGED_BY: SLICE_CONTROLLER },
                "ownerReferences": [controller_ref("Service", "v1", service)],
            },
            "addressType": "IPv4",
        });
        apply(&mut slice);
        let created = ctx.store.create(&resource::ENDPOINTSLICES, &key.0, slice)?;
        self.slices.insert(key.clone(), created.name().to_string());
        Ok(())
    }
}

impl Controller for EndpointsController {
    type Key = ObjectKey;

    fn name(&self) -> &'static str {
        "endpoints"
    }

    fn resync(&mut self, ctx: &Ctx) -> Vec<ObjectKey> {
        self.services.clear();
        self.members.clear();
        self.memberships.clear();
        self.slices = ctx
            .store
            .list(&resource::ENDPOINTSLICES, "")
            .unwrap_or_default()
            .iter()
            .filter_map(|slice| {
                let service = slice
                    .labels()
                    .iter()
                    .find(|(k, _)| k == SERVICE_NAME)?
                    .1
                    .clone();
                Some((
                    (slice.namespace().to_string(), service),
                    slice.name().to_string(),
                ))
            })
            .collect();
        let mut dirty = Vec::new();
        for service in ctx.store.list(&resource::SERVICES, "").unwrap_or_default() {
            let change = Change::new(ChangeKind::Added, resource::SERVICES, service, None);
            self.observe_service(ctx, &change, &mut dirty);
        }
        dirty
    }

    fn observe(&mut self, ctx: &Ctx, change: &Change, dirty: &mut Vec<ObjectKey>) {
        if change.resource == resource::PODS {
            self.observe_pod(change, dirty);
        } else if change.resource == resource::SERVICES {
            let selector_changed = change.previous.as_ref().is_none_or(|previous| {
                previous.value().at("/spec") != change.object.value().at("/spec")
            });
            if selector_changed || change.kind == ChangeKind::Deleted {
                self.observe_service(ctx, change, dirty);
            }
        }
    }

    fn reconcile(&mut self, ctx: &Ctx, key: &ObjectKey) -> Option<Duration> {
        let service = ctx.store.get(&resource::SERVICES, &key.0, &key.1).ok()?;
        let members = self.members.get(key).cloned()?;
        let value = service.value();
        if let Err(error) = self.write_endpoints(ctx, &value, key, &members) {
            tracing::debug!(%error, service = %key.1, "endpoints not written");
        }
        if let Err(error) = self.write_slice(ctx, &service, &value, key, &members) {
            tracing::debug!(%error, service = %key.1, "endpoint slice not written");
        }
        None
    }
}
