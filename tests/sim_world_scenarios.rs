//! Each scenario reaches the state it advertises: healthy workloads, crash loops with rising
//! restarts and logs, image pull back-off, OOM kills, unschedulable pods and the demo incident.
#![allow(clippy::unwrap_used)]

#[path = "support/sim_world.rs"]
mod support;

use kubevibe::sim::resource;
use kubevibe::sim::store::Store;
use serde_json::{Value, json};
use support::*;

fn waiting_reason(pod: &Value) -> &str {
    pod["status"]["containerStatuses"][0]["state"]["waiting"]["reason"]
        .as_str()
        .unwrap_or("")
}

fn restarts(pod: &Value) -> i64 {
    int(pod, "/status/containerStatuses/0/restartCount")
}

fn first_pod(store: &Store, app: &str) -> Option<Value> {
    store
        .list(&resource::PODS, "")
        .unwrap()
        .iter()
        .map(|p| p.value())
        .find(|p| p["metadata"]["labels"]["app.kubernetes.io/name"] == app)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthy_runs_every_workload() {
    let (store, _world) = world("healthy");
    wait_for("every deployment available", LONG, || {
        let deployments = store.list(&resource::DEPLOYMENTS, "").unwrap();
        let done = !deployments.is_empty()
            && deployments.iter().all(|d| {
                let d = d.value();
                int(&d, "/status/availableReplicas") == int(&d, "/spec/replicas")
                    && int(&d, "/status/updatedReplicas") == int(&d, "/spec/replicas")
            });
        done.then_some(())
    })
    .await;
    let redis = wait_for("redis statefulset ready", LONG, || {
        get(&store, &resource::STATEFULSETS, "shop", "redis")
            .filter(|s| int(s, "/status/readyReplicas") == 1)
    })
    .await;
    assert_eq!(
        redis["status"]["currentRevision"],
        redis["status"]["updateRevision"]
    );
    let nodes = store.list(&resource::NODES, "").unwrap().len() as i64;
    wait_for("kube-proxy on every node", LONG, || {
        get(&store, &resource::DAEMONSETS, "kube-system", "kube-proxy").filter(|d| {
            int(d, "/status/numberReady") == nodes
                && int(d, "/status/desiredNumberScheduled") == nodes
        })
    })
    .await;
    let endpoints = wait_for("web endpoints", LONG, || {
        get(&store, &resource::ENDPOINTS, "shop", "web").filter(|e| {
            e["subsets"][0]["addresses"]
                .as_array()
                .is_some_and(|a| a.len() == 3)
        })
    })
    .await;
    assert_eq!(endpoints["subsets"][0]["ports"][0]["port"], 80);
    let pods = store.list(&resource::PODS, "").unwrap();
    assert!(
        pods.iter().all(|p| is_ready(&p.value())),
        "every pod is ready"
    );
    let web = pods_of(&store, "shop", "app.kubernetes.io/name", "web");
    let logs = store.log_lines(
        "shop",
        web[0]["metadata"]["name"].as_str().unwrap(),
        "web",
        false,
    );
    assert!(
        logs.iter().any(|l| l.text.contains("nginx")),
        "nginx start-up lines in the log"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crashloop_restarts_with_growing_back_off_and_logs_the_error() {
    let (store, _world) = world("crashloop");
    let pod = wait_for("two restarts and CrashLoopBackOff", LONG, || {
        first_pod(&store, "payments-api")
            .filter(|p| restarts(p) >= 2 && waiting_reason(p) == "CrashLoopBackOff")
    })
    .await;
    let name = pod["metadata"]["name"].as_str().unwrap().to_string();
    let last = &pod["status"]["containerStatuses"][0]["lastState"]["terminated"];
    assert_eq!(last["exitCode"], 1);
    assert_eq!(last["reason"], "Error");
    assert_eq!(pod["status"]["phase"], "Running");
    assert!(
        pod["status"]["containerStatuses"][0]["state"]["waiting"]["message"]
            .as_str()
            .unwrap()
            .starts_with("back-off 20s restarting failed container=payments-api")
    );
    let previous = store.log_lines("default", &name, "payments-api", true);
    assert!(
        previous.iter().any(|l| l.text.contains("Traceback")),
        "the previous log shows the error"
    );
    let back_off = events_for(&store, "default", &name)
        .into_iter()
        .find(|e| e["reason"] == "BackOff")
        .unwrap();
    assert_eq!(back_off["type"], "Warning");
    wait_for("a fourth restart", LONG, || {
        first_pod(&store, "payments-api").filter(|p| restarts(p) >= 4)
    })
    .await;
    let aggregated = events_for(&store, "default", &name)
        .into_iter()
        .find(|e| e["reason"] == "BackOff")
        .unwrap();
    assert!(
        int(&aggregated, "/count") >= 2,
        "repeated BackOff events are counted: {aggregated}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_good_image_fixes_a_crashloop() {
    let (store, _world) = world("crashloop");
    wait_for("crashing", LONG, || {
        first_pod(&store, "payments-api").filter(|p| restarts(p) >= 1)
    })
    .await;
    store
        .modify(&resource::DEPLOYMENTS, "default", "payments-api", |d| {
            d["spec"]["template"]["spec"]["containers"][0]["image"] =
                json!("ghcr.io/kubevibe-demo/payments-api:3.2.1");
        })
        .unwrap();
    wait_for("fixed rollout", LONG, || {
        let d = get(&store, &resource::DEPLOYMENTS, "default", "payments-api")?;
        let pods = pods_of(&store, "default", "app.kubernetes.io/name", "payments-api");
        (int(&d, "/status/availableReplicas") == 2
            && int(&d, "/status/updatedReplicas") == 2
            && int(&d, "/status/replicas") == 2
            && pods.len() == 2
            && pods.iter().all(|p| is_ready(p) && restarts(p) == 0))
        .then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imagepull_backs_off_pulling_a_bad_tag() {
    let (store, _world) = world("imagepull");
    let pod = wait_for("ImagePullBackOff", LONG, || {
        first_pod(&store, "frontend").filter(|p| waiting_reason(p) == "ImagePullBackOff")
    })
    .await;
    assert_eq!(pod["status"]["phase"], "Pending");
    let name = pod["metadata"]["name"].as_str().unwrap();
    let events = events_for(&store, "default", name);
    assert!(
        events.iter().any(
            |e| e["reason"] == "Failed" && e["message"].as_str().unwrap().contains("not found")
        )
    );
    assert!(events.iter().any(|e| {
        e["reason"] == "BackOff"
            && e["message"]
                .as_str()
                .unwrap()
                .starts_with("Back-off pulling image")
    }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oom_kills_with_exit_code_137() {
    let (store, _world) = world("oom");
    let pod = wait_for("OOMKilled", LONG, || {
        first_pod(&store, "session-cache").filter(|p| {
            p["status"]["containerStatuses"][0]["lastState"]["terminated"]["reason"] == "OOMKilled"
        })
    })
    .await;
    assert_eq!(
        pod["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"],
        137
    );
    let node = pod["spec"]["nodeName"].as_str().unwrap();
    let oom = wait_for("OOMKilling", LONG, || {
        events_for(&store, "default", node)
            .into_iter()
            .find(|e| e["reason"] == "OOMKilling")
    })
    .await;
    assert_eq!(oom["involvedObject"]["kind"], "Node");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_pods_stay_unschedulable_with_a_reason() {
    let (store, _world) = world("pending");
    let pod = wait_for("Unschedulable", LONG, || {
        first_pod(&store, "model-trainer").filter(|p| {
            p["status"]["conditions"].as_array().is_some_and(|c| {
                c.iter()
                    .any(|c| c["type"] == "PodScheduled" && c["reason"] == "Unschedulable")
            })
        })
    })
    .await;
    assert_eq!(pod["status"]["phase"], "Pending");
    assert!(pod["spec"]["nodeName"].is_null());
    let name = pod["metadata"]["name"].as_str().unwrap();
    // The event is its own write, made after the pod's condition: wait for it too.
    let failed = wait_for("FailedScheduling", LONG, || {
        events_for(&store, "default", name)
            .into_iter()
            .find(|e| e["reason"] == "FailedScheduling")
    })
    .await;
    let message = failed["message"].as_str().unwrap();
    assert!(message.starts_with("0/4 nodes are available:"), "{message}");
    assert!(message.contains("Insufficient cpu"), "{message}");
    assert!(message.contains("untolerated taint"), "{message}");
    assert_eq!(failed["source"]["component"], "default-scheduler");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollout_stuck_exceeds_its_deadline_after_the_bad_release() {
    let (store, _world) = world("rollout-stuck");
    let condition = wait_for("ProgressDeadlineExceeded", LONG, || {
        let d = get(&store, &resource::DEPLOYMENTS, "default", "web")?;
        d["status"]["conditions"]
            .as_array()?
            .iter()
            .find(|c| c["reason"] == "ProgressDeadlineExceeded")
            .cloned()
    })
    .await;
    assert_eq!(condition["type"], "Progressing");
    let d = get(&store, &resource::DEPLOYMENTS, "default", "web").unwrap();
    assert_eq!(
        d["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "2"
    );
    assert!(int(&d, "/status/updatedReplicas") >= 1);
    assert_eq!(
        int(&d, "/status/availableReplicas"),
        3,
        "the old release keeps serving"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_crashloops_checkout_on_a_missing_variable_until_it_is_set() {
    let (store, _world) = world("demo");
    let pod = wait_for("checkout crashlooping", LONG, || {
        first_pod(&store, "checkout").filter(|p| restarts(p) >= 1)
    })
    .await;
    let name = pod["metadata"]["name"].as_str().unwrap();
    let previous = store.log_lines("shop", name, "checkout", true);
    assert!(previous.iter().any(|l| {
        l.text
            .contains("required environment variable DATABASE_URL is not set")
    }));
    store
        .modify(&resource::DEPLOYMENTS, "shop", "checkout", |d| {
            let env = d["spec"]["template"]["spec"]["containers"][0]["env"].as_array_mut().unwrap();
            env.push(json!({ "name": "DATABASE_URL", "valueFrom": { "secretKeyRef": { "name": "checkout-db", "key": "database-url" } } }));
        })
        .unwrap();
    wait_for("checkout healthy", LONG, || {
        let d = get(&store, &resource::DEPLOYMENTS, "shop", "checkout")?;
        (int(&d, "/status/availableReplicas") == 2
            && int(&d, "/status/updatedReplicas") == 2
            && int(&d, "/status/replicas") == 2)
            .then_some(())
    })
    .await;
}
