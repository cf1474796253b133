//! Store batch creates: each object gets what a single create gives it, in order.
use serde_json::json;

use super::*;

#[test]
fn a_batch_creates_in_order_with_rising_resource_versions_and_added_changes() {
    let store = store();
    let mut feed = store.subscribe();
    let before = store.resource_version();
    let objects: Vec<(String, Value)> = (0..600)
        .map(|i| {
            (
                "default".to_string(),
                pod(&format!("p{i:03}"), json!({ "i": i.to_string() })),
            )
        })
        .collect();
    let created = store
        .create_many(&resource::PODS, objects, &WriteOptions::default())
        .unwrap();
    assert_eq!(created.len(), 600);
    for (i, result) in created.iter().enumerate() {
        let stored = result.as_ref().unwrap();
        assert_eq!(stored.name(), format!("p{i:03}"));
        assert_eq!(stored.resource_version(), before + 1 + i as u64);
        let value = stored.value();
        assert_eq!(value["status"]["phase"], "Pending");
        assert_eq!(value["spec"]["restartPolicy"], "Always");
        assert_eq!(value["metadata"]["uid"].as_str().map(str::len), Some(36));
        assert_eq!(
            store
                .get(&resource::PODS, "default", stored.name())
                .unwrap()
                .raw(),
            stored.raw()
        );
    }
    assert_eq!(store.resource_version(), before + 600);
    for i in 0..600u64 {
        let change = feed.try_recv().unwrap();
        assert_eq!(change.kind, ChangeKind::Added);
        assert_eq!(change.resource_version(), before + 1 + i);
    }
    let resumed = store.changes_since(&resource::PODS, before).unwrap();
    assert_eq!(resumed.len(), 600);
}

#[test]
fn a_batch_reports_each_failure_and_creates_the_rest() {
    let store = store();
    store
        .create(&resource::PODS, "default", pod("exists", json!({})))
        .unwrap();
    let mut invalid = pod("bad", json!({}));
    invalid["spec"]["containers"] = json!([]);
    let objects = vec![
        ("default".to_string(), pod("exists", json!({}))),
        ("default".to_string(), pod("twice", json!({}))),
        ("default".to_string(), pod("twice", json!({}))),
        ("default".to_string(), invalid),
        ("missing-namespace".to_string(), pod("lost", json!({}))),
        (
            "default".to_string(),
            json!({ "metadata": { "generateName": "gen-" }, "spec": { "containers": [{ "name": "a", "image": "x" }] } }),
        ),
        ("default".to_string(), pod("last", json!({}))),
    ];
    let before = store.resource_version();
    let created = store
        .create_many(&resource::PODS, objects, &WriteOptions::default())
        .unwrap();
    let errors: Vec<String> = created
        .iter()
        .map(|r| match r {
            Ok(stored) => format!("ok {}", stored.name()),
            Err(error) => error.to_string(),
        })
        .collect();
    assert_eq!(errors[0], "pods \"exists\" already exists");
    assert_eq!(errors[1], "ok twice");
    assert_eq!(errors[2], "pods \"twice\" already exists");
    assert!(
        matches!(created[3], Err(ApiError::Invalid { .. })),
        "{}",
        errors[3]
    );
    assert!(
        matches!(created[4], Err(ApiError::NotFound(_))),
        "{}",
        errors[4]
    );
    let generated = created[5].as_ref().unwrap();
    assert!(generated.name().starts_with("gen-") && generated.name().len() == 9);
    assert_eq!(errors[6], "ok last");
    let last = created[6].as_ref().unwrap();
    assert!(last.resource_version() > generated.resource_version());
    assert_eq!(store.resource_version(), last.resource_version());
    assert_eq!(
        store.changes_since(&resource::PODS, before).unwrap().len(),
        3
    );
}

#[test]
fn a_batch_of_an_unknown_resource_or_allocating_kind_behaves_like_single_creates() {
    let store = store();
    let unknown = GroupResource::new("example.com", "widgets");
    assert!(matches!(
        store.create_many(&unknown, Vec::new(), &WriteOptions::default()),
        Err(ApiError::NoSuchResource)
    ));
    let service =
        |name: &str| json!({ "metadata": { "name": name }, "spec": { "ports": [{ "port": 80 }] } });
    let created = store
        .create_many(
            &resource::SERVICES,
            vec![
                ("default".to_string(), service("a")),
                ("default".to_string(), service("b")),
            ],
            &WriteOptions::default(),
        )
        .unwrap();
    let ips: Vec<String> = created
        .iter()
        .map(|s| {
            s.as_ref().unwrap().value()["spec"]["clusterIP"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_ne!(ips[0], ips[1]);
}
