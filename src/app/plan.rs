//! The plan pane's state: the steps of the current plan — each command checked, classified,
//! rewritten to the argv that runs and gated — what each step is waiting for, and the selection.

use std::time::Duration;

use crate::agent::mode::{Gate, Guard, Mode, gate};
use crate::agent::policy::{Classification, Risk, check_argv, classify};
use crate::agent::schema::{Action, Plan};
use crate::app::command::{CapturedOutput, KEEP_LINES, cockpit_argv};
use crate::exec::Preview;

/// Where commands run and how much runs unattended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub mode: Mode,
    pub guard: Guard,
    pub context: Option<String>,
    pub namespace: String,
}

/// A planned command after the policy read it.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandStep {
    /// The argv as planned (or as the operator edited it).
    pub planned: Vec<String>,
    pub explanation: String,
    pub allowed_exit_codes: Vec<i32>,
    /// What runs (context and namespace injected); empty when refused.
    pub runs: Vec<String>,
    /// `None` when the argv was refused before classification.
    pub classification: Option<Classification>,
    pub gate: Gate,
    /// The operator approved it (or approved every read of the plan).
    pub approved: bool,
    pub output: CapturedOutput,
    /// The server-side dry run of a write, once it came back.
    pub preview: Option<Preview>,
}

impl CommandStep {
    pub fn new(
        planned: Vec<String>,
        explanation: String,
        exit_codes: Vec<i32>,
        target: &Target,
    ) -> Self {
        let mut step = Self {
            planned,
            explanation,
            allowed_exit_codes: exit_codes,
            runs: Vec::new(),
            classification: None,
            gate: Gate::Refuse(String::new()),
            approved: false,
            output: CapturedOutput::new(KEEP_LINES),
            preview: None,
        };
        step.prepare(target);
        step
    }

    /// Check, classify, rewrite and gate the planned argv (again after an edit or mode change).
    pub fn prepare(&mut self, target: &Target) {
        self.approved = false;
        self.preview = None;
        if let Err(refusal) = check_argv(&self.planned) {
            self.runs = Vec::new();
            self.classification = None;
            self.gate = Gate::Refuse(refusal.to_string());
            return;
        }
        let classification = classify(&self.planned).with_default_namespace(&target.namespace);
        self.runs = cockpit_argv(&self.planned, target.context.as_deref(), &target.namespace);
        self.gate = gate(
            target.mode,
            target.guard,
            classification.risk,
            classification.needs_typed_confirmation(),
        );
        self.classification = Some(classification);
    }

    /// Whether the pane shows a dry-run preview before the key press (writes that may run).
    pub fn wants_preview(&self) -> bool {
        self.risk().is_some_and(|risk| risk >= Risk::Write) && !matches!(self.gate, Gate::Refuse(_))
    }

    pub fn risk(&self) -> Option<Risk> {
        self.classification.as_ref().map(|c| c.risk)
    }

    /// Whether it may start now: it runs unattended, or the operator approved it.
    pub fn may_run(&self) -> bool {
        match self.gate {
            Gate::Run => true,
            Gate::Ask | Gate::AskTyped(_) => self.approved,
            Gate::ShowOnly | Gate::Refuse(_) => false,
        }
    }
}

/// What a step of a plan is.
#[derive(Debug, Clone, PartialEq)]
pub enum StepBody {
    Command(Box<CommandStep>),
    /// Thought, feedback, done or error: shown in chat when the plan arrives.
    Note {
        label: &'static str,
        text: String,
    },
    Wait {
        seconds: u32,
        reason: String,
    },
    /// A port-forward, gated as data-egress.
    Forward(Box<crate::app::forwards::plan_step::ForwardStep>),
    /// A planned rollout watch (gated like a read).
    Rollout(Box<crate::app::rollouts::step::RolloutStep>),
    /// A typed action the cockpit cannot carry out yet.
    Unavailable {
        what: &'static str,
    },
}

/// Where a step is.
#[derive(Debug, Clone, PartialEq)]
pub enum StepStatus {
    Queued,
    Running,
    Waiting,
    Finished {
        exit_code: Option<i32>,
        duration: Duration,
        ok: bool,
    },
    /// Not run, with the reason (refused, suggest mode, not available, wait skipped).
    Skipped(String),
    Rejected,
    /// Shown (notes) or waited (wait).
    Done,
}

impl StepStatus {
    pub fn is_settled(&self) -> bool {
        !matches!(
            self,
            StepStatus::Queued | StepStatus::Running | StepStatus::Waiting
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub body: StepBody,
    pub status: StepStatus,
}

/// The plan on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanState {
    pub thought: Option<String>,
    pub steps: Vec<Step>,
    /// The step Up/Down moved to.
    pub selected: usize,
    /// The planning turn it came from (1-based).
    pub turn: u32,
    /// Tells this plan's previews from a later plan's.
    pub id: u64,
}

impl PlanState {
    pub fn new(plan: &Plan, target: &Target, turn: u32) -> Self {
        let steps = plan
            .actions
            .iter()
            .map(|action| Step {
                body: body_of(action, target),
                status: StepStatus::Queued,
            })
            .collect();
        Self {
            thought: plan.thought.clone(),
            steps,
            selected: 0,
            turn,
            id: 0,
        }
    }

    /// The first step not settled yet.
    pub fn current(&self) -> Option<usize> {
        self.steps.iter().position(|s| !s.status.is_settled())
    }

    /// The current step, when it is a command waiting for the operator.
    pub fn awaiting(&self) -> Option<usize> {
        let index = self.current()?;
        let step = &self.steps[index];
        match (&step.body, &step.status) {
            (StepBody::Command(command), StepStatus::Queued)
                if matches!(command.gate, Gate::Ask | Gate::AskTyped(_)) && !command.approved =>
            {
                Some(index)
            }
            (StepBody::Forward(forward), StepStatus::Queued) if forward.asks() => Some(index),
            (StepBody::Rollout(rollout), StepStatus::Queued) if rollout.awaiting() => Some(index),
            _ => None,
        }
    }

    /// The gate of a command or forward step.
    pub fn gate_of(&self, index: usize) -> Option<Gate> {
        match &self.steps.get(index)?.body {
            StepBody::Command(command) => Some(command.gate.clone()),
            StepBody::Forward(forward) => Some(forward.gate.clone()),
            StepBody::Rollout(rollout) => Some(rollout.gate.clone()),
            _ => None,
        }
    }

    pub fn command(&self, index: usize) -> Option<&CommandStep> {
        match &self.steps.get(index)?.body {
            StepBody::Command(command) => Some(command),
            _ => None,
        }
    }

    pub fn command_mut(&mut self, index: usize) -> Option<&mut CommandStep> {
        match &mut self.steps.get_mut(index)?.body {
            StepBody::Command(command) => Some(command),
            _ => None,
        }
    }

    /// The running command, if any.
    pub fn running(&self) -> Option<usize> {
        self.steps
            .iter()
            .position(|s| s.status == StepStatus::Running)
    }

    pub fn select(&mut self, delta: isize) {
        if self.steps.is_empty() {
            return;
        }
        let last = self.steps.len() - 1;
        self.selected = match delta {
            isize::MIN => 0,
            isize::MAX => last,
            delta => self.selected.saturating_add_signed(delta).min(last),
        };
    }

    /// Every step not settled becomes rejected (the loop stops).
    pub fn reject_rest(&mut self) {
        for step in &mut self.steps {
            if !step.status.is_settled() {
                step.status = StepStatus::Rejected;
            }
        }
    }

    /// Steps whose write should be previewed: (index, planned argv).
    pub fn previews_wanted(&self) -> Vec<(usize, Vec<String>)> {
        self.steps
            .iter()
            .enumerate()
            .filter(|(_, step)| step.status == StepStatus::Queued)
            .filter_map(|(index, step)| match &step.body {
                StepBody::Command(command) if command.wants_preview() => {
                    Some((index, command.planned.clone()))
                }
                _ => None,
            })
            .collect()
    }

    /// Re-gate queued commands after the mode changed.
    pub fn regate(&mut self, target: &Target) {
        for step in &mut self.steps {
            if step.status == StepStatus::Queued
                && let StepBody::Command(command) = &mut step.body
            {
                command.prepare(target);
            }
            if step.status == StepStatus::Queued
                && let StepBody::Rollout(rollout) = &mut step.body
            {
                rollout.prepare(target);
            }
        }
    }

    /// Whether the plan ends the loop (it holds a `done`).
    pub fn is_final(&self) -> bool {
        self.steps
            .iter()
            .any(|s| matches!(s.body, StepBody::Note { label: "done", .. }))
    }
}

fn body_of(action: &Action, target: &Target) -> StepBody {
    match action {
        Action::Command(command) => StepBody::Command(Box::new(CommandStep::new(
            command.argv.clone(),
            command.explanation.clone(),
            command.allowed_exit_codes.clone(),
            target,
        ))),
        Action::Thought { text } => StepBody::Note {
            label: "thought",
            text: text.clone(),
        },
        Action::Feedback {
            explanation,
            suggestion,
        } => StepBody::Note {
            label: "feedback",
            text: match suggestion {
                Some(suggestion) if !suggestion.trim().is_empty() => {
                    format!("{explanation}\n\nSuggestion: {suggestion}")
                }
                _ => explanation.clone(),
            },
        },
        Action::Done { summary } => StepBody::Note {
            label: "done",
            text: summary.clone(),
        },
        Action::Error { message } => StepBody::Note {
            label: "error",
            text: message.clone(),
        },
        Action::Wait { seconds, reason } => StepBody::Wait {
            seconds: *seconds,
            reason: reason.clone(),
        },
        Action::RolloutWatch(watch) => crate::app::rollouts::step::body(watch, target),
        Action::PortForward(forward) => StepBody::Forward(Box::new(
            crate::app::forwards::plan_step::ForwardStep::new(forward, target),
        )),
    }
}
