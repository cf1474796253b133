//! How a simulated container behaves, decided only by the pod's spec so that fixing the spec
//! really fixes the pod:
//!
//! 1. The pod annotation `sim.kubevibe.dev/behavior` (on the pod or its workload's template):
//!    `crashloop`, `oom`, `imagepull`, `unready` or `healthy`, for every container.
//! 2. Otherwise the image tag: a tag that is, or ends in `-`, one of `crashloop`, `oom`,
//!    `notfound` (the image cannot be pulled) or `unready` (runs, never passes readiness).
//!    So `kubectl set image` to a good tag fixes a crash loop, and a rollout to a bad tag sticks.
//! 3. The annotation `sim.kubevibe.dev/requires-env: NAME[,NAME…]`: a container without one of
//!    those variables in its `env` exits at start-up saying which one is missing
//!    (`kubectl set env` fixes it).
//! 4. Pods with `restartPolicy` `Never` or `OnFailure` (Jobs) run for
//!    `sim.kubevibe.dev/run-seconds` (default 5) of simulated time and exit 0.

use std::time::Duration;

use serde_json::Value;

use crate::sim::object::At;
use crate::sim::object::str_at;

pub const BEHAVIOR_ANNOTATION: &str = "sim.kubevibe.dev/behavior";
pub const REQUIRES_ENV_ANNOTATION: &str = "sim.kubevibe.dev/requires-env";
pub const RUN_SECONDS_ANNOTATION: &str = "sim.kubevibe.dev/run-seconds";

const DEFAULT_RUN: Duration = Duration::from_secs(5);
/// How long a crashing container runs before it exits.
const CRASH_AFTER: Duration = Duration::from_secs(3);
const OOM_AFTER: Duration = Duration::from_secs(6);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Behavior {
    /// Runs and serves until stopped.
    Healthy,
    /// Exits with code 1 shortly after starting.
    Crash(CrashCause),
    /// Is killed by the kernel for exceeding its memory limit (exit 137).
    OutOfMemory,
    /// Its image cannot be pulled.
    ImageNotFound,
    /// Runs but its readiness probe keeps failing.
    NeverReady,
    /// Does its work and exits 0 (batch pods).
    Completes,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CrashCause {
    /// The application fails at start-up (the `crashloop` tag or annotation).
    StartupFailure,
    MissingEnv(String),
}

impl Behavior {
    /// The simulated time from start to exit, for containers that exit by themselves.
    pub fn runs_for(&self, pod: &Value) -> Option<Duration> {
        match self {
            Self::Crash(_) => Some(CRASH_AFTER),
            Self::OutOfMemory => Some(OOM_AFTER),
            Self::Completes => Some(
                annotation(pod, RUN_SECONDS_ANNOTATION)
                    .parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s >= 0.0)
                    .map(Duration::from_secs_f64)
                    .unwrap_or(DEFAULT_RUN),
            ),
            Self::Healthy | Self::ImageNotFound | Self::NeverReady => None,
        }
    }
}

fn annotation<'a>(pod: &'a Value, key: &str) -> &'a str {
    pod.at("/metadata/annotations")
        .and_then(|a| a.get(key))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// The tag of an image reference (`registry:5000/app:1.2` → `1.2`), "" when untagged.
pub fn image_tag(image: &str) -> &str {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split_once(':').map(|(_, tag)| tag).unwrap_or("")
}

fn tag_says(tag: &str, word: &str) -> bool {
    tag == word || tag.ends_with(&format!("-{word}"))
}

/// How `container` of `pod` behaves.
pub fn behavior_of(pod: &Value, container: &Value) -> Behavior {
    let batch = matches!(str_at(pod, "/spec/restartPolicy"), "Never" | "OnFailure");
    let finished = if batch {
        Behavior::Completes
    } else {
        Behavior::Healthy
    };
    match annotation(pod, BEHAVIOR_ANNOTATION) {
        "crashloop" | "crash" => return Behavior::Crash(CrashCause::StartupFailure),
        "oom" => return Behavior::OutOfMemory,
        "imagepull" => return Behavior::ImageNotFound,
        "unready" => return Behavior::NeverReady,
        "healthy" => return finished,
        _ => {}
    }
    let tag = image_tag(str_at(container, "/image"));
    if tag_says(tag, "notfound") {
        return Behavior::ImageNotFound;
    }
    if tag_says(tag, "crashloop") {
        return Behavior::Crash(CrashCause::StartupFailure);
    }
    if tag_says(tag, "oom") {
        return Behavior::OutOfMemory;
    }
    if tag_says(tag, "unready") {
        return Behavior::NeverReady;
    }
    if let Some(missing) = missing_env(pod, container) {
        return Behavior::Crash(CrashCause::MissingEnv(missing));
    }
    finished
}

fn missing_env(pod: &Value, container: &Value) -> Option<String> {
    let required = annotation(pod, REQUIRES_ENV_ANNOTATION);
    let present: Vec<&str> = container["env"]
        .as_array()
        .map(|env| env.iter().map(|e| str_at(e, "/name")).collect())
        .unwrap_or_default();
    required
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .find(|name| !present.contains(name))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(annotations: Value, restart: &str, image: &str, env: Value) -> (Value, Value) {
        let container = json!({ "name": "app", "image": image, "env": env });
        let pod = json!({ "metadata": { "annotations": annotations },
            "spec": { "restartPolicy": restart, "containers": [container.clone()] } });
        (pod, container)
    }

    #[test]
    fn the_image_tag_decides_unless_annotated() {
        let (p, c) = pod(json!({}), "Always", "shop/web:1.4-crashloop", json!([]));
        assert_eq!(
            behavior_of(&p, &c),
            Behavior::Crash(CrashCause::StartupFailure)
        );
        let (p, c) = pod(json!({}), "Always", "nginx:1.99-notfound", json!([]));
        assert_eq!(behavior_of(&p, &c), Behavior::ImageNotFound);
        let (p, c) = pod(json!({}), "Always", "registry:5000/app:oom", json!([]));
        assert_eq!(behavior_of(&p, &c), Behavior::OutOfMemory);
        let (p, c) = pod(
            json!({ BEHAVIOR_ANNOTATION: "healthy" }),
            "Always",
            "app:oom",
            json!([]),
        );
        assert_eq!(behavior_of(&p, &c), Behavior::Healthy);
        let (p, c) = pod(json!({}), "Always", "nginx:1.27", json!([]));
        assert_eq!(behavior_of(&p, &c), Behavior::Healthy);
    }

    #[test]
    fn a_missing_required_variable_crashes_until_it_is_set() {
        let annotations = json!({ REQUIRES_ENV_ANNOTATION: "DATABASE_URL, CACHE_URL" });
        let (p, c) = pod(
            annotations.clone(),
            "Always",
            "app:1",
            json!([{ "name": "CACHE_URL", "value": "x" }]),
        );
        assert_eq!(
            behavior_of(&p, &c),
            Behavior::Crash(CrashCause::MissingEnv("DATABASE_URL".to_string()))
        );
        let env = json!([{ "name": "CACHE_URL", "value": "x" }, { "name": "DATABASE_URL", "value": "y" }]);
        let (p, c) = pod(annotations, "Always", "app:1", env);
        assert_eq!(behavior_of(&p, &c), Behavior::Healthy);
    }

    #[test]
    fn batch_pods_complete_after_their_run_time() {
        let (p, c) = pod(
            json!({ RUN_SECONDS_ANNOTATION: "2" }),
            "Never",
            "busybox:1.36",
            json!([]),
        );
        let behavior = behavior_of(&p, &c);
        assert_eq!(behavior, Behavior::Completes);
        assert_eq!(behavior.runs_for(&p), Some(Duration::from_secs(2)));
        assert_eq!(image_tag("registry:5000/team/app"), "");
    }
}
