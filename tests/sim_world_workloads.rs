//! Workload controllers against the store: services' endpoints follow readiness, StatefulSet
//! ordering, DaemonSets on every node, Jobs to completion, CronJobs on schedule, events.
#![allow(clippy::unwrap_used)]

#[path = "support/sim_world.rs"]
mod support;

use kubevibe::sim::resource;
use serde_json::json;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoints_follow_ready_pods() {
    let (store, _world) = world("empty");
    store
        .create(&resource::SERVICES, "default", json!({ "metadata": { "name": "web" },
            "spec": { "selector": { "app": "web" }, "ports": [{ "name": "http", "port": 80, "targetPort": "http" }] } }))
        .unwrap();
    store
        .create(&resource::DEPLOYMENTS, "default", json!({ "metadata": { "name": "web" }, "spec": { "replicas": 2,
            "selector": { "matchLabels": { "app": "web" } },
            "template": { "metadata": { "labels": { "app": "web" } }, "spec": { "containers": [{ "name": "web", "image": "nginx:1.27",
                "ports": [{ "name": "http", "containerPort": 8080 }] }] } } } }))
        .unwrap();
    let endpoints = wait_for("two ready addresses", LONG, || {
        get(&store, &resource::ENDPOINTS, "default", "web").filter(|e| {
            e["subsets"][0]["addresses"]
                .as_array()
                .is_some_and(|a| a.len() == 2)
        })
    })
    .await;
    assert_eq!(
        endpoints["subsets"][0]["ports"][0],
        json!({ "name": "http", "port": 8080, "protocol": "TCP" })
    );
    let slice = wait_for("a slice with two endpoints", LONG, || {
        store
            .list(&resource::ENDPOINTSLICES, "default")
            .unwrap()
            .iter()
            .map(|s| s.value())
            .find(|s| {
                s["metadata"]["labels"]["kubernetes.io/service-name"] == "web"
                    && s["endpoints"].as_array().is_some_and(|e| e.len() == 2)
            })
    })
    .await;
    assert_eq!(slice["endpoints"][0]["conditions"]["ready"], true);
    store
        .modify(&resource::DEPLOYMENTS, "default", "web", |d| {
            d["spec"]["replicas"] = json!(1)
        })
        .unwrap();
    wait_for("one address", LONG, || {
        get(&store, &resource::ENDPOINTS, "default", "web").filter(|e| {
            e["subsets"][0]["addresses"]
                .as_array()
                .is_some_and(|a| a.len() == 1)
        })
    })
    .await;
}

fn template(name: &str, image: &str) -> serde_json::Value {
    json!({ "metadata": { "labels": { "app": name } }, "spec": { "containers": [{ "name": name, "image": image }] } })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statefulset_pods_start_in_order_one_at_a_time() {
    let (store, _world) = world("empty");
    let mut feed = store.subscribe();
    store
        .create(&resource::STATEFULSETS, "default", json!({ "metadata": { "name": "db" }, "spec": { "replicas": 3, "serviceName": "db",
            "selector": { "matchLabels": { "app": "db" } }, "template": template("db", "postgres:16.6") } }))
        .unwrap();
    let mut created = Vec::new();
    let mut violations = Vec::new();
    let set = wait_for("three ready replicas", LONG, || {
        while let Ok(change) = feed.try_recv() {
            if change.resource == resource::PODS
                && change.kind == kubevibe::sim::store::ChangeKind::Added
            {
                let name = change.object.name().to_string();
                let ordinal: usize = name.trim_start_matches("db-").parse().unwrap();
                for earlier in 0..ordinal {
                    let ready = get(&store, &resource::PODS, "default", &format!("db-{earlier}"))
                        .is_some_and(|p| is_ready(&p));
                    if !ready {
                        violations.push(format!(
                            "db-{ordinal} created before db-{earlier} was ready"
                        ));
                    }
                }
                created.push(name);
            }
        }
        get(&store, &resource::STATEFULSETS, "default", "db")
            .filter(|s| int(s, "/status/readyReplicas") == 3)
    })
    .await;
    assert_eq!(created, ["db-0", "db-1", "db-2"]);
    assert!(violations.is_empty(), "{violations:?}");
    let pod = get(&store, &resource::PODS, "default", "db-1").unwrap();
    assert_eq!(pod["spec"]["hostname"], "db-1");
    assert_eq!(pod["spec"]["subdomain"], "db");
    assert_eq!(
        set["status"]["currentRevision"],
        set["status"]["updateRevision"]
    );
    store
        .modify(&resource::STATEFULSETS, "default", "db", |s| {
            s["spec"]["replicas"] = json!(1)
        })
        .unwrap();
    wait_for("scaled down from the top", LONG, || {
        let left = store.list(&resource::PODS, "default").unwrap();
        (left.len() == 1 && left[0].name() == "db-0").then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_daemonset_runs_one_pod_per_schedulable_node() {
    let (store, _world) = world("empty");
    store
        .create(&resource::DAEMONSETS, "default", json!({ "metadata": { "name": "agent" }, "spec": {
            "selector": { "matchLabels": { "app": "agent" } }, "template": template("agent", "fluent/fluent-bit:3.2") } }))
        .unwrap();
    let workers = store.list(&resource::NODES, "").unwrap().len() as i64 - 1;
    let set = wait_for("a ready pod per worker", LONG, || {
        get(&store, &resource::DAEMONSETS, "default", "agent")
            .filter(|d| int(d, "/status/numberReady") == workers)
    })
    .await;
    assert_eq!(
        int(&set, "/status/desiredNumberScheduled"),
        workers,
        "the control plane's taint is not tolerated"
    );
    let nodes: std::collections::BTreeSet<String> = pods_of(&store, "default", "app", "agent")
        .iter()
        .map(|p| p["spec"]["nodeName"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(nodes.len() as i64, workers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_runs_its_completions_and_completes() {
    let (store, _world) = world("empty");
    let mut pod_template = template("work", "busybox:1.36");
    pod_template["spec"]["restartPolicy"] = json!("Never");
    pod_template["metadata"]["annotations"] = json!({ "sim.kubevibe.dev/run-seconds": "3" });
    store
        .create(
            &resource::JOBS,
            "default",
            json!({ "metadata": { "name": "batch" },
            "spec": { "completions": 4, "parallelism": 2, "template": pod_template } }),
        )
        .unwrap();
    let mut most_active = 0;
    let job = wait_for("job complete", LONG, || {
        let job = get(&store, &resource::JOBS, "default", "batch")?;
        most_active = most_active.max(int(&job, "/status/active"));
        job["status"]["conditions"]
            .as_array()?
            .iter()
            .any(|c| c["type"] == "Complete" && c["status"] == "True")
            .then_some(job)
    })
    .await;
    assert_eq!(int(&job, "/status/succeeded"), 4);
    assert!(most_active <= 2, "parallelism exceeded: {most_active}");
    assert!(job["status"]["completionTime"].is_string());
    let pods = pods_of(&store, "default", "job-name", "batch");
    assert_eq!(pods.len(), 4);
    assert!(pods.iter().all(|p| p["status"]["phase"] == "Succeeded"));
    assert!(
        events_for(&store, "default", "batch")
            .iter()
            .any(|e| e["reason"] == "Completed")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cronjob_creates_jobs_on_its_schedule() {
    let store = store_at(600.0);
    let world = kubevibe::sim::world::World::start(&store, &"empty".parse().unwrap()).unwrap();
    let mut pod_template = template("tick", "busybox:1.36");
    pod_template["spec"]["restartPolicy"] = json!("OnFailure");
    store
        .create(&resource::CRONJOBS, "default", json!({ "metadata": { "name": "tick" },
            "spec": { "schedule": "* * * * *", "jobTemplate": { "spec": { "template": pod_template } } } }))
        .unwrap();
    wait_for("two jobs, one succeeded", LONG, || {
        let jobs = store.list(&resource::JOBS, "default").unwrap();
        let cronjob = get(&store, &resource::CRONJOBS, "default", "tick")?;
        (jobs.len() >= 2 && cronjob["status"]["lastSuccessfulTime"].is_string()).then_some(())
    })
    .await;
    let cronjob = get(&store, &resource::CRONJOBS, "default", "tick").unwrap();
    assert!(cronjob["status"]["lastScheduleTime"].is_string());
    for job in store.list(&resource::JOBS, "default").unwrap() {
        assert!(job.name().starts_with("tick-"));
        assert_eq!(job.owners()[0].kind, "CronJob");
    }
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleted_pods_stop_and_go_and_logs_can_be_followed() {
    let (store, _world) = world("empty");
    store
        .create(
            &resource::PODS,
            "default",
            json!({ "metadata": { "name": "solo", "labels": { "app": "solo" } },
        "spec": { "containers": [{ "name": "web", "image": "nginx:1.27" }] } }),
        )
        .unwrap();
    wait_for("running", LONG, || {
        get(&store, &resource::PODS, "default", "solo").filter(is_ready)
    })
    .await;
    let mut follow = store.follow_log("default", "solo", "web").unwrap();
    assert!(!follow.past.is_empty(), "start-up lines are there");
    let line = tokio::time::timeout(LONG, follow.live.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(
        line.text.contains("HTTP/1.1"),
        "a request line: {}",
        line.text
    );
    store
        .delete(&resource::PODS, "default", "solo", &Default::default())
        .unwrap();
    wait_for("pod gone", LONG, || {
        get(&store, &resource::PODS, "default", "solo")
            .is_none()
            .then_some(())
    })
    .await;
    let events = events_for(&store, "default", "solo");
    let reasons: Vec<&str> = events
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    for reason in [
        "Scheduled",
        "Pulling",
        "Pulled",
        "Created",
        "Started",
        "Killing",
    ] {
        assert!(reasons.contains(&reason), "missing {reason} in {reasons:?}");
    }
    let started = events.iter().find(|e| e["reason"] == "Started").unwrap();
    assert_eq!(started["source"]["component"], "kubelet");
    assert_eq!(
        started["involvedObject"]["fieldPath"],
        "spec.containers{web}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_world_stops_when_shut_down_or_dropped() {
    let (_store, healthy) = world("healthy");
    tokio::time::timeout(LONG, healthy.shutdown())
        .await
        .expect("every controller task ended");
    let (_store, empty) = world("empty");
    let token = empty.cancellation();
    assert!(!token.is_cancelled());
    drop(empty);
    assert!(token.is_cancelled());
}
