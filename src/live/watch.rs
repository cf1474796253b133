//! The watcher task behind a pane: kube-rs `watcher` with `default_backoff()` over a
//! projection, turned into store [`Change`]s and sent in batches on a bounded channel.
//! A 410 Gone relists (Init … InitDone), a dropped connection resumes from the last
//! resourceVersion, and every failure is reported as [`Change::Down`] while it is retried.
//! The first rows of a paged list come from one small page read beside the watcher's list
//! of large pages.

use std::time::Instant;

use futures::StreamExt;
use kube::api::Api;
use kube::core::ApiResource;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event, InitialListStrategy};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::live::projection::{Decoded, Projection};
use crate::live::row::Row;
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
    /// Objects per page of the watcher's paged list. Pages cost a round trip each, in which
    /// the server and the decoder take turns, so they are large; the first rows come from a
    /// small page read beside the list ([`FIRST_PAGE`]).
    pub page_size: u32,
}

impl WatchSpec {
    pub fn new(resource: ApiResource) -> Self {
        WatchSpec {
            resource,
            namespace: None,
            label_selector: None,
            streaming_list: false,
            page_size: 5000,
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

    fn api<K: Decoded>(&self, client: kube::Client) -> Api<K> {
        match &self.namespace {
            Some(ns) => Api::namespaced_with(client, ns, &self.resource),
            None => Api::all_with(client, &self.resource),
        }
    }
}

/// One watcher event as a store change.
pub fn change<P: Projection>(event: Result<Event<P>, watcher::Error>) -> Change {
    change_with(event, &P::into_row)
}

/// One watcher event as a store change, rows built by `to_row`.
fn change_with<K>(event: Result<Event<K>, watcher::Error>, to_row: &impl Fn(K) -> Row) -> Change {
    match event {
        Ok(Event::Init) => Change::Init,
        Ok(Event::InitApply(object)) => Change::InitRow(to_row(object)),
        Ok(Event::InitDone) => Change::InitDone,
        Ok(Event::Apply(object)) => Change::Apply(to_row(object)),
        Ok(Event::Delete(object)) => Change::Delete(to_row(object).uid),
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
    run_with(client, spec, sender, P::into_row).await;
}

/// [`run`] for a kind whose rows are built at run time (a custom resource's printer columns):
/// objects decode as `K` and become rows through `to_row`.
pub async fn run_with<K: Decoded>(
    client: kube::Client,
    spec: WatchSpec,
    sender: mpsc::Sender<Vec<Change>>,
    to_row: impl Fn(K) -> Row + Send + Sync + 'static,
) {
    let api = spec.api::<K>(client);
    let first_page = (!spec.streaming_list).then(|| first_page(api.clone(), &spec));
    let stream = watcher::watcher(api, spec.watcher_config())
        .default_backoff()
        .map(|event| match event {
            Err(error) => match forbidden(&error) {
                Some((verb, message)) => Change::Down {
                    error: forbidden_text(&spec, verb, &message),
                    at: Instant::now(),
                },
                None => change_with(Err(error), &to_row),
            },
            event => change_with(event, &to_row),
        })
        .ready_chunks(BATCH);
    let mut stream = std::pin::pin!(stream);
    if let Some(first_page) = first_page {
        let Some(batch) = ahead_of_the_list(first_page, &mut stream, &to_row).await else {
            return;
        };
        if !batch.is_empty() && sender.send(batch).await.is_err() {
            return;
        }
    }
    while let Some(batch) = stream.next().await {
        if sender.send(batch).await.is_err() {
            return;
        }
    }
}

/// Objects in the small page read beside the watcher's first list.
pub const FIRST_PAGE: u32 = 500;

/// One small page of the list, read while the watcher lists in pages of `spec.page_size`.
async fn first_page<K: Decoded>(api: Api<K>, spec: &WatchSpec) -> Option<Vec<K>> {
    let mut params = kube::api::ListParams::default().limit(FIRST_PAGE);
    if let Some(selector) = &spec.label_selector {
        params = params.labels(selector);
    }
    api.list(&params).await.ok().map(|list| list.items)
}

/// Shows the first rows early: the small first page, when it comes before the watcher's
/// own first rows, as a list of its own that the watcher's list then supersedes (rows it
/// does not name are removed when it is done, so nothing stale stays). Returns what to send
/// first (the watcher's changes taken meanwhile follow the page); `None` when the watcher
/// ended.
async fn ahead_of_the_list<K, S>(
    first_page: impl std::future::Future<Output = Option<Vec<K>>>,
    stream: &mut S,
    to_row: &impl Fn(K) -> Row,
) -> Option<Vec<Change>>
where
    S: futures::Stream<Item = Vec<Change>> + Unpin,
{
    let mut first_page = std::pin::pin!(first_page);
    // The watcher's changes before its first row (its Init).
    let mut held: Vec<Change> = Vec::new();
    loop {
        tokio::select! {
            page = &mut first_page => {
                let mut batch = Vec::new();
                if let Some(objects) = page.filter(|objects| !objects.is_empty()) {
                    batch.push(Change::Init);
                    batch.extend(objects.into_iter().map(|o| Change::InitRow(to_row(o))));
                }
                batch.append(&mut held);
                return Some(batch);
            }
            changes = stream.next() => {
                let changes = changes?;
                let only_init = changes.iter().all(|c| matches!(c, Change::Init));
                held.extend(changes);
                if !only_init {
                    // The watcher's rows came first: the page is not needed.
                    return Some(held);
                }
            }
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

/// Starts [`run_with`] on the current tokio runtime.
pub fn spawn_with<K: Decoded>(
    client: kube::Client,
    spec: WatchSpec,
    sender: mpsc::Sender<Vec<Change>>,
    to_row: impl Fn(K) -> Row + Send + Sync + 'static,
) -> WatchHandle {
    WatchHandle {
        task: tokio::spawn(run_with(client, spec, sender, to_row)),
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use futures::stream;

    use super::*;

    fn row(name: &str) -> Row {
        Row {
            uid: name.into(),
            namespace: "shop".into(),
            name: name.into(),
            labels: [].into(),
            owners: [].into(),
            cells: Box::new([]),
            tone: crate::live::row::Tone::Normal,
        }
    }

    fn names(changes: &[Change]) -> Vec<String> {
        changes
            .iter()
            .map(|c| match c {
                Change::Init => "Init".to_string(),
                Change::InitRow(r) => r.name.to_string(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[tokio::test]
    async fn the_first_page_shows_as_its_own_list_before_the_watchers_init() {
        // The watcher has only said Init when the page comes.
        let mut watcher = stream::iter(vec![vec![Change::Init]]).chain(stream::pending());
        let page = async {
            tokio::task::yield_now().await;
            Some(vec!["a", "b"])
        };
        let batch = ahead_of_the_list(page, &mut watcher, &|n: &str| row(n))
            .await
            .unwrap();
        assert_eq!(names(&batch), ["Init", "a", "b", "Init"]);
    }

    #[tokio::test]
    async fn the_watchers_rows_first_make_the_page_unneeded() {
        let mut watcher = stream::iter(vec![vec![Change::Init], vec![Change::InitRow(row("w"))]])
            .chain(stream::pending());
        let page = std::future::pending::<Option<Vec<&str>>>();
        let batch = ahead_of_the_list(page, &mut watcher, &|n: &str| row(n))
            .await
            .unwrap();
        assert_eq!(names(&batch), ["Init", "w"]);
    }

    #[tokio::test]
    async fn a_failed_or_empty_page_adds_nothing() {
        for page in [None, Some(Vec::new())] {
            let mut watcher = stream::pending::<Vec<Change>>();
            let batch = ahead_of_the_list(async { page }, &mut watcher, &|n: &str| row(n))
                .await
                .unwrap();
            assert!(batch.is_empty());
        }
        // A watcher that ends before anything: nothing more to do.
        let mut ended = stream::empty::<Vec<Change>>();
        let page = std::future::pending::<Option<Vec<&str>>>();
        assert!(
            ahead_of_the_list(page, &mut ended, &|n: &str| row(n))
                .await
                .is_none()
        );
    }
}
