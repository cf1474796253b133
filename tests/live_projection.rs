//! Pod rows decoded by the watcher from each simulator scenario show the READY, STATUS and
//! RESTARTS the real `kubectl get pods` prints (skipped loudly without kubectl).
#![allow(clippy::unwrap_used)]

#[path = "support/sim.rs"]
mod support;

#[path = "live_support/mod.rs"]
mod live_support;

use std::collections::BTreeMap;
use std::time::Duration;

use kubevibe::live::projection::{KnownKind, PodRow};
use kubevibe::live::row::ColumnId;
use kubevibe::live::store::SyncState;
use kubevibe::live::watch::WatchSpec;
use kubevibe::sim::SimOptions;
use live_support::{Fed, feed};
use support::{Kubectl, TestSim, eventually};

const WAIT: Duration = Duration::from_secs(45);

/// namespace/name → [READY, STATUS, RESTARTS count].
type Rows = BTreeMap<String, [String; 3]>;

async fn from_kubectl(kubectl: &Kubectl) -> Rows {
    let listed = kubectl.ok(&["get", "pods", "-A", "--no-headers"]).await;
    listed
        .lines()
        .map(|line| {
            let cells: Vec<&str> = line.split_whitespace().collect();
            let key = format!("{}/{}", cells[0], cells[1]);
            (
                key,
                [
                    cells[2].to_string(),
                    cells[3].to_string(),
                    cells[4].to_string(),
                ],
            )
        })
        .collect()
}

fn from_store(fed: &Fed) -> Rows {
    let store = fed.store.lock().unwrap();
    let cell = |row: &kubevibe::live::row::Row, i| row.value(ColumnId::Cell(i)).render(0);
    store
        .rows()
        .map(|row| {
            let restarts = cell(row, 2);
            let count = restarts.split_whitespace().next().unwrap_or("").to_string();
            (
                format!("{}/{}", row.namespace, row.name),
                [cell(row, 0), cell(row, 1), count],
            )
        })
        .collect()
}

/// Waits until the store and kubectl agree on every pod at the same moment, in a state the
/// scenario is meant to reach (`reached`; the scenario's clock runs fast, so both are read
/// again until they do). Returns the agreed rows.
async fn agree(scenario: &str, reached: impl Fn(&Rows) -> bool) -> Option<Rows> {
    let sim = TestSim::start_with(SimOptions {
        scenario: scenario.to_string(),
        speed: 100.0,
        ..SimOptions::default()
    })
    .await;
    let kubectl = sim.kubectl()?;
    let fed = feed::<PodRow>(
        sim.client().await,
        WatchSpec::new(PodRow::api_resource()),
        "pods",
    );
    eventually("the pod store to go live", WAIT, || async {
        (*fed.store.lock().unwrap().state() == SyncState::Live).then_some(())
    })
    .await;
    let deadline = tokio::time::Instant::now() + WAIT;
    let agreed = loop {
        let before = from_store(&fed);
        let printed = from_kubectl(&kubectl).await;
        let after = from_store(&fed);
        if !printed.is_empty() && (printed == before || printed == after) && reached(&printed) {
            break printed;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{scenario}: the store never matched kubectl in the scenario's state within {WAIT:?}\nkubectl: {printed:#?}\nstore: {after:#?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    Some(agreed)
}

fn statuses(rows: &Rows) -> Vec<&str> {
    rows.values().map(|r| r[1].as_str()).collect()
}

fn any_status(rows: &Rows, wanted: &[&str]) -> bool {
    statuses(rows).iter().any(|status| wanted.contains(status))
}

#[tokio::test]
async fn healthy_pods_match_kubectl() {
    let Some(rows) = agree("healthy", |rows| any_status(rows, &["Running"])).await else {
        return;
    };
    assert!(statuses(&rows).contains(&"Running"), "{rows:?}");
}

#[tokio::test]
async fn crashlooping_pods_match_kubectl() {
    let wanted = ["CrashLoopBackOff", "Error"];
    let Some(rows) = agree("crashloop", |rows| any_status(rows, &wanted)).await else {
        return;
    };
    assert!(any_status(&rows, &wanted), "{rows:?}");
}

#[tokio::test]
async fn image_pull_failures_match_kubectl() {
    let wanted = ["ImagePullBackOff", "ErrImagePull"];
    let Some(rows) = agree("imagepull", |rows| any_status(rows, &wanted)).await else {
        return;
    };
    assert!(any_status(&rows, &wanted), "{rows:?}");
}

#[tokio::test]
async fn oom_killed_pods_match_kubectl() {
    let wanted = ["OOMKilled", "CrashLoopBackOff"];
    let Some(rows) = agree("oom", |rows| any_status(rows, &wanted)).await else {
        return;
    };
    assert!(any_status(&rows, &wanted), "{rows:?}");
}

#[tokio::test]
async fn pending_pods_match_kubectl() {
    let Some(rows) = agree("pending", |rows| any_status(rows, &["Pending"])).await else {
        return;
    };
    assert!(statuses(&rows).contains(&"Pending"), "{rows:?}");
}

#[tokio::test]
async fn a_stuck_rollout_matches_kubectl() {
    let stuck = |rows: &Rows| rows.values().any(|r| r[0].starts_with("0/"));
    let Some(rows) = agree("rollout-stuck", stuck).await else {
        return;
    };
    assert!(stuck(&rows), "{rows:?}");
}
