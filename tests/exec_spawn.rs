//! Running a command through `spawn` with a fake kubectl (a shell script): exit codes, both
//! streams, lossy UTF-8, huge lines, batching, timeout, cancel and drop killing the whole
//! process group, and a missing program.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use kubevibe::exec::{
    ExecError, ExecEvent, ExecReport, ExecRequest, INSTALL_HINT, MAX_LINE_BYTES, OutputLine,
    OutputStream, RunningCommand, spawn,
};
use tempfile::TempDir;
use tokio::sync::mpsc;

/// Every case the tests need, picked by the first argument.
const FAKE: &str = r#"
case "$1" in
  exit) echo "out $2"; echo "err $2" >&2; exit "$2" ;;
  env) echo "KUBECONFIG=$KUBECONFIG"; shift; echo "ARGS=$*" ;;
  bytes) printf 'ok\377\376bad\nlast-without-newline' ;;
  long) head -c 10485760 /dev/zero | tr '\0' 'x'; printf '\nafter\n' ;;
  lines) seq 1 100000 ;;
  hang) echo started; exec sleep 1000 ;;
  family) sleep 1000 & echo "$!" > "$2"; echo ready; wait ;;
esac
"#;

/// Limits each test's wait for the final report, so a broken kill fails instead of hanging.
const GUARD: Duration = Duration::from_secs(60);

struct Fake {
    dir: TempDir,
    script: PathBuf,
}

impl Fake {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("fake-kubectl.sh");
        std::fs::write(&script, FAKE).unwrap();
        Self { dir, script }
    }

    /// Runs the script with `sh`, so no freshly written file is executed directly.
    fn request(&self, args: &[&str]) -> ExecRequest {
        let mut argv = vec!["kubectl".to_owned(), self.script.display().to_string()];
        argv.extend(args.iter().map(|arg| (*arg).to_owned()));
        ExecRequest::new(argv).program("/bin/sh")
    }
}

struct Run {
    started: Option<u32>,
    lines: Vec<OutputLine>,
    messages: usize,
    /// The most lines one `Output` message carried.
    largest: usize,
    report: ExecReport,
}

async fn collect(receiver: &mut mpsc::Receiver<ExecEvent>) -> Run {
    let mut run = Run {
        started: None,
        lines: Vec::new(),
        messages: 0,
        largest: 0,
        report: ExecReport::default(),
    };
    loop {
        let event = tokio::time::timeout(GUARD, receiver.recv())
            .await
            .expect("the command reports within the guard")
            .expect("the channel stays open until Finished");
        match event {
            ExecEvent::Started { pid } => {
                assert!(run.started.is_none(), "Started is sent once");
                assert!(run.lines.is_empty(), "Started comes first");
                run.started = Some(pid);
            }
            ExecEvent::Output(lines) => {
                assert!(!lines.is_empty(), "no empty batches");
                run.messages += 1;
                run.largest = run.largest.max(lines.len());
                run.lines.extend(lines);
            }
            ExecEvent::Finished(report) => {
                run.report = report;
                break;
            }
        }
    }
    assert!(
        receiver.recv().await.is_none(),
        "nothing follows Finished and the sender is dropped"
    );
    run
}

async fn run_to_end(request: ExecRequest) -> Run {
    let (sender, mut receiver) = mpsc::channel(16);
    let _running = spawn(request, sender).unwrap();
    collect(&mut receiver).await
}

fn texts(lines: &[OutputLine], stream: OutputStream) -> Vec<&str> {
    lines
        .iter()
        .filter(|line| line.stream == stream)
        .map(|line| line.text.as_str())
        .collect()
}

#[tokio::test]
async fn exit_codes_and_both_streams_are_reported() {
    let fake = Fake::new();
    for code in [0, 1, 3] {
        let code_text = code.to_string();
        let run = run_to_end(fake.request(&["exit", &code_text])).await;
        assert!(run.started.is_some_and(|pid| pid > 0));
        assert_eq!(
            texts(&run.lines, OutputStream::Stdout),
            [format!("out {code}")]
        );
        assert_eq!(
            texts(&run.lines, OutputStream::Stderr),
            [format!("err {code}")]
        );
        assert_eq!(run.report.exit_code, Some(code));
        assert_eq!(run.report.total_lines, 2);
        assert!(!run.report.timed_out && !run.report.cancelled);
        assert_eq!(run.report.error, None);
        assert_eq!(run.report.succeeded(&[]), code == 0);
    }
    let run = run_to_end(fake.request(&["exit", "1"])).await;
    assert!(
        run.report.succeeded(&[0, 1]),
        "allowed exit codes count as success"
    );
}

#[tokio::test]
async fn the_kubeconfig_is_set_in_the_child_and_words_pass_unchanged() {
    let fake = Fake::new();
    let kubeconfig = fake.dir.path().join("my kubeconfig");
    let request = fake
        .request(&["env", "a b", "$(echo no)", ";", "*"])
        .kubeconfig(Some(kubeconfig.clone()));
    let run = run_to_end(request).await;
    assert_eq!(
        texts(&run.lines, OutputStream::Stdout),
        [
            format!("KUBECONFIG={}", kubeconfig.display()),
            "ARGS=a b $(echo no) ; *".to_owned()
        ]
    );
}

#[tokio::test]
async fn invalid_utf8_is_replaced_and_a_last_line_without_newline_is_kept() {
    let fake = Fake::new();
    let run = run_to_end(fake.request(&["bytes"])).await;
    assert_eq!(
        texts(&run.lines, OutputStream::Stdout),
        ["ok\u{fffd}\u{fffd}bad", "last-without-newline"]
    );
    assert_eq!(run.report.exit_code, Some(0));
}

#[tokio::test]
async fn a_ten_megabyte_line_is_cut_with_a_marker() {
    let fake = Fake::new();
    let run = run_to_end(fake.request(&["long"])).await;
    let lines = texts(&run.lines, OutputStream::Stdout);
    assert_eq!(lines.len(), 2);
    let dropped = 10_485_760 - MAX_LINE_BYTES;
    assert_eq!(
        lines[0],
        format!(
            "{} … [line cut: {dropped} more bytes]",
            "x".repeat(MAX_LINE_BYTES)
        )
    );
    assert_eq!(lines[1], "after");
    assert_eq!(run.report.exit_code, Some(0));
}

#[tokio::test]
async fn a_hundred_thousand_lines_arrive_in_order_in_far_fewer_messages() {
    let fake = Fake::new();
    let run = run_to_end(fake.request(&["lines"])).await;
    assert_eq!(run.report.total_lines, 100_000);
    let expected: Vec<String> = (1..=100_000).map(|n| n.to_string()).collect();
    assert_eq!(texts(&run.lines, OutputStream::Stdout), expected);
    assert!(
        run.messages * 10 <= 100_000,
        "{} messages for 100 000 lines: output is not batched",
        run.messages
    );
    assert!(
        run.largest <= kubevibe::exec::MESSAGE_LINES,
        "a message of {} lines",
        run.largest
    );
    eprintln!("100 000 lines in {} messages", run.messages);
}

#[tokio::test]
async fn the_timeout_kills_the_command_and_says_so() {
    let fake = Fake::new();
    let request = fake.request(&["hang"]).timeout(Duration::from_millis(300));
    let run = run_to_end(request).await;
    assert_eq!(texts(&run.lines, OutputStream::Stdout), ["started"]);
    assert!(run.report.timed_out);
    assert!(!run.report.cancelled);
    assert_eq!(run.report.exit_code, None, "killed, so no exit code");
    assert!(
        run.report
            .error
            .as_deref()
            .is_some_and(|e| e.contains("timeout")),
        "{:?}",
        run.report.error
    );
}

/// Whether `pid` is gone or a zombie (killed, waiting to be reaped by init).
fn dead(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X'])),
    }
}

async fn wait_dead(pid: u32) {
    let deadline = tokio::time::Instant::now() + GUARD;
    while !dead(pid) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "process {pid} still runs"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Starts the `family` case (a shell with a `sleep` child) and waits until both run.
async fn start_family(
    fake: &Fake,
) -> (RunningCommand, mpsc::Receiver<ExecEvent>, u32, u32, PathBuf) {
    let pid_file = fake.dir.path().join("child.pid");
    let request = fake.request(&["family", pid_file.to_str().unwrap()]);
    let (sender, mut receiver) = mpsc::channel(16);
    let running = spawn(request, sender).unwrap();
    let Some(ExecEvent::Started { pid }) = receiver.recv().await else {
        panic!("Started comes first");
    };
    assert_eq!(pid, running.pid());
    let Some(ExecEvent::Output(lines)) = receiver.recv().await else {
        panic!("the script says it is ready");
    };
    assert_eq!(lines[0].text, "ready");
    let child: u32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(
        !dead(pid) && !dead(child),
        "both processes run before the kill"
    );
    (running, receiver, pid, child, pid_file)
}

fn rest(run: Run) -> ExecReport {
    run.report
}

#[tokio::test]
async fn cancel_kills_the_command_and_its_children() {
    let fake = Fake::new();
    let (running, mut receiver, pid, child, _) = start_family(&fake).await;
    running.cancel();
    let report = rest(collect(&mut receiver).await);
    assert!(report.cancelled);
    assert!(!report.timed_out);
    assert_eq!(report.exit_code, None);
    wait_dead(pid).await;
    wait_dead(child).await;
}

#[tokio::test]
async fn dropping_the_handle_kills_the_command_and_its_children() {
    let fake = Fake::new();
    let (running, mut receiver, pid, child, _) = start_family(&fake).await;
    drop(running);
    let report = rest(collect(&mut receiver).await);
    assert!(report.cancelled);
    wait_dead(pid).await;
    wait_dead(child).await;
}

#[tokio::test]
async fn a_missing_program_is_kubectl_missing_with_the_install_hint() {
    let (sender, _receiver) = mpsc::channel(16);
    let request = ExecRequest::new(vec!["kubectl".into(), "get".into(), "pods".into()])
        .program(Path::new("/nonexistent/kubectl"));
    let error = spawn(request, sender).expect_err("spawn fails");
    assert!(
        matches!(error, ExecError::KubectlMissing { .. }),
        "{error:?}"
    );
    assert_eq!(error.install_hint(), Some(INSTALL_HINT));
    let message = error.to_string();
    assert!(
        message.contains("https://kubernetes.io/docs/tasks/tools/")
            && message.contains("/nonexistent/kubectl"),
        "{message}"
    );
}

#[tokio::test]
async fn an_empty_argv_is_refused() {
    let (sender, _receiver) = mpsc::channel(16);
    let error = spawn(ExecRequest::new(Vec::new()), sender).expect_err("refused");
    assert!(matches!(error, ExecError::EmptyArgv), "{error:?}");
}
