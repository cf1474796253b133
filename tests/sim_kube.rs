//! kube-rs against the simulator over HTTPS: CRUD, the three patch types, scale, status,
//! watch, deletion propagation and discovery (including a CRD's kind).
#![allow(clippy::unwrap_used)]

#[path = "support/sim.rs"]
mod support;

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{ConfigMap, Pod};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{
    Api, DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PostParams, WatchEvent,
    WatchParams,
};
use kube::core::{ApiResource, GroupVersionKind};
use kube::discovery::Discovery;
use serde_json::json;
use support::{TestSim, eventually};

fn api_code(error: kube::Error) -> u16 {
    match error {
        kube::Error::Api(status) => status.code,
        other => panic!("expected an API error, got {other}"),
    }
}

fn config_map(name: &str, tier: &str) -> ConfigMap {
    serde_json::from_value(json!({
        "metadata": { "name": name, "labels": { "tier": tier } },
        "data": { "greeting": "hello" }
    }))
    .unwrap()
}

fn deployment(name: &str) -> Deployment {
    serde_json::from_value(json!({
        "metadata": { "name": name },
        "spec": {
            "replicas": 2,
            "selector": { "matchLabels": { "app": name } },
            "template": { "metadata": { "labels": { "app": name } },
                          "spec": { "containers": [{ "name": "app", "image": "nginx:1.27", "env": [{ "name": "A", "value": "1" }] }] } }
        }
    }))
    .unwrap()
}

#[tokio::test]
async fn configmaps_support_crud_selectors_and_every_patch_type() {
    let sim = TestSim::start().await;
    let api: Api<ConfigMap> = Api::namespaced(sim.client().await, "default");
    let created = api
        .create(&PostParams::default(), &config_map("front", "web"))
        .await
        .unwrap();
    api.create(&PostParams::default(), &config_map("back", "db"))
        .await
        .unwrap();
    assert!(created.metadata.uid.is_some() && created.metadata.creation_timestamp.is_some());

    let web = api
        .list(&ListParams::default().labels("tier in (web,cache)"))
        .await
        .unwrap();
    assert_eq!(
        web.items
            .iter()
            .map(|c| c.metadata.name.clone().unwrap())
            .collect::<Vec<_>>(),
        ["front"]
    );
    let by_field = api
        .list(&ListParams::default().fields("metadata.name!=front"))
        .await
        .unwrap();
    assert_eq!(by_field.items.len(), 1);

    let params = PatchParams::default();
    let merged = api
        .patch(
            "front",
            &params,
            &Patch::Merge(json!({ "data": { "extra": "1" } })),
        )
        .await
        .unwrap();
    assert_eq!(merged.data.unwrap()["extra"], "1");
    let json_patch: json_patch::Patch = serde_json::from_value(
        json!([{ "op": "replace", "path": "/data/greeting", "value": "hi" }]),
    )
    .unwrap();
    let patched = api
        .patch("front", &params, &Patch::Json::<()>(json_patch))
        .await
        .unwrap();
    assert_eq!(patched.data.as_ref().unwrap()["greeting"], "hi");
    let strategic = api
        .patch(
            "front",
            &params,
            &Patch::Strategic(json!({ "metadata": { "labels": { "new": "x" } } })),
        )
        .await
        .unwrap();
    assert_eq!(strategic.metadata.labels.unwrap()["tier"], "web");

    let mut stale = created.clone();
    stale.data = Some([("greeting".to_string(), "stale".to_string())].into());
    assert_eq!(
        api_code(
            api.replace("front", &PostParams::default(), &stale)
                .await
                .unwrap_err()
        ),
        409
    );
    assert_eq!(
        api_code(
            api.create(&PostParams::default(), &config_map("front", "web"))
                .await
                .unwrap_err()
        ),
        409
    );

    api.delete("front", &DeleteParams::default()).await.unwrap();
    assert_eq!(api_code(api.get("front").await.unwrap_err()), 404);
}

#[tokio::test]
async fn pods_watch_sees_adds_changes_and_deletes() {
    let sim = TestSim::start().await;
    let api: Api<Pod> = Api::namespaced(sim.client().await, "default");
    let start = api
        .list(&ListParams::default())
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap();
    let mut events = api
        .watch(&WatchParams::default().timeout(20), &start)
        .await
        .unwrap()
        .boxed();
    let pod: Pod = serde_json::from_value(json!({
        "metadata": { "name": "web" },
        "spec": { "containers": [{ "name": "app", "image": "nginx" }] }
    }))
    .unwrap();
    api.create(&PostParams::default(), &pod).await.unwrap();
    api.patch(
        "web",
        &PatchParams::default(),
        &Patch::Merge(json!({ "metadata": { "labels": { "a": "b" } } })),
    )
    .await
    .unwrap();
    api.delete("web", &DeleteParams::default()).await.unwrap();
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let event = tokio::time::timeout(Duration::from_secs(10), events.try_next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        match event {
            WatchEvent::Added(p) => seen.push(format!("added {}", p.metadata.name.unwrap())),
            WatchEvent::Modified(p) => {
                seen.push(format!("modified {}", p.metadata.labels.unwrap()["a"]))
            }
            WatchEvent::Deleted(p) => seen.push(format!("deleted {}", p.metadata.name.unwrap())),
            WatchEvent::Bookmark(_) => {}
            WatchEvent::Error(e) => panic!("watch error {e:?}"),
        }
    }
    assert_eq!(seen, ["added web", "modified b", "deleted web"]);
}

#[tokio::test]
async fn deployments_scale_and_take_status_writes() {
    let sim = TestSim::start().await;
    let api: Api<Deployment> = Api::namespaced(sim.client().await, "default");
    api.create(&PostParams::default(), &deployment("web"))
        .await
        .unwrap();
    let scale = api.get_scale("web").await.unwrap();
    assert_eq!(scale.spec.unwrap().replicas, Some(2));
    assert_eq!(scale.status.unwrap().selector.as_deref(), Some("app=web"));
    api.patch_scale(
        "web",
        &PatchParams::default(),
        &Patch::Merge(json!({ "spec": { "replicas": 5 } })),
    )
    .await
    .unwrap();
    let scaled = api.get("web").await.unwrap();
    assert_eq!(scaled.spec.replicas, Some(5));
    assert_eq!(scaled.metadata.generation, Some(2));

    let status =
        json!({ "status": { "replicas": 5, "readyReplicas": 3, "observedGeneration": 2 } });
    api.patch_status("web", &PatchParams::default(), &Patch::Merge(status))
        .await
        .unwrap();
    let template_change = json!({ "spec": { "template": { "metadata": { "annotations": { "kubectl.kubernetes.io/restartedAt": "now" } } } } });
    let restarted = api
        .patch(
            "web",
            &PatchParams::default(),
            &Patch::Strategic(template_change),
        )
        .await
        .unwrap();
    assert_eq!(restarted.status.unwrap().ready_replicas, Some(3));
    assert_eq!(restarted.metadata.generation, Some(3));
    let containers = restarted.spec.template.spec.unwrap().containers;
    assert_eq!(containers[0].env.as_ref().unwrap()[0].name, "A");
}

#[tokio::test]
async fn deletion_propagates_through_owner_references() {
    let sim = TestSim::start().await;
    let client = sim.client().await;
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "default");
    let replicasets: Api<ReplicaSet> = Api::namespaced(client, "default");
    for (name, params) in [
        ("background", DeleteParams::background()),
        ("foreground", DeleteParams::foreground()),
        ("orphan", DeleteParams::orphan()),
    ] {
        let owner = deployments
            .create(&PostParams::default(), &deployment(name))
            .await
            .unwrap();
        let rs: ReplicaSet = serde_json::from_value(json!({
            "metadata": { "name": format!("{name}-rs"), "ownerReferences": [{
                "apiVersion": "apps/v1", "kind": "Deployment", "name": name, "uid": owner.metadata.uid.clone().unwrap()
            }] },
            "spec": {
                "selector": { "matchLabels": { "app": name } },
                "template": { "metadata": { "labels": { "app": name } },
                              "spec": { "containers": [{ "name": "app", "image": "nginx:1.27" }] } }
            }
        }))
        .unwrap();
        replicasets
            .create(&PostParams::default(), &rs)
            .await
            .unwrap();
        deployments.delete(name, &params).await.unwrap();
        eventually("the owner to go", Duration::from_secs(10), || async {
            deployments
                .get_opt(name)
                .await
                .unwrap()
                .is_none()
                .then_some(())
        })
        .await;
        let remaining = replicasets.get_opt(&format!("{name}-rs")).await.unwrap();
        match name {
            "orphan" => assert!(
                remaining
                    .unwrap()
                    .metadata
                    .owner_references
                    .unwrap_or_default()
                    .is_empty()
            ),
            _ => assert!(remaining.is_none(), "{name} deletion left the ReplicaSet"),
        }
    }
}

#[tokio::test]
async fn discovery_finds_builtin_kinds_and_a_new_crd() {
    let sim = TestSim::start().await;
    let client = sim.client().await;
    let discovery = Discovery::new(client.clone()).run().await.unwrap();
    let (deployments, caps) = discovery
        .resolve_gvk(&GroupVersionKind::gvk("apps", "v1", "Deployment"))
        .unwrap();
    assert_eq!(deployments.plural, "deployments");
    assert!(caps.supports_operation("watch"));
    assert!(
        discovery
            .resolve_gvk(&GroupVersionKind::gvk("batch", "v1", "CronJob"))
            .is_some()
    );
    assert!(
        discovery
            .resolve_gvk(&GroupVersionKind::gvk("example.com", "v1", "Widget"))
            .is_none()
    );

    let crd: CustomResourceDefinition = serde_json::from_value(json!({
        "metadata": { "name": "widgets.example.com" },
        "spec": {
            "group": "example.com", "scope": "Namespaced",
            "names": { "plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"] },
            "versions": [{ "name": "v1", "served": true, "storage": true,
                           "schema": { "openAPIV3Schema": { "type": "object", "x-kubernetes-preserve-unknown-fields": true } } }]
        }
    }))
    .unwrap();
    Api::<CustomResourceDefinition>::all(client.clone())
        .create(&PostParams::default(), &crd)
        .await
        .unwrap();
    let discovery = Discovery::new(client.clone()).run().await.unwrap();
    let (widget, _) = discovery
        .resolve_gvk(&GroupVersionKind::gvk("example.com", "v1", "Widget"))
        .unwrap();
    assert_eq!(widget.plural, "widgets");

    let widgets: Api<DynamicObject> = Api::namespaced_with(
        client,
        "default",
        &ApiResource::from_gvk(&GroupVersionKind::gvk("example.com", "v1", "Widget")),
    );
    let object: DynamicObject = serde_json::from_value(json!({
        "apiVersion": "example.com/v1", "kind": "Widget", "metadata": { "name": "w1" }, "spec": { "size": 3 }
    }))
    .unwrap();
    widgets
        .create(&PostParams::default(), &object)
        .await
        .unwrap();
    let patched = widgets
        .patch(
            "w1",
            &PatchParams::default(),
            &Patch::Merge(json!({ "spec": { "size": 4 } })),
        )
        .await
        .unwrap();
    assert_eq!(patched.data["spec"]["size"], 4);
    assert_eq!(
        api_code(
            widgets
                .patch("w1", &PatchParams::default(), &Patch::Strategic(json!({})))
                .await
                .unwrap_err()
        ),
        415
    );
}

async fn next_line<R: futures::AsyncBufRead + Unpin>(
    lines: &mut futures::io::Lines<R>,
) -> Option<String> {
    tokio::time::timeout(Duration::from_secs(10), lines.try_next())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn pod_logs_read_and_stream_through_kube_rs() {
    use futures::AsyncBufReadExt;
    use kube::api::LogParams;
    let sim = TestSim::start().await;
    let api: Api<Pod> = Api::namespaced(sim.client().await, "default");
    let pod: Pod = serde_json::from_value(json!({
        "metadata": { "name": "web" }, "spec": { "containers": [{ "name": "app", "image": "nginx" }] }
    }))
    .unwrap();
    api.create(&PostParams::default(), &pod).await.unwrap();
    let store = sim.store();
    store.append_log("default", "web", "app", "first").unwrap();
    store.append_log("default", "web", "app", "second").unwrap();
    let tail = LogParams {
        tail_lines: Some(1),
        ..LogParams::default()
    };
    assert_eq!(api.logs("web", &tail).await.unwrap(), "second\n");
    let since = LogParams {
        since_time: Some("2000-01-01T00:00:00Z".parse().unwrap()),
        ..LogParams::default()
    };
    assert_eq!(api.logs("web", &since).await.unwrap(), "first\nsecond\n");

    let follow = LogParams {
        follow: true,
        ..LogParams::default()
    };
    let mut lines = api.log_stream("web", &follow).await.unwrap().lines();
    assert_eq!(next_line(&mut lines).await.as_deref(), Some("first"));
    assert_eq!(next_line(&mut lines).await.as_deref(), Some("second"));
    store.append_log("default", "web", "app", "third").unwrap();
    assert_eq!(next_line(&mut lines).await.as_deref(), Some("third"));
    api.delete("web", &DeleteParams::default()).await.unwrap();
    assert_eq!(
        next_line(&mut lines).await,
        None,
        "the stream ends with the pod"
    );
}

#[tokio::test]
async fn server_side_apply_tracks_what_each_manager_applied() {
    let sim = TestSim::start().await;
    let api: Api<ConfigMap> = Api::namespaced(sim.client().await, "default");
    let apply = |data: serde_json::Value| {
        Patch::Apply(
            json!({ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "applied" }, "data": data }),
        )
    };
    api.patch(
        "applied",
        &PatchParams::apply("team-a"),
        &apply(json!({ "a": "1" })),
    )
    .await
    .unwrap();
    api.patch(
        "applied",
        &PatchParams::apply("team-b"),
        &apply(json!({ "b": "2" })),
    )
    .await
    .unwrap();
    let result = api
        .patch(
            "applied",
            &PatchParams::apply("team-a"),
            &apply(json!({ "c": "3" })),
        )
        .await
        .unwrap();
    let data = result.data.unwrap();
    assert_eq!(
        data.keys().map(String::as_str).collect::<Vec<_>>(),
        ["b", "c"],
        "team-a's dropped key goes, team-b's stays"
    );
    let managers: Vec<String> = result
        .metadata
        .managed_fields
        .unwrap()
        .into_iter()
        .filter_map(|m| m.manager)
        .collect();
    assert_eq!(managers, ["team-b", "team-a"]);
}
