//! The port-forwards view: the forwards the operator started (`f` on a pod or service row,
//! `:pf NAME`, a planner's port_forward step), their state and traffic; `x` stops one, `s`
//! saves one by name, Enter restarts a stopped one, `:pf rm NAME` forgets a saved one.

pub mod plan_step;
pub mod ports;
pub mod task;

use std::collections::BTreeMap;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::effect::Effect;
use crate::app::keymap::{Action, Scope};
use crate::app::live_view::{self, LiveView};
use crate::app::model::Model;
use crate::app::watch::{ObjectRef, WatchKind};
use crate::live::forward::{ForwardEvent, ForwardSpec, ForwardState, ForwardTarget, Traffic};
use ports::PortChoice;

/// What the runner does for the view (`Effect::Forwards`).
#[derive(Debug, Clone, PartialEq)]
pub enum ForwardEffect {
    /// Start forward `id`; its events come back as `ForwardMsg::Event { id, .. }`.
    Start { id: u64, spec: ForwardSpec },
    /// Stop forward `id`: its listener and connections close.
    Stop { id: u64 },
    /// Read the object to offer its ports (`ForwardMsg::Fetched`).
    Ports { object: ObjectRef },
    /// Read the saved forwards of the context, then start `start` if named.
    Load { start: Option<String> },
    /// Save `spec` as `name` for the context.
    Save { name: String, spec: ForwardSpec },
    /// Forget the saved forward `name` of the context (`ForwardMsg::Removed`).
    Remove { name: String },
}

/// What comes back to the view (`Msg::Forwards`).
#[derive(Debug, Clone, PartialEq)]
pub enum ForwardMsg {
    Event {
        id: u64,
        event: ForwardEvent,
    },
    Fetched {
        object: ObjectRef,
        result: Result<serde_json::Value, String>,
    },
    /// The saved forwards after a load or a save, and the one to start.
    Saved {
        saved: Result<BTreeMap<String, ForwardSpec>, String>,
        start: Option<String>,
    },
    /// After `Remove { name }`: whether it was saved, and the saved forwards left.
    Removed {
        name: String,
        result: Result<(bool, BTreeMap<String, ForwardSpec>), String>,
    },
}

/// One forward on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct ForwardRow {
    pub id: u64,
    pub spec: ForwardSpec,
    /// The name it was saved or started under.
    pub name: Option<String>,
    /// The local port bound, once it is.
    pub local_port: Option<u16>,
    pub pod: Option<String>,
    pub pod_port: Option<u16>,
    pub state: ForwardState,
    pub traffic: Traffic,
    pub last_error: Option<String>,
    /// The latest note: a busy local port replaced, a reconnection.
    pub note: Option<String>,
    /// The plan step (plan id, index) waiting for its first report.
    pub plan_step: Option<(u64, usize)>,
}

impl ForwardRow {
    /// `127.0.0.1:8080 → svc/web:80`.
    pub fn ports_text(&self) -> String {
        let local = self.local_port.map_or_else(
            || format!("{}?", self.spec.wanted_local_port()),
            |p| p.to_string(),
        );
        let kind = match self.spec.target {
            ForwardTarget::Pod { .. } => "pod",
            ForwardTarget::Service { .. } => "svc",
        };
        format!(
            "{local} → {kind}/{}:{}",
            self.spec.target.name(),
            self.spec.remote_port
        )
    }
}

/// The port picker shown when the object has several ports.
#[derive(Debug, Clone, PartialEq)]
pub struct Picker {
    pub target: ForwardTarget,
    pub choices: Vec<PortChoice>,
    pub selected: usize,
}

/// What the view holds.
#[derive(Debug, Default)]
pub struct ForwardsState {
    pub rows: Vec<ForwardRow>,
    pub selected: usize,
    pub picker: Option<Picker>,
    /// The name being typed for `s` (row id, text).
    pub naming: Option<(u64, String)>,
    /// The saved forwards, once read.
    pub saved: Option<BTreeMap<String, ForwardSpec>>,
    /// Whether the saved forwards were asked for already (at start or after a context switch).
    saved_requested: bool,
    next_id: u64,
}

impl ForwardsState {
    pub fn row_mut(&mut self, id: u64) -> Option<&mut ForwardRow> {
        self.rows.iter_mut().find(|r| r.id == id)
    }

    pub fn selected_row(&self) -> Option<&ForwardRow> {
        self.rows.get(self.selected)
    }

    /// Forgets the saved forwards read (another context's are read next).
    pub fn forget_saved(&mut self) {
        self.saved = None;
        self.saved_requested = false;
    }

    /// Forwards still running (or starting).
    pub fn live(&self) -> usize {
        self.rows.iter().filter(|r| r.state.is_live()).count()
    }
}

/// Starts `spec` as a new row, selects it and shows the view.
pub fn start(
    model: &mut Model,
    spec: ForwardSpec,
    name: Option<String>,
    plan_step: Option<(u64, usize)>,
) -> Vec<Effect> {
    let state = &mut model.forwards;
    state.next_id += 1;
    let id = state.next_id;
    state.rows.push(ForwardRow {
        id,
        spec: spec.clone(),
        name,
        local_port: None,
        pod: None,
        pod_port: None,
        state: ForwardState::Starting,
        traffic: Traffic::default(),
        last_error: None,
        note: None,
        plan_step,
    });
    state.selected = state.rows.len() - 1;
    live_view::show(model, LiveView::Forwards);
    vec![Effect::Forwards(ForwardEffect::Start { id, spec })]
}

/// `f` on a watch row: forward a port of the selected pod or service.
pub fn open_from_watch(model: &mut Model) -> Vec<Effect> {
    let Some(object) = crate::app::watch::selected_object(model) else {
        model.flash = Some("no row selected".into());
        return Vec::new();
    };
    if !matches!(object.kind, WatchKind::Pods | WatchKind::Services) {
        model.flash = Some(format!(
            "f forwards a port of a pod or a service, not of a {}",
            object.kind.title()
        ));
        return Vec::new();
    }
    model.flash = Some(format!("reading the ports of {}…", object.name));
    model.dirty = true;
    vec![Effect::Forwards(ForwardEffect::Ports { object })]
}

/// A message for the view from the runner.
pub fn on_msg(model: &mut Model, msg: ForwardMsg, now: Instant) -> Vec<Effect> {
    model.dirty = true;
    match msg {
        ForwardMsg::Event { id, event } => on_event(model, id, event, now),
        ForwardMsg::Fetched { object, result } => on_ports(model, object, result),
        ForwardMsg::Saved { saved, start } => match saved {
            Ok(saved) => {
                model.forwards.saved = Some(saved);
                match start {
                    Some(name) => start_saved(model, &name),
                    None => Vec::new(),
                }
            }
            // A read nobody asked for (at start) fails quietly: `:pf` reads and tells again.
            Err(error) => {
                if start.is_some() || model.live_view == LiveView::Forwards {
                    model.flash = Some(error);
                }
                Vec::new()
            }
        },
        ForwardMsg::Removed { name, result } => {
            match result {
                Ok((removed, saved)) => {
                    model.forwards.saved = Some(saved);
                    model.flash = Some(if removed {
                        format!("removed the saved forward {name}")
                    } else {
                        unknown_name(model, &name)
                    });
                }
                Err(error) => model.flash = Some(error),
            }
            Vec::new()
        }
    }
}

/// Reads the saved forwards of the context once (at start, after a context switch), so that
/// the command bar completes their names.
pub fn preload(model: &mut Model) -> Vec<Effect> {
    let state = &mut model.forwards;
    if state.saved.is_some() || state.saved_requested {
        return Vec::new();
    }
    state.saved_requested = true;
    vec![Effect::Forwards(ForwardEffect::Load { start: None })]
}

fn on_event(model: &mut Model, id: u64, event: ForwardEvent, now: Instant) -> Vec<Effect> {
    let Some(row) = model.forwards.row_mut(id) else {
        return Vec::new();
    };
    if row.state == ForwardState::Stopped {
        return Vec::new();
    }
    match event {
        ForwardEvent::Listening { port, note } => {
            row.local_port = Some(port);
            if let Some(note) = note {
                row.note = Some(note.clone());
                model.flash = Some(note);
            }
        }
        ForwardEvent::Pod { pod, port, note } => {
            row.pod = Some(pod);
            row.pod_port = Some(port);
            if let Some(note) = note {
                row.note = Some(note.clone());
                model.flash = Some(format!("forward {}: {note}", row.ports_text()));
            }
        }
        ForwardEvent::State(state) => {
            if let ForwardState::Failed { error } = &state {
                row.last_error = Some(error.clone());
                model.flash = Some(format!("forward {} failed: {error}", row.ports_text()));
            }
            row.state = state;
        }
        ForwardEvent::Traffic(traffic) => row.traffic = traffic,
        ForwardEvent::Error(error) => row.last_error = Some(error),
    }
    plan_step::on_row_changed(model, id, now)
}

fn on_ports(
    model: &mut Model,
    object: ObjectRef,
    result: Result<serde_json::Value, String>,
) -> Vec<Effect> {
    let value = match result {
        Ok(value) => value,
        Err(error) => {
            model.flash = Some(error);
            return Vec::new();
        }
    };
    let namespace = object
        .namespace
        .clone()
        .unwrap_or_else(|| model.cluster.namespace.clone());
    let (target, choices) = match object.kind {
        WatchKind::Services => (
            ForwardTarget::Service {
                namespace,
                name: object.name.clone(),
            },
            ports::service_ports(&value),
        ),
        _ => (
            ForwardTarget::Pod {
                namespace,
                name: object.name.clone(),
            },
            ports::pod_ports(&value),
        ),
    };
    match choices.as_slice() {
        [] => {
            model.flash = Some(format!(
                "{} {} declares no TCP port to forward",
                object.kind.title(),
                object.name
            ));
            Vec::new()
        }
        [only] => {
            model.flash = None;
            let spec = ForwardSpec {
                target,
                remote_port: only.port,
                local_port: None,
            };
            start(model, spec, None, None)
        }
        _ => {
            model.flash = Some("pick a port: j/k moves, Enter forwards, Esc cancels".into());
            model.forwards.picker = Some(Picker {
                target,
                choices,
                selected: 0,
            });
            live_view::show(model, LiveView::Forwards);
            Vec::new()
        }
    }
}

/// A key before the key table: the picker and the name input take every key while open;
/// otherwise the movement keys move the selection.
pub fn on_raw_key(model: &mut Model, key: KeyEvent) -> Option<Vec<Effect>> {
    if model.forwards.picker.is_some() {
        return Some(on_picker_key(model, key));
    }
    if model.forwards.naming.is_some() {
        return Some(on_name_key(model, key));
    }
    let delta = match model.keymap.action(Scope::Pane, &key)? {
        Action::LineUp => -1,
        Action::LineDown => 1,
        Action::ScrollTop => isize::MIN,
        Action::ScrollBottom => isize::MAX,
        _ => return None,
    };
    move_selection(
        &mut model.forwards.selected,
        model.forwards.rows.len(),
        delta,
    );
    Some(Vec::new())
}

fn move_selection(selected: &mut usize, len: usize, delta: isize) {
    if len == 0 {
        *selected = 0;
        return;
    }
    *selected = match delta {
        isize::MIN => 0,
        isize::MAX => len - 1,
        delta => selected.saturating_add_signed(delta).min(len - 1),
    };
}

fn on_picker_key(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    let Some(picker) = model.forwards.picker.as_mut() else {
        return Vec::new();
    };
    let len = picker.choices.len();
    match key.code {
        KeyCode::Esc => {
            model.forwards.picker = None;
            model.flash = Some("no port forwarded".into());
        }
        KeyCode::Up | KeyCode::Char('k') => move_selection(&mut picker.selected, len, -1),
        KeyCode::Down | KeyCode::Char('j') => move_selection(&mut picker.selected, len, 1),
        KeyCode::Char(digit @ '1'..='9') => {
            let index = usize::from(digit as u8 - b'1');
            if index < len {
                picker.selected = index;
                return pick(model);
            }
        }
        KeyCode::Enter => return pick(model),
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            model.forwards.picker = None;
        }
        _ => {}
    }
    Vec::new()
}

fn pick(model: &mut Model) -> Vec<Effect> {
    let Some(picker) = model.forwards.picker.take() else {
        return Vec::new();
    };
    let Some(choice) = picker.choices.get(picker.selected) else {
        return Vec::new();
    };
    let spec = ForwardSpec {
        target: picker.target.clone(),
        remote_port: choice.port,
        local_port: None,
    };
    start(model, spec, None, None)
}

fn on_name_key(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    let Some((id, text)) = model.forwards.naming.as_mut() else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Esc => model.forwards.naming = None,
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            model.forwards.naming = None;
        }
        KeyCode::Char(c) if valid_name_char(c) => text.push(c),
        KeyCode::Enter => {
            let (id, name) = (*id, text.trim().to_string());
            model.forwards.naming = None;
            return save(model, id, name);
        }
        _ => {}
    }
    Vec::new()
}

fn valid_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

fn save(model: &mut Model, id: u64, name: String) -> Vec<Effect> {
    if name.is_empty() {
        model.flash = Some("a saved forward needs a name".into());
        return Vec::new();
    }
    if SUBCOMMANDS.contains(&name.as_str()) {
        model.flash = Some(format!(
            "{name:?} is taken by `:pf {name} NAME` (forget a saved forward): choose another name"
        ));
        // The prompt stays open with the name, to be changed.
        model.forwards.naming = Some((id, name));
        return Vec::new();
    }
    let Some(row) = model.forwards.row_mut(id) else {
        return Vec::new();
    };
    row.name = Some(name.clone());
    let mut spec = row.spec.clone();
    // The port bound is the one worth keeping (a busy port was replaced).
    spec.local_port = row.local_port.or(spec.local_port);
    model.flash = Some(format!("saved as {name}: :pf {name} starts it again"));
    vec![Effect::Forwards(ForwardEffect::Save { name, spec })]
}

/// A key-table action while the view shows.
pub fn on_action(model: &mut Model, action: Action, _now: Instant) -> Vec<Effect> {
    match action {
        Action::ClearMemory => stop_selected(model),
        Action::SaveOutput => {
            let Some(row) = model.forwards.selected_row() else {
                model.flash = Some("no forward to save".into());
                return Vec::new();
            };
            let initial = row
                .name
                .clone()
                .unwrap_or_else(|| row.spec.target.name().to_string());
            model.forwards.naming = Some((row.id, initial));
            Vec::new()
        }
        Action::Open => restart_selected(model),
        _ => Vec::new(),
    }
}

/// `x`: stop the selected forward; on one already ended, remove it from the list.
fn stop_selected(model: &mut Model) -> Vec<Effect> {
    let state = &mut model.forwards;
    let Some(row) = state.rows.get_mut(state.selected) else {
        model.flash = Some("no forward to stop".into());
        return Vec::new();
    };
    if !row.state.is_live() {
        state.rows.remove(state.selected);
        let len = state.rows.len();
        move_selection(&mut state.selected, len, 0);
        return Vec::new();
    }
    let id = row.id;
    row.state = ForwardState::Stopped;
    row.traffic.connections = 0;
    model.flash = Some(format!("stopped {} (x again removes it)", row.ports_text()));
    vec![Effect::Forwards(ForwardEffect::Stop { id })]
}

/// Enter: start a stopped or failed forward again.
fn restart_selected(model: &mut Model) -> Vec<Effect> {
    let Some(row) = model.forwards.selected_row() else {
        return Vec::new();
    };
    if row.state.is_live() {
        model.flash = Some("this forward runs: x stops it".into());
        return Vec::new();
    }
    let (spec, name) = (row.spec.clone(), row.name.clone());
    let index = model.forwards.selected;
    model.forwards.rows.remove(index);
    start(model, spec, name, None)
}

/// `:pf NAME`: start a saved forward (reading the saved ones first); `:pf rm NAME` forgets
/// one; `:pf` alone shows the view (and reads the saved ones to list them).
pub fn run_command(model: &mut Model, words: &[&str]) -> Vec<Effect> {
    match words {
        [] => {
            live_view::show(model, LiveView::Forwards);
            if model.forwards.saved.is_some() {
                return Vec::new();
            }
            model.forwards.saved_requested = true;
            return vec![Effect::Forwards(ForwardEffect::Load { start: None })];
        }
        // A forward saved under a subcommand's name (by hand, in the file) still starts.
        [word] if SUBCOMMANDS.contains(word) && is_saved(model, word) => {
            return start_saved(model, word);
        }
        [word, name @ ..] if SUBCOMMANDS.contains(word) => {
            return remove_saved(model, &name.join(" "));
        }
        _ => {}
    }
    let name = words.join(" ");
    if model.forwards.saved.is_none() {
        live_view::show(model, LiveView::Forwards);
        return vec![Effect::Forwards(ForwardEffect::Load { start: Some(name) })];
    }
    start_saved(model, &name)
}

/// The words after `:pf` that forget a saved forward rather than name one.
const SUBCOMMANDS: [&str; 3] = ["rm", "remove", "delete"];

fn is_saved(model: &Model, name: &str) -> bool {
    model
        .forwards
        .saved
        .as_ref()
        .is_some_and(|saved| saved.contains_key(name))
}

fn start_saved(model: &mut Model, name: &str) -> Vec<Effect> {
    let spec = model
        .forwards
        .saved
        .as_ref()
        .and_then(|saved| saved.get(name).cloned());
    let Some(spec) = spec else {
        model.flash = Some(unknown_name(model, name));
        return Vec::new();
    };
    let running = model
        .forwards
        .rows
        .iter()
        .position(|r| r.name.as_deref() == Some(name) && r.state.is_live());
    if let Some(index) = running {
        model.forwards.selected = index;
        live_view::show(model, LiveView::Forwards);
        model.flash = Some(format!("{name} is already forwarding"));
        return Vec::new();
    }
    start(model, spec, Some(name.to_string()), None)
}

/// `no saved forward named "x" (saved: a, b)`.
fn unknown_name(model: &Model, name: &str) -> String {
    let known = saved_names(model);
    if known.is_empty() {
        format!("no saved forward named {name:?} (s in the forwards view saves one)")
    } else {
        format!("no saved forward named {name:?} (saved: {known})")
    }
}

/// The saved names, comma-separated (empty when none is saved or they were not read).
pub fn saved_names(model: &Model) -> String {
    let names: Vec<&str> = model
        .forwards
        .saved
        .iter()
        .flat_map(|saved| saved.keys().map(String::as_str))
        .collect();
    names.join(", ")
}

/// `:pf rm NAME`: forget a saved forward (a forward running under that name keeps running).
fn remove_saved(model: &mut Model, name: &str) -> Vec<Effect> {
    live_view::show(model, LiveView::Forwards);
    if name.is_empty() {
        let known = saved_names(model);
        model.flash = Some(if known.is_empty() {
            "`:pf rm NAME` forgets a saved forward".to_string()
        } else {
            format!("`:pf rm NAME` forgets a saved forward (saved: {known})")
        });
        return Vec::new();
    }
    if model
        .forwards
        .saved
        .as_ref()
        .is_some_and(|saved| !saved.contains_key(name))
    {
        model.flash = Some(unknown_name(model, name));
        return Vec::new();
    }
    vec![Effect::Forwards(ForwardEffect::Remove {
        name: name.to_string(),
    })]
}

/// Tab completion of a `pf …` command-bar line: `rm` and the saved names after `pf `, the
/// saved names after `pf rm `; `None` for any other line or when nothing is added.
pub fn complete_line(model: &Model, line: &str) -> Option<String> {
    let (head, typed) = match line.strip_prefix("pf rm ") {
        Some(typed) => ("pf rm ", typed),
        None => ("pf ", line.strip_prefix("pf ")?),
    };
    if typed.contains(char::is_whitespace) {
        return None;
    }
    let mut names = complete(model, typed);
    if head == "pf " && "rm".starts_with(typed) {
        names.push("rm".to_string());
    }
    let (first, rest) = names.split_first()?;
    let common = rest.iter().fold(first.clone(), |common, name| {
        common
            .chars()
            .zip(name.chars())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a)
            .collect()
    });
    (common.len() > typed.len()).then(|| format!("{head}{common}"))
}

/// The saved names starting with `prefix` (for completing `:pf NAME`).
pub fn complete(model: &Model, prefix: &str) -> Vec<String> {
    model
        .forwards
        .saved
        .iter()
        .flat_map(|saved| saved.keys())
        .filter(|name| name.starts_with(prefix))
        .cloned()
        .collect()
}
