//! Store writes: server-set metadata, validation, concurrency, status and patches.
use serde_json::json;

use super::*;

#[test]
fn create_sets_server_metadata_and_bumps_the_resource_version() {
    let store = store();
    let before = store.resource_version();
    let created = store
        .create(&resource::PODS, "default", pod("web", json!({})))
        .unwrap();
    let value = created.value();
    assert_eq!(created.resource_version(), before + 1);
    assert_eq!(
        value["metadata"]["resourceVersion"],
        (before + 1).to_string()
    );
    assert_eq!(value["metadata"]["namespace"], "default");
    assert_eq!(value["metadata"]["uid"].as_str().map(str::len), Some(36));
    assert!(
        value["metadata"]["creationTimestamp"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    assert_eq!(value["status"]["phase"], "Pending");
    let error = store
        .create(&resource::PODS, "default", pod("web", json!({})))
        .unwrap_err();
    assert_eq!(error.to_string(), "pods \"web\" already exists");
}

#[test]
fn generate_name_namespace_rules_and_validation() {
    let store = store();
    let generated = store
        .create(
            &resource::CONFIGMAPS,
            "default",
            json!({ "metadata": { "generateName": "cfg-" } }),
        )
        .unwrap();
    assert!(generated.name().starts_with("cfg-") && generated.name().len() == 9);
    let missing = store.create(
        &resource::CONFIGMAPS,
        "nowhere",
        json!({ "metadata": { "name": "x" } }),
    );
    assert_eq!(
        missing.unwrap_err().to_string(),
        "namespaces \"nowhere\" not found"
    );
    let invalid = store.create(
        &resource::PODS,
        "default",
        json!({ "metadata": { "name": "Bad" }, "spec": {} }),
    );
    let ApiError::Invalid { causes, .. } = invalid.unwrap_err() else {
        panic!("expected Invalid")
    };
    assert_eq!(
        causes.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(),
        ["metadata.name", "spec.containers"]
    );
}

#[test]
fn updates_check_the_resource_version_and_skip_no_ops() {
    let store = store();
    let created = store
        .create(&resource::DEPLOYMENTS, "default", deployment("web"))
        .unwrap();
    let mut stale = created.value();
    store
        .modify(&resource::DEPLOYMENTS, "default", "web", |d| {
            d["spec"]["replicas"] = json!(3)
        })
        .unwrap();
    stale["spec"]["replicas"] = json!(5);
    let conflict = store
        .update(&resource::DEPLOYMENTS, "default", "web", stale)
        .unwrap_err();
    assert_eq!(conflict.code().as_u16(), 409);
    let current = store.get(&resource::DEPLOYMENTS, "default", "web").unwrap();
    assert_eq!(current.value()["metadata"]["generation"], 2);
    let same = store
        .update(&resource::DEPLOYMENTS, "default", "web", current.value())
        .unwrap();
    assert_eq!(same.resource_version(), current.resource_version());
}

#[test]
fn status_and_main_writes_do_not_touch_each_other() {
    let store = store();
    store
        .create(&resource::DEPLOYMENTS, "default", deployment("web"))
        .unwrap();
    store
        .modify(&resource::DEPLOYMENTS, "default", "web", |d| {
            d["status"] = json!({ "replicas": 9 });
            d["spec"]["replicas"] = json!(2);
        })
        .unwrap();
    let after_main = store
        .get(&resource::DEPLOYMENTS, "default", "web")
        .unwrap()
        .value();
    assert_eq!(after_main["status"], json!({}));
    assert_eq!(after_main["spec"]["replicas"], 2);
    store
        .modify_status(&resource::DEPLOYMENTS, "default", "web", |d| {
            d["status"] = json!({ "replicas": 2 });
            d["spec"]["replicas"] = json!(7);
        })
        .unwrap();
    let after_status = store
        .get(&resource::DEPLOYMENTS, "default", "web")
        .unwrap()
        .value();
    assert_eq!(after_status["status"]["replicas"], 2);
    assert_eq!(after_status["spec"]["replicas"], 2);
    assert_eq!(after_status["metadata"]["generation"], 2);
}

#[test]
fn patches_apply_through_the_store() {
    let store = store();
    store
        .create(&resource::DEPLOYMENTS, "default", deployment("web"))
        .unwrap();
    let strategic = Patch::strategic(json!({ "spec": { "template": { "spec": {
        "containers": [{ "name": "app", "image": "nginx:1.28" }] } } } }));
    let patched = store
        .patch(
            &resource::DEPLOYMENTS,
            "default",
            "web",
            &strategic,
            Target::Main,
            &WriteOptions::default(),
        )
        .unwrap()
        .value();
    assert_eq!(
        patched["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.28"
    );
    assert_eq!(patched["metadata"]["generation"], 2);
    let stale =
        Patch::merge(json!({ "metadata": { "resourceVersion": "1" }, "spec": { "replicas": 4 } }));
    let conflict = store.patch(
        &resource::DEPLOYMENTS,
        "default",
        "web",
        &stale,
        Target::Main,
        &WriteOptions::default(),
    );
    assert_eq!(conflict.unwrap_err().code().as_u16(), 409);
    let dry = WriteOptions {
        dry_run: true,
        ..WriteOptions::default()
    };
    let json_patch =
        Patch::json(json!([{ "op": "replace", "path": "/spec/replicas", "value": 6 }]));
    let preview = store
        .patch(
            &resource::DEPLOYMENTS,
            "default",
            "web",
            &json_patch,
            Target::Main,
            &dry,
        )
        .unwrap();
    assert_eq!(preview.value()["spec"]["replicas"], 6);
    assert_eq!(
        store
            .get(&resource::DEPLOYMENTS, "default", "web")
            .unwrap()
            .value()["spec"]["replicas"],
        1
    );
}
