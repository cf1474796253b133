//! The real kubectl driving Deployment rollouts on the simulator with its controllers running:
//! create, status, image updates, history, undo, restart, scale, pause and resume, and logs.
#![allow(clippy::unwrap_used)]

#[path = "support/sim.rs"]
mod support;

use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::Duration;

use kubevibe::sim::SimOptions;
use support::{Kubectl, TestSim, eventually, line_matching};
use tokio::io::{AsyncBufReadExt, BufReader};

/// Fast enough that a rolling update of a few pods takes well under a second of wall time.
const SPEED: f64 = 100.0;
const WAIT: Duration = Duration::from_secs(30);

async fn empty_cluster() -> Option<(TestSim, Kubectl)> {
    let sim = TestSim::start_with(SimOptions {
        scenario: "empty".to_string(),
        speed: SPEED,
        ..SimOptions::default()
    })
    .await;
    let kubectl = sim.kubectl()?;
    Some((sim, kubectl))
}

/// `web` with three replicas of nginx:1.27, rolled out.
async fn rolled_out_web(kubectl: &Kubectl) {
    let created = kubectl
        .ok(&[
            "create",
            "deployment",
            "web",
            "--image=nginx:1.27",
            "--replicas=3",
        ])
        .await;
    assert_eq!(created.trim(), "deployment.apps/web created");
    assert_rolled_out(kubectl).await;
}

async fn assert_rolled_out(kubectl: &Kubectl) {
    let status = kubectl
        .ok(&["rollout", "status", "deploy/web", "--timeout=60s"])
        .await;
    assert!(
        status.contains("deployment \"web\" successfully rolled out"),
        "{status}"
    );
}

async fn jsonpath(kubectl: &Kubectl, target: &str, path: &str) -> String {
    let template = format!("jsonpath={path}");
    kubectl.ok(&["get", target, "-o", &template]).await
}

async fn web_pods(kubectl: &Kubectl) -> BTreeSet<String> {
    let names = kubectl
        .ok(&["get", "pods", "-l", "app=web", "-o", "name"])
        .await;
    names.lines().map(str::to_string).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn image_updates_keep_revisions_and_undo_restores_the_old_image() {
    let Some((_sim, kubectl)) = empty_cluster().await else {
        return;
    };
    rolled_out_web(&kubectl).await;
    let ready = jsonpath(&kubectl, "deploy/web", "{.status.readyReplicas}").await;
    assert_eq!(ready, "3");

    let updated = kubectl
        .ok(&["set", "image", "deploy/web", "nginx=nginx:1.28"])
        .await;
    assert_eq!(updated.trim(), "deployment.apps/web image updated");
    assert_rolled_out(&kubectl).await;

    let sets = kubectl.ok(&["get", "rs", "-o", "wide"]).await;
    let rows: Vec<&str> = sets.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{sets}");
    let old = rows.iter().find(|row| row.contains("nginx:1.27")).unwrap();
    let new = rows.iter().find(|row| row.contains("nginx:1.28")).unwrap();
    let columns = |row: &str| {
        row.split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert!(columns(old)[0].starts_with("web-"), "{sets}");
    assert_eq!(&columns(old)[1..4], ["0", "0", "0"], "{sets}");
    assert_eq!(&columns(new)[1..4], ["3", "3", "3"], "{sets}");

    let history = kubectl.ok(&["rollout", "history", "deploy/web"]).await;
    let revisions: Vec<&str> = history
        .lines()
        .skip_while(|line| !line.starts_with("REVISION"))
        .skip(1)
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert_eq!(revisions, ["1", "2"], "{history}");

    let undone = kubectl.ok(&["rollout", "undo", "deploy/web"]).await;
    assert_eq!(undone.trim(), "deployment.apps/web rolled back");
    assert_rolled_out(&kubectl).await;
    let image = jsonpath(
        &kubectl,
        "deploy/web",
        "{.spec.template.spec.containers[0].image}",
    )
    .await;
    assert_eq!(image, "nginx:1.27");
    let pod_images = eventually("the pods to run nginx:1.27 only", WAIT, || async {
        let images = kubectl
            .ok(&[
                "get",
                "pods",
                "-l",
                "app=web",
                "-o",
                "jsonpath={range .items[*]}{.spec.containers[0].image}{\"\\n\"}{end}",
            ])
            .await;
        let images: Vec<String> = images.lines().map(str::to_string).collect();
        (images.len() == 3 && images.iter().all(|image| image == "nginx:1.27")).then_some(images)
    })
    .await;
    assert_eq!(pod_images.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_replaces_pods_scale_reaches_five_and_pause_holds_a_rollout() {
    let Some((_sim, kubectl)) = empty_cluster().await else {
        return;
    };
    rolled_out_web(&kubectl).await;
    let before = web_pods(&kubectl).await;
    assert_eq!(before.len(), 3, "{before:?}");

    let restarted = kubectl.ok(&["rollout", "restart", "deploy/web"]).await;
    assert_eq!(restarted.trim(), "deployment.apps/web restarted");
    assert_rolled_out(&kubectl).await;
    let after = eventually("the old pods to be gone", WAIT, || async {
        let pods = web_pods(&kubectl).await;
        (pods.len() == 3).then_some(pods)
    })
    .await;
    assert!(before.is_disjoint(&after), "{before:?} vs {after:?}");

    let scaled = kubectl.ok(&["scale", "deploy/web", "--replicas=5"]).await;
    assert_eq!(scaled.trim(), "deployment.apps/web scaled");
    assert_rolled_out(&kubectl).await;
    let ready = jsonpath(&kubectl, "deploy/web", "{.status.readyReplicas}").await;
    assert_eq!(ready, "5");
    let listed = kubectl.ok(&["get", "deploy", "web"]).await;
    let row: Vec<&str> = listed.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(&row[..4], ["web", "5/5", "5", "5"], "{listed}");

    let paused = kubectl.ok(&["rollout", "pause", "deploy/web"]).await;
    assert_eq!(paused.trim(), "deployment.apps/web paused");
    kubectl
        .ok(&["set", "image", "deploy/web", "nginx=nginx:1.29"])
        .await;
    eventually("the paused deployment to be observed", WAIT, || async {
        let generations = jsonpath(
            &kubectl,
            "deploy/web",
            "{.metadata.generation} {.status.observedGeneration}",
        )
        .await;
        let (generation, observed) = generations.split_once(' ')?;
        (generation == observed).then_some(())
    })
    .await;
    let sets = kubectl.ok(&["get", "rs", "-o", "wide"]).await;
    assert!(
        !sets.contains("nginx:1.29"),
        "a paused rollout went ahead:\n{sets}"
    );
    let status = kubectl
        .fails(&["rollout", "status", "deploy/web", "--timeout=2s"])
        .await;
    assert!(status.contains("timed out"), "{status}");

    let resumed = kubectl.ok(&["rollout", "resume", "deploy/web"]).await;
    assert_eq!(resumed.trim(), "deployment.apps/web resumed");
    assert_rolled_out(&kubectl).await;
    let sets = kubectl.ok(&["get", "rs", "-o", "wide"]).await;
    let current = sets.lines().find(|row| row.contains("nginx:1.29")).unwrap();
    let columns: Vec<&str> = current.split_whitespace().collect();
    assert_eq!(&columns[1..4], ["5", "5", "5"], "{sets}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_of_a_deployment_print_and_follow() {
    let Some((_sim, kubectl)) = empty_cluster().await else {
        return;
    };
    rolled_out_web(&kubectl).await;
    let logs = kubectl.ok(&["logs", "deploy/web"]).await;
    assert!(
        logs.contains("Configuration complete; ready for start up"),
        "{logs}"
    );

    let mut child = kubectl
        .command(&["logs", "-f", "deploy/web"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    line_matching(&mut lines, WAIT, |line| {
        line.contains("start worker processes")
    })
    .await;
    let request = line_matching(&mut lines, WAIT, |line| line.contains("\"GET ")).await;
    assert!(request.contains("HTTP/1.1"), "{request}");
    child.kill().await.unwrap();
}
