//! A planner's port_forward step: gated as data-egress (it opens network access from this
//! machine into the cluster), approved with `y`, started as a forward; its first report
//! (listening on a pod, or a failure) settles the step and is the result sent to the model.

use std::time::{Duration, Instant};

use crate::agent::mode::{Gate, gate};
use crate::agent::policy::Risk;
use crate::agent::schema::{ForwardKind, PortForward};
use crate::app::agent_loop;
use crate::app::effect::Effect;
use crate::app::journal::AuditEvent;
use crate::app::model::{Model, Pane};
use crate::app::plan::{StepBody, StepStatus, Target};
use crate::app::transcript::EntryKind;
use crate::live::forward::{ForwardSpec, ForwardState, ForwardTarget};
use crate::ui::markdown::MarkdownDoc;

/// A planned forward after the gate read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardStep {
    pub spec: ForwardSpec,
    pub gate: Gate,
    pub approved: bool,
}

impl ForwardStep {
    pub fn new(action: &PortForward, target: &Target) -> Self {
        let namespace = action
            .namespace
            .clone()
            .unwrap_or_else(|| target.namespace.clone());
        let name = action.target.name.clone();
        let target_of = match action.target.kind {
            ForwardKind::Pod => ForwardTarget::Pod { namespace, name },
            ForwardKind::Service => ForwardTarget::Service { namespace, name },
        };
        Self {
            spec: ForwardSpec {
                target: target_of,
                remote_port: action.ports.remote,
                local_port: Some(action.ports.local),
            },
            gate: gate(target.mode, target.guard, Risk::DataEgress, None),
            approved: false,
        }
    }

    /// `port-forward svc/web 8080:80 -n shop`, as the plan pane and the audit log show it.
    pub fn words(&self) -> Vec<String> {
        let kind = match self.spec.target {
            ForwardTarget::Pod { .. } => "pod",
            ForwardTarget::Service { .. } => "svc",
        };
        vec![
            "port-forward".into(),
            format!("{kind}/{}", self.spec.target.name()),
            format!(
                "{}:{}",
                self.spec.wanted_local_port(),
                self.spec.remote_port
            ),
            "-n".into(),
            self.spec.target.namespace().to_string(),
        ]
    }

    /// Whether it waits for the operator's key.
    pub fn asks(&self) -> bool {
        matches!(self.gate, Gate::Ask | Gate::AskTyped(_)) && !self.approved
    }
}

fn note(model: &mut Model, kind: EntryKind, text: &str) {
    model.transcript.push(kind, MarkdownDoc::from_text(text));
    model.transcript.follow_bottom();
}

fn forward_step(model: &Model, index: usize) -> Option<ForwardStep> {
    match &model.plan.as_ref()?.steps.get(index)?.body {
        StepBody::Forward(step) => Some((**step).clone()),
        _ => None,
    }
}

/// The plan reached the forward step `index`: `None` when it settled at once (suggest mode,
/// refused) and the plan goes on; otherwise the effects, and the plan waits (for the key or
/// for the forward's first report).
pub fn advance_step(model: &mut Model, index: usize) -> Option<Vec<Effect>> {
    let step = forward_step(model, index)?;
    let plan = model.plan.as_mut()?;
    match &step.gate {
        Gate::Refuse(reason) => {
            plan.steps[index].status = StepStatus::Skipped(reason.clone());
            None
        }
        Gate::ShowOnly => {
            plan.steps[index].status =
                StepStatus::Skipped("suggest mode: shown, not started".into());
            None
        }
        _ if step.asks() => {
            plan.selected = index;
            model.focus = Pane::Plan;
            Some(Vec::new())
        }
        _ => {
            plan.steps[index].status = StepStatus::Running;
            plan.selected = index;
            let plan_id = plan.id;
            let effects = super::start(model, step.spec, None, Some((plan_id, index)));
            // The plan pane keeps the focus: the operator follows the loop there.
            model.focus = Pane::Plan;
            Some(effects)
        }
    }
}

/// `y` on a forward step: approve it, then the plan goes on (starting it). `None` when the
/// step is not a forward.
pub fn approve(model: &mut Model, index: usize, now: Instant) -> Option<Vec<Effect>> {
    let plan = model.plan.as_mut()?;
    let StepBody::Forward(step) = &mut plan.steps.get_mut(index)?.body else {
        return None;
    };
    step.approved = true;
    let event = AuditEvent::Approved {
        argv: step.words(),
        risk: Risk::DataEgress.to_string(),
        note: None,
    };
    let mut effects = vec![agent_loop::audit(model, event)];
    effects.extend(agent_loop::advance(model, now));
    Some(effects)
}

/// A forward's row changed: a forward started by a plan step settles the step with its first
/// report and the plan goes on.
pub fn on_row_changed(model: &mut Model, id: u64, now: Instant) -> Vec<Effect> {
    let Some(row) = model.forwards.row_mut(id) else {
        return Vec::new();
    };
    let Some((plan_id, index)) = row.plan_step else {
        return Vec::new();
    };
    let (ok, text) = match (&row.state, row.local_port, &row.pod, row.pod_port) {
        (ForwardState::Failed { error }, ..) => (false, format!("port-forward failed: {error}")),
        (ForwardState::Listening | ForwardState::Active, Some(local), Some(pod), Some(port)) => {
            let mut text = format!("forwarding 127.0.0.1:{local} → pod {pod}:{port}");
            if let Some(why) = &row.note {
                text.push_str(&format!(" ({why})"));
            }
            (true, text)
        }
        _ => return Vec::new(),
    };
    row.plan_step = None;
    let Some(plan) = model.plan.as_mut().filter(|p| p.id == plan_id) else {
        return Vec::new();
    };
    let Some(step) = plan.steps.get_mut(index) else {
        return Vec::new();
    };
    if step.status != StepStatus::Running {
        return Vec::new();
    }
    step.status = StepStatus::Finished {
        exit_code: None,
        duration: Duration::ZERO,
        ok,
    };
    let words = match &step.body {
        StepBody::Forward(step) => step.words().join(" "),
        _ => String::new(),
    };
    note(
        model,
        if ok {
            EntryKind::Info
        } else {
            EntryKind::Error
        },
        &format!("`{words}` — {text}"),
    );
    model.agent.results.push(format!("$ {words}\n{text}"));
    agent_loop::advance(model, now)
}
