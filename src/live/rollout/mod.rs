//! Following one workload's rollout (Deployment, StatefulSet, DaemonSet): kube-rs watchers on
//! the workload, its ReplicaSets, its pods and the namespace's events ([`follow`]) fold into a
//! [`RolloutSnapshot`] ([`snapshot`]); [`verdict`] reads it the way `kubectl rollout status`
//! does, and [`history`] lists the revisions. Independent of the TUI.

pub mod follow;
pub mod history;
pub mod snapshot;
pub mod verdict;

pub use crate::agent::schema::WorkloadKind;
pub use follow::{FOLLOW_BUFFER, follow};
pub use history::{Revision, history};
pub use snapshot::{
    Condition, EventLine, PodLine, ReplicaSetLine, RolloutKey, RolloutSnapshot, WorkloadStatus,
};
pub use verdict::{StuckReason, Verdict, verdict};
