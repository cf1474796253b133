//! Running a planned command: what the cockpit runs for a planned argv (context and namespace
//! injected), the events of a run, and how its output is capped and redacted for the model.

/// Most lines of one command's output the cockpit keeps: the first and last halves; the
/// middle is counted, not kept.
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

pub use crate::exec::{CapturedOutput, ExecEvent, ExecReport, OutputLine, OutputStream};

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
    fn output_keeps_its_head_and_tail_and_the_model_gets_it_redacted() {
        let mut out = CapturedOutput::new(KEEP_LINES);
        let line = |text: String| OutputLine {
            stream: OutputStream::Stdout,
            text,
        };
        out.extend((0..KEEP_LINES + 100).map(|i| line(format!("line {i}"))));
        out.push(line(
            "token: ghp_abcdefghijklmnopqrstuvwxyz0123456789".into(),
        ));
        assert_eq!(out.total_lines(), KEEP_LINES + 101);
        assert_eq!(out.dropped_lines(), 101);
        let last: Vec<&str> = out.last(2).map(|l| l.text.as_str()).collect();
        assert_eq!(
            last,
            [
                format!("line {}", KEEP_LINES + 99).as_str(),
                "token: ghp_abcdefghijklmnopqrstuvwxyz0123456789"
            ]
        );
        let text = out.for_model(5, 10_000);
        assert!(text.contains("more lines"), "{text}");
        assert!(
            !text.contains("ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            "{text}"
        );
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
