//! Approval modes and the gate every planned command passes: from the mode, the context's
//! guard rails and the risk our policy computed, decide whether a command runs, waits for a
//! key, waits for the target's name to be typed, or is refused.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::agent::policy::Risk;

/// How much the cockpit runs without asking. Switchable at runtime, shown in the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Plans are shown; nothing runs (commands can be copied).
    Suggest,
    /// Every command waits for a key press.
    #[default]
    Confirm,
    /// Read commands run at once; data egress and writes wait for a key.
    AutoRead,
    /// Reads and writes run at once; destructive commands still need their name typed.
    Auto,
}

impl Mode {
    pub const ALL: [Mode; 4] = [Mode::Suggest, Mode::Confirm, Mode::AutoRead, Mode::Auto];

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Suggest => "suggest",
            Mode::Confirm => "confirm",
            Mode::AutoRead => "auto-read",
            Mode::Auto => "auto",
        }
    }

    /// The next mode in [`Mode::ALL`] order, wrapping (the status-bar key cycles with it).
    pub fn next(self) -> Mode {
        let i = Mode::ALL.iter().position(|m| *m == self).unwrap_or(0);
        Mode::ALL[(i + 1) % Mode::ALL.len()]
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A mode name that is not one of [`Mode::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown mode `{0}`: use suggest, confirm, auto-read or auto")]
pub struct UnknownMode(pub String);

impl FromStr for Mode {
    type Err = UnknownMode;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Mode::ALL
            .into_iter()
            .find(|mode| mode.as_str() == text.trim())
            .ok_or_else(|| UnknownMode(text.trim().to_owned()))
    }
}

/// The guard rails of the context a command would run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Guard {
    /// Every write is refused, whatever the mode (`--read-only` or the context's setting).
    pub read_only: bool,
    /// The context is marked production: shown red, and `auto` does not apply to it.
    pub production: bool,
}

/// What happens to one planned command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// Runs without a key press.
    Run,
    /// Waits for the operator's approval key.
    Ask,
    /// Waits for the operator to type this text (the target's name) to confirm.
    AskTyped(String),
    /// Shown only: `suggest` mode runs nothing.
    ShowOnly,
    /// Never runs; the reason is shown.
    Refuse(String),
}

impl Gate {
    /// Whether the command runs without the operator.
    pub fn runs_unattended(&self) -> bool {
        matches!(self, Gate::Run)
    }
}

/// Effective mode for a context: `auto` is refused for production and falls back to `confirm`.
pub fn effective_mode(mode: Mode, guard: Guard) -> Mode {
    if mode == Mode::Auto && guard.production {
        Mode::Confirm
    } else {
        mode
    }
}

/// The gate for a command of `risk`. `typed` is the text a destructive command must have typed
/// (from [`crate::agent::policy::Classification::needs_typed_confirmation`]).
pub fn gate(mode: Mode, guard: Guard, risk: Risk, typed: Option<String>) -> Gate {
    let writes = matches!(risk, Risk::Write | Risk::Destructive);
    if writes && guard.read_only {
        return Gate::Refuse(format!(
            "read-only: this {risk} command is refused on this context"
        ));
    }
    if mode == Mode::Suggest {
        return Gate::ShowOnly;
    }
    if risk == Risk::Destructive {
        return Gate::AskTyped(typed.unwrap_or_else(|| "yes".to_owned()));
    }
    match (effective_mode(mode, guard), risk) {
        (Mode::AutoRead | Mode::Auto, Risk::Read) => Gate::Run,
        (Mode::Auto, Risk::Write) => Gate::Run,
        _ => Gate::Ask,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPEN: Guard = Guard {
        read_only: false,
        production: false,
    };

    #[test]
    fn modes_parse_and_print_the_same_names() {
        for mode in Mode::ALL {
            assert_eq!(mode.as_str().parse::<Mode>(), Ok(mode));
        }
        assert_eq!(
            "yolo".parse::<Mode>().map_err(|error| error.to_string()),
            Err("unknown mode `yolo`: use suggest, confirm, auto-read or auto".to_owned())
        );
        assert_eq!(Mode::Auto.next(), Mode::Suggest);
    }

    #[test]
    fn confirm_asks_for_everything_and_types_destructive_names() {
        for risk in [Risk::Read, Risk::DataEgress, Risk::Write] {
            assert_eq!(gate(Mode::Confirm, OPEN, risk, None), Gate::Ask);
        }
        assert_eq!(
            gate(Mode::Confirm, OPEN, Risk::Destructive, Some("web".into())),
            Gate::AskTyped("web".into())
        );
    }

    #[test]
    fn auto_read_runs_reads_only_and_data_egress_still_asks() {
        assert_eq!(gate(Mode::AutoRead, OPEN, Risk::Read, None), Gate::Run);
        assert_eq!(
            gate(Mode::AutoRead, OPEN, Risk::DataEgress, None),
            Gate::Ask
        );
        assert_eq!(gate(Mode::AutoRead, OPEN, Risk::Write, None), Gate::Ask);
    }

    #[test]
    fn auto_runs_writes_but_not_on_production_and_never_destructive() {
        assert_eq!(gate(Mode::Auto, OPEN, Risk::Write, None), Gate::Run);
        assert_eq!(gate(Mode::Auto, OPEN, Risk::DataEgress, None), Gate::Ask);
        let production = Guard {
            production: true,
            ..OPEN
        };
        assert_eq!(gate(Mode::Auto, production, Risk::Write, None), Gate::Ask);
        assert_eq!(gate(Mode::Auto, production, Risk::Read, None), Gate::Ask);
        assert_eq!(effective_mode(Mode::Auto, production), Mode::Confirm);
        assert!(matches!(
            gate(Mode::Auto, OPEN, Risk::Destructive, Some("db".into())),
            Gate::AskTyped(name) if name == "db"
        ));
    }

    #[test]
    fn read_only_refuses_writes_in_every_mode_and_suggest_runs_nothing() {
        let read_only = Guard {
            read_only: true,
            ..OPEN
        };
        for mode in Mode::ALL {
            assert!(matches!(
                gate(mode, read_only, Risk::Write, None),
                Gate::Refuse(_)
            ));
            assert!(matches!(
                gate(mode, read_only, Risk::Destructive, None),
                Gate::Refuse(_)
            ));
        }
        assert_eq!(gate(Mode::Suggest, OPEN, Risk::Read, None), Gate::ShowOnly);
        assert_eq!(gate(Mode::AutoRead, read_only, Risk::Read, None), Gate::Run);
    }
}
