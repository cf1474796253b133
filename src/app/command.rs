//! Running a planned command: what the cockpit runs for a planned argv (context and namespace
//! injected), the events of a run, and how its output is capped and redacted for the model.

use std::time::Duration;

use crate::agent::redact::redact_text;

/// Where to find kubectl when it is missing.
pub const KUBECTL_INSTALL_HINT: &str = "kubectl was not found on PATH: install it (https://kubernetes.io/docs/tasks/tools/) and restart";

/// Most lines of one command's output the cockpit keeps (the rest is counted, not kept).
pub const KEEP_LINES: usize = 20_000;

/// Most bytes of output that go back to the model for one command.
pub const MODEL_MAX_BYTES: usize = 16 * 1024;

/// The argv that runs for a planned argv: `--context` and `--namespace` added right after
/// the program, unless the plan names a namespace or all namespaces itself.
pub fn cockpit_argv(plan_argv: &[String], context: Option<&str>, namespace: &str) -> Vec<String> {
    let Some((program, rest)) = plan_argv.split_first() else {
        return Vec::new();
    };
    let mut argv = vec![program.clone()];
    if let Some(context) = context {
        argv.push("--context".into());
        argv.push(context.into());
    }
    let names_namespace = rest.iter().any(|word| {
        matches!(
            word.as_str(),
            "-n" | "--namespace" | "-A" | "--all-namespaces"
        ) || word.starts_with("--namespace=")
            || word.starts_with("-n=")
            || (word.starts_with("-n") && word.len() > 2 && !word.starts_with("--"))
            || word.starts_with("--all-namespaces=")
    });
    if !names_namespace && !namespace.is_empty() {
        argv.push("--namespace".into());
        argv.push(namespace.into());
    }
    argv.extend(rest.iter().cloned());
    argv
}

/// An argv as one line a shell would read back to the same words.
pub fn display_argv(argv: &[String]) -> String {
    shell_words::join(argv)
}

/// Something that happened to a running command.
#[derive(Debug, Clone, PartialEq)]
pub enum ExecEvent {
    Started {
        pid: Option<u32>,
    },
    /// Lines of stdout and stderr, in arrival order, batched.
    Output(Vec<String>),
    Finished(ExecReport),
}

/// How a command ended.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExecReport {
    /// `None` when killed by a signal, cancelled, timed out or never started.
    pub exit_code: Option<i32>,
    pub duration: Duration,
    pub timed_out: bool,
    pub cancelled: bool,
    pub total_lines: usize,
    /// Why the command could not run (e.g. kubectl missing, with the install hint).
    pub error: Option<String>,
}

/// A command's output as the cockpit keeps it: at most [`KEEP_LINES`] lines, plus a count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CapturedOutput {
    lines: Vec<String>,
    total: usize,
}

impl CapturedOutput {
    pub fn push(&mut self, lines: Vec<String>) {
        self.total += lines.len();
        let room = KEEP_LINES.saturating_sub(self.lines.len());
        self.lines.extend(lines.into_iter().take(room));
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    pub fn total(&self) -> usize {
        self.total
    }

    /// The last `rows` lines (the live view shows at most a screenful).
    pub fn tail(&self, rows: usize) -> &[String] {
        &self.lines[self.lines.len().saturating_sub(rows)..]
    }

    /// The whole kept output as text (what the save key writes).
    pub fn text(&self) -> String {
        let mut text = self.lines.join("\n");
        if self.total > self.lines.len() {
            text.push_str(&format!(
                "\n… {} more lines not kept",
                self.total - self.lines.len()
            ));
        }
        text
    }

    /// What goes back to the model: the last `max_lines` lines within `max_bytes`, redacted.
    pub fn for_model(&self, max_lines: usize, max_bytes: usize) -> String {
        let tail = self.tail(max_lines);
        let mut kept: Vec<&str> = Vec::new();
        let mut bytes = 0;
        for line in tail.iter().rev() {
            if bytes + line.len() + 1 > max_bytes {
                break;
            }
            bytes += line.len() + 1;
            kept.push(line);
        }
        kept.reverse();
        let dropped = self.total - kept.len();
        let mut text = String::new();
        if dropped > 0 {
            text.push_str(&format!("[{dropped} earlier lines left out]\n"));
        }
        text.push_str(&kept.join("\n"));
        redact_text(&text).text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn context_and_namespace_are_injected_after_the_program() {
        assert_eq!(
            cockpit_argv(&words("kubectl get pods"), Some("dev"), "shop"),
            words("kubectl --context dev --namespace shop get pods")
        );
        assert_eq!(
            cockpit_argv(&words("kubectl get pods -n kube-system"), None, "shop"),
            words("kubectl get pods -n kube-system")
        );
        assert_eq!(
            cockpit_argv(&words("kubectl get pods -A"), Some("c"), "shop"),
            words("kubectl --context c get pods -A")
        );
        assert!(cockpit_argv(&[], Some("c"), "shop").is_empty());
    }

    #[test]
    fn output_for_the_model_is_capped_and_redacted() {
        let mut out = CapturedOutput::default();
        out.push((0..100).map(|i| format!("line {i}")).collect());
        out.push(vec![
            "token: ghp_abcdefghijklmnopqrstuvwxyz0123456789".into(),
        ]);
        let text = out.for_model(5, 10_000);
        assert!(text.starts_with("[96 earlier lines left out]"), "{text}");
        assert!(
            !text.contains("ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            "{text}"
        );
        assert_eq!(out.total(), 101);
        assert_eq!(out.tail(2).len(), 2);
    }
}
