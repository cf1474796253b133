//! The real kubectl on the simulator's scenarios: each incident shows up the way it does on a
//! real cluster (pod status, previous logs, events, a stuck rollout), and fixing the spec with
//! kubectl fixes it.
#![allow(clippy::unwrap_used)]

#[path = "support/sim.rs"]
mod support;

use std::process::Stdio;
use std::time::Duration;

use kubevibe::sim::SimOptions;
use support::{Kubectl, TestSim, eventually, line_matching};
use tokio::io::{AsyncBufReadExt, BufReader};

const SPEED: f64 = 100.0;
const WAIT: Duration = Duration::from_secs(30);

async fn scenario(name: &str) -> Option<(TestSim, Kubectl)> {
    let sim = TestSim::start_with(SimOptions {
        scenario: name.to_string(),
        speed: SPEED,
        ..SimOptions::default()
    })
    .await;
    let kubectl = sim.kubectl()?;
    Some((sim, kubectl))
}

/// The `kubectl get pods` rows (without the header) of the app's pods in `namespace`.
async fn pod_rows(kubectl: &Kubectl, namespace: &str, app: &str) -> Vec<Vec<String>> {
    let selector = format!("app.kubernetes.io/name={app}");
    let listed = kubectl
        .ok(&["get", "pods", "-n", namespace, "-l", &selector])
        .await;
    listed
        .lines()
        .skip(1)
        .map(|row| row.split_whitespace().map(str::to_string).collect())
        .collect()
}

/// Waits until every pod of the app shows `status` in `kubectl get pods`; returns the rows.
async fn all_pods_show(
    kubectl: &Kubectl,
    namespace: &str,
    app: &str,
    count: usize,
    status: &str,
) -> Vec<Vec<String>> {
    let what = format!("{count} {app} pods in {status}");
    eventually(&what, WAIT, || async {
        let rows = pod_rows(kubectl, namespace, app).await;
        let all = rows.len() == count && rows.iter().all(|row| row[2] == status);
        all.then_some(rows)
    })
    .await
}

/// `kubectl logs -f` on a crash-looping container ends with the instance it attached to: it
/// returns (instead of following forever) and holds that one instance's start-up line once and
/// its crash, never the next instance's lines.
async fn follow_one_instance(kubectl: &Kubectl, pod: &str) -> String {
    let followed = tokio::time::timeout(WAIT, kubectl.ok(&["logs", "-f", pod]))
        .await
        .expect("following a crashed container ends");
    let starts = followed.matches("starting worker pool").count();
    assert_eq!(
        starts, 1,
        "kubectl logs -f {pod} should show exactly one container instance:\n{followed}"
    );
    followed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crashloop_shows_backoff_restarts_and_the_previous_logs() {
    let Some((_sim, kubectl)) = scenario("crashloop").await else {
        return;
    };
    let rows = all_pods_show(&kubectl, "default", "payments-api", 2, "CrashLoopBackOff").await;
    let pod = rows[0][0].clone();
    let restarts: u32 = rows[0][3].parse().unwrap();
    assert!(restarts >= 1, "{rows:?}");

    let previous = kubectl.ok(&["logs", &pod, "--previous"]).await;
    assert!(
        previous.contains("psycopg.OperationalError: connection failed"),
        "{previous}"
    );
    let followed = follow_one_instance(&kubectl, &pod).await;
    assert!(
        followed.contains("psycopg.OperationalError: connection failed"),
        "{followed}"
    );

    // Between two instances the container waits in back-off; it is briefly running too.
    let described = eventually("describe to show the back-off", WAIT, || async {
        let described = kubectl.ok(&["describe", "pod", &pod]).await;
        let waiting = described.contains("State:          Waiting")
            && described.contains("Reason:       CrashLoopBackOff");
        waiting.then_some(described)
    })
    .await;
    assert!(described.contains("Exit Code:    1"), "{described}");
    assert!(
        described.contains("Back-off restarting failed container"),
        "{described}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imagepull_shows_image_pull_backoff_with_the_pull_error() {
    let Some((_sim, kubectl)) = scenario("imagepull").await else {
        return;
    };
    let rows = all_pods_show(&kubectl, "default", "frontend", 2, "ImagePullBackOff").await;
    assert_eq!(rows[0][1], "0/1", "{rows:?}");
    let described = kubectl.ok(&["describe", "pod", &rows[0][0]]).await;
    assert!(described.contains("Failed to pull image"), "{described}");
    assert!(
        described.contains("ghcr.io/kubevibe-demo/frontend:2.31.0-notfound"),
        "{described}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oom_shows_oom_killed_with_exit_code_137() {
    let Some((_sim, kubectl)) = scenario("oom").await else {
        return;
    };
    let mut watch = kubectl
        .command(&[
            "get",
            "pods",
            "-l",
            "app.kubernetes.io/name=session-cache",
            "-w",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(watch.stdout.take().unwrap()).lines();
    let killed = line_matching(&mut lines, WAIT, |line| line.contains("OOMKilled")).await;
    assert!(killed.starts_with("session-cache-"), "{killed}");
    watch.kill().await.unwrap();

    let pod = killed.split_whitespace().next().unwrap().to_string();
    let described = kubectl.ok(&["describe", "pod", &pod]).await;
    assert!(described.contains("Reason:       OOMKilled"), "{described}");
    assert!(described.contains("Exit Code:    137"), "{described}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_stays_pending_with_a_failed_scheduling_event() {
    let Some((_sim, kubectl)) = scenario("pending").await else {
        return;
    };
    let rows = all_pods_show(&kubectl, "default", "model-trainer", 1, "Pending").await;
    let pod = rows[0][0].clone();
    let described = eventually("a FailedScheduling event", WAIT, || async {
        let described = kubectl.ok(&["describe", "pod", &pod]).await;
        described.contains("FailedScheduling").then_some(described)
    })
    .await;
    assert!(described.contains("Insufficient cpu"), "{described}");
    assert!(described.contains("0/4 nodes are available"), "{described}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_rollout_fails_rollout_status_with_the_deadline() {
    let Some((_sim, kubectl)) = scenario("rollout-stuck").await else {
        return;
    };
    eventually("the unready release to start rolling out", WAIT, || async {
        let image = kubectl
            .ok(&[
                "get",
                "deploy/web",
                "-o",
                "jsonpath={.spec.template.spec.containers[0].image}",
            ])
            .await;
        image.ends_with("-unready").then_some(())
    })
    .await;
    let failed = kubectl
        .fails(&["rollout", "status", "deploy/web", "--timeout=20s"])
        .await;
    assert!(
        failed.contains("deployment \"web\" exceeded its progress deadline"),
        "{failed}"
    );
    let history = kubectl.ok(&["rollout", "history", "deploy/web"]).await;
    assert!(history.contains("release 1.7.0"), "{history}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setting_the_missing_variable_fixes_the_demo_checkout() {
    let Some((_sim, kubectl)) = scenario("demo").await else {
        return;
    };
    let rows = all_pods_show(&kubectl, "shop", "checkout", 2, "CrashLoopBackOff").await;
    let previous = kubectl
        .ok(&["logs", "-n", "shop", &rows[0][0], "--previous"])
        .await;
    assert!(
        previous.contains("required environment variable DATABASE_URL is not set"),
        "{previous}"
    );

    let set = kubectl
        .ok(&[
            "set",
            "env",
            "-n",
            "shop",
            "deploy/checkout",
            "DATABASE_URL=postgres://checkout@postgres.shop.svc:5432/checkout",
        ])
        .await;
    assert_eq!(set.trim(), "deployment.apps/checkout env updated");
    let status = kubectl
        .ok(&[
            "rollout",
            "status",
            "-n",
            "shop",
            "deploy/checkout",
            "--timeout=60s",
        ])
        .await;
    assert!(
        status.contains("deployment \"checkout\" successfully rolled out"),
        "{status}"
    );
    let rows = all_pods_show(&kubectl, "shop", "checkout", 2, "Running").await;
    assert!(rows.iter().all(|row| row[1] == "1/1"), "{rows:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_healthy_shop_is_served_and_stops_with_the_server() {
    let Some((sim, kubectl)) = scenario("healthy").await else {
        return;
    };
    let deployments = kubectl.ok(&["get", "deploy", "-n", "shop"]).await;
    for name in ["web", "checkout", "cart"] {
        assert!(
            deployments
                .lines()
                .any(|row| row.starts_with(&format!("{name} "))),
            "{deployments}"
        );
    }
    all_pods_show(&kubectl, "shop", "web", 3, "Running").await;
    let nodes = kubectl.ok(&["get", "nodes"]).await;
    assert_eq!(
        nodes
            .lines()
            .skip(1)
            .filter(|row| row.contains(" Ready "))
            .count(),
        4,
        "{nodes}"
    );
    tokio::time::timeout(WAIT, sim.handle.shutdown())
        .await
        .expect("the server and its controllers stop");
}
