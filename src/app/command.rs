//! Running a planned command: what the cockpit runs for a planned argv (context and namespace
//! injected), the events of a run, and how its output is capped and redacted for the model.

use crate::agent::redact::redact_text;

/// Most lines of one command's output the cockpit keeps (the rest is counted, not kept).
pub const KEEP_LINES: usize = 20_000;

/// Most bytes of output that go back to the model for one command.
pub const MODEL_MAX_BYTES: usize = 16 * 1024;

/// The argv that runs for a planned argv: [`crate::exec::cockpit_argv`] with the cockpit's
/// context and namespace.
pub fn cockpit_argv(plan_argv: &[String], context: Option<&str>, namespace: &str) -> Vec<String> {
    if plan_argv.is_empty() {
        return Vec::new();
    }
    crate::exec::cockpit_argv(
        plan_argv,
        context,
        (!namespace.is_empty()).then_some(namespace),
    )
}

/// An argv as one line a shell would read back to the same words.
pub fn display_argv(argv: &[String]) -> String {
    let words: Vec<std::borrow::Cow<'_, str>> = argv.iter().map(|word| quote(word)).collect();
    words.join(" ")
}

/// A word as a shell would need it: bare when it holds only characters no shell treats
/// specially (`=` included: `--replicas=3` stays readable), single-quoted otherwise.
fn quote(word: &str) -> std::borrow::Cow<'_, str> {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_=./:,@%+".contains(c));
    if plain {
        std::borrow::Cow::Borrowed(word)
    } else {
        shell_words::quote(word)
    }
}

pub use crate::exec::{ExecEvent, ExecReport, OutputLine, OutputStream};

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
    fn context_and_namespace_are_injected() {
        assert_eq!(
            cockpit_argv(&words("kubectl get pods"), Some("dev"), "shop"),
            words("kubectl --context dev -n shop get pods")
        );
        assert_eq!(
            cockpit_argv(&words("kubectl get pods -n kube-system"), None, "shop"),
            words("kubectl get pods -n kube-system")
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

#[cfg(test)]
mod display_tests {
    use super::display_argv;
    use crate::agent::policy::parse_command;

    #[test]
    fn flags_with_values_stay_bare_and_anything_a_shell_reads_is_quoted() {
        let argv: Vec<String> = [
            "kubectl",
            "--replicas=3",
            "-l",
            "app.kubernetes.io/name=checkout",
            "jsonpath={.items[*].metadata.name}",
            "it's",
            "",
            "a b",
        ]
        .map(String::from)
        .to_vec();
        let shown = display_argv(&argv);
        assert_eq!(
            shown,
            "kubectl --replicas=3 -l app.kubernetes.io/name=checkout 'jsonpath={.items[*].metadata.name}' 'it'\\''s' '' 'a b'"
        );
        // The command line reads back as the same words (the parser drops `kubectl`).
        assert_eq!(
            parse_command(&shown).ok().as_deref(),
            Some(&argv[1..]),
            "it reads back the same"
        );
    }
}
