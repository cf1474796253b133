//! A rollout's revision history: a Deployment's ReplicaSets by their
//! `deployment.kubernetes.io/revision`, with `kubernetes.io/change-cause` and images, as
//! `kubectl rollout history` lists them. StatefulSets and DaemonSets show their current and
//! update revisions from the workload's status instead (no ControllerRevision watcher).

use super::WorkloadKind;
use super::snapshot::RolloutSnapshot;

/// One revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub number: i64,
    /// The ReplicaSet (or ControllerRevision) name.
    pub name: String,
    pub change_cause: Option<String>,
    pub images: Vec<String>,
    /// The revision the workload is at now.
    pub current: bool,
}

/// The revisions, oldest first.
pub fn history(snapshot: &RolloutSnapshot) -> Vec<Revision> {
    match snapshot.key.kind {
        WorkloadKind::Deployment => {
            let current = snapshot.new_replica_set().map(|rs| rs.name.clone());
            let mut revisions: Vec<Revision> = snapshot
                .replica_sets
                .iter()
                .filter(|rs| rs.revision > 0)
                .map(|rs| Revision {
                    number: rs.revision,
                    name: rs.name.clone(),
                    change_cause: rs.change_cause.clone(),
                    images: rs.images.clone(),
                    current: current.as_deref() == Some(rs.name.as_str()),
                })
                .collect();
            revisions.sort_by_key(|r| r.number);
            revisions
        }
        WorkloadKind::StatefulSet | WorkloadKind::DaemonSet => {
            let Some(workload) = &snapshot.workload else {
                return Vec::new();
            };
            let mut revisions = Vec::new();
            if let Some(current) = &workload.current_revision
                && workload.update_revision.as_ref() != Some(current)
            {
                revisions.push(Revision {
                    number: 1,
                    name: current.clone(),
                    change_cause: None,
                    images: Vec::new(),
                    current: false,
                });
            }
            if let Some(update) = workload.update_revision.clone() {
                revisions.push(Revision {
                    number: revisions.len() as i64 + 1,
                    name: update,
                    change_cause: workload.change_cause.clone(),
                    images: workload.images.clone(),
                    current: true,
                });
            }
            revisions
        }
    }
}
