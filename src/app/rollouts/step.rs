//! A planned `rollout_watch` step: gated like any read (it runs no kubectl); approving it, or
//! a mode that runs reads unattended, starts following the rollout in the rollouts view. The
//! step then settles at once and its result to the model is a short status — the current
//! verdict when the rollout was already followed — instead of holding the loop until the
//! rollout ends (a rollout can take many minutes, and a stuck StatefulSet never ends). Every
//! later planning turn lists the followed rollouts with their verdicts in its cluster context,
//! so a plan can `wait` and look again.

use std::time::Instant;

use crate::agent::mode::{Gate, gate};
use crate::agent::policy::Risk;
use crate::agent::schema::RolloutWatch;
use crate::app::agent_loop;
use crate::app::effect::Effect;
use crate::app::journal::AuditEvent;
use crate::app::model::{Model, Pane};
use crate::app::plan::{PlanState, StepBody, StepStatus, Target};
use crate::live::rollout::RolloutKey;

/// The step's state in the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct RolloutStep {
    pub key: RolloutKey,
    pub gate: Gate,
    pub approved: bool,
}

impl RolloutStep {
    /// The planned watch in the plan's default namespace, gated as a read.
    pub fn new(watch: &RolloutWatch, target: &Target) -> Self {
        let namespace = watch
            .namespace
            .clone()
            .unwrap_or_else(|| target.namespace.clone());
        let mut step = Self {
            key: RolloutKey::new(watch.kind, namespace, watch.name.clone()),
            gate: Gate::Ask,
            approved: false,
        };
        step.prepare(target);
        step
    }

    /// Gate again (after a mode change).
    pub fn prepare(&mut self, target: &Target) {
        self.approved = false;
        self.gate = gate(target.mode, target.guard, Risk::Read, None);
    }

    /// `rollout_watch deployment/web -n shop`.
    pub fn describe(&self) -> String {
        format!(
            "rollout_watch {} -n {}",
            self.key.label(),
            self.key.namespace
        )
    }

    /// The argv-like words the audit log records for it.
    fn audit_words(&self) -> Vec<String> {
        vec![
            "rollout_watch".into(),
            self.key.label(),
            "-n".into(),
            self.key.namespace.clone(),
        ]
    }

    /// Waiting for `y`.
    pub fn awaiting(&self) -> bool {
        matches!(self.gate, Gate::Ask | Gate::AskTyped(_)) && !self.approved
    }
}

/// The plan step for a planned `rollout_watch`.
pub fn body(watch: &RolloutWatch, target: &Target) -> StepBody {
    StepBody::Rollout(Box::new(RolloutStep::new(watch, target)))
}

fn step_mut(model: &mut Model, index: usize) -> Option<&mut RolloutStep> {
    match &mut model.plan.as_mut()?.steps.get_mut(index)?.body {
        StepBody::Rollout(step) => Some(step),
        _ => None,
    }
}

/// The gate of step `index` when it is a rollout watch.
pub fn gate_of(plan: &PlanState, index: usize) -> Option<Gate> {
    match &plan.steps.get(index)?.body {
        StepBody::Rollout(step) => Some(step.gate.clone()),
        _ => None,
    }
}

fn settle(model: &mut Model, index: usize, status: StepStatus) {
    if let Some(step) = model.plan.as_mut().and_then(|p| p.steps.get_mut(index)) {
        step.status = status;
    }
}

/// The queued step `index` in the loop: `Some(effects)` once it settled (the loop goes on),
/// `None` while it waits for the operator's key.
pub fn advance(model: &mut Model, index: usize) -> Option<Vec<Effect>> {
    let step = step_mut(model, index)?.clone();
    match &step.gate {
        Gate::Refuse(reason) => {
            let text = format!("{}: refused, not followed: {reason}", step.describe());
            settle(model, index, StepStatus::Skipped(reason.clone()));
            model.agent.results.push(text);
            Some(Vec::new())
        }
        Gate::ShowOnly => {
            settle(
                model,
                index,
                StepStatus::Skipped("suggest mode: shown, not followed".into()),
            );
            Some(Vec::new())
        }
        Gate::Run => Some(start(model, index, &step)),
        _ if step.approved => Some(start(model, index, &step)),
        _ => {
            if let Some(plan) = model.plan.as_mut() {
                plan.selected = index;
            }
            model.focus = Pane::Plan;
            None
        }
    }
}

fn start(model: &mut Model, index: usize, step: &RolloutStep) -> Vec<Effect> {
    let known = model
        .rollouts
        .followed
        .iter()
        .find(|f| f.key == step.key)
        .filter(|f| f.snapshot.synced)
        .map(|f| f.verdict.to_string());
    let focus = model.focus;
    let effects = crate::app::rollouts::follow(model, step.key.clone());
    // Following opens the view; the operator stays where the plan is.
    model.focus = focus;
    settle(model, index, StepStatus::Done);
    let status = match known {
        Some(verdict) => format!("already followed; verdict now: {verdict}"),
        None => "now followed in the rollouts view; no verdict yet (the watch just started). \
                 Later turns list it with its verdict in the cluster context."
            .to_string(),
    };
    model
        .agent
        .results
        .push(format!("{}\n{status}", step.describe()));
    effects
}

/// `y` on a waiting rollout watch: `None` when step `index` is not one.
pub fn approve(model: &mut Model, index: usize, now: Instant) -> Option<Vec<Effect>> {
    let step = step_mut(model, index)?;
    step.approved = true;
    let argv = step.audit_words();
    let mut effects = vec![agent_loop::audit(
        model,
        AuditEvent::Approved {
            argv,
            risk: Risk::Read.to_string(),
            note: None,
        },
    )];
    effects.extend(agent_loop::advance(model, now));
    Some(effects)
}
