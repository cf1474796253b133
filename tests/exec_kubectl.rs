//! The executor and the preview with the real kubectl against the simulator: context and
//! kubeconfig injection, a failing command, and dry-run diffs that leave objects unchanged.
#![allow(clippy::unwrap_used)]

#[path = "support/sim.rs"]
mod support;

use std::path::Path;
use std::time::Duration;

use kubevibe::exec::{
    ExecEvent, ExecReport, ExecRequest, OutputLine, OutputStream, cockpit_argv, preview, spawn,
};
use kubevibe::sim::resource;
use serde_json::json;
use support::{CONTEXT, TestSim, WEB_DEPLOYMENT as DEPLOYMENT};
use tokio::sync::mpsc;

fn words(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_owned).collect()
}

/// Runs `plan` through `cockpit_argv` and `spawn` with the simulator's kubeconfig.
async fn run(sim: &TestSim, plan: &str, namespace: &str) -> (Vec<OutputLine>, ExecReport) {
    let argv = cockpit_argv(&words(plan), Some(CONTEXT), Some(namespace));
    let request = ExecRequest::new(argv).kubeconfig(Some(sim.kubeconfig.clone()));
    let (sender, mut receiver) = mpsc::channel(16);
    let _running = spawn(request, sender).unwrap();
    let mut lines = Vec::new();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(60), receiver.recv())
            .await
            .expect("kubectl finishes within a minute")
            .expect("Finished is sent");
        match event {
            ExecEvent::Started { .. } => {}
            ExecEvent::Output(batch) => lines.extend(batch),
            ExecEvent::Finished(report) => return (lines, report),
        }
    }
}

fn stream(lines: &[OutputLine], stream: OutputStream) -> String {
    lines
        .iter()
        .filter(|line| line.stream == stream)
        .map(|line| format!("{}\n", line.text))
        .collect()
}

fn pod(name: &str) -> serde_json::Value {
    json!({
        "metadata": { "name": name, "labels": { "app": "web" } },
        "spec": { "containers": [{ "name": "app", "image": "nginx:1.27" }] }
    })
}

#[tokio::test]
async fn get_pods_runs_with_the_cockpit_context_namespace_and_kubeconfig() {
    let sim = TestSim::start().await;
    if sim.kubectl().is_none() {
        return;
    }
    sim.store()
        .create(&resource::PODS, "default", pod("web-1"))
        .unwrap();
    sim.store()
        .create(
            &resource::NAMESPACES,
            "",
            json!({ "metadata": { "name": "shop" } }),
        )
        .unwrap();
    sim.store()
        .create(&resource::PODS, "shop", pod("cart-1"))
        .unwrap();

    let (lines, report) = run(&sim, "kubectl get pods -o name", "shop").await;
    assert_eq!(report.exit_code, Some(0), "{lines:?}");
    assert_eq!(stream(&lines, OutputStream::Stdout), "pod/cart-1\n");
    assert_eq!(report.total_lines, lines.len());

    let (lines, report) = run(&sim, "kubectl get pods -o name", "default").await;
    assert_eq!(report.exit_code, Some(0), "{lines:?}");
    assert_eq!(stream(&lines, OutputStream::Stdout), "pod/web-1\n");
}

#[tokio::test]
async fn a_failing_kubectl_reports_exit_one_and_its_error_line() {
    let sim = TestSim::start().await;
    if sim.kubectl().is_none() {
        return;
    }
    let (lines, report) = run(&sim, "kubectl get pod missing", "default").await;
    assert_eq!(report.exit_code, Some(1));
    assert!(!report.succeeded(&[]));
    let stderr = stream(&lines, OutputStream::Stderr);
    assert!(stderr.contains("\"missing\" not found"), "{stderr}");
    assert_eq!(stream(&lines, OutputStream::Stdout), "");
}

#[tokio::test]
async fn a_wrong_context_is_refused_by_kubectl_not_silently_replaced() {
    let sim = TestSim::start().await;
    if sim.kubectl().is_none() {
        return;
    }
    let argv = cockpit_argv(
        &words("kubectl get pods"),
        Some("no-such-context"),
        Some("default"),
    );
    let request = ExecRequest::new(argv).kubeconfig(Some(sim.kubeconfig.clone()));
    let (sender, mut receiver) = mpsc::channel(16);
    let _running = spawn(request, sender).unwrap();
    let mut stderr = String::new();
    let report = loop {
        match receiver.recv().await.expect("Finished is sent") {
            ExecEvent::Output(batch) => stderr.push_str(&stream(&batch, OutputStream::Stderr)),
            ExecEvent::Finished(report) => break report,
            ExecEvent::Started { .. } => {}
        }
    };
    assert_eq!(report.exit_code, Some(1));
    assert!(stderr.contains("no-such-context"), "{stderr}");
}

async fn deployment(sim: &TestSim) -> serde_json::Value {
    sim.store()
        .get(&resource::DEPLOYMENTS, "default", "web")
        .unwrap()
        .value()
}

#[tokio::test]
async fn scale_preview_shows_the_replica_change_and_changes_nothing() {
    let sim = TestSim::start().await;
    let Some(kubectl) = sim.kubectl() else { return };
    kubectl.apply("web.yaml", DEPLOYMENT).await;
    let before = deployment(&sim).await;

    let preview = preview(
        &words("kubectl scale deployment/web --replicas=5"),
        Some(CONTEXT),
        Some("default"),
        Some(&sim.kubeconfig),
        Path::new("kubectl"),
    )
    .await;
    let diff = preview
        .diff
        .unwrap_or_else(|| panic!("a diff; note: {:?}", preview.note));
    assert!(diff.contains("-  replicas: 2\n"), "{diff}");
    assert!(diff.contains("+  replicas: 5\n"), "{diff}");
    assert!(
        !diff.contains("resourceVersion") && !diff.contains("managedFields"),
        "{diff}"
    );
    assert_eq!(preview.objects, Some(1));

    assert_eq!(
        deployment(&sim).await,
        before,
        "the preview changed the deployment"
    );
}

#[tokio::test]
async fn set_env_preview_shows_the_new_value_and_changes_nothing() {
    let sim = TestSim::start().await;
    let Some(kubectl) = sim.kubectl() else { return };
    kubectl.apply("web.yaml", DEPLOYMENT).await;
    let before = deployment(&sim).await;

    let preview = preview(
        &words("kubectl set env deployment/web MODE=green"),
        Some(CONTEXT),
        Some("default"),
        Some(&sim.kubeconfig),
        Path::new("kubectl"),
    )
    .await;
    let diff = preview
        .diff
        .unwrap_or_else(|| panic!("a diff; note: {:?}", preview.note));
    let removed: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with('-') && !l.starts_with("---"))
        .collect();
    let added: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .collect();
    assert!(removed.iter().any(|l| l.contains("blue")), "{diff}");
    assert!(added.iter().any(|l| l.contains("green")), "{diff}");
    assert!(
        !removed.iter().chain(&added).any(|l| l.contains("replicas")),
        "{diff}"
    );

    assert_eq!(
        deployment(&sim).await,
        before,
        "the preview changed the deployment"
    );
}

#[tokio::test]
async fn selector_writes_count_the_matching_objects() {
    let sim = TestSim::start().await;
    if sim.kubectl().is_none() {
        return;
    }
    for name in ["web-1", "web-2", "web-3"] {
        sim.store()
            .create(&resource::PODS, "default", pod(name))
            .unwrap();
    }
    sim.store()
        .create(
            &resource::PODS,
            "default",
            json!({
                "metadata": { "name": "db-1", "labels": { "app": "db" } },
                "spec": { "containers": [{ "name": "db", "image": "postgres" }] }
            }),
        )
        .unwrap();
    let preview = preview(
        &words("kubectl delete pods -l app=web"),
        Some(CONTEXT),
        Some("default"),
        Some(&sim.kubeconfig),
        Path::new("kubectl"),
    )
    .await;
    assert_eq!(preview.objects, Some(3), "{:?}", preview.note);
    assert_eq!(preview.diff, None);
    assert_eq!(
        sim.store().list(&resource::PODS, "default").unwrap().len(),
        4
    );

    let by_name = kubevibe::exec::preview(
        &words("kubectl delete pod web-1 db-1 gone"),
        Some(CONTEXT),
        Some("default"),
        Some(&sim.kubeconfig),
        Path::new("kubectl"),
    )
    .await;
    assert_eq!(by_name.objects, Some(2), "{:?}", by_name.note);
    assert!(
        by_name
            .note
            .as_deref()
            .is_some_and(|note| note.starts_with("deletes"))
    );
    assert_eq!(
        sim.store().list(&resource::PODS, "default").unwrap().len(),
        4
    );
}

#[tokio::test]
async fn reads_and_edit_get_a_note_and_run_nothing() {
    let missing = Path::new("/nonexistent/kubectl");
    let read = preview(&words("kubectl get pods"), None, None, None, missing).await;
    assert_eq!((read.diff, read.objects), (None, None));
    assert!(read.note.unwrap().contains("reads only"));
    let edit = preview(&words("kubectl edit deploy/web"), None, None, None, missing).await;
    assert!(edit.note.unwrap().contains("editor"));
    let refused = preview(
        &words("kubectl scale deploy/web --replicas=1 --kubeconfig=/x"),
        None,
        None,
        None,
        missing,
    )
    .await;
    assert!(refused.note.unwrap().starts_with("not previewed"));
}

#[tokio::test]
async fn apply_preview_is_kubectl_diff_and_changes_nothing() {
    let sim = TestSim::start().await;
    let Some(kubectl) = sim.kubectl() else { return };
    kubectl.apply("web.yaml", DEPLOYMENT).await;
    let before = deployment(&sim).await;
    let changed = kubectl.file(
        "web-3.yaml",
        &DEPLOYMENT.replace("replicas: 2", "replicas: 3"),
    );
    let plan = vec![
        "kubectl".to_owned(),
        "apply".to_owned(),
        "-f".to_owned(),
        changed.display().to_string(),
    ];
    let changed_preview = preview(
        &plan,
        Some(CONTEXT),
        Some("default"),
        Some(&sim.kubeconfig),
        Path::new("kubectl"),
    )
    .await;
    let diff = changed_preview
        .diff
        .unwrap_or_else(|| panic!("a diff; note: {:?}", changed_preview.note));
    assert!(diff.contains("-  replicas: 2"), "{diff}");
    assert!(diff.contains("+  replicas: 3"), "{diff}");
    assert_eq!(
        deployment(&sim).await,
        before,
        "the preview changed the deployment"
    );

    let same = kubectl.file("web-same.yaml", DEPLOYMENT);
    let plan = vec![
        "kubectl".to_owned(),
        "apply".to_owned(),
        "-f".to_owned(),
        same.display().to_string(),
    ];
    let unchanged = preview(
        &plan,
        Some(CONTEXT),
        Some("default"),
        Some(&sim.kubeconfig),
        Path::new("kubectl"),
    )
    .await;
    assert_eq!(unchanged.diff, None);
    assert!(
        unchanged
            .note
            .as_deref()
            .is_some_and(|note| note.starts_with("no change")),
        "{:?}",
        unchanged.note
    );
}

#[tokio::test]
async fn label_preview_and_create_preview_show_the_new_fields() {
    let sim = TestSim::start().await;
    let Some(kubectl) = sim.kubectl() else { return };
    kubectl.apply("web.yaml", DEPLOYMENT).await;
    let before = deployment(&sim).await;
    let label = preview(
        &words("kubectl label deployment web tier=front"),
        Some(CONTEXT),
        Some("default"),
        Some(&sim.kubeconfig),
        Path::new("kubectl"),
    )
    .await;
    let diff = label
        .diff
        .unwrap_or_else(|| panic!("a diff; note: {:?}", label.note));
    assert!(diff.contains("+    tier: front"), "{diff}");
    assert_eq!(deployment(&sim).await, before);

    let create = preview(
        &words("kubectl create configmap settings --from-literal=mode=fast"),
        Some(CONTEXT),
        Some("default"),
        Some(&sim.kubeconfig),
        Path::new("kubectl"),
    )
    .await;
    let diff = create
        .diff
        .unwrap_or_else(|| panic!("a diff; note: {:?}", create.note));
    assert!(diff.contains("+  mode: fast"), "{diff}");
    assert!(
        sim.store()
            .get(&resource::CONFIGMAPS, "default", "settings")
            .is_err(),
        "the preview created the configmap"
    );
}
