//! `:ctx NAME`: switches the cockpit's kubeconfig context. The model is the one source of the
//! context: the status bar, the plan's injected `--context`, the approval mode and guard rails
//! of `[contexts."NAME"]`, and (through `Effect::SwitchContext`, which runs before the new
//! watcher starts) the effect runner's commands, previews, memory file and watchers.

use crate::agent::mode::{Guard, Mode};
use crate::app::agent_loop::Phase;
use crate::app::effect::Effect;
use crate::app::model::Model;
use crate::app::transcript::EntryKind;
use crate::app::watch::{WatchKind, WatchState, WatchTarget, complete_among};
use crate::ui::markdown::MarkdownDoc;

/// A kubeconfig context the cockpit can switch to, with its settings from the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextChoice {
    pub name: String,
    /// The context's namespace (`default` when it sets none).
    pub namespace: String,
    pub mode: Mode,
    pub guard: Guard,
}

/// A `ctx`/`context` command line, run; `None` when `line` is another command.
pub fn run_context_command(model: &mut Model, line: &str) -> Option<Vec<Effect>> {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["ctx" | "context"] => {
            let names: Vec<&str> = model.contexts.iter().map(|c| c.name.as_str()).collect();
            model.flash = Some(if names.is_empty() {
                "no kubeconfig contexts to switch to".to_string()
            } else {
                format!("`:ctx NAME` switches context: {}", names.join(", "))
            });
            Some(Vec::new())
        }
        ["ctx" | "context", name] => Some(switch_context(model, name)),
        ["ctx" | "context", ..] => {
            model.flash = Some("`:ctx` takes one context name".into());
            Some(Vec::new())
        }
        _ => None,
    }
}

/// Switches to the kubeconfig context `name`: the cockpit's target (context, namespace, mode,
/// guard rails) changes, the runner is told (memory reloads from that context's file), and
/// the watch pane restarts on the new cluster. Refused while a plan is in flight.
pub fn switch_context(model: &mut Model, name: &str) -> Vec<Effect> {
    let Some(choice) = model.contexts.iter().find(|c| c.name == name).cloned() else {
        let known: Vec<&str> = model.contexts.iter().map(|c| c.name.as_str()).collect();
        model.flash = Some(format!(
            "unknown context `{name}`: the kubeconfig has {}",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        ));
        return Vec::new();
    };
    if model.agent.phase != Phase::Idle {
        model.flash = Some(format!(
            "a plan is in flight on {}: finish or stop it (Esc) before switching context",
            model.cluster.context.as_deref().unwrap_or("this context")
        ));
        return Vec::new();
    }
    model.cluster.context = Some(choice.name.clone());
    model.cluster.namespace = choice.namespace.clone();
    model.cluster.demo = false;
    let target = &mut model.agent.target;
    target.context = Some(choice.name.clone());
    target.namespace = choice.namespace.clone();
    target.mode = choice.mode;
    target.guard = choice.guard;
    model.plan = None;
    model.dirty = true;
    let mut note = format!(
        "context **{}** (namespace {}, mode {}",
        choice.name, choice.namespace, choice.mode
    );
    if choice.guard.production {
        note.push_str(", production");
    }
    if choice.guard.read_only {
        note.push_str(", read-only");
    }
    note.push(')');
    model
        .transcript
        .push(EntryKind::Info, MarkdownDoc::from_text(&note));
    model.transcript.follow_bottom();
    model.flash = Some(format!("switched to {}", choice.name));

    let mut effects = vec![Effect::SwitchContext {
        context: choice.name.clone(),
        namespace: choice.namespace.clone(),
    }];
    // The kinds of the old cluster say nothing about the new one.
    model.discovery.catalogue = None;
    let old = model.watch.as_ref().map(|w| (w.id, w.target.kind));
    let kind = match old {
        Some((_, WatchKind::Other(_))) | None => WatchKind::Pods,
        Some((_, kind)) => kind,
    };
    let id = old.map_or(1, |(id, _)| id + 1);
    if let Some((old_id, _)) = old {
        effects.push(Effect::StopWatch { id: old_id });
    }
    let mut state = WatchState::new(
        id,
        WatchTarget {
            kind,
            namespace: kind.namespaced().then(|| choice.namespace.clone()),
            labels: None,
        },
    );
    state.namespace = Some(choice.namespace);
    effects.push(state.start_effect());
    model.watch = Some(state);
    let discovery = model.discovery.start();
    effects.push(Effect::Discover { id: discovery });
    effects
}

/// The memory notes of the context switched to, read by the runner.
pub fn on_memory_loaded(
    model: &mut Model,
    context: &str,
    memory: Result<(String, bool), String>,
) -> Vec<Effect> {
    if model.cluster.context.as_deref() != Some(context) {
        return Vec::new();
    }
    model.dirty = true;
    match memory {
        Ok((text, paused)) => {
            let cap = model.memory.cap;
            model.memory = crate::app::memory::MemoryState::new(text, cap);
            model.memory.paused = paused;
        }
        Err(error) => {
            model.memory = crate::app::memory::MemoryState::new(String::new(), model.memory.cap);
            model.transcript.push(
                EntryKind::Error,
                MarkdownDoc::from_text(&format!(
                    "cannot read the memory notes of {context}: {error} (check the data directory's permissions)"
                )),
            );
        }
    }
    Vec::new()
}

/// Tab in the command bar: `ctx ` completes a context name, anything else a kind (built-in
/// or discovered) or command word.
pub fn complete_command(model: &Model, text: &str) -> Option<String> {
    if let Some(typed) = text
        .strip_prefix("ctx ")
        .or_else(|| text.strip_prefix("context "))
    {
        let prefix = &text[..text.len() - typed.len()];
        let names: Vec<&str> = model
            .contexts
            .iter()
            .map(|c| c.name.as_str())
            .filter(|name| name.starts_with(typed))
            .collect();
        let common = common_prefix(&names)?;
        return (common.len() > typed.len()).then(|| format!("{prefix}{common}"));
    }
    let discovered = model
        .discovery
        .catalogue
        .as_ref()
        .map(crate::app::discovery::Catalogue::names)
        .unwrap_or_default();
    complete_among(text, &discovered)
}

fn common_prefix(names: &[&str]) -> Option<String> {
    let (first, rest) = names.split_first()?;
    let mut common = first.to_string();
    for name in rest {
        let shared = common
            .chars()
            .zip(name.chars())
            .take_while(|(a, b)| a == b)
            .count();
        common = common.chars().take(shared).collect();
    }
    Some(common)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::common_prefix;

    #[test]
    fn common_prefix_of_context_names() {
        assert_eq!(
            common_prefix(&["prod-eu", "prod-us"]).as_deref(),
            Some("prod-")
        );
        assert_eq!(common_prefix(&["dev"]).as_deref(), Some("dev"));
        assert_eq!(common_prefix(&[]), None);
    }
}
