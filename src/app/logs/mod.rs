//! The logs view: the log streams of the selected pod or workload (`l` on a row), kept in a
//! bounded ring buffer ([`ring`]), filtered ([`filter`]), followed or paused, saved with `s`.
//! The streams themselves run in `live::logs`; [`task`] connects them to the cockpit.

pub mod filter;
pub mod ring;
pub mod task;

use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::effect::Effect;
use crate::app::keymap::Action;
use crate::app::live_view::{self, LiveView};
use crate::app::model::Model;
use crate::app::watch::WatchKind;
use crate::live::logs::{LogEvent, LogLine, LogRequest, LogSource};

pub use filter::LogFilter;
pub use ring::{DEFAULT_RING_LINES, Ring};

/// Lines moved by PgUp / PgDn.
const PAGE: usize = 10;

/// What the view holds.
#[derive(Debug, Default)]
pub struct LogsState {
    /// The running follow (0: none).
    pub id: u64,
    next_id: u64,
    pub request: Option<LogRequest>,
    pub ring: Ring,
    /// Sequence numbers of the lines the filter and the container choice let through.
    pub visible: VecDeque<u64>,
    /// Paused when false: lines still arrive, the view stays where it is.
    pub paused: bool,
    /// Lines that arrived (and pass the filter) since the pause.
    pub new_while_paused: usize,
    /// Visible lines below the view's last row (0 while following).
    pub bottom_offset: usize,
    pub wrap: bool,
    pub timestamps: bool,
    pub filter: Option<LogFilter>,
    /// The filter being typed after `/`.
    pub filter_input: Option<String>,
    /// One container shown (`c` cycles), or all.
    pub container: Option<String>,
    /// Every (pod, container) that sent lines or started: more than one means merged.
    pub streams: BTreeSet<(Arc<str>, Arc<str>)>,
    /// Streams running now.
    pub running: usize,
    /// The last problem or end reported.
    pub status: Option<String>,
}

impl LogsState {
    /// A view holding at most `lines` lines.
    pub fn with_capacity(lines: usize) -> Self {
        Self {
            ring: Ring::new(lines),
            ..Self::default()
        }
    }

    /// Lines of several streams are shown with a `pod/container` prefix.
    pub fn merged(&self) -> bool {
        self.streams.len() > 1
    }

    fn shows(&self, line: &LogLine) -> bool {
        self.container
            .as_deref()
            .is_none_or(|c| &*line.container == c)
            && self.filter.as_ref().is_none_or(|f| f.matches(&line.text))
    }

    /// Applies `filter` (none: every line) to what the view shows.
    pub fn set_filter(&mut self, filter: Option<LogFilter>) {
        self.filter = filter;
        self.refilter();
    }

    /// Recomputes the visible lines after the filter or the container choice changed.
    fn refilter(&mut self) {
        let visible: VecDeque<u64> = self
            .ring
            .iter()
            .filter(|(_, line)| self.shows(line))
            .map(|(seq, _)| seq)
            .collect();
        self.visible = visible;
        self.bottom_offset = self.bottom_offset.min(self.visible.len());
    }

    /// Container names seen, in order.
    pub fn containers(&self) -> Vec<Arc<str>> {
        let names: BTreeSet<Arc<str>> = self.streams.iter().map(|(_, c)| c.clone()).collect();
        names.into_iter().collect()
    }

    /// The line as saved or copied: `[pod/container] [timestamp] text`.
    pub fn plain(&self, line: &LogLine) -> String {
        let mut out = String::new();
        if self.merged() {
            out.push_str(&format!("{}/{} ", line.pod, line.container));
        }
        if self.timestamps
            && let Some(at) = line.timestamp
        {
            out.push_str(&format!("{at} "));
        }
        out.push_str(&line.text);
        out
    }

    /// Adds lines from the follower.
    pub fn push_lines(&mut self, lines: Vec<LogLine>) {
        for line in lines {
            self.streams
                .insert((line.pod.clone(), line.container.clone()));
            let shows = self.shows(&line);
            let seq = self.ring.push(line);
            if shows {
                self.visible.push_back(seq);
                if self.paused {
                    self.new_while_paused += 1;
                    self.bottom_offset += 1;
                }
            }
        }
        let first = self.ring.first_seq();
        while self.visible.front().is_some_and(|seq| *seq < first) {
            self.visible.pop_front();
        }
        self.bottom_offset = self.bottom_offset.min(self.visible.len());
    }
}

/// The source `l` follows for the selected watch row, or why there is none.
fn source_of_selection(model: &Model) -> Result<LogSource, String> {
    let object = crate::app::watch::selected_object(model)
        .ok_or_else(|| "logs: no row selected (pick a pod, deployment or service)".to_string())?;
    let namespace = object
        .namespace
        .clone()
        .or_else(|| model.watch.as_ref().and_then(|w| w.namespace.clone()))
        .unwrap_or_else(|| model.cluster.namespace.clone());
    let name = object.name.clone();
    match object.kind {
        WatchKind::Pods => Ok(LogSource::Pod { namespace, name }),
        WatchKind::Deployments => Ok(LogSource::Deployment { namespace, name }),
        WatchKind::Services => Ok(LogSource::Service { namespace, name }),
        other => Err(format!(
            "logs: a {} row has no logs (pick a pod, deployment or service)",
            other.title()
        )),
    }
}

/// `l` on a watch row: tail the logs of the selected pod or workload.
pub fn open_from_watch(model: &mut Model) -> Vec<Effect> {
    match source_of_selection(model) {
        Ok(source) => {
            live_view::show(model, LiveView::Logs);
            start(model, LogRequest::new(source))
        }
        Err(text) => {
            model.flash = Some(text);
            model.dirty = true;
            Vec::new()
        }
    }
}

/// Follows `request` in place of what the view followed.
pub fn start(model: &mut Model, request: LogRequest) -> Vec<Effect> {
    let state = &mut model.logs;
    let mut effects = stop_effect(state);
    state.next_id += 1;
    state.id = state.next_id;
    let capacity = state.ring.capacity();
    state.ring = Ring::new(capacity);
    state.visible.clear();
    state.streams.clear();
    state.running = 0;
    state.paused = false;
    state.new_while_paused = 0;
    state.bottom_offset = 0;
    state.container = None;
    state.status = None;
    state.request = Some(request.clone());
    model.dirty = true;
    effects.push(Effect::StartLogs {
        id: state.id,
        request,
    });
    effects
}

fn stop_effect(state: &mut LogsState) -> Vec<Effect> {
    if state.id == 0 {
        return Vec::new();
    }
    let id = std::mem::take(&mut state.id);
    vec![Effect::StopLogs { id }]
}

/// An event of the follow started as `id` (stale follows are ignored).
pub fn on_event(model: &mut Model, id: u64, event: LogEvent) {
    let state = &mut model.logs;
    if id != state.id || id == 0 {
        return;
    }
    model.dirty = true;
    match event {
        LogEvent::Lines(lines) => state.push_lines(lines),
        LogEvent::Started { pod, container } => {
            state.running += 1;
            state.streams.insert((pod.into(), container.into()));
        }
        LogEvent::Ended {
            pod,
            container,
            reason,
        } => {
            if !container.is_empty() {
                state.running = state.running.saturating_sub(1);
            }
            state.status = Some(if container.is_empty() {
                format!("{pod}: {reason}")
            } else {
                format!("{pod}/{container}: {reason}")
            });
        }
        LogEvent::Error(text) => state.status = Some(text),
    }
}

/// A key before the key table: the filter being typed, and the view's letter keys
/// (space: follow/pause, `w`: wrap, `t`: timestamps).
pub fn on_raw_key(model: &mut Model, key: KeyEvent) -> Option<Vec<Effect>> {
    if model.logs.filter_input.is_some() {
        return Some(on_filter_key(model, key));
    }
    if key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return None;
    }
    let state = &mut model.logs;
    match key.code {
        KeyCode::Char(' ') => toggle_follow(state),
        KeyCode::Char('w') => state.wrap = !state.wrap,
        KeyCode::Char('t') => state.timestamps = !state.timestamps,
        _ => return None,
    }
    model.dirty = true;
    Some(Vec::new())
}

fn on_filter_key(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    let state = &mut model.logs;
    let Some(text) = state.filter_input.as_mut() else {
        return Vec::new();
    };
    model.dirty = true;
    match key.code {
        KeyCode::Esc => state.filter_input = None,
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => text.push(c),
        KeyCode::Enter => {
            let typed = text.clone();
            match LogFilter::parse(&typed) {
                Ok(filter) => {
                    state.filter = filter;
                    state.filter_input = None;
                    state.refilter();
                }
                Err(error) => model.flash = Some(error),
            }
        }
        _ => {}
    }
    Vec::new()
}

fn toggle_follow(state: &mut LogsState) {
    if state.paused {
        resume(state);
    } else {
        state.paused = true;
    }
}

fn resume(state: &mut LogsState) {
    state.paused = false;
    state.new_while_paused = 0;
    state.bottom_offset = 0;
}

fn scroll_up(state: &mut LogsState, lines: usize) {
    state.paused = true;
    state.bottom_offset = (state.bottom_offset + lines).min(state.visible.len());
}

fn scroll_down(state: &mut LogsState, lines: usize) {
    state.bottom_offset = state.bottom_offset.saturating_sub(lines);
    if state.bottom_offset == 0 {
        resume(state);
    }
}

/// A key-table action while the view shows.
pub fn on_action(model: &mut Model, action: Action, _now: Instant) -> Vec<Effect> {
    model.dirty = true;
    let state = &mut model.logs;
    match action {
        Action::LineUp => scroll_up(state, 1),
        Action::LineDown => scroll_down(state, 1),
        Action::ScrollUp => scroll_up(state, PAGE),
        Action::ScrollDown => scroll_down(state, PAGE),
        Action::ScrollTop => scroll_up(state, usize::MAX / 2),
        Action::ScrollBottom => resume(state),
        Action::PortForward => toggle_follow(state),
        Action::WatchFilter => {
            state.filter_input = Some(
                state
                    .filter
                    .as_ref()
                    .map(|f| f.text.clone())
                    .unwrap_or_default(),
            );
        }
        Action::Copy => cycle_container(state),
        Action::ClearMemory => {
            state.ring.clear();
            state.visible.clear();
            resume(state);
        }
        Action::PauseMemory => return toggle_previous(model),
        Action::SaveOutput => return save(model),
        Action::Logs => return open_from_watch_if_selected(model),
        _ => {}
    }
    Vec::new()
}

/// `l` while the logs show: nothing to do unless the watch table has a different row.
fn open_from_watch_if_selected(model: &mut Model) -> Vec<Effect> {
    match source_of_selection(model) {
        Ok(source) if model.logs.request.as_ref().map(|r| &r.source) != Some(&source) => {
            start(model, LogRequest::new(source))
        }
        _ => Vec::new(),
    }
}

fn cycle_container(state: &mut LogsState) {
    let names = state.containers();
    state.container = match &state.container {
        None => names.first().map(|c| c.to_string()),
        Some(current) => names
            .iter()
            .position(|c| &**c == current)
            .and_then(|i| names.get(i + 1))
            .map(|c| c.to_string()),
    };
    state.refilter();
}

/// `p`: the previous container instance's log, or back to following the current one.
fn toggle_previous(model: &mut Model) -> Vec<Effect> {
    let Some(mut request) = model.logs.request.clone() else {
        model.flash = Some("logs: nothing followed (press l on a pod row)".into());
        return Vec::new();
    };
    request.previous = !request.previous;
    start(model, request)
}

/// `s`: the filtered view to a 0600 file in the data directory.
fn save(model: &mut Model) -> Vec<Effect> {
    let state = &model.logs;
    let Some(request) = &state.request else {
        model.flash = Some("logs: nothing to save".into());
        return Vec::new();
    };
    let mut text = String::new();
    for seq in &state.visible {
        if let Some(line) = state.ring.get(*seq) {
            text.push_str(&state.plain(line));
            text.push('\n');
        }
    }
    let name = format!("logs-{}.log", request.source.label().replace('/', "-"));
    model.flash = Some(format!("logs: saving {} lines…", state.visible.len()));
    vec![Effect::SaveOutput { name, text }]
}
