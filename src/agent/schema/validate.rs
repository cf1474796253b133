//! Rules a well-typed plan must still follow before anyone sees it.
//!
//! These are shape rules only (no shell program, bounded waits, a bounded number of steps). How
//! risky a command is — writes, deletes, pipes in argv — is the policy's decision, not this one.

use super::action::{Action, CommandAction, PortForward, RolloutWatch};
use super::error::SchemaError;
use super::{MAX_ACTIONS, MAX_WAIT_SECONDS, Plan};

/// Programs that run other commands: a plan must name the real program, not one of these.
const COMMAND_RUNNERS: [&str; 21] = [
    "sh",
    "bash",
    "zsh",
    "dash",
    "ksh",
    "mksh",
    "ash",
    "fish",
    "csh",
    "tcsh",
    "busybox",
    "pwsh",
    "powershell",
    "cmd",
    "env",
    "sudo",
    "doas",
    "xargs",
    "nohup",
    "eval",
    "exec",
];

/// Flags whose value the cockpit owns: commands run in the context it shows.
const COCKPIT_FLAGS: [&str; 2] = ["--context", "--kubeconfig"];

pub(super) fn validate(plan: &Plan) -> Result<(), SchemaError> {
    if plan.actions.is_empty() {
        return Err(SchemaError::NoActions);
    }
    if plan.actions.len() > MAX_ACTIONS {
        return Err(SchemaError::TooManyActions {
            count: plan.actions.len(),
            max: MAX_ACTIONS,
        });
    }
    plan.actions
        .iter()
        .enumerate()
        .try_for_each(|(index, action)| validate_action(index, action))
}

fn validate_action(index: usize, action: &Action) -> Result<(), SchemaError> {
    match action {
        Action::Command(command) => validate_command(index, command),
        Action::Wait { seconds, .. } if *seconds > MAX_WAIT_SECONDS => {
            Err(SchemaError::WaitOutOfRange {
                index,
                seconds: *seconds,
                max: MAX_WAIT_SECONDS,
            })
        }
        Action::RolloutWatch(RolloutWatch {
            name, namespace, ..
        }) => {
            require_text(index, "name", name)?;
            require_namespace(index, namespace.as_deref())
        }
        Action::PortForward(PortForward { namespace, .. }) => {
            require_namespace(index, namespace.as_deref())
        }
        _ => Ok(()),
    }
}

fn validate_command(index: usize, command: &CommandAction) -> Result<(), SchemaError> {
    let Some(program) = command.argv.first() else {
        return Err(SchemaError::EmptyArgv { index });
    };
    require_text(index, "argv[0]", program)?;
    if runs_other_commands(program) {
        return Err(SchemaError::ShellProgram {
            index,
            program: program.clone(),
        });
    }
    if let Some(flag) = command.argv.iter().find(|arg| sets_cockpit_flag(arg)) {
        return Err(SchemaError::ForbiddenFlag {
            index,
            flag: flag.clone(),
        });
    }
    match command
        .allowed_exit_codes
        .iter()
        .find(|code| !(0..=255).contains(*code))
    {
        Some(code) => Err(SchemaError::ExitCodeOutOfRange { index, code: *code }),
        None => Ok(()),
    }
}

/// `bash`, `/bin/sh`, `BASH.EXE` and the like.
fn runs_other_commands(program: &str) -> bool {
    let base = program.rsplit(['/', '\\']).next().unwrap_or(program);
    let base = base.to_ascii_lowercase();
    let base = base.strip_suffix(".exe").unwrap_or(&base);
    COMMAND_RUNNERS.contains(&base)
}

/// `--context`, `--context=prod` and the like.
fn sets_cockpit_flag(arg: &str) -> bool {
    COCKPIT_FLAGS.into_iter().any(|flag| {
        arg.strip_prefix(flag)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('='))
    })
}

fn require_text(index: usize, field: &'static str, text: &str) -> Result<(), SchemaError> {
    if text.trim().is_empty() {
        return Err(SchemaError::EmptyField { index, field });
    }
    Ok(())
}

fn require_namespace(index: usize, namespace: Option<&str>) -> Result<(), SchemaError> {
    namespace.map_or(Ok(()), |namespace| {
        require_text(index, "namespace", namespace)
    })
}
