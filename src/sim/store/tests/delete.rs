//! Store deletion: grace periods, finalizers, propagation, namespaces and CRDs.
use serde_json::json;

use super::*;

#[test]
fn background_deletion_cascades_through_owners() {
    let store = store();
    let deploy = store
        .create(&resource::DEPLOYMENTS, "default", deployment("web"))
        .unwrap();
    let rs = store
        .create(
            &resource::REPLICASETS,
            "default",
            replicaset_of("web-1", &deploy),
        )
        .unwrap();
    store
        .create(
            &resource::PODS,
            "default",
            owned("web-1-a", &rs, "ReplicaSet"),
        )
        .unwrap();
    store
        .delete(
            &resource::DEPLOYMENTS,
            "default",
            "web",
            &DeleteOptions::default(),
        )
        .unwrap();
    assert!(
        store
            .list(&resource::REPLICASETS, "default")
            .unwrap()
            .is_empty()
    );
    assert!(store.list(&resource::PODS, "default").unwrap().is_empty());
}

#[test]
fn orphan_deletion_keeps_dependents_without_the_owner_reference() {
    let store = store();
    let deploy = store
        .create(&resource::DEPLOYMENTS, "default", deployment("web"))
        .unwrap();
    store
        .create(
            &resource::REPLICASETS,
            "default",
            replicaset_of("web-1", &deploy),
        )
        .unwrap();
    let orphan = DeleteOptions {
        propagation: Some(Propagation::Orphan),
        ..DeleteOptions::default()
    };
    store
        .delete(&resource::DEPLOYMENTS, "default", "web", &orphan)
        .unwrap();
    let rs = store
        .get(&resource::REPLICASETS, "default", "web-1")
        .unwrap();
    assert!(rs.owners().is_empty());
}

#[test]
fn foreground_deletion_waits_for_dependents() {
    let store = store();
    let deploy = store
        .create(&resource::DEPLOYMENTS, "default", deployment("web"))
        .unwrap();
    let mut rs = replicaset_of("web-1", &deploy);
    rs["metadata"]["finalizers"] = json!(["example.com/hold"]);
    store.create(&resource::REPLICASETS, "default", rs).unwrap();
    let foreground = DeleteOptions {
        propagation: Some(Propagation::Foreground),
        ..DeleteOptions::default()
    };
    let outcome = store
        .delete(&resource::DEPLOYMENTS, "default", "web", &foreground)
        .unwrap();
    assert!(matches!(outcome, DeleteOutcome::Pending(_)));
    assert_eq!(outcome.object().finalizers(), ["foregroundDeletion"]);
    assert!(
        store
            .get(&resource::REPLICASETS, "default", "web-1")
            .unwrap()
            .is_deleting()
    );
    store
        .modify(&resource::REPLICASETS, "default", "web-1", |rs| {
            rs["metadata"]["finalizers"] = json!([])
        })
        .unwrap();
    assert!(
        store
            .get(&resource::REPLICASETS, "default", "web-1")
            .is_err()
    );
    assert!(store.get(&resource::DEPLOYMENTS, "default", "web").is_err());
}

#[test]
fn jobs_orphan_their_pods_by_default() {
    let store = store();
    let job = store
        .create(
            &resource::JOBS,
            "default",
            json!({ "metadata": { "name": "once" }, "spec": { "template": { "spec": {
                "restartPolicy": "Never", "containers": [{ "name": "c", "image": "busybox" }] } } } }),
        )
        .unwrap();
    let mut job_pod = owned("once-a", &job, "Job");
    job_pod["metadata"]["ownerReferences"][0]["apiVersion"] = json!("batch/v1");
    store.create(&resource::PODS, "default", job_pod).unwrap();
    store
        .delete(
            &resource::JOBS,
            "default",
            "once",
            &DeleteOptions::default(),
        )
        .unwrap();
    assert!(
        store
            .get(&resource::PODS, "default", "once-a")
            .unwrap()
            .owners()
            .is_empty()
    );
}

#[tokio::test]
async fn scheduled_pods_terminate_after_their_scaled_grace_period() {
    let store = Store::new(StoreOptions {
        clock: Clock::new(100.0),
        ..StoreOptions::default()
    });
    bootstrap(&store).unwrap();
    let mut scheduled = pod("web", json!({}));
    scheduled["spec"]["nodeName"] = json!("node-1");
    scheduled["spec"]["terminationGracePeriodSeconds"] = json!(5);
    store.create(&resource::PODS, "default", scheduled).unwrap();
    let mut feed = store.subscribe();
    let outcome = store
        .delete(&resource::PODS, "default", "web", &DeleteOptions::default())
        .unwrap();
    let DeleteOutcome::Pending(terminating) = outcome else {
        panic!("expected a grace period")
    };
    assert_eq!(
        terminating.value()["metadata"]["deletionGracePeriodSeconds"],
        5
    );
    let deleted = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let change = feed.recv().await.unwrap();
            if change.kind == ChangeKind::Deleted {
                return change;
            }
        }
    })
    .await
    .expect("the pod goes once 5 s / 100 have passed");
    assert_eq!(deleted.object.name(), "web");
}

#[test]
fn unscheduled_pods_go_at_once_and_forced_deletes_skip_the_grace_period() {
    let store = store();
    store
        .create(&resource::PODS, "default", pod("pending", json!({})))
        .unwrap();
    let outcome = store
        .delete(
            &resource::PODS,
            "default",
            "pending",
            &DeleteOptions::default(),
        )
        .unwrap();
    assert!(matches!(outcome, DeleteOutcome::Deleted(_)));
    let mut scheduled = pod("running", json!({}));
    scheduled["spec"]["nodeName"] = json!("node-1");
    store.create(&resource::PODS, "default", scheduled).unwrap();
    store
        .delete(
            &resource::PODS,
            "default",
            "running",
            &DeleteOptions::default(),
        )
        .unwrap();
    let force = DeleteOptions {
        grace_period_seconds: Some(0),
        ..DeleteOptions::default()
    };
    let outcome = store
        .delete(&resource::PODS, "default", "running", &force)
        .unwrap();
    assert!(matches!(outcome, DeleteOutcome::Deleted(_)));
}

#[test]
fn deleting_a_namespace_removes_its_objects_then_itself() {
    let store = store();
    store
        .create(
            &resource::NAMESPACES,
            "",
            json!({ "metadata": { "name": "team" } }),
        )
        .unwrap();
    store
        .create(
            &resource::CONFIGMAPS,
            "team",
            json!({ "metadata": { "name": "c" } }),
        )
        .unwrap();
    store
        .create(&resource::PODS, "team", pod("p", json!({})))
        .unwrap();
    store
        .create(
            &resource::CONFIGMAPS,
            "default",
            json!({ "metadata": { "name": "keep" } }),
        )
        .unwrap();
    store
        .delete(&resource::NAMESPACES, "", "team", &DeleteOptions::default())
        .unwrap();
    assert!(store.get(&resource::NAMESPACES, "", "team").is_err());
    assert!(store.list(&resource::PODS, "team").unwrap().is_empty());
    assert_eq!(
        names(&store.list(&resource::CONFIGMAPS, "").unwrap()),
        ["keep"]
    );
}

#[test]
fn a_terminating_namespace_refuses_new_content() {
    let store = store();
    store
        .create(
            &resource::NAMESPACES,
            "",
            json!({ "metadata": { "name": "team" } }),
        )
        .unwrap();
    let mut held = pod("p", json!({}));
    held["metadata"]["finalizers"] = json!(["example.com/hold"]);
    store.create(&resource::PODS, "team", held).unwrap();
    store
        .delete(&resource::NAMESPACES, "", "team", &DeleteOptions::default())
        .unwrap();
    let ns = store
        .get(&resource::NAMESPACES, "", "team")
        .unwrap()
        .value();
    assert_eq!(ns["status"]["phase"], "Terminating");
    let refused = store
        .create(
            &resource::CONFIGMAPS,
            "team",
            json!({ "metadata": { "name": "c" } }),
        )
        .unwrap_err();
    assert_eq!(refused.code().as_u16(), 403);
    store
        .modify(&resource::PODS, "team", "p", |p| {
            p["metadata"]["finalizers"] = json!([])
        })
        .unwrap();
    assert!(store.get(&resource::NAMESPACES, "", "team").is_err());
}

#[test]
fn a_crd_serves_its_kind_until_deleted() {
    let store = store();
    let crd = json!({
        "metadata": { "name": "widgets.example.com" },
        "spec": { "group": "example.com", "scope": "Namespaced",
                  "names": { "plural": "widgets", "kind": "Widget" },
                  "versions": [{ "name": "v1", "served": true, "storage": true }] }
    });
    store.create(&resource::CRDS, "", crd).unwrap();
    let widgets = store
        .find_resource("example.com", "v1", "widgets")
        .expect("served after create");
    let widget = json!({ "apiVersion": "example.com/v1", "kind": "Widget", "metadata": { "name": "w" }, "spec": { "size": 1 } });
    store
        .create(&widgets.group_resource(), "default", widget)
        .unwrap();
    assert_eq!(
        store
            .get(&resource::CRDS, "", "widgets.example.com")
            .unwrap()
            .value()["status"]["conditions"][1]["type"],
        "Established"
    );
    store
        .delete(
            &resource::CRDS,
            "",
            "widgets.example.com",
            &DeleteOptions::default(),
        )
        .unwrap();
    assert!(
        store
            .find_resource("example.com", "v1", "widgets")
            .is_none()
    );
}
