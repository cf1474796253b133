//! Single-incident scenarios, each one deployment in `default` whose pods go wrong in one
//! recognisable way, and the delayed bad rollout of `rollout-stuck`.

use std::time::Duration;

use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::build::App;
use super::{Seed, seed_in};
use crate::sim::object::At;
use crate::sim::resource;
use crate::sim::store::Store;

const STUCK_NAME: &str = "web";
const STUCK_GOOD_IMAGE: &str = "ghcr.io/kubevibe-demo/web:1.6.0";
const STUCK_BAD_IMAGE: &str = "ghcr.io/kubevibe-demo/web:1.7.0-unready";
const STUCK_DEADLINE_SECONDS: i64 = 60;

fn in_default(app: &App) -> Vec<Seed> {
    let mut objects = vec![seed_in("default", resource::DEPLOYMENTS, app.deployment())];
    if let Some((port, _)) = app.port {
        objects.push(seed_in("default", resource::SERVICES, app.service(port)));
    }
    objects
}

pub fn crashloop() -> Vec<Seed> {
    in_default(
        &App::new(
            "payments-api",
            "ghcr.io/kubevibe-demo/payments-api:3.2.0-crashloop",
            2,
        )
        .port(8080, "http"),
    )
}

pub fn imagepull() -> Vec<Seed> {
    in_default(
        &App::new(
            "frontend",
            "ghcr.io/kubevibe-demo/frontend:2.31.0-notfound",
            2,
        )
        .port(80, "http"),
    )
}

pub fn oom() -> Vec<Seed> {
    in_default(
        &App::new(
            "session-cache",
            "ghcr.io/kubevibe-demo/session-cache:5.1.0-oom",
            1,
        )
        .port(6380, "cache")
        .resources(Some(("250m", "256Mi")), Some(("500m", "512Mi"))),
    )
}

pub fn pending() -> Vec<Seed> {
    in_default(
        &App::new(
            "model-trainer",
            "ghcr.io/kubevibe-demo/model-trainer:0.9.4",
            1,
        )
        .resources(Some(("32", "128Gi")), Some(("32", "128Gi"))),
    )
}

pub fn rollout_stuck() -> Vec<Seed> {
    let app = App::new(STUCK_NAME, STUCK_GOOD_IMAGE, 3).port(8080, "http");
    let mut deployment = app.deployment();
    deployment["spec"]["progressDeadlineSeconds"] = json!(STUCK_DEADLINE_SECONDS);
    deployment["metadata"]["annotations"] =
        json!({ "kubernetes.io/change-cause": "initial release 1.6.0" });
    vec![
        seed_in("default", resource::DEPLOYMENTS, deployment),
        seed_in("default", resource::SERVICES, app.service(8080)),
    ]
}

fn available(deployment: &Value, replicas: i64) -> bool {
    deployment
        .at("/status/availableReplicas")
        .and_then(Value::as_i64)
        == Some(replicas)
        && deployment
            .at("/status/updatedReplicas")
            .and_then(Value::as_i64)
            == Some(replicas)
}

/// Once the first release of `web` is available, rolls out a release whose pods never pass
/// their readiness probe.
pub async fn roll_out_unready(store: Store, cancel: CancellationToken) {
    let poll = store
        .clock()
        .scaled(Duration::from_millis(500))
        .max(Duration::from_millis(20));
    loop {
        let Ok(deployment) = store.get(&resource::DEPLOYMENTS, "default", STUCK_NAME) else {
            return;
        };
        let value = deployment.value();
        if value
            .at("/spec/template/spec/containers/0/image")
            .and_then(Value::as_str)
            != Some(STUCK_GOOD_IMAGE)
        {
            return;
        }
        if available(&value, 3) {
            break;
        }
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(poll) => {}
        }
    }
    let rolled = store.modify(
        &resource::DEPLOYMENTS,
        "default",
        STUCK_NAME,
        |deployment| {
            deployment["spec"]["template"]["spec"]["containers"][0]["image"] =
                json!(STUCK_BAD_IMAGE);
            deployment["metadata"]["annotations"]["kubernetes.io/change-cause"] =
                json!("release 1.7.0");
        },
    );
    if let Err(error) = rolled {
        tracing::debug!(%error, "the rollout-stuck release was not rolled out");
    }
}
