//! The verdict on a rollout: the workload's generation, counts and conditions read the way
//! `kubectl rollout status` reads them, and the new revision's pods for why it is stuck.

use std::fmt;

use super::WorkloadKind;
use super::snapshot::{PodLine, RolloutSnapshot, WorkloadStatus};

/// Why a rollout does not move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StuckReason {
    /// `Progressing=False` with reason `ProgressDeadlineExceeded`.
    ProgressDeadlineExceeded,
    CrashLoopBackOff,
    /// `ImagePullBackOff` or `ErrImagePull`.
    ImagePullBackOff,
    /// `PodScheduled=False` with reason `Unschedulable`.
    Unschedulable,
    OOMKilled,
}

impl fmt::Display for StuckReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StuckReason::ProgressDeadlineExceeded => "ProgressDeadlineExceeded",
            StuckReason::CrashLoopBackOff => "CrashLoopBackOff",
            StuckReason::ImagePullBackOff => "ImagePullBackOff",
            StuckReason::Unschedulable => "Unschedulable",
            StuckReason::OOMKilled => "OOMKilled",
        })
    }
}

/// Where a rollout is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Still rolling (or not seen yet), with kubectl's kind of waiting message.
    InProgress {
        detail: String,
    },
    Complete,
    Stuck {
        reason: StuckReason,
        detail: String,
    },
}

impl Verdict {
    /// `complete`, `in progress`, `stuck: CrashLoopBackOff`.
    pub fn label(&self) -> String {
        match self {
            Verdict::InProgress { .. } => "in progress".into(),
            Verdict::Complete => "complete".into(),
            Verdict::Stuck { reason, .. } => format!("stuck: {reason}"),
        }
    }

    /// Complete or stuck: nothing more happens without a change.
    pub fn is_final(&self) -> bool {
        !matches!(self, Verdict::InProgress { .. })
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::InProgress { detail } => write!(f, "in progress: {detail}"),
            Verdict::Complete => f.write_str("complete"),
            Verdict::Stuck { reason, detail } => write!(f, "stuck ({reason}): {detail}"),
        }
    }
}

fn waiting(detail: impl Into<String>) -> Verdict {
    Verdict::InProgress {
        detail: detail.into(),
    }
}

/// The verdict on `snapshot`: complete by the workload's status, stuck by a failing new pod
/// or an exceeded progress deadline, otherwise in progress.
pub fn verdict(snapshot: &RolloutSnapshot) -> Verdict {
    let Some(workload) = &snapshot.workload else {
        return waiting(if snapshot.synced {
            format!("{} not found", snapshot.key.label())
        } else {
            "reading the workload…".to_string()
        });
    };
    let by_status = match snapshot.key.kind {
        WorkloadKind::Deployment => deployment(workload),
        WorkloadKind::StatefulSet => stateful_set(workload),
        WorkloadKind::DaemonSet => daemon_set(workload),
    };
    if by_status == Verdict::Complete {
        return by_status;
    }
    if let Some(stuck) = failing_pod(&snapshot.new_pods()) {
        return stuck;
    }
    by_status
}

/// kubectl's `DeploymentStatusViewer`.
fn deployment(w: &WorkloadStatus) -> Verdict {
    if w.generation > w.observed_generation {
        return waiting("waiting for the deployment spec update to be observed");
    }
    if let Some(progressing) = w.condition("Progressing")
        && progressing.reason == "ProgressDeadlineExceeded"
    {
        return Verdict::Stuck {
            reason: StuckReason::ProgressDeadlineExceeded,
            detail: progressing.message.clone(),
        };
    }
    if w.paused {
        return waiting("the deployment is paused (kubectl rollout resume)");
    }
    let desired = w.desired.unwrap_or(1);
    if w.updated < desired {
        return waiting(format!(
            "{} of {desired} new replicas have been updated",
            w.updated
        ));
    }
    if w.replicas > w.updated {
        return waiting(format!(
            "{} old replicas are pending termination",
            w.replicas - w.updated
        ));
    }
    if w.available < w.updated {
        return waiting(format!(
            "{} of {} updated replicas are available",
            w.available, w.updated
        ));
    }
    Verdict::Complete
}

/// kubectl's `StatefulSetStatusViewer`.
fn stateful_set(w: &WorkloadStatus) -> Verdict {
    if w.strategy.as_deref().is_some_and(|s| s != "RollingUpdate") {
        return waiting("rollout status is only available for the RollingUpdate strategy");
    }
    if w.observed_generation == 0 || w.generation > w.observed_generation {
        return waiting("waiting for the statefulset spec update to be observed");
    }
    let desired = w.desired.unwrap_or(1);
    if w.ready < desired {
        return waiting(format!("{} of {desired} pods are ready", w.ready));
    }
    if let Some(partition) = w.partition.filter(|p| *p > 0) {
        let wanted = desired - partition;
        if w.updated < wanted {
            return waiting(format!(
                "partitioned roll out: {} of {wanted} new pods have been updated",
                w.updated
            ));
        }
        return Verdict::Complete;
    }
    if w.update_revision != w.current_revision {
        return waiting(format!(
            "{} pods at revision {}",
            w.updated,
            w.update_revision.as_deref().unwrap_or("?")
        ));
    }
    Verdict::Complete
}

/// kubectl's `DaemonSetStatusViewer`.
fn daemon_set(w: &WorkloadStatus) -> Verdict {
    if w.strategy.as_deref().is_some_and(|s| s != "RollingUpdate") {
        return waiting("rollout status is only available for the RollingUpdate strategy");
    }
    if w.generation > w.observed_generation {
        return waiting("waiting for the daemon set spec update to be observed");
    }
    let desired = w.desired.unwrap_or(0);
    if w.updated < desired {
        return waiting(format!(
            "{} of {desired} updated pods are scheduled",
            w.updated
        ));
    }
    if w.available < desired {
        return waiting(format!(
            "{} of {desired} updated pods are available",
            w.available
        ));
    }
    Verdict::Complete
}

/// The first new pod that cannot become ready on its own, worst first.
fn failing_pod(pods: &[&PodLine]) -> Option<Verdict> {
    let live: Vec<&&PodLine> = pods.iter().filter(|p| !p.deleting).collect();
    let find = |reason: StuckReason, test: &dyn Fn(&PodLine) -> bool| {
        live.iter().find(|p| test(p)).map(|pod| Verdict::Stuck {
            reason,
            detail: pod_detail(pod),
        })
    };
    find(StuckReason::ImagePullBackOff, &|p| {
        matches!(p.state.as_str(), "ImagePullBackOff" | "ErrImagePull")
    })
    .or_else(|| {
        find(StuckReason::OOMKilled, &|p| {
            p.last_terminated.as_deref() == Some("OOMKilled") && !p.ready
        })
    })
    .or_else(|| {
        find(StuckReason::CrashLoopBackOff, &|p| {
            p.state == "CrashLoopBackOff"
        })
    })
    .or_else(|| find(StuckReason::Unschedulable, &|p| p.unschedulable.is_some()))
}

fn pod_detail(pod: &PodLine) -> String {
    let mut detail = format!("pod {}: {}", pod.name, pod.state);
    if pod.restarts > 0 {
        detail.push_str(&format!(", {} restarts", pod.restarts));
    }
    if let Some(last) = &pod.last_terminated {
        detail.push_str(&format!(", last terminated: {last}"));
    }
    if !pod.message.is_empty() {
        detail.push_str(&format!(" — {}", pod.message));
    }
    detail
}
