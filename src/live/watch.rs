//! The watcher task behind a pane: kube-rs `watcher` with `default_backoff()` over a
//! projection, turned into store [`Change`]s and sent in batches on a bounded channel.
//! A 410 Gone relists (Init … InitDone), a dropped connection resumes from the last
//! resourceVersion, and every failure is reported as [`Change::Down`] while it is retried.

use std::time::Instant;

use futures::StreamExt;
use kube::api::Api;
use kube::core::ApiResource;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event, InitialListStrategy};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::live::projection::Projection;
use crate::live::store::Change;

/// Changes that arrive together are sent as one batch of at most this many.
pub const BATCH: usize = 1024;

/// What to watch.
#[derive(Clone, Debug)]
pub struct WatchSpec {
    pub resource: ApiResource,
    /// `None` watches every namespace (or a cluster-scoped kind).
    pub namespace: Option<String>,
    /// A label selector, as `kubectl -l` takes it.
    pub label_selector: Option<String>,
    /// Stream the initial list over the watch (Kubernetes 1.27+) instead of paging it.
    pub streaming_list: bool,
    /// Objects per page of a paged list.
    pub page_size: u32,
}

impl WatchSpec {
    pub fn new(resource: ApiResource) -> Self {
        WatchSpec {
            resource,
            namespace: None,
            label_selector: None,
            streaming_list: false,
            page_size: 500,
        }
    }

    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    pub fn labels(mut self, selector: impl Into<String>) -> Self {
        self.label_selector = Some(selector.into()).filter(|s: &String| !s.is_empty());
        self
    }

    pub fn streaming_list(mut self, on: bool) -> Self {
        self.streaming_list = on;
        self
    }

    /// The watcher configuration: selector, list strategy and page size. The watch request
    /// itself keeps kube-rs's server-side timeout (re-issued transparently); nothing bounds
    /// the time a whole list body may take.
    pub fn watcher_config(&self) -> watcher::Config {
        watcher::Config {
            label_selector: self.label_selector.clone(),
            initial_list_strategy: if self.streaming_list {
                InitialListStrategy::StreamingList
            } else {
                InitialListStrategy::ListWatch
            },
            page_size: Some(self.page_size.max(1)),
            ..watcher::Config::default()
        }
    }

    fn api<P: Projection>(&self, client: kube::Client) -> Api<P> {
        match &self.namespace {
            Some(ns) => Api::namespaced_with(client, ns, &self.resource),
            None => Api::all_with(client, &self.resource),
        }
    }
}

/// One watcher event as a store change.
pub fn change<P: Projection>(event: Result<Event<P>, watcher::Error>) -> Change {
    match event {
        Ok(Event::Init) => Change::Init,
        Ok(Event::InitApply(object)) => Change::InitRow(object.into_row()),
        Ok(Event::InitDone) => Change::InitDone,
        Ok(Event::Apply(object)) => Change::Apply(object.into_row()),
        Ok(Event::Delete(object)) => Change::Delete(object.into_row().uid),
        Err(error) => Change::Down {
            error: describe(&error),
            at: Instant::now(),
        },
    }
}

/// How a 403 starts in the pane's indicator.
pub const FORBIDDEN: &str = "forbidden:";

/// The verb a watcher error was refused on and the server's message, when it is a 403.
pub fn forbidden(error: &watcher::Error) -> Option<(&'static str, String)> {
    let (verb, error) = match error {
        watcher::Error::InitialListFailed(error) => ("list", error),
        watcher::Error::WatchStartFailed(error) | watcher::Error::WatchFailed(error) => {
            ("watch", error)
        }
        watcher::Error::WatchError(status) if status.code == 403 => {
            return Some(("watch", status.message.clone()));
        }
        _ => return None,
    };
    match error {
        kube::Error::Api(status) if status.code == 403 => Some((verb, status.message.clone())),
        _ => None,
    }
}

/// `forbidden: cannot list pods in shop (<the server's message>)`.
pub fn forbidden_text(spec: &WatchSpec, verb: &str, message: &str) -> String {
    let resource = if spec.resource.group.is_empty() {
        spec.resource.plural.clone()
    } else {
        format!("{}.{}", spec.resource.plural, spec.resource.group)
    };
    let scope = match &spec.namespace {
        Some(namespace) => format!("namespace {namespace}"),
        None => "all namespaces".to_string(),
    };
    format!("{FORBIDDEN} cannot {verb} {resource} in {scope} ({message})")
}

/// A one-line reason for the pane's indicator: the error and its causes.
fn describe(error: &watcher::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Watches `spec` with projection `P` until the receiver is dropped, sending batches of
/// changes. Retries forever with kube-rs's default backoff.
pub async fn run<P: Projection>(
    client: kube::Client,
    spec: WatchSpec,
    sender: mpsc::Sender<Vec<Change>>,
) {
    let stream = watcher::watcher(spec.api::<P>(client), spec.watcher_config())
        .default_backoff()
        .map(|event| match event {
            Err(error) => match forbidden(&error) {
                Some((verb, message)) => Change::Down {
                    error: forbidden_text(&spec, verb, &message),
                    at: Instant::now(),
                },
                None => change::<P>(Err(error)),
            },
            event => change::<P>(event),
        })
        .ready_chunks(BATCH);
    let mut stream = std::pin::pin!(stream);
    while let Some(batch) = stream.next().await {
        if sender.send(batch).await.is_err() {
            return;
        }
    }
}

/// A running watcher task; dropping it stops the watch.
pub struct WatchHandle {
    task: JoinHandle<()>,
}

impl WatchHandle {
    pub fn stop(&self) {
        self.task.abort();
    }

    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

impl Drop for WatchHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts [`run`] on the current tokio runtime.
pub fn spawn<P: Projection>(
    client: kube::Client,
    spec: WatchSpec,
    sender: mpsc::Sender<Vec<Change>>,
) -> WatchHandle {
    WatchHandle {
        task: tokio::spawn(run::<P>(client, spec, sender)),
    }
}
