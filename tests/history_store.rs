//! Prompt history on disk: round trips across sessions, tolerates damage, stays private.

use std::fs;
use std::path::PathBuf;

use kubevibe::store::{DEFAULT_CAPACITY, PromptHistory};
use tempfile::TempDir;

fn history_path(dir: &TempDir) -> PathBuf {
    dir.path().join("data/kubevibe/history.jsonl")
}

#[test]
fn prompts_survive_reopening_oldest_first() {
    let dir = TempDir::new().expect("temp dir");
    let path = history_path(&dir);
    let mut history = PromptHistory::open(&path, DEFAULT_CAPACITY).expect("open");
    assert!(history.entries().is_empty());
    history.push("why is checkout crashlooping?").expect("push");
    history.push("scale web to 3 replicas").expect("push");
    history.push("line one\nline two \"quoted\"").expect("push");

    let reopened = PromptHistory::open(&path, DEFAULT_CAPACITY).expect("reopen");
    assert_eq!(
        reopened.entries(),
        [
            "why is checkout crashlooping?",
            "scale web to 3 replicas",
            "line one\nline two \"quoted\""
        ]
    );
    assert_eq!(reopened.skipped_lines(), 0);
}

#[test]
fn each_line_is_json_with_a_timestamp_and_the_prompt() {
    let dir = TempDir::new().expect("temp dir");
    let path = history_path(&dir);
    let mut history = PromptHistory::open(&path, DEFAULT_CAPACITY).expect("open");
    history.push("get pods").expect("push");
    let text = fs::read_to_string(&path).expect("read");
    let line: serde_json::Value = serde_json::from_str(text.trim_end()).expect("json line");
    assert_eq!(line["prompt"], "get pods");
    let ts = line["ts"].as_str().expect("ts is a string");
    ts.parse::<jiff::Timestamp>()
        .expect("ts is an RFC 3339 timestamp");
}

#[test]
fn blank_prompts_and_consecutive_repeats_are_not_stored() {
    let dir = TempDir::new().expect("temp dir");
    let path = history_path(&dir);
    let mut history = PromptHistory::open(&path, DEFAULT_CAPACITY).expect("open");
    for prompt in [
        "",
        "   ",
        "get pods",
        "get pods",
        "describe web",
        "get pods",
        "\n",
    ] {
        history.push(prompt).expect("push");
    }
    assert_eq!(history.entries(), ["get pods", "describe web", "get pods"]);
    let lines = fs::read_to_string(&path).expect("read").lines().count();
    assert_eq!(lines, 3);
}

#[test]
fn a_repeat_across_sessions_is_not_stored_twice() {
    let dir = TempDir::new().expect("temp dir");
    let path = history_path(&dir);
    PromptHistory::open(&path, DEFAULT_CAPACITY)
        .expect("open")
        .push("get pods")
        .expect("push");
    let mut second = PromptHistory::open(&path, DEFAULT_CAPACITY).expect("reopen");
    second.push("get pods").expect("push");
    assert_eq!(second.entries(), ["get pods"]);
    assert_eq!(fs::read_to_string(&path).expect("read").lines().count(), 1);
}

#[test]
fn malformed_lines_are_skipped_not_fatal() {
    let dir = TempDir::new().expect("temp dir");
    let path = history_path(&dir);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let mut damaged = b"{\"ts\":\"2025-01-01T00:00:00Z\",\"prompt\":\"first\"}\n".to_vec();
    damaged.extend_from_slice(b"not json at all\n\n");
    damaged.extend_from_slice(b"{\"ts\":\"2025-01-01T00:00:01Z\"}\n");
    damaged.extend_from_slice(b"{\"prompt\": \"\xff\xfe broken utf-8\"}\n");
    damaged.extend_from_slice(b"{\"ts\":\"2025-01-01T00:00:02Z\",\"prompt\":\"second\"}\n");
    damaged.extend_from_slice(b"{\"prompt\":\"cut off");
    fs::write(&path, damaged).expect("write damaged file");

    let mut history = PromptHistory::open(&path, DEFAULT_CAPACITY).expect("open despite damage");
    assert_eq!(history.entries(), ["first", "second"]);
    assert_eq!(history.skipped_lines(), 4);

    history.push("third").expect("push after damage");
    let reopened = PromptHistory::open(&path, DEFAULT_CAPACITY).expect("reopen");
    assert!(
        reopened
            .entries()
            .ends_with(&["second".to_owned(), "third".to_owned()]),
        "{:?}",
        reopened.entries()
    );
}

#[test]
fn only_the_last_capacity_entries_are_kept() {
    let dir = TempDir::new().expect("temp dir");
    let path = history_path(&dir);
    let mut history = PromptHistory::open(&path, 3).expect("open");
    for n in 1..=5 {
        history.push(&format!("prompt {n}")).expect("push");
    }
    assert_eq!(history.entries(), ["prompt 3", "prompt 4", "prompt 5"]);
    let reopened = PromptHistory::open(&path, 3).expect("reopen");
    assert_eq!(reopened.entries(), ["prompt 3", "prompt 4", "prompt 5"]);
    let wider = PromptHistory::open(&path, 10).expect("reopen wider");
    assert_eq!(wider.entries().len(), 5);
}

#[test]
fn a_file_far_beyond_capacity_is_compacted_on_open() {
    let dir = TempDir::new().expect("temp dir");
    let path = history_path(&dir);
    let mut history = PromptHistory::open(&path, 100).expect("open");
    for n in 1..=10 {
        history.push(&format!("prompt {n}")).expect("push");
    }
    let compacted = PromptHistory::open(&path, 4).expect("reopen small");
    assert_eq!(
        compacted.entries(),
        ["prompt 7", "prompt 8", "prompt 9", "prompt 10"]
    );
    let text = fs::read_to_string(&path).expect("read");
    assert_eq!(text.lines().count(), 4);
    assert!(text.contains("\"ts\""), "timestamps kept: {text}");
    assert_eq!(
        PromptHistory::open(&path, 100).expect("reopen").entries(),
        compacted.entries()
    );
}

#[cfg(unix)]
#[test]
fn the_file_is_0600_and_new_directories_0700() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new().expect("temp dir");
    let path = history_path(&dir);
    PromptHistory::open(&path, DEFAULT_CAPACITY)
        .expect("open")
        .push("get pods")
        .expect("push");
    let mode =
        |path: &std::path::Path| fs::metadata(path).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().expect("kubevibe dir")), 0o700);
    assert_eq!(mode(&dir.path().join("data")), 0o700);
}

#[cfg(unix)]
#[test]
fn compaction_keeps_the_file_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new().expect("temp dir");
    let path = history_path(&dir);
    let mut history = PromptHistory::open(&path, 100).expect("open");
    for n in 1..=5 {
        history.push(&format!("prompt {n}")).expect("push");
    }
    PromptHistory::open(&path, 1).expect("compacting open");
    assert_eq!(fs::read_to_string(&path).expect("read").lines().count(), 1);
    assert_eq!(
        fs::metadata(&path).expect("metadata").permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn an_unreadable_history_is_an_error_naming_it() {
    let dir = TempDir::new().expect("temp dir");
    let path = history_path(&dir);
    fs::create_dir_all(&path).expect("a directory where the file should be");
    let error = PromptHistory::open(&path, DEFAULT_CAPACITY).expect_err("unreadable");
    assert!(
        error
            .to_string()
            .starts_with(&format!("cannot read prompt history {}: ", path.display())),
        "{error}"
    );
}
