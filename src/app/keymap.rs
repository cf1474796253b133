//! The one key table: every action with its default keys, where it applies and what it does.
//! Help and config rebinding are both generated from it.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Something the operator can ask for with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Quit,
    Interrupt,
    FocusNext,
    FocusPrev,
    Help,
    Cancel,
    ScrollUp,
    ScrollDown,
    LineUp,
    LineDown,
    ScrollTop,
    ScrollBottom,
    Send,
    Newline,
    HistoryPrev,
    HistoryNext,
    Approve,
    Reject,
    RejectWithNote,
    Edit,
    ApproveRemember,
    ApproveReads,
    Copy,
    SaveOutput,
    ClearMemory,
    PauseMemory,
    CycleMode,
    PromptViewer,
    ViewOutput,
    WatchFilter,
    WatchCommand,
    FlipSort,
    Open,
    NextView,
    PrevView,
    Zoom,
    Rollout,
    PortForward,
    Logs,
    Events,
}

/// Where a binding applies. Pane-specific scopes win over `Global`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// Anywhere, including while typing.
    Global,
    /// The chat pane, whose input takes every other key as text.
    Chat,
    /// The list panes (plan, watch, memory), where plain letters are free.
    Pane,
}

impl Scope {
    fn label(self) -> &'static str {
        match self {
            Scope::Global => "anywhere",
            Scope::Chat => "chat",
            Scope::Pane => "other panes",
        }
    }
}

struct Binding {
    action: Action,
    name: &'static str,
    scope: Scope,
    defaults: &'static [&'static str],
    help: &'static str,
}

const TABLE: &[Binding] = &[
    Binding {
        action: Action::Send,
        name: "send",
        scope: Scope::Chat,
        defaults: &["enter"],
        help: "send the prompt",
    },
    Binding {
        action: Action::Newline,
        name: "newline",
        scope: Scope::Chat,
        defaults: &["alt+enter", "shift+enter"],
        help: "new line in the prompt",
    },
    Binding {
        action: Action::HistoryPrev,
        name: "history_prev",
        scope: Scope::Chat,
        defaults: &["up"],
        help: "earlier prompt (on the first line)",
    },
    Binding {
        action: Action::HistoryNext,
        name: "history_next",
        scope: Scope::Chat,
        defaults: &["down"],
        help: "later prompt (on the last line)",
    },
    Binding {
        action: Action::ScrollUp,
        name: "scroll_up",
        scope: Scope::Global,
        defaults: &["pageup"],
        help: "scroll up a page",
    },
    Binding {
        action: Action::ScrollDown,
        name: "scroll_down",
        scope: Scope::Global,
        defaults: &["pagedown"],
        help: "scroll down a page",
    },
    Binding {
        action: Action::ScrollTop,
        name: "scroll_top",
        scope: Scope::Chat,
        defaults: &["ctrl+home"],
        help: "scroll to the top",
    },
    Binding {
        action: Action::ScrollBottom,
        name: "scroll_bottom",
        scope: Scope::Chat,
        defaults: &["ctrl+end"],
        help: "scroll to the bottom and follow",
    },
    Binding {
        action: Action::ScrollTop,
        name: "pane_top",
        scope: Scope::Pane,
        defaults: &["home", "g"],
        help: "scroll to the top",
    },
    Binding {
        action: Action::ScrollBottom,
        name: "pane_bottom",
        scope: Scope::Pane,
        defaults: &["end", "G"],
        help: "scroll to the bottom",
    },
    Binding {
        action: Action::LineUp,
        name: "line_up",
        scope: Scope::Pane,
        defaults: &["up", "k"],
        help: "scroll up a line",
    },
    Binding {
        action: Action::LineDown,
        name: "line_down",
        scope: Scope::Pane,
        defaults: &["down", "j"],
        help: "scroll down a line",
    },
    Binding {
        action: Action::FocusNext,
        name: "focus_next",
        scope: Scope::Global,
        defaults: &["tab"],
        help: "focus the next pane",
    },
    Binding {
        action: Action::FocusPrev,
        name: "focus_prev",
        scope: Scope::Global,
        defaults: &["shift+tab"],
        help: "focus the previous pane",
    },
    Binding {
        action: Action::Help,
        name: "help_anywhere",
        scope: Scope::Global,
        defaults: &["f1"],
        help: "show this help",
    },
    Binding {
        action: Action::Help,
        name: "help",
        scope: Scope::Pane,
        defaults: &["?"],
        help: "show this help",
    },
    Binding {
        action: Action::Cancel,
        name: "cancel",
        scope: Scope::Global,
        defaults: &["esc"],
        help: "stop everything (answer, command) / skip a wait / close",
    },
    Binding {
        action: Action::Interrupt,
        name: "interrupt",
        scope: Scope::Global,
        defaults: &["ctrl+c"],
        help: "cancel the answer, else quit",
    },
    Binding {
        action: Action::Approve,
        name: "approve",
        scope: Scope::Pane,
        defaults: &["y"],
        help: "plan: approve the waiting step (memory: confirm clearing) · watch: YAML of the row",
    },
    Binding {
        action: Action::Reject,
        name: "reject",
        scope: Scope::Pane,
        defaults: &["n"],
        help: "plan: reject the waiting step; the loop stops",
    },
    Binding {
        action: Action::RejectWithNote,
        name: "reject_note",
        scope: Scope::Pane,
        defaults: &["N"],
        help: "plan: reject with a note; the model plans again",
    },
    Binding {
        action: Action::Edit,
        name: "edit",
        scope: Scope::Pane,
        defaults: &["e"],
        help: "plan: edit the selected command · memory: edit it · rollouts: ask the model to explain",
    },
    Binding {
        action: Action::ApproveRemember,
        name: "approve_note",
        scope: Scope::Pane,
        defaults: &["a"],
        help: "plan: approve and add a note to memory",
    },
    Binding {
        action: Action::ApproveReads,
        name: "approve_reads",
        scope: Scope::Pane,
        defaults: &["A"],
        help: "plan: approve every read-only step of this plan",
    },
    Binding {
        action: Action::Copy,
        name: "copy",
        scope: Scope::Pane,
        defaults: &["c"],
        help: "plan: copy the selected command",
    },
    Binding {
        action: Action::SaveOutput,
        name: "save_output",
        scope: Scope::Pane,
        defaults: &["s"],
        help: "plan: save the selected command's full output · watch: next sort column",
    },
    Binding {
        action: Action::ClearMemory,
        name: "clear_memory",
        scope: Scope::Pane,
        defaults: &["x"],
        help: "memory: clear it (asks first) · rollouts: stop following the selected one",
    },
    Binding {
        action: Action::PauseMemory,
        name: "pause_memory",
        scope: Scope::Pane,
        defaults: &["p"],
        help: "memory: pause / resume updates from the model",
    },
    Binding {
        action: Action::CycleMode,
        name: "cycle_mode",
        scope: Scope::Global,
        defaults: &["f3"],
        help: "next mode: suggest, confirm, auto-read, auto",
    },
    Binding {
        action: Action::ViewOutput,
        name: "view_output",
        scope: Scope::Pane,
        defaults: &["o"],
        help: "plan: view the selected command's full output",
    },
    Binding {
        action: Action::PromptViewer,
        name: "prompt_viewer",
        scope: Scope::Global,
        defaults: &["f2"],
        help: "show the last prompt sent to the model",
    },
    Binding {
        action: Action::Quit,
        name: "quit",
        scope: Scope::Pane,
        defaults: &["q"],
        help: "quit",
    },
    Binding {
        action: Action::WatchFilter,
        name: "watch_filter",
        scope: Scope::Pane,
        defaults: &["/"],
        help: "watch: filter rows (text, ~regex, ! inverts; Esc clears)",
    },
    Binding {
        action: Action::WatchCommand,
        name: "watch_command",
        scope: Scope::Pane,
        defaults: &[":"],
        help: "watch: command (:pods :deploy :svc :nodes :events :ns NAME :all; Tab completes)",
    },
    Binding {
        action: Action::FlipSort,
        name: "watch_sort_order",
        scope: Scope::Pane,
        defaults: &["S"],
        help: "watch: flip the sort order",
    },
    Binding {
        action: Action::Open,
        name: "watch_open",
        scope: Scope::Pane,
        defaults: &["enter"],
        help: "watch: open the row (a deployment: its pods) · rollouts: expand or collapse",
    },
    Binding {
        action: Action::NextView,
        name: "next_view",
        scope: Scope::Pane,
        defaults: &["]"],
        help: "live pane: next view (watch, rollouts, forwards, logs, events)",
    },
    Binding {
        action: Action::PrevView,
        name: "prev_view",
        scope: Scope::Pane,
        defaults: &["["],
        help: "live pane: previous view",
    },
    Binding {
        action: Action::Zoom,
        name: "zoom",
        scope: Scope::Pane,
        defaults: &["z"],
        help: "the focused pane takes the whole screen (again: the cockpit comes back)",
    },
    Binding {
        action: Action::Rollout,
        name: "rollout",
        scope: Scope::Pane,
        defaults: &["r"],
        help: "watch: follow the selected workload's rollout",
    },
    Binding {
        action: Action::PortForward,
        name: "port_forward",
        scope: Scope::Pane,
        defaults: &["f"],
        help: "watch: forward a port of the selected pod or service",
    },
    Binding {
        action: Action::Logs,
        name: "logs",
        scope: Scope::Pane,
        defaults: &["l"],
        help: "watch: tail the logs of the selected pod or workload",
    },
    Binding {
        action: Action::Events,
        name: "events",
        scope: Scope::Pane,
        defaults: &["E"],
        help: "watch: the events of the selected object (or of the namespace)",
    },
];

/// A key with its modifiers, as written in the config file (`ctrl+c`, `alt+enter`, `pageup`, `?`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeySpec {
    code: KeyCode,
    mods: KeyModifiers,
}

impl KeySpec {
    /// The spec of a key event, normalised so that `?` and `shift+/` style reports agree.
    pub fn from_event(event: &KeyEvent) -> Self {
        let mut mods =
            event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match event.code {
            KeyCode::BackTab => {
                mods |= KeyModifiers::SHIFT;
                KeyCode::Tab
            }
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c)
            }
            other => other,
        };
        Self { code, mods }
    }

    pub fn parse(text: &str) -> Result<Self, KeymapError> {
        let bad = || KeymapError::BadKey(text.to_string());
        let mut mods = KeyModifiers::NONE;
        let mut parts: Vec<&str> = text.split('+').collect();
        // "ctrl++" names the plus key.
        if text.ends_with("++") {
            parts.truncate(parts.len() - 2);
            parts.push("+");
        }
        let (key, modifiers) = parts.split_last().ok_or_else(bad)?;
        for m in modifiers {
            mods |= match m.to_ascii_lowercase().as_str() {
                "ctrl" | "control" | "c" => KeyModifiers::CONTROL,
                "alt" | "meta" | "m" => KeyModifiers::ALT,
                "shift" | "s" => KeyModifiers::SHIFT,
                _ => return Err(bad()),
            };
        }
        let code = match key.to_ascii_lowercase().as_str() {
            "enter" | "return" => KeyCode::Enter,
            "tab" => KeyCode::Tab,
            "backtab" => {
                mods |= KeyModifiers::SHIFT;
                KeyCode::Tab
            }
            "esc" | "escape" => KeyCode::Esc,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" | "ins" => KeyCode::Insert,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" | "pgup" => KeyCode::PageUp,
            "pagedown" | "pgdn" | "pgdown" => KeyCode::PageDown,
            lower if lower.len() > 1 && lower.starts_with('f') => {
                let n: u8 = lower[1..].parse().map_err(|_| bad())?;
                if !(1..=24).contains(&n) {
                    return Err(bad());
                }
                KeyCode::F(n)
            }
            _ => {
                let mut chars = key.chars();
                let (Some(c), None) = (chars.next(), chars.next()) else {
                    return Err(bad());
                };
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c)
            }
        };
        Ok(Self { code, mods })
    }
}

impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (flag, name) in [
            (KeyModifiers::CONTROL, "ctrl+"),
            (KeyModifiers::ALT, "alt+"),
            (KeyModifiers::SHIFT, "shift+"),
        ] {
            if self.mods.contains(flag) {
                f.write_str(name)?;
            }
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            other => write!(f, "{}", format!("{other:?}").to_ascii_lowercase()),
        }
    }
}

/// A key-table problem in the config file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    #[error(
        "[keys]: `{0}` is not a key (try e.g. \"ctrl+q\", \"alt+enter\", \"pageup\", \"f2\", \"?\")"
    )]
    BadKey(String),
    #[error("[keys]: unknown action `{name}`; actions are: {known}")]
    UnknownAction { name: String, known: String },
}

/// One line of the help overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpRow {
    pub keys: String,
    pub scope: &'static str,
    pub help: &'static str,
}

/// The effective key table: defaults with the config's rebindings applied.
#[derive(Debug, Clone)]
pub struct Keymap {
    lookup: HashMap<(Scope, KeySpec), Action>,
    rows: Vec<(usize, Vec<KeySpec>)>,
}

impl Default for Keymap {
    fn default() -> Self {
        Self::new(&BTreeMap::new()).unwrap_or_else(|_| Self {
            lookup: HashMap::new(),
            rows: Vec::new(),
        })
    }
}

impl Keymap {
    /// Build the table; `overrides` maps a binding name to the keys that replace its defaults.
    pub fn new(overrides: &BTreeMap<String, Vec<String>>) -> Result<Self, KeymapError> {
        for name in overrides.keys() {
            if !TABLE.iter().any(|b| b.name == name) {
                return Err(KeymapError::UnknownAction {
                    name: name.clone(),
                    known: TABLE.iter().map(|b| b.name).collect::<Vec<_>>().join(", "),
                });
            }
        }
        let mut lookup = HashMap::new();
        let mut rows = Vec::with_capacity(TABLE.len());
        for (index, binding) in TABLE.iter().enumerate() {
            let specs = match overrides.get(binding.name) {
                Some(keys) => keys
                    .iter()
                    .map(|k| KeySpec::parse(k))
                    .collect::<Result<Vec<_>, _>>()?,
                None => binding
                    .defaults
                    .iter()
                    .map(|k| KeySpec::parse(k))
                    .collect::<Result<Vec<_>, _>>()?,
            };
            for spec in &specs {
                lookup.insert((binding.scope, *spec), binding.action);
            }
            rows.push((index, specs));
        }
        Ok(Self { lookup, rows })
    }

    /// The action for a key in `scope`, falling back to the global bindings.
    pub fn action(&self, scope: Scope, event: &KeyEvent) -> Option<Action> {
        let spec = KeySpec::from_event(event);
        self.lookup
            .get(&(scope, spec))
            .or_else(|| self.lookup.get(&(Scope::Global, spec)))
            .copied()
    }

    /// The first key bound to `action` in any scope, for hints (`? help`).
    pub fn key_for(&self, action: Action) -> Option<String> {
        self.rows
            .iter()
            .find(|(index, specs)| TABLE[*index].action == action && !specs.is_empty())
            .and_then(|(_, specs)| specs.first().map(ToString::to_string))
    }

    /// The help overlay's rows, in table order.
    pub fn help_rows(&self) -> Vec<HelpRow> {
        self.rows
            .iter()
            .filter(|(_, specs)| !specs.is_empty())
            .map(|(index, specs)| HelpRow {
                keys: specs
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" / "),
                scope: TABLE[*index].scope.label(),
                help: TABLE[*index].help,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn defaults_resolve_by_scope_then_global() {
        let map = Keymap::default();
        let q = key(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(map.action(Scope::Pane, &q), Some(Action::Quit));
        assert_eq!(map.action(Scope::Chat, &q), None, "q is text while typing");
        let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(map.action(Scope::Chat, &ctrl_c), Some(Action::Interrupt));
        let backtab = key(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(map.action(Scope::Chat, &backtab), Some(Action::FocusPrev));
        let question = key(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(map.action(Scope::Pane, &question), Some(Action::Help));
        let alt_enter = key(KeyCode::Enter, KeyModifiers::ALT);
        assert_eq!(map.action(Scope::Chat, &alt_enter), Some(Action::Newline));
    }

    #[test]
    fn overrides_replace_defaults() {
        let overrides = BTreeMap::from([("quit".to_string(), vec!["ctrl+q".to_string()])]);
        let map = Keymap::new(&overrides).unwrap();
        assert_eq!(
            map.action(Scope::Pane, &key(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            map.action(Scope::Pane, &key(KeyCode::Char('q'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert!(
            map.help_rows()
                .iter()
                .any(|r| r.keys == "ctrl+q" && r.help == "quit")
        );
    }

    #[test]
    fn bad_config_is_named() {
        let unknown = BTreeMap::from([("qiut".to_string(), vec!["q".to_string()])]);
        let err = Keymap::new(&unknown).unwrap_err().to_string();
        assert!(
            err.contains("unknown action `qiut`") && err.contains("quit"),
            "{err}"
        );
        let bad = BTreeMap::from([("quit".to_string(), vec!["hyper+q".to_string()])]);
        assert_eq!(
            Keymap::new(&bad).unwrap_err(),
            KeymapError::BadKey("hyper+q".into())
        );
    }

    #[test]
    fn specs_round_trip_through_display() {
        for text in [
            "ctrl+c",
            "alt+enter",
            "shift+tab",
            "pgup",
            "f5",
            "?",
            "space",
            "ctrl+home",
        ] {
            let spec = KeySpec::parse(text).unwrap();
            assert_eq!(KeySpec::parse(&spec.to_string()).unwrap(), spec, "{text}");
        }
    }
}
