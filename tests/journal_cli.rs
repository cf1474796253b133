//! `kubevibe memory …` and `kubevibe audit …` run as the real binary, with the data, config
//! and kubeconfig locations pointed at a temporary directory.

mod journal_support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use journal_support::incident;
use kubevibe::store::audit::{AuditLog, render_markdown};
use tempfile::TempDir;

const KUBECONFIG: &str = "apiVersion: v1
kind: Config
current-context: kind-shop
contexts:
- name: kind-shop
  context: {cluster: shop, user: admin}
clusters:
- name: shop
  cluster: {server: 'https://127.0.0.1:6443'}
users:
- name: admin
  user: {}
";

struct Sandbox {
    dir: TempDir,
}

impl Sandbox {
    fn new() -> Self {
        let sandbox = Self {
            dir: TempDir::new().expect("temp dir"),
        };
        std::fs::write(sandbox.kubeconfig(), KUBECONFIG).expect("write kubeconfig");
        sandbox
    }

    fn kubeconfig(&self) -> PathBuf {
        self.dir.path().join("kubeconfig")
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data/kubevibe")
    }

    fn config_file(&self) -> PathBuf {
        self.dir.path().join("config/kubevibe/config.toml")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kubevibe"));
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path().join("home"))
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("KUBECONFIG", self.kubeconfig())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null());
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run kubevibe")
    }

    fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "{args:?} failed: {}",
            text(&output.stderr)
        );
        text(&output.stdout)
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read")
}

#[test]
fn memory_set_show_clear_round_trip_on_the_current_context() {
    let sandbox = Sandbox::new();
    let empty = sandbox.ok(&["memory", "show"]);
    assert!(
        empty.contains("No notes for context `kind-shop` yet"),
        "{empty}"
    );

    let saved = sandbox.ok(&["memory", "set", "checkout OOMs at 256Mi"]);
    assert!(
        saved.contains("Saved the notes for context `kind-shop` (22 characters)"),
        "{saved}"
    );
    let file = sandbox.data_dir().join("memory/kind-shop.md");
    assert_eq!(read(&file), "checkout OOMs at 256Mi");
    assert_eq!(sandbox.ok(&["memory", "show"]), "checkout OOMs at 256Mi\n");

    // Another context has its own notes.
    sandbox.ok(&["memory", "set", "--context", "prod/eu", "prod is fine"]);
    assert_eq!(
        sandbox.ok(&["memory", "show", "--context", "prod/eu"]),
        "prod is fine\n"
    );
    assert_eq!(sandbox.ok(&["memory", "show"]), "checkout OOMs at 256Mi\n");

    let cleared = sandbox.ok(&["memory", "clear"]);
    assert!(
        cleared.contains("Cleared the notes for context `kind-shop`"),
        "{cleared}"
    );
    assert!(!file.exists());
    assert!(sandbox.ok(&["memory", "show"]).contains("No notes"));
}

#[test]
fn memory_set_dash_reads_stdin_and_the_configured_cap_applies() {
    let sandbox = Sandbox::new();
    let config = sandbox.config_file();
    std::fs::create_dir_all(config.parent().expect("dir")).expect("mkdir");
    std::fs::write(&config, "[agent]\nmemory_chars = 20\n").expect("write config");

    let mut child = sandbox
        .command(&["memory", "set", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"first line of notes\nsecond line that is cut\n")
        .expect("write stdin");
    let output = child.wait_with_output().expect("wait");
    assert!(output.status.success(), "{}", text(&output.stderr));
    let said = text(&output.stdout);
    assert!(
        said.contains("cut to 19 characters (the cap is 20"),
        "{said}"
    );
    assert_eq!(sandbox.ok(&["memory", "show"]), "first line of notes\n");
}

#[test]
fn memory_edit_saves_what_the_editor_wrote() {
    let sandbox = Sandbox::new();
    sandbox.ok(&["memory", "set", "old notes"]);
    let output = sandbox
        .command(&["memory", "edit"])
        .env("EDITOR", "sh -c 'printf \"edited notes\" > \"$1\"' editor")
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(sandbox.ok(&["memory", "show"]), "edited notes\n");
    let leftovers: Vec<_> = std::fs::read_dir(sandbox.data_dir().join("memory"))
        .expect("list")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    assert_eq!(leftovers, ["kind-shop.md"]);

    let failing = sandbox
        .command(&["memory", "edit"])
        .env("VISUAL", "false")
        .output()
        .expect("run");
    assert!(!failing.status.success());
    assert!(
        text(&failing.stderr).contains("the notes are unchanged"),
        "{}",
        text(&failing.stderr)
    );
    assert_eq!(sandbox.ok(&["memory", "show"]), "edited notes\n");
}

#[test]
fn memory_without_a_current_context_asks_for_one() {
    let sandbox = Sandbox::new();
    std::fs::write(
        sandbox.kubeconfig(),
        KUBECONFIG.replace("current-context: kind-shop\n", ""),
    )
    .expect("write kubeconfig");
    let output = sandbox.run(&["memory", "show"]);
    assert!(!output.status.success());
    let said = text(&output.stderr);
    assert!(
        said.contains("no current context; name one with --context NAME"),
        "{said}"
    );
    assert!(
        sandbox
            .ok(&["memory", "show", "--context", "dev"])
            .contains("No notes")
    );
}

#[test]
fn audit_prints_a_seeded_day_as_lines_or_markdown() {
    let sandbox = Sandbox::new();
    let nothing = sandbox.ok(&["audit"]);
    assert!(nothing.starts_with("No audit records yet"), "{nothing}");

    let records = incident();
    let log = AuditLog::new(&sandbox.data_dir());
    for record in &records {
        log.append(record).expect("append");
    }

    let lines = sandbox.ok(&["audit", "--day", "2026-11-21"]);
    assert_eq!(lines.lines().count(), records.len(), "{lines}");
    assert!(
        lines.contains("14:02:08  s-1  kind-shop/shop  executed       `kubectl get pods -n shop` → exit 0 in 412 ms, 12 lines"),
        "{lines}"
    );
    // Without --day, the newest day with records.
    assert_eq!(sandbox.ok(&["audit"]), lines);

    let markdown = sandbox.ok(&["audit", "--markdown"]);
    assert_eq!(markdown, render_markdown(&records));

    let only_s2 = sandbox.ok(&["audit", "--session", "s-2", "--markdown"]);
    let s2: Vec<_> = records
        .iter()
        .filter(|r| r.session == "s-2")
        .cloned()
        .collect();
    assert_eq!(only_s2, render_markdown(&s2));
    assert!(!only_s2.contains("s-1"));

    let other_day = sandbox.ok(&["audit", "--day", "2026-11-20"]);
    assert!(
        other_day.contains("No audit records on 2026-11-20."),
        "{other_day}"
    );
    assert!(
        other_day.contains("Days with records: 2026-11-21"),
        "{other_day}"
    );

    let bad = sandbox.run(&["audit", "--day", "21/11/2026"]);
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("write it as YYYY-MM-DD"),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn audit_warns_about_a_torn_line_and_prints_the_rest() {
    let sandbox = Sandbox::new();
    let records = incident();
    AuditLog::new(&sandbox.data_dir())
        .append(&records[0])
        .expect("append");
    let file = sandbox.data_dir().join("audit/2026-11-21.jsonl");
    let mut handle = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .expect("open");
    handle
        .write_all(b"{\"at\":\"2026-11-21T14:0")
        .expect("tear");
    let output = sandbox.run(&["audit"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout).lines().count(), 1);
    assert!(
        text(&output.stderr).contains("skipped an incomplete last line"),
        "{}",
        text(&output.stderr)
    );
}
