//! The watch pane's state: which kind and namespace it watches, the live store the watcher's
//! batches are applied to, and the selection. The watcher itself runs in the effect runner.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::effect::Effect;
use crate::app::model::Model;
use crate::live::projection::{
    DeploymentRow, EventRow, GenericRow, KnownKind, NodeRow, PodRow, ServiceRow,
};
use crate::live::store::{Change, Filter, Sort, Store, SyncState};
use crate::ui::resource_table::TableView;

/// The kinds the pane can watch, each with its compact projection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WatchKind {
    Pods,
    Deployments,
    Services,
    Nodes,
    Events,
    /// Any other kind discovery found (CRDs included), shown with `GenericRow`.
    Other(&'static crate::app::discovery::KindInfo),
}

/// Every name the command bar takes for a kind (plural, singular, short), in completion order.
pub const KIND_NAMES: &[(&str, WatchKind)] = &[
    ("pods", WatchKind::Pods),
    ("pod", WatchKind::Pods),
    ("po", WatchKind::Pods),
    ("deployments", WatchKind::Deployments),
    ("deployment", WatchKind::Deployments),
    ("deploy", WatchKind::Deployments),
    ("services", WatchKind::Services),
    ("service", WatchKind::Services),
    ("svc", WatchKind::Services),
    ("nodes", WatchKind::Nodes),
    ("node", WatchKind::Nodes),
    ("no", WatchKind::Nodes),
    ("events", WatchKind::Events),
    ("event", WatchKind::Events),
    ("ev", WatchKind::Events),
];

/// The command bar's words that are not kinds.
const OTHER_WORDS: &[&str] = &["ns", "namespace", "all", "ctx", "context"];

impl WatchKind {
    /// The title in the table header.
    pub fn title(self) -> &'static str {
        match self {
            WatchKind::Pods => "pods",
            WatchKind::Deployments => "deployments",
            WatchKind::Services => "services",
            WatchKind::Nodes => "nodes",
            WatchKind::Events => "events",
            WatchKind::Other(info) => &info.plural,
        }
    }

    /// Whether objects of the kind live in a namespace.
    pub fn namespaced(self) -> bool {
        match self {
            WatchKind::Nodes => false,
            WatchKind::Other(info) => info.namespaced,
            _ => true,
        }
    }

    /// An empty store with this kind's columns.
    pub fn store(self, namespace: Option<String>) -> Store {
        self.store_titled(self.title(), namespace)
    }

    /// An empty store with this kind's columns and `title` in its header.
    pub fn store_titled(self, title: &str, namespace: Option<String>) -> Store {
        match self {
            WatchKind::Pods => Store::for_projection::<PodRow>(title, namespace),
            WatchKind::Deployments => Store::for_projection::<DeploymentRow>(title, namespace),
            WatchKind::Services => Store::for_projection::<ServiceRow>(title, namespace),
            WatchKind::Nodes => Store::for_projection::<NodeRow>(title, namespace),
            WatchKind::Events => Store::for_projection::<EventRow>(title, namespace),
            WatchKind::Other(info) if !info.columns.is_empty() => {
                let columns = crate::live::projection::Printer::new(&info.columns).table_columns();
                Store::new(title, namespace, &columns)
            }
            WatchKind::Other(_) => Store::for_projection::<GenericRow>(title, namespace),
        }
    }

    /// The API resource the watcher lists and watches.
    pub fn api_resource(self) -> kube::core::ApiResource {
        match self {
            WatchKind::Pods => PodRow::api_resource(),
            WatchKind::Deployments => DeploymentRow::api_resource(),
            WatchKind::Services => ServiceRow::api_resource(),
            WatchKind::Nodes => NodeRow::api_resource(),
            WatchKind::Events => EventRow::api_resource(),
            WatchKind::Other(info) => info.api_resource(),
        }
    }

    /// The kind a command-bar word names (case-insensitive).
    pub fn parse(word: &str) -> Option<WatchKind> {
        let word = word.to_ascii_lowercase();
        KIND_NAMES
            .iter()
            .find(|(name, _)| *name == word)
            .map(|(_, kind)| *kind)
    }
}

/// What a command-bar line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchCommand {
    /// Watch this kind (in the pane's namespace).
    Kind(WatchKind),
    /// Watch this namespace (`None`: all namespaces).
    Namespace(Option<String>),
}

/// Parses a command-bar line (without the `:`): a kind name, `ns NAME`, `ns all` or `all`.
pub fn parse_command(line: &str) -> Result<WatchCommand, String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        [] => Err("type a kind (pods, deploy, svc, nodes, events) or `ns NAME`".into()),
        ["all"] | ["ns" | "namespace", "all"] => Ok(WatchCommand::Namespace(None)),
        ["ns" | "namespace"] => Err("`:ns` needs a namespace name, or `all`".into()),
        ["ns" | "namespace", names @ ..] => Ok(WatchCommand::Namespace(Some(
            crate::app::namespaces::normalize(&names.join(",")),
        ))),
        [word] => WatchKind::parse(word).map(WatchCommand::Kind).ok_or_else(|| {
            format!(
                "unknown kind `{word}`: try pods, deploy, svc, nodes, events, `ns NAME` or `all`"
            )
        }),
        _ => Err(format!(
            "`:{}` is not a command: try a kind (`:pods`) or `:ns NAME`",
            line.trim()
        )),
    }
}

/// Tab completion of the command bar's first word: the longest prefix shared by every known
/// name that starts with what was typed (`None` when nothing matches or nothing is added).
pub fn complete(line: &str) -> Option<String> {
    complete_among(line, &[])
}

/// [`complete`] over the built-in names and `extra` ones (discovered kinds).
pub fn complete_among(line: &str, extra: &[String]) -> Option<String> {
    if line.contains(char::is_whitespace) {
        return None;
    }
    let typed = line.to_ascii_lowercase();
    let mut matches = KIND_NAMES
        .iter()
        .map(|(name, _)| *name)
        .chain(OTHER_WORDS.iter().copied())
        .chain(extra.iter().map(String::as_str))
        .filter(|name| name.starts_with(&typed));
    let first = matches.next()?;
    let common = matches.fold(first.to_string(), |common, name| {
        common
            .chars()
            .zip(name.chars())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a)
            .collect()
    });
    (common.len() > typed.len()).then_some(common)
}

/// Which small input the pane has open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputMode {
    /// `/`: a filter, applied with `Filter::parse`.
    Filter,
    /// `:`: a command.
    Command,
}

/// The pane's one-line input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchInput {
    pub mode: InputMode,
    pub text: String,
}

impl WatchInput {
    /// The line as drawn: its prompt character and the text.
    pub fn line(&self) -> String {
        let prompt = match self.mode {
            InputMode::Filter => '/',
            InputMode::Command => ':',
        };
        format!("{prompt}{}", self.text)
    }
}

/// What one watcher watches: a kind in one namespace (`None`: all namespaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchTarget {
    pub kind: WatchKind,
    pub namespace: Option<String>,
    /// A label selector (a deployment's pods), as `kubectl -l` takes it.
    pub labels: Option<String>,
}

/// One object to read in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    pub kind: WatchKind,
    pub namespace: Option<String>,
    pub name: String,
}

/// Why an object is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchPurpose {
    /// `y`: show it as YAML.
    Yaml,
    /// Enter on a deployment: watch the pods its selector matches.
    Selector,
}

/// An object shown as YAML in the pane, scrolled `top` lines down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlView {
    pub title: String,
    pub text: String,
    pub top: usize,
}

/// The watch pane: the current watcher's id (batches of older ones are ignored), its target,
/// the rows it has sent so far, and the scroll position.
pub struct WatchState {
    pub id: u64,
    pub target: WatchTarget,
    /// The namespace chosen for namespaced kinds (`None`: all), kept while nodes are shown.
    pub namespace: Option<String>,
    pub store: Store,
    pub view: TableView,
    /// The filter or command input, while open.
    pub input: Option<WatchInput>,
    /// The read in flight (its id and purpose); older answers are dropped.
    pub fetching: Option<(u64, FetchPurpose, ObjectRef)>,
    /// The object shown as YAML, while open.
    pub yaml: Option<YamlView>,
}

impl WatchState {
    /// A pane about to watch `target` with the watcher `id`; it shows "syncing" until the
    /// first list is done.
    pub fn new(id: u64, target: WatchTarget) -> Self {
        let title = match &target.labels {
            Some(labels) => format!("{} -l {labels}", target.kind.title()),
            None => target.kind.title().to_string(),
        };
        let store = target.kind.store_titled(&title, target.namespace.clone());
        WatchState {
            id,
            namespace: target.namespace.clone(),
            target,
            store,
            view: TableView::default(),
            input: None,
            fetching: None,
            yaml: None,
        }
    }

    /// The effect that starts this pane's watcher.
    pub fn start_effect(&self) -> Effect {
        Effect::StartWatch {
            id: self.id,
            target: self.target.clone(),
        }
    }
}

/// The effects the cockpit starts with: the watcher of the pane and a discovery of the
/// cluster's kinds, when there is a cluster.
pub fn start(model: &mut Model) -> Vec<Effect> {
    let Some(watch) = model.watch.as_ref() else {
        return Vec::new();
    };
    let watch = watch.start_effect();
    let id = model.discovery.start();
    vec![watch, Effect::Discover { id }]
}

/// Applies a batch of the watcher `id` to the pane's store; batches of a stopped watcher are
/// dropped. The pane is redrawn only when a batch arrived.
pub fn on_batch(model: &mut Model, id: u64, changes: Vec<Change>) {
    let Some(watch) = model.watch.as_mut() else {
        return;
    };
    if watch.id != id || changes.is_empty() {
        return;
    }
    watch.store.apply_all(changes);
    let len = watch.store.visible_len();
    watch.view.selected = watch.view.selected.min(len.saturating_sub(1));
    model.dirty = true;
}

/// Rows of the watch pane's table on the current layout (the pane minus border and header).
fn table_rows(model: &Model) -> usize {
    let area = model.layout().pane(crate::app::model::Pane::Watch);
    usize::from(area.height.saturating_sub(4)).max(1)
}

/// Moves the selection by `delta` rows (`isize::MIN` / `isize::MAX`: first / last row).
pub fn move_selection(model: &mut Model, delta: isize) {
    let height = table_rows(model);
    let Some(watch) = model.watch.as_mut() else {
        return;
    };
    let len = watch.store.visible_len();
    let selected = watch.view.selected;
    watch.view.selected = match delta {
        isize::MIN => 0,
        isize::MAX => len.saturating_sub(1),
        delta if delta < 0 => selected.saturating_sub(delta.unsigned_abs()),
        delta => selected.saturating_add(delta.unsigned_abs()),
    };
    watch.view = watch.view.follow(len, height);
    model.dirty = true;
}

/// Sorts by the next column (`s`), wrapping around to the first.
pub fn next_sort_column(model: &mut Model) {
    let Some(watch) = model.watch.as_mut() else {
        return;
    };
    let columns: Vec<_> = watch.store.columns().iter().map(|(id, _)| *id).collect();
    let sort = watch.store.sort();
    let at = columns.iter().position(|c| *c == sort.column).unwrap_or(0);
    let column = columns[(at + 1) % columns.len().max(1)];
    watch.store.set_sort(Sort { column, ..sort });
    model.dirty = true;
}

/// Flips the sort order (`S`).
pub fn flip_sort(model: &mut Model) {
    let Some(watch) = model.watch.as_mut() else {
        return;
    };
    let sort = watch.store.sort();
    watch.store.set_sort(Sort {
        descending: !sort.descending,
        ..sort
    });
    model.dirty = true;
}

/// Opens the filter (`/`, starting from the current one) or command (`:`) input.
pub fn open_input(model: &mut Model, mode: InputMode) {
    let Some(watch) = model.watch.as_mut() else {
        model.flash = Some("no cluster: nothing is watched".into());
        return;
    };
    let text = match mode {
        InputMode::Filter => watch
            .store
            .filter()
            .map(|f| f.source().to_string())
            .unwrap_or_default(),
        InputMode::Command => String::new(),
    };
    watch.input = Some(WatchInput { mode, text });
    model.dirty = true;
}

/// Whether the watch pane's input is open (it then takes every key).
pub fn input_open(model: &Model) -> bool {
    model.watch.as_ref().is_some_and(|w| w.input.is_some())
}

/// A key while the input is open: text, Backspace, Tab (commands: completion), Enter applies,
/// Esc closes (the filter input also clears the filter).
pub fn on_input_key(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    let Some(watch) = model.watch.as_mut() else {
        return Vec::new();
    };
    let Some(input) = watch.input.as_mut() else {
        return Vec::new();
    };
    model.dirty = true;
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => {
            if input.mode == InputMode::Filter {
                watch.store.set_filter(None);
                watch.view = TableView::default();
            }
            watch.input = None;
        }
        KeyCode::Backspace => {
            input.text.pop();
        }
        KeyCode::Tab if input.mode == InputMode::Command => {
            let text = input.text.clone();
            if let Some(done) = crate::app::context_switch::complete_command(model, &text)
                && let Some(input) = model.watch.as_mut().and_then(|w| w.input.as_mut())
            {
                input.text = done;
            }
        }
        KeyCode::Char('u') if ctrl => input.text.clear(),
        KeyCode::Char(c) if !ctrl => input.text.push(c),
        KeyCode::Enter => {
            let input = watch.input.take().unwrap_or(WatchInput {
                mode: InputMode::Command,
                text: String::new(),
            });
            return match input.mode {
                InputMode::Filter => {
                    apply_filter(model, &input.text);
                    Vec::new()
                }
                InputMode::Command => run_command(model, &input.text),
            };
        }
        _ => {}
    }
    Vec::new()
}

fn apply_filter(model: &mut Model, text: &str) {
    let Some(watch) = model.watch.as_mut() else {
        return;
    };
    match Filter::parse(text) {
        Ok(filter) => {
            watch.store.set_filter(filter);
            watch.view = TableView::default();
        }
        Err(error) => {
            model.flash = Some(format!("filter not applied: {error}"));
            watch.input = Some(WatchInput {
                mode: InputMode::Filter,
                text: text.to_string(),
            });
        }
    }
}

/// Runs a command-bar line: switches kind, namespace or context, or flashes why it cannot.
/// A name that is not built in is looked up in the discovered kinds; a name discovery has
/// not seen yet starts a new discovery and runs again when it is done.
pub fn run_command(model: &mut Model, line: &str) -> Vec<Effect> {
    run_command_with(model, line, true)
}

/// [`run_command`]; `rediscover: false` once discovery has just been asked.
pub fn run_command_with(model: &mut Model, line: &str, rediscover: bool) -> Vec<Effect> {
    if let Some(effects) = crate::app::context_switch::run_context_command(model, line) {
        return effects;
    }
    if let Some(effects) = crate::app::live_view::run_command(model, line) {
        return effects;
    }
    match parse_command(line) {
        Ok(WatchCommand::Kind(kind)) => {
            let namespace = model.watch.as_ref().and_then(|w| w.namespace.clone());
            switch(model, kind, namespace)
        }
        Ok(WatchCommand::Namespace(namespace)) => {
            let kind = model
                .watch
                .as_ref()
                .map_or(WatchKind::Pods, |w| w.target.kind);
            switch(model, kind, namespace)
        }
        Err(message) => match line.split_whitespace().collect::<Vec<_>>().as_slice() {
            [word] => crate::app::discovery::resolve(model, line, word, message, rediscover),
            _ => {
                model.flash = Some(message);
                Vec::new()
            }
        },
    }
}

/// Watches `kind` in `namespace` (cluster-scoped kinds: everywhere): the old watcher is
/// stopped and a new one starts; the pane shows "syncing" until its list is done.
pub fn switch(model: &mut Model, kind: WatchKind, namespace: Option<String>) -> Vec<Effect> {
    if model.watch.is_none() {
        model.flash = Some("no cluster: nothing is watched".into());
        return Vec::new();
    }
    let target = WatchTarget {
        kind,
        namespace: if kind.namespaced() {
            namespace.clone()
        } else {
            None
        },
        labels: None,
    };
    switch_to(model, target, namespace)
}

fn switch_to(model: &mut Model, target: WatchTarget, namespace: Option<String>) -> Vec<Effect> {
    let Some(old) = model.watch.as_ref() else {
        return Vec::new();
    };
    let old_id = old.id;
    let mut state = WatchState::new(old_id + 1, target);
    state.namespace = namespace;
    let start = state.start_effect();
    model.watch = Some(state);
    model.dirty = true;
    vec![Effect::StopWatch { id: old_id }, start]
}

/// Most rows of the watch pane the planner sees.
pub const VIEW_ROWS: usize = 20;
/// Most characters of the watch pane's text the planner sees.
pub const VIEW_CHARS: usize = 4000;

/// The watch pane as the planner sees it: kind, namespace, filter, counts and sync state, the
/// selected row and up to [`VIEW_ROWS`] rows in view, one per line as the table shows them
/// (ages as of now). Redacted and capped at [`VIEW_CHARS`]; `None` without a watch pane.
pub fn planner_view(model: &Model) -> Option<String> {
    let height = table_rows(model).min(VIEW_ROWS);
    let watch = model.watch.as_ref()?;
    let store = &watch.store;
    let counts = store.counts();
    let mut text = format!(
        "{} in {}: {} shown of {}",
        store.kind(),
        store.namespace().unwrap_or("all namespaces"),
        counts.shown,
        counts.total,
    );
    if let Some(filter) = store.filter() {
        text.push_str(&format!(" (filter `{}`)", filter.source()));
    }
    text.push_str(match store.state() {
        SyncState::Syncing if store.relisting() => ", relisting (rows may be stale)",
        SyncState::Syncing => ", still listing",
        SyncState::Live => ", live",
        SyncState::Reconnecting { .. } => ", reconnecting (rows may be stale)",
    });
    text.push('\n');
    let now = jiff::Timestamp::now().as_second();
    let line = |row: &crate::live::row::Row| {
        let mut cells = vec![row.name.to_string()];
        if store.namespace().is_none() && !row.namespace.is_empty() {
            cells.insert(0, row.namespace.to_string());
        }
        cells.extend(row.cells.iter().map(|cell| cell.render(now)));
        cells.join("  ")
    };
    let titles: Vec<&str> = store.columns().iter().map(|(_, c)| c.title).collect();
    let view = watch.view.follow(store.visible_len(), height);
    if let Some(row) = store.visible_row(view.selected) {
        text.push_str(&format!("selected: {}\n", line(row)));
    }
    text.push_str(&titles.join("  "));
    text.push('\n');
    for row in store.visible(view.offset, height) {
        text.push_str(&line(row));
        text.push('\n');
    }
    let mut text = crate::agent::redact::redact_text(&text).text;
    if text.chars().count() > VIEW_CHARS {
        text = text.chars().take(VIEW_CHARS).collect();
        text.push_str("\n…(cut)");
    }
    Some(text)
}

/// The selected row as an object to read.
pub fn selected_object(model: &Model) -> Option<ObjectRef> {
    let watch = model.watch.as_ref()?;
    let row = watch.store.visible_row(watch.view.selected)?;
    Some(ObjectRef {
        kind: watch.target.kind,
        namespace: (!row.namespace.is_empty()).then(|| row.namespace.to_string()),
        name: row.name.to_string(),
    })
}

/// Reads the selected row's object in full for `purpose`.
pub fn fetch_selected(model: &mut Model, purpose: FetchPurpose) -> Vec<Effect> {
    let Some(object) = selected_object(model) else {
        model.flash = Some("no row selected".into());
        return Vec::new();
    };
    let Some(watch) = model.watch.as_mut() else {
        return Vec::new();
    };
    let id = watch.fetching.as_ref().map_or(1, |(id, ..)| id + 1) + watch.id * 1_000_000;
    watch.fetching = Some((id, purpose, object.clone()));
    model.flash = Some(format!("reading {} {}…", object.kind.title(), object.name));
    model.dirty = true;
    vec![Effect::Fetch { id, object }]
}

/// Enter on a row: a deployment opens its pods (read from its selector); other kinds show
/// their YAML.
pub fn open_selected(model: &mut Model) -> Vec<Effect> {
    let kind = model.watch.as_ref().map(|w| w.target.kind);
    if kind == Some(WatchKind::Deployments) {
        fetch_selected(model, FetchPurpose::Selector)
    } else {
        fetch_selected(model, FetchPurpose::Yaml)
    }
}

/// The answer of a read: shows the YAML (values that look secret redacted) or switches to the
/// deployment's pods; a failed read flashes why.
pub fn on_fetched(
    model: &mut Model,
    id: u64,
    result: Result<serde_json::Value, String>,
) -> Vec<Effect> {
    let Some(watch) = model.watch.as_mut() else {
        return Vec::new();
    };
    let Some((expected, purpose, object)) = watch.fetching.clone() else {
        return Vec::new();
    };
    if expected != id {
        return Vec::new();
    }
    watch.fetching = None;
    model.dirty = true;
    let mut value = match result {
        Ok(value) => value,
        Err(error) => {
            model.flash = Some(error);
            return Vec::new();
        }
    };
    model.flash = None;
    match purpose {
        FetchPurpose::Yaml => {
            strip_managed_fields(&mut value);
            let redacted = crate::agent::redact::redact_json(&mut value);
            let mut title = format!("{} {}", object.kind.title(), object.name);
            if redacted > 0 {
                title.push_str(&format!(" · {redacted} redacted"));
            }
            watch.yaml = Some(YamlView {
                title,
                text: to_yaml(&value),
                top: 0,
            });
            Vec::new()
        }
        FetchPurpose::Selector => match match_labels(&value) {
            Some(selector) => {
                let namespace = watch.namespace.clone();
                let target = WatchTarget {
                    kind: WatchKind::Pods,
                    namespace: object.namespace.clone(),
                    labels: Some(selector),
                };
                switch_to(model, target, namespace)
            }
            None => {
                model.flash = Some(format!(
                    "deployment {} has no spec.selector.matchLabels to find its pods by",
                    object.name
                ));
                Vec::new()
            }
        },
    }
}

/// `metadata.managedFields` is noise for a reader (kubectl hides it too).
fn strip_managed_fields(value: &mut serde_json::Value) {
    if let Some(meta) = value.get_mut("metadata").and_then(|m| m.as_object_mut()) {
        meta.remove("managedFields");
    }
}

/// A deployment's `spec.selector.matchLabels` as `k=v,k2=v2`.
pub fn match_labels(deployment: &serde_json::Value) -> Option<String> {
    let labels = deployment
        .pointer("/spec/selector/matchLabels")?
        .as_object()?;
    let pairs: Vec<String> = labels
        .iter()
        .filter_map(|(k, v)| v.as_str().map(|v| format!("{k}={v}")))
        .collect();
    (!pairs.is_empty()).then(|| pairs.join(","))
}

/// JSON as block YAML.
pub fn to_yaml(value: &serde_json::Value) -> String {
    let mut out = String::new();
    let mut emitter = yaml_rust::YamlEmitter::new(&mut out);
    if emitter.dump(&yaml(value)).is_err() {
        return serde_json::to_string_pretty(value).unwrap_or_default();
    }
    out.strip_prefix("---\n").unwrap_or(&out).to_string()
}

fn yaml(value: &serde_json::Value) -> yaml_rust::Yaml {
    use serde_json::Value;
    use yaml_rust::Yaml;
    match value {
        Value::Null => Yaml::Null,
        Value::Bool(b) => Yaml::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Yaml::Integer(i),
            None => Yaml::Real(n.to_string()),
        },
        Value::String(s) => Yaml::String(s.clone()),
        Value::Array(items) => Yaml::Array(items.iter().map(yaml).collect()),
        Value::Object(map) => Yaml::Hash(
            map.iter()
                .map(|(k, v)| (Yaml::String(k.clone()), yaml(v)))
                .collect(),
        ),
    }
}

/// Whether the pane shows an object's YAML (it then takes the keys).
pub fn yaml_open(model: &Model) -> bool {
    model.watch.as_ref().is_some_and(|w| w.yaml.is_some())
}

/// Keys over the YAML: Esc or q closes, j/k/arrows/PgUp/PgDn/g/G scroll.
pub fn on_yaml_key(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    let page = table_rows(model);
    let Some(watch) = model.watch.as_mut() else {
        return Vec::new();
    };
    let Some(view) = watch.yaml.as_mut() else {
        return Vec::new();
    };
    let last = view.text.lines().count().saturating_sub(1);
    model.dirty = true;
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') => watch.yaml = None,
        KeyCode::Char('j') | KeyCode::Down => view.top = (view.top + 1).min(last),
        KeyCode::Char('k') | KeyCode::Up => view.top = view.top.saturating_sub(1),
        KeyCode::PageDown => view.top = (view.top + page).min(last),
        KeyCode::PageUp => view.top = view.top.saturating_sub(page),
        KeyCode::Char('g') | KeyCode::Home => view.top = 0,
        KeyCode::Char('G') | KeyCode::End => view.top = last,
        _ => {}
    }
    Vec::new()
}
