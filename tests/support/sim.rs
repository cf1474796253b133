//! Shared helpers for the simulator tests: a running simulator with its kubeconfig, the real
//! kubectl, kube-rs and raw HTTP clients, and waiting on conditions with deadlines.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};
use kubevibe::sim::{SimHandle, SimOptions, start};
use tempfile::TempDir;

/// A two-replica `web` Deployment (nginx, env MODE=blue) for apply, diff and dry-run tests.
pub const WEB_DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        env: [{name: MODE, value: blue}]
";

pub const CONTEXT: &str = "kubevibe-sim";

/// A simulator plus a temp directory holding its kubeconfig and kubectl's cache.
pub struct TestSim {
    pub handle: SimHandle,
    pub dir: TempDir,
    pub kubeconfig: PathBuf,
}

impl TestSim {
    /// An empty simulator without controllers, whose clock runs 50x, so pod grace periods
    /// take well under a second.
    pub async fn start() -> Self {
        Self::start_with(SimOptions {
            speed: 50.0,
            controllers: false,
            ..SimOptions::default()
        })
        .await
    }

    pub async fn start_with(options: SimOptions) -> Self {
        let handle = start(options).await.expect("the simulator starts");
        let dir = tempfile::tempdir().expect("a temp dir");
        let kubeconfig = dir.path().join("kubeconfig");
        handle
            .write_kubeconfig(&kubeconfig, CONTEXT)
            .expect("the kubeconfig is written");
        Self {
            handle,
            dir,
            kubeconfig,
        }
    }

    pub fn store(&self) -> &kubevibe::sim::store::Store {
        self.handle.store()
    }

    /// A kube-rs client built from the written kubeconfig, as an application would build it.
    pub async fn client(&self) -> kube::Client {
        let kubeconfig = Kubeconfig::read_from(&self.kubeconfig).expect("the kubeconfig parses");
        let config =
            kube::Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
                .await
                .expect("kube-rs accepts the kubeconfig");
        kube::Client::try_from(config).expect("a kube client")
    }

    /// An HTTP client trusting the simulator's CA; requests still need the token.
    pub fn http(&self) -> reqwest::Client {
        let ca =
            reqwest::Certificate::from_pem(self.handle.ca_pem().as_bytes()).expect("the CA parses");
        reqwest::Client::builder()
            .add_root_certificate(ca)
            .build()
            .expect("an HTTP client")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.base_url())
    }

    /// kubectl pointed at this simulator, or `None` when kubectl is missing (see
    /// [`kubectl_available`]).
    pub fn kubectl(&self) -> Option<Kubectl> {
        kubectl_available().then(|| Kubectl {
            kubeconfig: self.kubeconfig.clone(),
            home: self.dir.path().to_path_buf(),
        })
    }
}

fn kubectl_binary() -> String {
    std::env::var("KUBECTL").unwrap_or_else(|_| "kubectl".to_string())
}

/// Whether kubectl can run. When it cannot, says so loudly on stderr, and panics instead if
/// `KUBEVIBE_REQUIRE_KUBECTL=1`.
pub fn kubectl_available() -> bool {
    let found = std::process::Command::new(kubectl_binary())
        .args(["version", "--client"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if found {
        return true;
    }
    if std::env::var("KUBEVIBE_REQUIRE_KUBECTL").as_deref() == Ok("1") {
        panic!("kubectl not found, and KUBEVIBE_REQUIRE_KUBECTL=1");
    }
    eprintln!("SKIPPED: kubectl not found");
    false
}

/// Runs the real kubectl against one simulator, with its own HOME and cache.
pub struct Kubectl {
    kubeconfig: PathBuf,
    home: PathBuf,
}

impl Kubectl {
    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(kubectl_binary());
        command
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--cache-dir")
            .arg(self.home.join("kube-cache"))
            .args(args)
            .env("HOME", &self.home)
            .env_remove("KUBECONFIG")
            .stdin(Stdio::null())
            .kill_on_drop(true);
        command
    }

    pub async fn run(&self, args: &[&str]) -> Output {
        let run = self.command(args).output();
        tokio::time::timeout(Duration::from_secs(60), run)
            .await
            .unwrap_or_else(|_| panic!("kubectl {args:?} did not finish in 60 s"))
            .expect("kubectl runs")
    }

    /// Runs kubectl, asserts it succeeded, and returns its stdout.
    pub async fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args).await;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "kubectl {args:?} failed: {stderr}\nstdout: {stdout}"
        );
        stdout
    }

    /// Runs kubectl, asserts it failed, and returns its stderr.
    pub async fn fails(&self, args: &[&str]) -> String {
        let output = self.run(args).await;
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(
            !output.status.success(),
            "kubectl {args:?} unexpectedly succeeded: {}",
            String::from_utf8_lossy(&output.stdout)
        );
        stderr
    }

    /// Runs `kubectl apply -f` on a manifest written to the test directory.
    pub async fn apply(&self, name: &str, manifest: &str) -> String {
        let path = self.home.join(name);
        std::fs::write(&path, manifest).expect("the manifest is written");
        self.ok(&["apply", "-f", path_str(&path)]).await
    }

    pub fn file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.home.join(name);
        std::fs::write(&path, contents).expect("the file is written");
        path
    }
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

/// Polls `check` every 50 ms until it returns `Some`, panicking after `limit`.
pub async fn eventually<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {limit:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Reads lines from a child's stdout until one satisfies `wanted`, failing after `limit`.
pub async fn line_matching<R>(
    lines: &mut tokio::io::Lines<R>,
    limit: Duration,
    wanted: impl Fn(&str) -> bool,
) -> String
where
    R: tokio::io::AsyncBufRead + Unpin,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let next = tokio::time::timeout_at(deadline, lines.next_line())
            .await
            .unwrap_or_else(|_| panic!("no matching line within {limit:?}"))
            .expect("reading the output")
            .expect("the output ended before a matching line");
        if wanted(&next) {
            return next;
        }
    }
}
