//! Scenarios: the starting state of a simulated cluster, chosen with `--scenario NAME`.
//! Incidents come from the pods' specs (see `controllers::kubelet::behavior`), so fixing the
//! spec with kubectl really fixes them.

mod build;
mod incidents;
mod scale;
mod shop;
mod steady;

use std::fmt;
use std::str::FromStr;

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::sim::resource::{self, GroupResource};
use crate::sim::status::ApiError;
use crate::sim::store::{Store, WriteOptions};

/// Every scenario with a one-line description, in the order `--help` lists them.
pub const CATALOG: &[(&str, &str)] = &[
    ("empty", "nodes and the system namespaces only"),
    (
        "healthy",
        "a shop (web, checkout, cart, redis), monitoring and kube-system, all healthy",
    ),
    (
        "crashloop",
        "a deployment whose containers exit with an error: CrashLoopBackOff, rising restarts",
    ),
    (
        "imagepull",
        "a deployment with a bad image tag: ErrImagePull, then ImagePullBackOff",
    ),
    (
        "oom",
        "a deployment killed for exceeding its memory limit: OOMKilled, exit code 137",
    ),
    (
        "pending",
        "a deployment requesting more than any node has: Pending, FailedScheduling",
    ),
    (
        "rollout-stuck",
        "a rollout whose new pods never become ready: ProgressDeadlineExceeded",
    ),
    (
        "scale:N",
        "N pods over 100 namespaces and many deployments, for benchmarks",
    ),
    (
        "demo",
        "the healthy shop with checkout crashlooping on a missing DATABASE_URL",
    ),
];

/// The `--scenario` help text: one line per scenario.
pub fn help() -> String {
    CATALOG
        .iter()
        .map(|(name, description)| format!("{name:<14} {description}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The scenario names, comma-separated.
fn names() -> String {
    CATALOG
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Scenario {
    Empty,
    #[default]
    Healthy,
    Crashloop,
    ImagePull,
    Oom,
    Pending,
    RolloutStuck,
    Scale(usize),
    Demo,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    #[error("unknown scenario {0:?}; choose one of: {names}", names = names())]
    Unknown(String),
    #[error("scale:N needs a pod count between 1 and 1000000, got {0:?}")]
    BadScale(String),
}

impl FromStr for Scenario {
    type Err = ScenarioError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if let Some(count) = text.strip_prefix("scale:") {
            return count
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=1_000_000).contains(n))
                .map(Self::Scale)
                .ok_or_else(|| ScenarioError::BadScale(count.to_string()));
        }
        Ok(match text {
            "empty" => Self::Empty,
            "healthy" => Self::Healthy,
            "crashloop" => Self::Crashloop,
            "imagepull" => Self::ImagePull,
            "oom" => Self::Oom,
            "pending" => Self::Pending,
            "rollout-stuck" => Self::RolloutStuck,
            "demo" => Self::Demo,
            other => return Err(ScenarioError::Unknown(other.to_string())),
        })
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::Scale(count) => return write!(f, "scale:{count}"),
            Self::Empty => "empty",
            Self::Healthy => "healthy",
            Self::Crashloop => "crashloop",
            Self::ImagePull => "imagepull",
            Self::Oom => "oom",
            Self::Pending => "pending",
            Self::RolloutStuck => "rollout-stuck",
            Self::Demo => "demo",
        };
        f.write_str(name)
    }
}

/// What a scenario needs from the world besides its objects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Nodes the cluster should have at least (one is the control plane).
    pub nodes: usize,
    /// Whether per-pod events (Scheduled, Pulled, Started…) are recorded.
    pub per_pod_events: bool,
}

impl Scenario {
    pub fn plan(&self) -> Plan {
        match self {
            Self::Scale(pods) => Plan {
                nodes: scale::nodes_for(*pods),
                per_pod_events: false,
            },
            _ => Plan {
                nodes: 4,
                per_pod_events: true,
            },
        }
    }

    /// What happens once the controllers run (e.g. the bad rollout of `rollout-stuck`).
    pub async fn follow_up(self, store: Store, cancel: CancellationToken) {
        if self == Self::RolloutStuck {
            incidents::roll_out_unready(store, cancel).await;
        }
    }
}

/// Creates the scenario's objects. Objects that already exist are left as they are.
pub fn seed(store: &Store, scenario: &Scenario) -> Result<(), ApiError> {
    let objects = match scenario {
        Scenario::Empty => Vec::new(),
        Scenario::Healthy => shop::healthy(false),
        Scenario::Demo => shop::healthy(true),
        Scenario::Crashloop => incidents::crashloop(),
        Scenario::ImagePull => incidents::imagepull(),
        Scenario::Oom => incidents::oom(),
        Scenario::Pending => incidents::pending(),
        Scenario::RolloutStuck => incidents::rollout_stuck(),
        Scenario::Scale(pods) => scale::objects(*pods),
    };
    create_all(store, objects)?;
    if matches!(scenario, Scenario::Scale(_)) {
        // A cluster of this size stands for one that has been running: its pods exist
        // from the start instead of being made one by one by the controllers.
        steady::settle_deployments(store)?;
    }
    Ok(())
}

/// One object to seed: its resource, namespace and body.
pub type Seed = (GroupResource, String, Value);

/// Creates the seeds, each run of one resource in one batch, leaving existing ones alone.
fn create_all(store: &Store, objects: Vec<Seed>) -> Result<(), ApiError> {
    let mut objects = objects.into_iter().peekable();
    while let Some((gr, namespace, object)) = objects.next() {
        let mut run = vec![(namespace, object)];
        while let Some((_, namespace, object)) = objects.next_if(|(next, _, _)| *next == gr) {
            run.push((namespace, object));
        }
        for created in store.create_many(&gr, run, &WriteOptions::default())? {
            match created {
                Ok(_) | Err(ApiError::AlreadyExists(_)) => {}
                Err(other) => return Err(other),
            }
        }
    }
    Ok(())
}

fn ns(name: &str, labels: Value) -> Seed {
    (
        resource::NAMESPACES,
        String::new(),
        build::namespace(name, labels),
    )
}

fn seed_in(namespace: &str, gr: GroupResource, object: Value) -> Seed {
    (gr, namespace.to_string(), object)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_print_back() {
        for (name, _) in CATALOG {
            let name = if *name == "scale:N" {
                "scale:500"
            } else {
                name
            };
            let scenario: Scenario = name.parse().expect("catalog names parse");
            assert_eq!(scenario.to_string(), name);
        }
        assert!(matches!(
            "scale:0".parse::<Scenario>(),
            Err(ScenarioError::BadScale(_))
        ));
        assert!(matches!(
            "chaos".parse::<Scenario>(),
            Err(ScenarioError::Unknown(_))
        ));
        assert!(help().lines().count() == CATALOG.len());
    }
}
