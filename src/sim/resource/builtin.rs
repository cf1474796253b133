//! The built-in kinds: names, short names, scope, verbs and subresources as a real cluster lists them.

use super::{
    GroupResource, LOG, PORTFORWARD, Propagation, ResourceType, SCALE, STATUS, ScalePaths,
    Subresource,
};

pub const NAMESPACES: GroupResource = GroupResource::new("", "namespaces");
pub const NODES: GroupResource = GroupResource::new("", "nodes");
pub const PODS: GroupResource = GroupResource::new("", "pods");
pub const SERVICES: GroupResource = GroupResource::new("", "services");
pub const ENDPOINTS: GroupResource = GroupResource::new("", "endpoints");
pub const CONFIGMAPS: GroupResource = GroupResource::new("", "configmaps");
pub const SECRETS: GroupResource = GroupResource::new("", "secrets");
pub const SERVICEACCOUNTS: GroupResource = GroupResource::new("", "serviceaccounts");
pub const EVENTS: GroupResource = GroupResource::new("", "events");
pub const EVENTS_V1: GroupResource = GroupResource::new("events.k8s.io", "events");
pub const ENDPOINTSLICES: GroupResource = GroupResource::new("discovery.k8s.io", "endpointslices");
pub const DEPLOYMENTS: GroupResource = GroupResource::new("apps", "deployments");
pub const REPLICASETS: GroupResource = GroupResource::new("apps", "replicasets");
pub const STATEFULSETS: GroupResource = GroupResource::new("apps", "statefulsets");
pub const DAEMONSETS: GroupResource = GroupResource::new("apps", "daemonsets");
pub const CONTROLLERREVISIONS: GroupResource = GroupResource::new("apps", "controllerrevisions");
pub const JOBS: GroupResource = GroupResource::new("batch", "jobs");
pub const CRONJOBS: GroupResource = GroupResource::new("batch", "cronjobs");
pub const CRDS: GroupResource =
    GroupResource::new("apiextensions.k8s.io", "customresourcedefinitions");

const ALL_VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
const NO_COLLECTION_DELETE: &[&str] = &[
    "create", "delete", "get", "list", "patch", "update", "watch",
];

struct Spec {
    gr: GroupResource,
    singular: &'static str,
    kind: &'static str,
    namespaced: bool,
    short_names: &'static [&'static str],
    categories: &'static [&'static str],
    subresources: &'static [Subresource],
    fields: &'static [&'static str],
    scale: bool,
    generation: bool,
}

const POD_FIELDS: &[&str] = &[
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.nominatedNodeName",
];
const EVENT_FIELDS: &[&str] = &[
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
];
const EVENT_V1_FIELDS: &[&str] = &[
    "regarding.kind",
    "regarding.namespace",
    "regarding.name",
    "regarding.uid",
    "regarding.apiVersion",
    "regarding.resourceVersion",
    "regarding.fieldPath",
    "reason",
    "reportingController",
    "type",
];

fn specs() -> Vec<Spec> {
    let plain = |gr, singular, kind, namespaced, short_names| Spec {
        gr,
        singular,
        kind,
        namespaced,
        short_names,
        categories: &[],
        subresources: &[],
        fields: &[],
        scale: false,
        generation: false,
    };
    let workload = |gr, singular, kind, short_names, subresources, scale| Spec {
        gr,
        singular,
        kind,
        namespaced: true,
        short_names,
        categories: &["all"],
        subresources,
        fields: &[],
        scale,
        generation: true,
    };
    vec![
        Spec {
            subresources: &[STATUS],
            fields: &["status.phase"],
            ..plain(NAMESPACES, "namespace", "Namespace", false, &["ns"])
        },
        Spec {
            subresources: &[STATUS],
            fields: &["spec.unschedulable"],
            ..plain(NODES, "node", "Node", false, &["no"])
        },
        Spec {
            categories: &["all"],
            subresources: &[LOG, PORTFORWARD, STATUS],
            fields: POD_FIELDS,
            ..plain(PODS, "pod", "Pod", true, &["po"])
        },
        Spec {
            categories: &["all"],
            subresources: &[STATUS],
            fields: &["spec.clusterIP", "spec.type"],
            ..plain(SERVICES, "service", "Service", true, &["svc"])
        },
        plain(ENDPOINTS, "endpoints", "Endpoints", true, &["ep"]),
        plain(CONFIGMAPS, "configmap", "ConfigMap", true, &["cm"]),
        Spec {
            fields: &["type"],
            ..plain(SECRETS, "secret", "Secret", true, &[])
        },
        plain(
            SERVICEACCOUNTS,
            "serviceaccount",
            "ServiceAccount",
            true,
            &["sa"],
        ),
        Spec {
            fields: EVENT_FIELDS,
            ..plain(EVENTS, "event", "Event", true, &["ev"])
        },
        Spec {
            fields: EVENT_V1_FIELDS,
            ..plain(EVENTS_V1, "event", "Event", true, &["ev"])
        },
        plain(ENDPOINTSLICES, "endpointslice", "EndpointSlice", true, &[]),
        workload(
            DEPLOYMENTS,
            "deployment",
            "Deployment",
            &["deploy"],
            &[SCALE, STATUS],
            true,
        ),
        Spec {
            fields: &["status.replicas"],
            ..workload(
                REPLICASETS,
                "replicaset",
                "ReplicaSet",
                &["rs"],
                &[SCALE, STATUS],
                true,
            )
        },
        workload(
            STATEFULSETS,
            "statefulset",
            "StatefulSet",
            &["sts"],
            &[SCALE, STATUS],
            true,
        ),
        workload(
            DAEMONSETS,
            "daemonset",
            "DaemonSet",
            &["ds"],
            &[STATUS],
            false,
        ),
        Spec {
            generation: false,
            ..plain(
                CONTROLLERREVISIONS,
                "controllerrevision",
                "ControllerRevision",
                true,
                &[],
            )
        },
        Spec {
            fields: &["status.successful"],
            ..workload(JOBS, "job", "Job", &[], &[STATUS], false)
        },
        workload(CRONJOBS, "cronjob", "CronJob", &["cj"], &[STATUS], false),
        Spec {
            categories: &["api-extensions"],
            subresources: &[STATUS],
            generation: true,
            ..plain(
                CRDS,
                "customresourcedefinition",
                "CustomResourceDefinition",
                false,
                &["crd", "crds"],
            )
        },
    ]
}

/// Every built-in resource type, in the order discovery lists them.
pub fn builtin_types() -> Vec<ResourceType> {
    specs().into_iter().map(to_type).collect()
}

fn to_type(spec: Spec) -> ResourceType {
    let verbs = if spec.gr == NAMESPACES {
        NO_COLLECTION_DELETE
    } else {
        ALL_VERBS
    };
    let storage = if spec.gr == EVENTS_V1 {
        EVENTS
    } else {
        spec.gr.clone()
    };
    // batch/v1 keeps the historical default of orphaning a Job's pods.
    let default_propagation = if spec.gr == JOBS {
        Propagation::Orphan
    } else {
        Propagation::Background
    };
    let scale = spec.scale.then(|| ScalePaths {
        spec_replicas: "/spec/replicas".to_string(),
        status_replicas: "/status/replicas".to_string(),
        label_selector: Some("/spec/selector".to_string()),
    });
    ResourceType {
        group: spec.gr.group.to_string(),
        versions: vec!["v1".to_string()],
        plural: spec.gr.resource.to_string(),
        singular: spec.singular.to_string(),
        kind: spec.kind.to_string(),
        namespaced: spec.namespaced,
        short_names: spec.short_names.iter().map(|s| s.to_string()).collect(),
        categories: spec.categories.iter().map(|s| s.to_string()).collect(),
        verbs: verbs.to_vec(),
        subresources: spec.subresources.to_vec(),
        storage,
        selectable_fields: spec.fields.to_vec(),
        scale,
        tracks_generation: spec.generation,
        default_propagation,
        defined_by: None,
        printer_columns: Vec::new(),
    }
}
