//! `Model`: everything the cockpit shows. Only `update` (and the pre-draw layout pass) changes it.

use std::time::Instant;

use crate::agent::mode::{Guard, Mode};
use crate::app::agent_loop::{AgentLoop, LoopSettings};
use crate::app::editor::Editor;
use crate::app::events::EventsState;
use crate::app::forwards::ForwardsState;
use crate::app::input::PromptInput;
use crate::app::keymap::Keymap;
use crate::app::live_view::LiveView;
use crate::app::logs::LogsState;
use crate::app::memory::{DEFAULT_MEMORY_CHARS, MemoryState};
use crate::app::plan::{PlanState, Target};
use crate::app::rollouts::RolloutsState;
use crate::app::stream::{StreamState, UsageTotals};
use crate::app::transcript::{EntryKind, Transcript};
use crate::app::watch::{WatchKind, WatchState, WatchTarget};
use crate::pricing::Price;
use crate::ui::layout::CockpitLayout;
use crate::ui::markdown::MarkdownDoc;

/// The cockpit's panes, in focus order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Chat,
    Plan,
    Watch,
    Memory,
}

impl Pane {
    pub const ALL: [Pane; 4] = [Pane::Chat, Pane::Plan, Pane::Watch, Pane::Memory];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Chat => "chat",
            Pane::Plan => "plan",
            Pane::Watch => "watch",
            Pane::Memory => "memory",
        }
    }

    pub fn next(self) -> Pane {
        let i = Pane::ALL.iter().position(|p| *p == self).unwrap_or(0);
        Pane::ALL[(i + 1) % Pane::ALL.len()]
    }

    pub fn prev(self) -> Pane {
        let i = Pane::ALL.iter().position(|p| *p == self).unwrap_or(0);
        Pane::ALL[(i + Pane::ALL.len() - 1) % Pane::ALL.len()]
    }
}

/// Which cluster the cockpit points at, as shown in the status bar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterInfo {
    pub context: Option<String>,
    pub namespace: String,
    /// The built-in demo cluster: the status bar says so.
    pub demo: bool,
}

/// What the cockpit starts with.
pub struct ModelInit {
    pub model_label: String,
    pub price: Option<Price>,
    pub cluster: ClusterInfo,
    pub keymap: Keymap,
    pub history: Vec<String>,
    pub system_prompt: String,
    /// Shown once in chat at start (e.g. a missing API key).
    pub startup_notes: Vec<String>,
    /// Settings that could not be used, shown once in chat as errors (cause and fix).
    pub startup_problems: Vec<String>,
    /// Pre-filled prompt (the demo's suggested first question).
    pub suggested_prompt: Option<String>,
    /// Approval mode and guard rails for the context.
    pub mode: Mode,
    pub guard: Guard,
    pub loop_settings: LoopSettings,
    /// The memory kept for this context, and its cap in characters.
    pub memory: String,
    pub memory_chars: usize,
    /// Memory updates from the model were paused (in an earlier session).
    pub memory_paused: bool,
    /// The kubeconfig's contexts `:ctx` switches between.
    pub contexts: Vec<crate::app::context_switch::ContextChoice>,
    pub width: u16,
    pub height: u16,
}

impl ModelInit {
    /// A cockpit for `model_label` on `cluster` with default keys and nothing else set.
    pub fn new(model_label: &str, cluster: ClusterInfo, width: u16, height: u16) -> Self {
        Self {
            model_label: model_label.to_string(),
            price: None,
            cluster,
            keymap: Keymap::default(),
            history: Vec::new(),
            system_prompt: String::new(),
            startup_notes: Vec::new(),
            startup_problems: Vec::new(),
            suggested_prompt: None,
            mode: Mode::default(),
            guard: Guard::default(),
            loop_settings: LoopSettings::default(),
            memory: String::new(),
            memory_chars: DEFAULT_MEMORY_CHARS,
            memory_paused: false,
            contexts: Vec::new(),
            width,
            height,
        }
    }
}

/// What the text viewer shows, and how far it is scrolled (in lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub title: String,
    pub text: String,
    pub top: usize,
}

impl Viewer {
    pub fn new(title: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            text: text.into(),
            top: 0,
        }
    }
}

pub const PLACEHOLDER: &str = "Ask about your cluster…  (Enter sends, ↑ recalls)";

pub struct Model {
    pub focus: Pane,
    pub transcript: Transcript,
    pub input: PromptInput,
    pub stream: StreamState,
    /// Id of the stream in flight; events of older streams are ignored.
    pub stream_id: u64,
    pub usage: UsageTotals,
    pub price: Option<Price>,
    pub model_label: String,
    pub cluster: ClusterInfo,
    pub keymap: Keymap,
    pub system_prompt: String,
    /// The plan → approve → run loop.
    pub agent: AgentLoop,
    /// The plan on screen.
    pub plan: Option<PlanState>,
    pub memory: MemoryState,
    /// The watch pane (`None` without a cluster context).
    pub watch: Option<WatchState>,
    /// What the live slot (the side column's middle pane, `Pane::Watch`) shows.
    pub live_view: LiveView,
    pub rollouts: RolloutsState,
    pub forwards: ForwardsState,
    pub logs: LogsState,
    pub events: EventsState,
    /// The focused pane takes the whole screen (`z`).
    pub zoomed: bool,
    /// The kinds the cluster serves (for the watch pane's command bar).
    pub discovery: crate::app::discovery::DiscoveryState,
    /// The kubeconfig's contexts `:ctx` switches between.
    pub contexts: Vec<crate::app::context_switch::ContextChoice>,
    /// The small input a pane opened (typed confirmation, note, edit).
    pub editor: Option<Editor>,
    /// A read-only text viewer over the panes (the last prompt, a command's full output).
    pub viewer: Option<Viewer>,
    pub help_open: bool,
    pub width: u16,
    pub height: u16,
    /// A one-off hint in the status bar, cleared by the next key.
    pub flash: Option<String>,
    pub quitting: bool,
    /// Something visible changed since the last draw.
    pub dirty: bool,
    pub started: Instant,
}

impl Model {
    pub fn new(init: ModelInit, now: Instant) -> Self {
        let mut transcript = Transcript::new();
        let problems = init
            .startup_problems
            .into_iter()
            .map(|p| (EntryKind::Error, p));
        let notes = init.startup_notes.into_iter().map(|n| (EntryKind::Info, n));
        for (kind, text) in problems.chain(notes) {
            transcript.push(kind, MarkdownDoc::from_text(&text));
        }
        let mut input = PromptInput::new(init.history, PLACEHOLDER);
        if let Some(prompt) = init.suggested_prompt {
            input.insert_text(&prompt);
        }
        let mut memory = MemoryState::new(init.memory, init.memory_chars);
        memory.paused = init.memory_paused;
        let target = Target {
            mode: init.mode,
            guard: init.guard,
            context: init.cluster.context.clone(),
            namespace: init.cluster.namespace.clone(),
        };
        let watch = init.cluster.context.as_ref().map(|_| {
            WatchState::new(
                1,
                WatchTarget {
                    kind: WatchKind::Pods,
                    namespace: Some(init.cluster.namespace.clone()),
                    labels: None,
                },
            )
        });
        Self {
            focus: Pane::Chat,
            watch,
            live_view: LiveView::default(),
            rollouts: RolloutsState::default(),
            forwards: ForwardsState::default(),
            logs: LogsState::default(),
            events: EventsState::default(),
            zoomed: false,
            discovery: Default::default(),
            contexts: init.contexts,
            transcript,
            input,
            stream: StreamState::Idle,
            stream_id: 0,
            usage: UsageTotals::default(),
            price: init.price,
            model_label: init.model_label,
            cluster: init.cluster,
            keymap: init.keymap,
            agent: AgentLoop::new(target, init.loop_settings, init.system_prompt.clone()),
            plan: None,
            memory,
            editor: None,
            viewer: None,
            system_prompt: init.system_prompt,
            help_open: false,
            width: init.width,
            height: init.height,
            flash: None,
            quitting: false,
            dirty: true,
            started: now,
        }
    }

    /// Where everything goes on the current terminal size.
    pub fn layout(&self) -> CockpitLayout {
        CockpitLayout::compute(
            ratatui::layout::Rect::new(0, 0, self.width, self.height),
            self.focus,
            self.input.rows(),
            self.zoomed,
        )
    }

    /// Bring cached text layout up to date; the run loop calls this right before drawing.
    pub fn prepare_draw(&mut self) {
        let area = self.layout().transcript;
        self.transcript.layout(area.width);
        self.transcript.settle(usize::from(area.height));
    }

    /// Session cost in USD, when the model's price is known.
    pub fn cost(&self) -> Option<f64> {
        self.price
            .map(|price| crate::pricing::cost(price, self.usage.total()))
    }
}
