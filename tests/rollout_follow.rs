//! The rollout follower against the simulator, over HTTPS with the real kube-rs client: stuck
//! rollouts get their reason (deadline exceeded, crash loop, image pull), and a healthy
//! deployment whose image is patched goes from in progress to complete, its ladder moving from
//! the old ReplicaSet to the new one and its history gaining a revision.
#![allow(clippy::unwrap_used)]

#[path = "support/sim.rs"]
mod support;

use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use kube::Api;
use kube::api::{Patch, PatchParams, PostParams};
use kubevibe::live::rollout::{
    RolloutKey, RolloutSnapshot, StuckReason, Verdict, WorkloadKind, follow, history, verdict,
};
use kubevibe::sim::SimOptions;
use serde_json::json;
use support::TestSim;
use tokio::sync::mpsc;

const WAIT: Duration = Duration::from_secs(60);

async fn sim(scenario: &str, speed: f64) -> TestSim {
    TestSim::start_with(SimOptions {
        scenario: scenario.to_string(),
        speed,
        ..SimOptions::default()
    })
    .await
}

/// A follower of `name` in `default`, its snapshots on the returned receiver.
async fn follow_deployment(sim: &TestSim, name: &str) -> mpsc::Receiver<RolloutSnapshot> {
    let (tx, rx) = mpsc::channel(8);
    let key = RolloutKey::new(WorkloadKind::Deployment, "default", name);
    tokio::spawn(follow(sim.client().await, key, tx));
    rx
}

/// Snapshots until one satisfies `done` (every one seen is passed to `seen`), or a panic
/// naming `what` and the last verdict after [`WAIT`].
async fn until(
    rx: &mut mpsc::Receiver<RolloutSnapshot>,
    what: &str,
    mut seen: impl FnMut(&RolloutSnapshot),
    done: impl Fn(&RolloutSnapshot) -> bool,
) -> RolloutSnapshot {
    let mut last = None;
    let wait = async {
        while let Some(snapshot) = rx.recv().await {
            seen(&snapshot);
            if done(&snapshot) {
                return Some(snapshot);
            }
            last = Some(verdict(&snapshot));
        }
        None
    };
    match tokio::time::timeout(WAIT, wait).await {
        Ok(Some(snapshot)) => snapshot,
        Ok(None) => panic!("the follower stopped before {what}"),
        Err(_) => panic!("timed out waiting for {what}; last verdict: {last:?}"),
    }
}

fn stuck_with(reason: StuckReason) -> impl Fn(&RolloutSnapshot) -> bool {
    move |s| matches!(verdict(s), Verdict::Stuck { reason: r, .. } if r == reason)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollout_stuck_is_stuck_on_its_progress_deadline() {
    let sim = sim("rollout-stuck", 100.0).await;
    let mut rx = follow_deployment(&sim, "web").await;
    let stuck = until(
        &mut rx,
        "ProgressDeadlineExceeded",
        |_| {},
        stuck_with(StuckReason::ProgressDeadlineExceeded),
    )
    .await;
    let revisions = history(&stuck);
    let causes: Vec<Option<&str>> = revisions
        .iter()
        .map(|r| r.change_cause.as_deref())
        .collect();
    assert_eq!(
        causes,
        [Some("initial release 1.6.0"), Some("release 1.7.0")],
        "{revisions:?}"
    );
    assert!(revisions[1].current, "{revisions:?}");
    assert_eq!(
        revisions[1].images,
        ["ghcr.io/kubevibe-demo/web:1.7.0-unready"]
    );
    assert!(
        stuck
            .events
            .iter()
            .any(|e| e.object.starts_with("Deployment/web")
                || e.object.starts_with("ReplicaSet/web-")),
        "the deployment's or its ReplicaSets' events are kept: {:?}",
        stuck.events
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_looping_deployment_is_stuck_on_crash_loop_back_off() {
    let sim = sim("crashloop", 100.0).await;
    let mut rx = follow_deployment(&sim, "payments-api").await;
    let stuck = until(
        &mut rx,
        "CrashLoopBackOff",
        |_| {},
        stuck_with(StuckReason::CrashLoopBackOff),
    )
    .await;
    assert!(
        stuck
            .new_pods()
            .iter()
            .any(|p| p.state == "CrashLoopBackOff"),
        "{:?}",
        stuck.pods
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unpullable_image_is_stuck_on_image_pull_back_off() {
    let sim = sim("imagepull", 100.0).await;
    let mut rx = follow_deployment(&sim, "frontend").await;
    let stuck = until(
        &mut rx,
        "ImagePullBackOff",
        |_| {},
        stuck_with(StuckReason::ImagePullBackOff),
    )
    .await;
    let Verdict::Stuck { detail, .. } = verdict(&stuck) else {
        unreachable!()
    };
    assert!(detail.contains("frontend-"), "{detail}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patched_image_rolls_from_the_old_replica_set_to_the_new_one() {
    let sim = sim("empty", 20.0).await;
    let client = sim.client().await;
    let deployments: Api<Deployment> = Api::namespaced(client, "default");
    let web: Deployment = serde_json::from_value(json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": { "name": "web", "annotations": { "kubernetes.io/change-cause": "first" } },
        "spec": {
            "replicas": 3,
            "selector": { "matchLabels": { "app": "web" } },
            "template": {
                "metadata": { "labels": { "app": "web" } },
                "spec": { "containers": [{ "name": "nginx", "image": "nginx:1.27" }] },
            },
        },
    }))
    .unwrap();
    deployments
        .create(&PostParams::default(), &web)
        .await
        .unwrap();
    let mut rx = follow_deployment(&sim, "web").await;
    let first = until(
        &mut rx,
        "the first release",
        |_| {},
        |s| verdict(s) == Verdict::Complete,
    )
    .await;
    assert_eq!(history(&first).len(), 1, "{:?}", history(&first));

    let patch = json!({
        "metadata": { "annotations": { "kubernetes.io/change-cause": "nginx 1.28" } },
        "spec": { "template": { "spec": {
            "containers": [{ "name": "nginx", "image": "nginx:1.28" }],
        } } },
    });
    deployments
        .patch("web", &PatchParams::default(), &Patch::Strategic(patch))
        .await
        .unwrap();
    let mut in_progress = false;
    let mut both_sides = false;
    let done = until(
        &mut rx,
        "the second release to complete",
        |s| {
            let patched = s
                .workload
                .as_ref()
                .is_some_and(|w| w.images == ["nginx:1.28"]);
            in_progress |= patched && matches!(verdict(s), Verdict::InProgress { .. });
            both_sides |=
                s.replica_sets.len() == 2 && s.replica_sets.iter().all(|rs| rs.replicas > 0);
        },
        |s| {
            let ladder: Vec<(i64, i64)> = s
                .replica_sets
                .iter()
                .map(|rs| (rs.revision, rs.replicas))
                .collect();
            s.workload
                .as_ref()
                .is_some_and(|w| w.images == ["nginx:1.28"])
                && verdict(s) == Verdict::Complete
                && ladder == [(1, 0), (2, 3)]
        },
    )
    .await;
    assert!(in_progress, "the rollout was seen in progress");
    assert!(
        both_sides,
        "old and new ReplicaSets were seen with pods at once"
    );
    let revisions = history(&done);
    assert_eq!(revisions.len(), 2, "{revisions:?}");
    assert_eq!(revisions[1].change_cause.as_deref(), Some("nginx 1.28"));
    assert_eq!(revisions[1].images, ["nginx:1.28"]);
    assert!(revisions[1].current && !revisions[0].current);
    assert!(
        done.new_pods().iter().all(|p| p.ready) && done.new_pods().len() == 3,
        "{:?}",
        done.pods
    );
}
