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

/// `count` pods named p000… in "default", created one by one.
fn created_pods(store: &Store, count: usize) -> Vec<ObjectKey> {
    (0..count)
        .map(|i| {
            let name = format!("p{i:03}");
            store
                .create(&resource::PODS, "default", pod(&name, json!({})))
                .unwrap();
            ("default".to_string(), name)
        })
        .collect()
}

#[test]
fn a_batch_modify_changes_each_object_as_modify_does_with_rising_versions() {
    let batched = store();
    let single = store();
    let keys = created_pods(&batched, 600);
    created_pods(&single, 600);
    let mut feed = batched.subscribe();
    let before = batched.resource_version();
    let label = |pod: &mut Value| pod["metadata"]["labels"]["churn"] = json!("x");
    let modified = batched
        .modify_many(&resource::PODS, keys.clone(), label)
        .unwrap();
    assert_eq!(modified.len(), 600);
    for (i, (result, (namespace, name))) in modified.iter().zip(&keys).enumerate() {
        let stored = result.as_ref().unwrap();
        assert_eq!(stored.name(), name);
        assert_eq!(stored.resource_version(), before + 1 + i as u64);
        assert_eq!(
            batched.get(&resource::PODS, namespace, name).unwrap().raw(),
            stored.raw()
        );
        let one = single
            .modify(&resource::PODS, namespace, name, label)
            .unwrap();
        let (mut batch_value, mut single_value) = (stored.value(), one.value());
        for value in [&mut batch_value, &mut single_value] {
            for field in ["uid", "resourceVersion", "creationTimestamp"] {
                value["metadata"][field] = Value::Null;
            }
        }
        assert_eq!(batch_value, single_value);
    }
    for i in 0..600u64 {
        let change = feed.try_recv().unwrap();
        assert_eq!(change.kind, ChangeKind::Modified);
        assert_eq!(change.resource_version(), before + 1 + i);
        assert!(change.previous.as_ref().unwrap().resource_version() <= before);
    }
    // Changing nothing records nothing and keeps each version.
    let again = batched
        .modify_many(&resource::PODS, keys.clone(), label)
        .unwrap();
    assert_eq!(batched.resource_version(), before + 600);
    assert!(matches!(
        feed.try_recv(),
        Err(broadcast::error::TryRecvError::Empty)
    ));
    assert_eq!(
        again[0].as_ref().unwrap().raw(),
        modified[0].as_ref().unwrap().raw()
    );
}

#[test]
fn a_batch_modify_reports_missing_and_invalid_objects_and_repeats_in_order() {
    let store = store();
    let mut keys = created_pods(&store, 3);
    keys.insert(1, ("default".to_string(), "missing".to_string()));
    let before = store.resource_version();
    let modified = store
        .modify_many(&resource::PODS, keys.clone(), |pod| {
            if pod["metadata"]["name"] == "p002" {
                pod["spec"]["containers"] = json!([]);
            } else {
                pod["metadata"]["labels"]["n"] = json!("1");
            }
        })
        .unwrap();
    assert_eq!(modified[0].as_ref().unwrap().resource_version(), before + 1);
    assert!(matches!(modified[1], Err(ApiError::NotFound(_))));
    assert_eq!(modified[2].as_ref().unwrap().resource_version(), before + 2);
    assert!(matches!(modified[3], Err(ApiError::Invalid { .. })));
    assert_eq!(store.resource_version(), before + 2);
    // A key given twice sees its first change, as two single writes would.
    let twice = vec![keys[0].clone(), keys[0].clone()];
    let counted = store
        .modify_many(&resource::PODS, twice, |pod| {
            let n = pod["metadata"]["labels"]["n"]
                .as_str()
                .and_then(|n| n.parse::<u32>().ok())
                .unwrap_or(0);
            pod["metadata"]["labels"]["n"] = json!((n + 1).to_string());
        })
        .unwrap();
    assert_eq!(
        counted[1].as_ref().unwrap().value()["metadata"]["labels"]["n"],
        "3"
    );
}
