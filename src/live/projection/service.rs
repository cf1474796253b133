//! Services: TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE, as kubectl prints them.

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::core::ApiResource;
use serde::Deserialize;

use crate::live::projection::meta::{self, identity};
use crate::live::projection::{KnownKind, Projection, erase, projection_resource};
use crate::live::row::{Cell, Column, Row, Tone, column};

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ServiceRow {
    #[serde(default, deserialize_with = "meta::compact")]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: ServiceSpecLite,
    #[serde(default)]
    pub status: ServiceStatusLite,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceSpecLite {
    #[serde(rename = "type")]
    pub type_: Option<String>,
    #[serde(rename = "clusterIP")]
    pub cluster_ip: Option<String>,
    #[serde(rename = "externalIPs")]
    pub external_ips: Vec<String>,
    pub external_name: Option<String>,
    pub ports: Vec<ServicePortLite>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServicePortLite {
    pub port: i32,
    pub node_port: Option<i32>,
    pub protocol: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceStatusLite {
    pub load_balancer: LoadBalancerLite,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoadBalancerLite {
    pub ingress: Vec<IngressLite>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct IngressLite {
    pub ip: Option<String>,
    pub hostname: Option<String>,
}

projection_resource!(ServiceRow);

const COLUMNS: &[Column] = &[
    column("TYPE", 12),
    column("CLUSTER-IP", 15),
    column("EXTERNAL-IP", 15),
    column("PORT(S)", 18),
    column("AGE", 7),
];

fn or_none(value: String) -> String {
    if value.is_empty() {
        "<none>".to_string()
    } else {
        value
    }
}

fn external_ip(spec: &ServiceSpecLite, status: &ServiceStatusLite) -> String {
    let listed = || spec.external_ips.join(",");
    match spec.type_.as_deref().unwrap_or("ClusterIP") {
        "ExternalName" => spec.external_name.clone().unwrap_or_default(),
        "LoadBalancer" => {
            let mut ips: Vec<String> = status
                .load_balancer
                .ingress
                .iter()
                .filter_map(|i| i.ip.clone().or_else(|| i.hostname.clone()))
                .collect();
            ips.extend(spec.external_ips.iter().cloned());
            if ips.is_empty() {
                "<pending>".to_string()
            } else {
                ips.join(",")
            }
        }
        _ => or_none(listed()),
    }
}

fn ports(spec: &ServiceSpecLite) -> String {
    let ports: Vec<String> = spec
        .ports
        .iter()
        .map(|p| {
            let protocol = p.protocol.as_deref().unwrap_or("TCP");
            match p.node_port {
                Some(node) if node != 0 => format!("{}:{node}/{protocol}", p.port),
                _ => format!("{}/{protocol}", p.port),
            }
        })
        .collect();
    or_none(ports.join(","))
}

impl Projection for ServiceRow {
    fn columns() -> &'static [Column] {
        COLUMNS
    }

    fn into_row(self) -> Row {
        let kind = self
            .spec
            .type_
            .clone()
            .unwrap_or_else(|| "ClusterIP".to_string());
        let external = external_ip(&self.spec, &self.status);
        let ports = ports(&self.spec);
        let cluster_ip = or_none(self.spec.cluster_ip.unwrap_or_default());
        let tone = if external == "<pending>" {
            Tone::Warn
        } else {
            Tone::Normal
        };
        let id = identity(self.metadata);
        let cells = Box::new([
            Cell::text(kind),
            Cell::text(cluster_ip),
            Cell::text(external),
            Cell::text(ports),
            Cell::Age(id.created),
        ]);
        id.into_row(cells, tone)
    }
}

impl KnownKind for ServiceRow {
    fn api_resource() -> ApiResource {
        erase::<Service>()
    }
}
