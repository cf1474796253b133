//! One container's life on a node as a state machine: pull, create, start, become ready, exit,
//! back off and restart. Each step returns what the kubelet must report (events, log lines);
//! the pod's status is rendered from these states (see `status.rs`).

use std::time::Duration;

use tokio::time::Instant;

use super::behavior::{Behavior, CrashCause};
use super::logs::{self, Voice};
use crate::sim::clock::{Clock, now_rfc3339};
use crate::sim::events::EventType;

const PULL_TIME: Duration = Duration::from_millis(1800);
const SHOW_EXIT_FOR: Duration = Duration::from_secs(1);
const PROBE_PERIOD: Duration = Duration::from_secs(10);
const MAX_BACKOFF: Duration = Duration::from_secs(300);
const FIRST_BACKOFF: Duration = Duration::from_secs(10);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Terminated {
    pub exit_code: i64,
    pub reason: &'static str,
    pub started_at: String,
    pub finished_at: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Stage {
    /// Waiting `ContainerCreating` while the image is pulled.
    Creating,
    ErrImagePull,
    ImagePullBackOff,
    Running {
        started_at: String,
        exit_at: Option<Instant>,
        ready_at: Option<Instant>,
        probe_at: Option<Instant>,
    },
    /// Just exited; restarts or backs off next.
    Exited(Terminated),
    CrashLoopBackOff,
    /// Exited and will not run again (restart policy).
    Done(Terminated),
}

/// What the kubelet reports while stepping a container.
#[derive(Clone, Debug, PartialEq)]
pub enum Report {
    Event {
        kind: EventType,
        reason: &'static str,
        message: String,
    },
    /// The kernel's OOM killer, reported on the node.
    NodeOom {
        message: String,
    },
    Log(Vec<String>),
    /// A new container instance starts: the current log becomes the previous one.
    NewInstance,
    /// The container instance exited: its log is complete.
    Exited,
}

/// What a container needs to know about its pod and node to step.
pub struct Surroundings<'a> {
    pub clock: Clock,
    pub pod_label: &'a str,
    pub restart_policy: &'a str,
    pub now: Instant,
}

#[derive(Clone, Debug)]
pub struct ContainerRun {
    pub name: String,
    pub image: String,
    pub behavior: Behavior,
    pub voice: Voice,
    pub runs_for: Option<Duration>,
    pub readiness_delay: Option<Duration>,
    /// Whether starting needs a pull (policy Always, or the image is not on the node yet).
    pub needs_pull: bool,
    pub stage: Stage,
    pub due: Option<Instant>,
    pub restart_count: i64,
    pub pull_failures: u32,
    pub last_terminated: Option<Terminated>,
    pub ready: bool,
    pub container_id: String,
    pub pulled: bool,
    pub log_sequence: u64,
}

impl ContainerRun {
    pub fn is_running(&self) -> bool {
        matches!(self.stage, Stage::Running { .. })
    }

    pub fn has_started_once(&self) -> bool {
        !matches!(
            self.stage,
            Stage::Creating | Stage::ErrImagePull | Stage::ImagePullBackOff
        )
    }

    /// Advances through every step due by `at.now`.
    pub fn step(&mut self, at: &Surroundings<'_>, reports: &mut Vec<Report>) {
        for _ in 0..8 {
            match self.due {
                Some(due) if due <= at.now => {}
                _ => return,
            }
            self.advance(at, reports);
        }
    }

    fn after(&self, at: &Surroundings<'_>, simulated: Duration) -> Instant {
        at.now + at.clock.scaled(simulated)
    }

    fn advance(&mut self, at: &Surroundings<'_>, reports: &mut Vec<Report>) {
        match self.stage.clone() {
            Stage::Creating => self.pulled(at, reports),
            Stage::ErrImagePull => {
                self.pull_failures += 1;
                reports.push(event(
                    EventType::Normal,
                    "BackOff",
                    format!("Back-off pulling image \"{}\"", self.image),
                ));
                reports.push(event(
                    EventType::Warning,
                    "Failed",
                    "Error: ImagePullBackOff".to_string(),
                ));
                self.stage = Stage::ImagePullBackOff;
                self.due = Some(self.after(at, backoff(self.pull_failures)));
            }
            Stage::ImagePullBackOff => {
                reports.push(event(
                    EventType::Normal,
                    "Pulling",
                    format!("Pulling image \"{}\"", self.image),
                ));
                self.stage = Stage::Creating;
                self.due = Some(self.after(at, PULL_TIME));
            }
            Stage::Running {
                started_at,
                exit_at,
                ready_at,
                probe_at,
            } => self.while_running(at, reports, started_at, exit_at, ready_at, probe_at),
            Stage::Exited(terminated) => {
                self.last_terminated = Some(terminated);
                if self.restart_count == 0 {
                    self.start(at, reports);
                    return;
                }
                let wait = backoff(self.restart_count as u32);
                reports.push(event(
                    EventType::Warning,
                    "BackOff",
                    format!(
                        "Back-off restarting failed container {} in pod {}",
                        self.name, at.pod_label
                    ),
                ));
                self.stage = Stage::CrashLoopBackOff;
                self.due = Some(self.after(at, wait));
            }
            Stage::CrashLoopBackOff => self.start(at, reports),
            Stage::Done(_) => self.due = None,
        }
    }

    fn pulled(&mut self, at: &Surroundings<'_>, reports: &mut Vec<Report>) {
        if self.behavior == Behavior::ImageNotFound {
            let error = pull_error(&self.image);
            reports.push(event(
                EventType::Warning,
                "Failed",
                format!("Failed to pull image \"{}\": {error}", self.image),
            ));
            reports.push(event(
                EventType::Warning,
                "Failed",
                "Error: ErrImagePull".to_string(),
            ));
            self.stage = Stage::ErrImagePull;
            self.due = Some(self.after(at, Duration::from_secs(2)));
            return;
        }
        if self.needs_pull && !self.pulled {
            let seconds = 0.8 + (self.image.len() % 17) as f64 / 10.0;
            reports.push(event(
                EventType::Normal,
                "Pulled",
                format!(
                    "Successfully pulled image \"{}\" in {seconds:.3}s ({seconds:.3}s including waiting). Image size: {} bytes.",
                    self.image,
                    18_000_000 + self.image.len() * 1_234_567
                ),
            ));
        } else {
            reports.push(event(
                EventType::Normal,
                "Pulled",
                format!(
                    "Container image \"{}\" already present on machine",
                    self.image
                ),
            ));
        }
        self.pulled = true;
        self.start(at, reports);
    }

    /// A new container instance: created, started, logging.
    fn start(&mut self, at: &Surroundings<'_>, reports: &mut Vec<Report>) {
        if self.has_started_once() {
            self.restart_count += 1;
            reports.push(Report::NewInstance);
            reports.push(event(
                EventType::Normal,
                "Pulled",
                format!(
                    "Container image \"{}\" already present on machine",
                    self.image
                ),
            ));
        }
        self.container_id = format!(
            "containerd://{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        reports.push(event(
            EventType::Normal,
            "Created",
            format!("Created container: {}", self.name),
        ));
        reports.push(event(
            EventType::Normal,
            "Started",
            format!("Started container {}", self.name),
        ));
        if !matches!(self.behavior, Behavior::Crash(_)) {
            reports.push(Report::Log(logs::startup_lines(
                self.voice,
                &self.name,
                &self.image,
            )));
        }
        let exit_at = self.runs_for.map(|d| self.after(at, d));
        let (ready_at, probe_at) = match self.behavior {
            Behavior::NeverReady => (None, Some(self.after(at, PROBE_PERIOD))),
            Behavior::Completes => (None, None),
            _ => match self.readiness_delay {
                Some(delay) if !delay.is_zero() => (Some(self.after(at, delay)), None),
                _ => {
                    self.ready = true;
                    (None, None)
                }
            },
        };
        self.set_running(now_rfc3339(), exit_at, ready_at, probe_at);
    }

    fn set_running(
        &mut self,
        started_at: String,
        exit_at: Option<Instant>,
        ready_at: Option<Instant>,
        probe_at: Option<Instant>,
    ) {
        self.due = [exit_at, ready_at, probe_at].into_iter().flatten().min();
        self.stage = Stage::Running {
            started_at,
            exit_at,
            ready_at,
            probe_at,
        };
    }

    fn while_running(
        &mut self,
        at: &Surroundings<'_>,
        reports: &mut Vec<Report>,
        started_at: String,
        exit_at: Option<Instant>,
        mut ready_at: Option<Instant>,
        mut probe_at: Option<Instant>,
    ) {
        if exit_at.is_some_and(|t| t <= at.now) {
            self.exit(at, reports, started_at);
            return;
        }
        if ready_at.is_some_and(|t| t <= at.now) {
            self.ready = true;
            ready_at = None;
        }
        if probe_at.is_some_and(|t| t <= at.now) {
            reports.push(event(
                EventType::Warning,
                "Unhealthy",
                "Readiness probe failed: HTTP probe failed with statuscode: 503".to_string(),
            ));
            probe_at = Some(self.after(at, PROBE_PERIOD));
        }
        self.set_running(started_at, exit_at, ready_at, probe_at);
    }

    fn exit(&mut self, at: &Surroundings<'_>, reports: &mut Vec<Report>, started_at: String) {
        let (exit_code, reason) = match &self.behavior {
            Behavior::Crash(cause) => {
                reports.push(Report::Log(logs::crash_lines(cause, &self.name)));
                (
                    if matches!(cause, CrashCause::MissingEnv(_)) {
                        2
                    } else {
                        1
                    },
                    "Error",
                )
            }
            Behavior::OutOfMemory => {
                reports.push(Report::Log(logs::oom_lines(&self.name)));
                reports.push(Report::NodeOom {
                    message: format!(
                        "Memory cgroup out of memory: Killed process {} ({}) total-vm:1843200kB, anon-rss:524288kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:1204kB oom_score_adj:984",
                        4000 + self.restart_count,
                        self.name
                    ),
                });
                (137, "OOMKilled")
            }
            _ => {
                reports.push(Report::Log(logs::completion_lines(&self.name)));
                (0, "Completed")
            }
        };
        reports.push(Report::Exited);
        self.ready = false;
        let terminated = Terminated {
            exit_code,
            reason,
            started_at,
            finished_at: now_rfc3339(),
        };
        let restarts = match at.restart_policy {
            "Never" => false,
            "OnFailure" => exit_code != 0,
            _ => true,
        };
        if restarts {
            self.stage = Stage::Exited(terminated);
            self.due = Some(self.after(at, SHOW_EXIT_FOR));
        } else {
            self.stage = Stage::Done(terminated);
            self.due = None;
        }
    }
}

fn event(kind: EventType, reason: &'static str, message: String) -> Report {
    Report::Event {
        kind,
        reason,
        message,
    }
}

/// The kubelet's restart back-off: 10 s, doubling, at most 5 minutes.
pub fn backoff(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(6);
    (FIRST_BACKOFF * 2u32.pow(doublings)).min(MAX_BACKOFF)
}

/// An image reference as containerd resolves it: `nginx:1` → `docker.io/library/nginx:1`.
pub fn qualified_image(image: &str) -> String {
    let (reference, digest) = match image.split_once('@') {
        Some((reference, digest)) => (reference, Some(digest)),
        None => (image, None),
    };
    let last_slash = reference.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match reference[last_slash..].rfind(':') {
        Some(i) => (
            &reference[..last_slash + i],
            Some(&reference[last_slash + i + 1..]),
        ),
        None => (reference, None),
    };
    let first = name.split('/').next().unwrap_or(name);
    let has_registry =
        name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let qualified = if has_registry {
        name.to_string()
    } else if name.contains('/') {
        format!("docker.io/{name}")
    } else {
        format!("docker.io/library/{name}")
    };
    match (tag, digest) {
        (Some(tag), Some(digest)) => format!("{qualified}:{tag}@{digest}"),
        (None, Some(digest)) => format!("{qualified}@{digest}"),
        (Some(tag), None) => format!("{qualified}:{tag}"),
        (None, None) => format!("{qualified}:latest"),
    }
}

fn pull_error(image: &str) -> String {
    let full = qualified_image(image);
    format!(
        "rpc error: code = NotFound desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {full}: not found"
    )
}

pub fn pull_backoff_message(image: &str) -> String {
    format!(
        "Back-off pulling image \"{image}\": ErrImagePull: {}",
        pull_error(image)
    )
}

pub fn pull_error_message(image: &str) -> String {
    pull_error(image)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(behavior: Behavior, runs_for: Option<Duration>) -> ContainerRun {
        ContainerRun {
            name: "app".to_string(),
            image: "shop/app:1".to_string(),
            behavior,
            voice: Voice::App,
            runs_for,
            readiness_delay: None,
            needs_pull: true,
            stage: Stage::Creating,
            due: Some(Instant::now()),
            restart_count: 0,
            pull_failures: 0,
            last_terminated: None,
            ready: false,
            container_id: String::new(),
            pulled: false,
            log_sequence: 0,
        }
    }

    fn at(now: Instant) -> Surroundings<'static> {
        Surroundings {
            clock: Clock::new(1.0),
            pod_label: "app-1_ns(uid)",
            restart_policy: "Always",
            now,
        }
    }

    fn reasons(reports: &[Report]) -> Vec<&'static str> {
        reports
            .iter()
            .filter_map(|r| match r {
                Report::Event { reason, .. } => Some(*reason),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_healthy_container_pulls_starts_and_is_ready() {
        let mut container = run(Behavior::Healthy, None);
        let mut reports = Vec::new();
        container.step(&at(Instant::now()), &mut reports);
        assert_eq!(reasons(&reports), ["Pulled", "Created", "Started"]);
        assert!(container.is_running() && container.ready);
        assert_eq!(container.due, None);
    }

    #[test]
    fn a_crashing_container_backs_off_longer_each_time() {
        let mut container = run(
            Behavior::Crash(CrashCause::StartupFailure),
            Some(Duration::from_secs(3)),
        );
        let mut reports = Vec::new();
        let mut now = Instant::now();
        container.step(&at(now), &mut reports);
        assert!(container.is_running());
        let mut waits = Vec::new();
        for _ in 0..12 {
            let Some(due) = container.due else { break };
            if matches!(container.stage, Stage::CrashLoopBackOff) {
                waits.push(due - now);
            }
            now = due;
            container.step(&at(now), &mut reports);
        }
        assert!(
            container.restart_count >= 3,
            "restarts: {}",
            container.restart_count
        );
        assert!(waits.windows(2).all(|w| w[1] > w[0]), "waits: {waits:?}");
        let last = container
            .last_terminated
            .as_ref()
            .map(|t| (t.exit_code, t.reason));
        assert_eq!(last, Some((1, "Error")));
        assert!(reasons(&reports).contains(&"BackOff"));
        assert!(reports.contains(&Report::NewInstance));
    }

    #[test]
    fn an_unpullable_image_alternates_between_err_and_backoff() {
        let mut container = run(Behavior::ImageNotFound, None);
        let mut reports = Vec::new();
        let mut now = Instant::now();
        container.step(&at(now), &mut reports);
        assert_eq!(container.stage, Stage::ErrImagePull);
        now = container.due.unwrap_or(now);
        container.step(&at(now), &mut reports);
        assert_eq!(container.stage, Stage::ImagePullBackOff);
        assert!(reasons(&reports).contains(&"Failed"));
        assert!(!container.has_started_once());
    }

    #[test]
    fn a_batch_container_completes_without_restarting() {
        let mut container = run(Behavior::Completes, Some(Duration::from_secs(1)));
        let mut reports = Vec::new();
        let start = Instant::now();
        container.step(&at(start), &mut reports);
        let mut surroundings = at(start + Duration::from_secs(2));
        surroundings.restart_policy = "Never";
        container.step(&surroundings, &mut reports);
        assert!(
            matches!(&container.stage, Stage::Done(t) if t.exit_code == 0 && t.reason == "Completed")
        );
        assert_eq!(container.restart_count, 0);
    }

    #[test]
    fn images_are_qualified_like_containerd_does() {
        assert_eq!(
            qualified_image("nginx:1.27"),
            "docker.io/library/nginx:1.27"
        );
        assert_eq!(
            qualified_image("bitnami/redis"),
            "docker.io/bitnami/redis:latest"
        );
        assert_eq!(qualified_image("ghcr.io/shop/app:2"), "ghcr.io/shop/app:2");
        assert_eq!(
            qualified_image("localhost:5000/app"),
            "localhost:5000/app:latest"
        );
        assert_eq!(backoff(1), Duration::from_secs(10));
        assert_eq!(backoff(3), Duration::from_secs(40));
        assert_eq!(backoff(30), Duration::from_secs(300));
    }
}
