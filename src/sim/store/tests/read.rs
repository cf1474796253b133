//! Store reads: filtered pages, the change feed, retained windows and logs.
use serde_json::json;

use super::*;

#[test]
fn lists_filter_and_page() {
    let store = store();
    for i in 0..5 {
        let tier = if i % 2 == 0 { "front" } else { "back" };
        store
            .create(
                &resource::PODS,
                "default",
                pod(&format!("p{i}"), json!({ "tier": tier })),
            )
            .unwrap();
    }
    let front = ListOptions {
        labels: LabelSelector::parse("tier=front").unwrap(),
        ..ListOptions::default()
    };
    assert_eq!(
        names(&store.list_page(&resource::PODS, "", &front).unwrap().items),
        ["p0", "p2", "p4"]
    );
    let named = ListOptions {
        fields: FieldSelector::parse("metadata.name!=p0").unwrap(),
        ..ListOptions::default()
    };
    assert_eq!(
        store
            .list_page(&resource::PODS, "default", &named)
            .unwrap()
            .items
            .len(),
        4
    );
    let first = store
        .list_page(
            &resource::PODS,
            "default",
            &ListOptions {
                limit: Some(2),
                ..ListOptions::default()
            },
        )
        .unwrap();
    assert_eq!(
        (names(&first.items), first.remaining),
        (vec!["p0".to_string(), "p1".to_string()], Some(3))
    );
    let second = ListOptions {
        limit: Some(2),
        after: first.next.clone(),
        ..ListOptions::default()
    };
    assert_eq!(
        names(
            &store
                .list_page(&resource::PODS, "default", &second)
                .unwrap()
                .items
        ),
        ["p2", "p3"]
    );
    let unsupported = ListOptions {
        fields: FieldSelector::parse("spec.bogus=1").unwrap(),
        ..ListOptions::default()
    };
    assert_eq!(
        store
            .list_page(&resource::PODS, "", &unsupported)
            .unwrap_err()
            .to_string(),
        "field label not supported: spec.bogus"
    );
}

#[test]
fn the_change_feed_and_window_see_every_write() {
    let store = store();
    let mut feed = store.subscribe();
    let start = store.resource_version();
    store
        .create(
            &resource::CONFIGMAPS,
            "default",
            json!({ "metadata": { "name": "c" } }),
        )
        .unwrap();
    store
        .modify(&resource::CONFIGMAPS, "default", "c", |c| {
            c["data"] = json!({ "k": "v" })
        })
        .unwrap();
    store
        .delete(
            &resource::CONFIGMAPS,
            "default",
            "c",
            &DeleteOptions::default(),
        )
        .unwrap();
    let kinds: Vec<ChangeKind> = (0..3).map(|_| feed.try_recv().unwrap().kind).collect();
    assert_eq!(
        kinds,
        [ChangeKind::Added, ChangeKind::Modified, ChangeKind::Deleted]
    );
    let replay = store.changes_since(&resource::CONFIGMAPS, start).unwrap();
    assert_eq!(replay.len(), 3);
    assert_eq!(replay[2].object.value()["data"]["k"], "v");
    assert_eq!(replay[2].resource_version(), store.resource_version());
    store.compact_history();
    assert_eq!(
        store
            .changes_since(&resource::CONFIGMAPS, start)
            .unwrap_err()
            .code()
            .as_u16(),
        410
    );
    assert!(
        store
            .changes_since(&resource::CONFIGMAPS, store.resource_version())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_small_window_expires_old_resource_versions() {
    let store = Store::new(StoreOptions {
        window: 2,
        ..StoreOptions::default()
    });
    bootstrap(&store).unwrap();
    let start = store.resource_version();
    for name in ["a", "b", "c"] {
        store
            .create(
                &resource::CONFIGMAPS,
                "default",
                json!({ "metadata": { "name": name } }),
            )
            .unwrap();
    }
    assert_eq!(
        store
            .changes_since(&resource::CONFIGMAPS, start)
            .unwrap_err()
            .reason(),
        "Expired"
    );
    assert_eq!(
        store
            .changes_since(&resource::CONFIGMAPS, start + 1)
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn logs_belong_to_existing_pods() {
    let store = store();
    assert!(store.append_log("default", "ghost", "app", "x").is_err());
    store
        .create(&resource::PODS, "default", pod("p", json!({})))
        .unwrap();
    store.append_log("default", "p", "app", "hello").unwrap();
    let mut follow = store.follow_log("default", "p", "app").unwrap();
    assert_eq!(follow.past[0].text, "hello");
    store
        .delete(&resource::PODS, "default", "p", &DeleteOptions::default())
        .unwrap();
    assert!(follow.live.recv().await.is_err());
}
