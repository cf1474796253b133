//! What is kept of a command's output: bounded in memory, cut and redacted for the model, and
//! saved whole with mode 0600.
#![allow(clippy::unwrap_used)]

use kubevibe::exec::{CapturedOutput, OutputLine, OutputStream};

fn out(text: &str) -> OutputLine {
    OutputLine {
        stream: OutputStream::Stdout,
        text: text.to_owned(),
    }
}

fn err(text: &str) -> OutputLine {
    OutputLine {
        stream: OutputStream::Stderr,
        text: text.to_owned(),
    }
}

const JWT: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50Iiwic3ViIjoic3lzdGVtOnNlcnZpY2VhY2NvdW50OmRlZmF1bHQ6ZGVmYXVsdCJ9.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtc2lnbmF0dXJl";

#[test]
fn the_model_sees_head_and_tail_with_the_count_between() {
    let mut captured = CapturedOutput::default();
    captured.extend((1..=1000).map(|n| out(&format!("line {n}"))));
    let model = captured.for_model(10, 100_000);
    let lines: Vec<&str> = model.lines().collect();
    assert_eq!(lines.len(), 10, "{model}");
    assert_eq!(
        lines[..5],
        ["line 1", "line 2", "line 3", "line 4", "line 5"]
    );
    assert_eq!(lines[5], "… 991 more lines");
    assert_eq!(
        lines[6..],
        ["line 997", "line 998", "line 999", "line 1000"]
    );
}

#[test]
fn the_byte_budget_holds_too() {
    let mut captured = CapturedOutput::default();
    captured.extend((0..200).map(|n| out(&format!("{n:04} {}", "y".repeat(95)))));
    let model = captured.for_model(10_000, 2_000);
    assert!(model.len() <= 2_100, "{} bytes", model.len());
    assert!(model.starts_with("0000 "), "{model}");
    assert!(
        model
            .trim_end()
            .ends_with(&format!("0199 {}", "y".repeat(95)))
    );
    let more = model
        .lines()
        .find(|line| line.ends_with("more lines"))
        .expect("a count line");
    let shown = model.lines().count() - 1;
    assert_eq!(more, format!("… {} more lines", 200 - shown));
}

#[test]
fn short_output_comes_back_whole_and_stderr_is_marked() {
    let mut captured = CapturedOutput::default();
    captured.extend([
        out("NAME   READY"),
        out("web-1  1/1"),
        err("Warning: deprecated"),
    ]);
    assert_eq!(
        captured.for_model(100, 10_000),
        "NAME   READY\nweb-1  1/1\n[stderr]\nWarning: deprecated\n"
    );
    assert_eq!(
        CapturedOutput::default().for_model(100, 10_000),
        "(no output)"
    );
}

#[test]
fn secrets_and_tokens_are_redacted_for_the_model_but_saved_as_they_are() {
    let secret = "\
apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
data:
  password: c3VwZXItc2VjcmV0LXBhc3N3b3Jk
";
    let mut captured = CapturedOutput::default();
    captured.extend(secret.lines().map(out));
    captured.push(err(&format!("token: {JWT}")));
    let model = captured.for_model(100, 100_000);
    assert!(!model.contains("c3VwZXItc2VjcmV0LXBhc3N3b3Jk"), "{model}");
    assert!(!model.contains(JWT), "{model}");
    assert!(model.contains("password: <redacted>"), "{model}");
    assert!(model.contains("name: db"), "{model}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("output.txt");
    captured.save(&path).unwrap();
    let saved = std::fs::read_to_string(&path).unwrap();
    assert_eq!(saved, format!("{secret}token: {JWT}\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn past_the_memory_limit_the_dropped_lines_are_counted_everywhere() {
    let mut captured = CapturedOutput::new(100);
    captured.extend((1..=1000).map(|n| out(&n.to_string())));
    assert_eq!(captured.total_lines(), 1000);
    assert_eq!(captured.dropped_lines(), 900);
    assert_eq!(captured.lines().count(), 100);
    let model = captured.for_model(4, 10_000);
    assert_eq!(model, "1\n2\n… 997 more lines\n1000\n");
    let text = captured.text();
    assert!(text.contains("50\n… 900 lines dropped here"), "{text}");
    assert!(text.contains("kept in memory)\n951\n"), "{text}");
    assert!(text.ends_with("999\n1000\n"), "{text}");
}
