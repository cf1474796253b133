//! What a mutating command would change, shown before it is approved: `kubectl diff` for
//! `apply -f`, a server-side dry run compared with the live objects for in-place changes,
//! and the number of objects a selector or `--all` matches. The mutation itself never runs.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use similar::TextDiff;

use super::argv::cockpit_argv;
use super::noise::{key, objects, to_yaml};
use crate::agent::policy::{Classification, DryRun, Risk, Selector, check_argv, classify};

/// How long one preview command may take.
const PREVIEW_TIMEOUT: Duration = Duration::from_secs(30);

/// Verbs that change existing objects in place and accept `--dry-run=server`.
const IN_PLACE: &[&str] = &[
    "patch", "scale", "label", "annotate", "set", "taint", "rollout",
];
/// Verbs that make new objects and accept `--dry-run=server`.
const CREATING: &[&str] = &["create", "expose", "autoscale", "run"];

/// A preview for the approval pane.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Preview {
    /// A unified diff of the objects before and after, when there is one.
    pub diff: Option<String>,
    /// How many objects the command touches, when it acts on a selector, `--all` or names.
    pub objects: Option<usize>,
    /// Why there is no diff (no change, not previewable, or what failed), or what it shows.
    pub note: Option<String>,
}

impl Preview {
    fn note(note: impl Into<String>) -> Self {
        Self {
            note: Some(note.into()),
            ..Self::default()
        }
    }
}

/// Previews `plan_argv` as it would run with the cockpit's `context` and `namespace`, running
/// only reads and server-side dry runs with `program` (kubectl) and `kubeconfig`.
pub async fn preview(
    plan_argv: &[String],
    context: Option<&str>,
    namespace: Option<&str>,
    kubeconfig: Option<&Path>,
    program: &Path,
) -> Preview {
    if let Err(error) = check_argv(plan_argv) {
        return Preview::note(format!("not previewed: {error}"));
    }
    let kubectl = Kubectl {
        program: program.to_path_buf(),
        kubeconfig: kubeconfig.map(Path::to_path_buf),
        context: context.map(str::to_owned),
        namespace: namespace.map(str::to_owned),
    };
    let classification = classify(plan_argv);
    let words = plan_words(plan_argv);
    let verb = classification.verb.clone().unwrap_or_default();
    if classification.risk < Risk::Write {
        return Preview::note("reads only: nothing to preview");
    }
    if classification.dry_run.is_some() {
        return Preview::note("already a dry run: nothing is changed");
    }
    if verb == "edit" {
        return Preview::note(
            "`edit` opens an editor, so there is no preview; plan a `patch` to see the change first",
        );
    }
    if verb == "apply" && classification.subcommand.is_none() && !classification.files.is_empty() {
        return apply_diff(&kubectl, &words).await;
    }
    if !classification.selectors.is_empty() || classification.all {
        return count_matches(&kubectl, &classification).await;
    }
    if verb == "delete" {
        let mut preview = count_matches(&kubectl, &classification).await;
        if preview.objects.is_some() {
            preview.note = Some("deletes these objects; nothing to diff".to_owned());
        }
        return preview;
    }
    if verb == "scale" {
        return match scale_as_patch(&words, &classification) {
            Some(patch) => dry_run_diff(&kubectl, &patch, &classification).await,
            None => Preview::note("`scale` without `--replicas` or named objects is not previewed"),
        };
    }
    if IN_PLACE.contains(&verb.as_str()) || CREATING.contains(&verb.as_str()) {
        return dry_run_diff(&kubectl, &words, &classification).await;
    }
    Preview::note(format!("no preview for `{verb}`"))
}

/// The plan's words without the leading `kubectl`.
fn plan_words(plan_argv: &[String]) -> Vec<String> {
    match plan_argv.first() {
        Some(first) if first == "kubectl" => plan_argv[1..].to_vec(),
        _ => plan_argv.to_vec(),
    }
}

/// `scale` as the merge patch of `spec.replicas` it amounts to: a server-side dry run of
/// `scale` prints the object as it was, while one of the patch returns the object after.
fn scale_as_patch(words: &[String], classification: &Classification) -> Option<Vec<String>> {
    let replicas: u64 = words
        .iter()
        .zip(words.iter().skip(1).map(Some).chain([None]))
        .find_map(|(word, next)| match word.strip_prefix("--replicas") {
            Some("") => next.map(String::as_str),
            Some(value) => value.strip_prefix('='),
            None => None,
        })?
        .parse()
        .ok()?;
    let targets: Vec<String> = classification
        .resources
        .iter()
        .filter_map(|r| r.name.as_ref().map(|name| format!("{}/{name}", r.kind)))
        .collect();
    if targets.is_empty() {
        return None;
    }
    let mut patch = vec!["patch".to_owned()];
    patch.extend(targets);
    patch.extend([
        "--type=merge".to_owned(),
        "-p".to_owned(),
        format!("{{\"spec\":{{\"replicas\":{replicas}}}}}"),
    ]);
    patch.extend(scope(classification));
    Some(patch)
}

/// `kubectl diff` with the same files: exit 0 is no change, 1 is a diff.
async fn apply_diff(kubectl: &Kubectl, words: &[String]) -> Preview {
    let mut diff_words = vec!["diff".to_owned()];
    let mut rest = words.iter().skip(1);
    while let Some(word) = rest.next() {
        match word.as_str() {
            "-f" | "--filename" | "-k" | "--kustomize" | "-n" | "--namespace" | "-l"
            | "--selector" => {
                diff_words.push(word.clone());
                diff_words.extend(rest.next().cloned());
            }
            "-R" | "--recursive" | "--server-side" | "--force-conflicts" => {
                diff_words.push(word.clone());
            }
            _ if [
                "--filename=",
                "--kustomize=",
                "--namespace=",
                "--selector=",
                "-f=",
                "-k=",
            ]
            .iter()
            .any(|prefix| word.starts_with(prefix)) =>
            {
                diff_words.push(word.clone());
            }
            _ => {}
        }
    }
    match kubectl.run(&diff_words).await {
        Ok(output) if output.code == Some(0) => {
            Preview::note("no change: the live objects already match")
        }
        Ok(output) if output.code == Some(1) && !output.stdout.trim().is_empty() => Preview {
            diff: Some(output.stdout),
            objects: None,
            note: None,
        },
        Ok(output) => Preview::note(format!("`kubectl diff` failed: {}", output.failure())),
        Err(error) => Preview::note(error),
    }
}

/// Counts the objects a selector, `--all` or a list of names matches with `get -o name`.
async fn count_matches(kubectl: &Kubectl, classification: &Classification) -> Preview {
    let kinds = classification.kinds();
    if kinds.is_empty() {
        return Preview::note("no kind to count: the command names its objects through files");
    }
    let mut words = vec!["get".to_owned()];
    let names = classification.names();
    if names.is_empty() || classification.all {
        words.push(kinds.join(","));
    } else {
        words.extend(
            classification
                .resources
                .iter()
                .filter_map(|r| r.name.as_ref().map(|name| format!("{}/{name}", r.kind))),
        );
    }
    for selector in &classification.selectors {
        match selector {
            Selector::Label(expression) => words.push(format!("--selector={expression}")),
            Selector::Field(expression) => words.push(format!("--field-selector={expression}")),
        }
    }
    words.extend(scope(classification));
    words.extend([
        "-o".to_owned(),
        "name".to_owned(),
        "--ignore-not-found".to_owned(),
    ]);
    match kubectl.run(&words).await {
        Ok(output) if output.code == Some(0) => {
            let count = output
                .stdout
                .lines()
                .filter(|line| !line.trim().is_empty())
                .count();
            Preview {
                diff: None,
                objects: Some(count),
                note: Some(format!(
                    "matches {count} object{}",
                    if count == 1 { "" } else { "s" }
                )),
            }
        }
        Ok(output) => Preview::note(format!("counting the objects failed: {}", output.failure())),
        Err(error) => Preview::note(error),
    }
}

/// `-n NS` or `-A` as the command has them (the cockpit's namespace is added otherwise).
fn scope(classification: &Classification) -> Vec<String> {
    if classification.all_namespaces {
        return vec!["--all-namespaces".to_owned()];
    }
    match &classification.namespace {
        Some(namespace) => vec!["-n".to_owned(), namespace.clone()],
        None => Vec::new(),
    }
}

/// The command with `--dry-run=server -o json`, compared with `get -o json` of its targets.
async fn dry_run_diff(
    kubectl: &Kubectl,
    words: &[String],
    classification: &Classification,
) -> Preview {
    let mut dry = words.to_vec();
    dry.extend([
        "--dry-run=server".to_owned(),
        "-o".to_owned(),
        "json".to_owned(),
    ]);
    if classify(&dry).dry_run != Some(DryRun::Server) {
        return Preview::note(
            "the command could not be made a server-side dry run, so it is not previewed",
        );
    }
    let after = match kubectl.run(&dry).await {
        Ok(output) if output.code == Some(0) => output.stdout,
        Ok(output) => {
            return Preview::note(format!(
                "the server-side dry run failed: {}",
                output.failure()
            ));
        }
        Err(error) => return Preview::note(error),
    };
    let after = match objects(&after) {
        Ok(objects) => objects,
        Err(error) => return Preview::note(error),
    };
    let verb = classification.verb.as_deref().unwrap_or_default();
    let live = if CREATING.contains(&verb) {
        Vec::new()
    } else {
        let targets: Vec<String> = after.iter().filter_map(target).collect();
        if targets.is_empty() {
            Vec::new()
        } else {
            let mut get = vec!["get".to_owned()];
            get.extend(targets);
            get.extend(scope(classification));
            get.extend(["-o".to_owned(), "json".to_owned()]);
            match kubectl.run(&get).await {
                Ok(output) if output.code == Some(0) => match objects(&output.stdout) {
                    Ok(objects) => objects,
                    Err(error) => return Preview::note(error),
                },
                Ok(output) => {
                    return Preview::note(format!(
                        "reading the live objects failed: {}",
                        output.failure()
                    ));
                }
                Err(error) => return Preview::note(error),
            }
        }
    };
    let before = render(&live, &after);
    let changed = render(&after, &after);
    let count = after.len();
    if before == changed {
        return Preview {
            diff: None,
            objects: Some(count),
            note: Some("no change: the server reports the objects as they are".to_owned()),
        };
    }
    let diff = TextDiff::from_lines(&before, &changed)
        .unified_diff()
        .context_radius(3)
        .header("live", "after (server dry run)")
        .to_string();
    Preview {
        diff: Some(diff),
        objects: Some(count),
        note: None,
    }
}

/// `kind/name` as `kubectl get` reads it, from an object in the dry run's output.
fn target(object: &serde_json::Value) -> Option<String> {
    let kind = object.get("kind")?.as_str()?;
    let name = object.pointer("/metadata/name")?.as_str()?;
    let group = object
        .get("apiVersion")
        .and_then(serde_json::Value::as_str)
        .and_then(|version| version.split_once('/'))
        .map(|(group, _)| group)
        .filter(|group| !group.is_empty());
    Some(match group {
        Some(group) => format!("{kind}.{group}/{name}"),
        None => format!("{kind}/{name}"),
    })
}

/// The objects of `side` in the order of `order`'s keys, each under a `# key` line; objects
/// missing from `side` render as nothing.
fn render(side: &[serde_json::Value], order: &[serde_json::Value]) -> String {
    let mut text = String::new();
    for wanted in order {
        let wanted_key = key(wanted);
        text.push_str(&format!("# {wanted_key}\n"));
        if let Some(object) = side.iter().find(|object| key(object) == wanted_key) {
            text.push_str(&to_yaml(object));
        }
    }
    text
}

/// Runs read-only kubectl commands for a preview.
struct Kubectl {
    program: PathBuf,
    kubeconfig: Option<PathBuf>,
    context: Option<String>,
    namespace: Option<String>,
}

struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Ran {
    fn failure(&self) -> String {
        let stderr = self.stderr.trim();
        let code = self.code.map_or_else(
            || "no exit code".to_owned(),
            |code| format!("exit code {code}"),
        );
        if stderr.is_empty() {
            code
        } else {
            format!("{stderr} ({code})")
        }
    }
}

impl Kubectl {
    async fn run(&self, words: &[String]) -> Result<Ran, String> {
        let argv = cockpit_argv(words, self.context.as_deref(), self.namespace.as_deref());
        let mut command = tokio::process::Command::new(&self.program);
        command
            .args(&argv[1..])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if let Some(kubeconfig) = &self.kubeconfig {
            command.env("KUBECONFIG", kubeconfig);
        }
        let program = self.program.display();
        let output = tokio::time::timeout(PREVIEW_TIMEOUT, command.output())
            .await
            .map_err(|_| {
                format!(
                    "`{}` took longer than {}s",
                    argv.join(" "),
                    PREVIEW_TIMEOUT.as_secs()
                )
            })?
            .map_err(|error| match error.kind() {
                std::io::ErrorKind::NotFound => format!(
                    "`{program}` was not found: install kubectl ({}) or put it on PATH",
                    super::spawn::INSTALL_HINT
                ),
                _ => format!("`{program}` could not be started: {error}"),
            })?;
        Ok(Ran {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }
}
