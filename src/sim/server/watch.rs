//! Watches: a chunked stream of newline-delimited watch events, started from a resourceVersion
//! (or the current state), with selectors, bookmarks, `sendInitialEvents`, timeouts, and
//! 410 Gone as an ERROR event when the requested history is no longer retained.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::{BufMut, Bytes, BytesMut};
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};
use tokio::time::Instant;

use super::call::Call;
use super::negotiate::Representation;
use super::read::{list_options, table_options};
use crate::sim::resource::ResourceType;
use crate::sim::selector::FieldRequirement;
use crate::sim::status::ApiError;
use crate::sim::store::{
    Change, ChangeKind, ListOptions, Store, StoredObject, WatchFrom, WatchStart,
};
use crate::sim::table::{self, TableOptions};

/// The API server's `--min-request-timeout`: watches without `timeoutSeconds` end after this.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1800);
/// Events batched into one chunk (one socket write) when they arrive together.
const MAX_BATCH: usize = 4096;
/// A chunk is sent once it holds this many bytes, even if more events are waiting.
const MAX_CHUNK: usize = 1 << 20;

/// How each event's object is written.
struct Encoder {
    rt: Arc<ResourceType>,
    version: String,
    representation: Representation,
    include: table::IncludeObject,
    headers_sent: bool,
}

impl Encoder {
    fn object_bytes(&mut self, object: &StoredObject) -> Bytes {
        match self.representation {
            Representation::Object => {
                crate::sim::resource::convert::to_wire(&self.rt, &self.version, object)
            }
            Representation::Metadata(version) => {
                let wire = crate::sim::resource::convert::to_wire_value(
                    &self.rt,
                    &self.version,
                    object.value(),
                );
                to_bytes(&table::partial_metadata(&wire, version))
            }
            Representation::Table(version) => {
                let wire = crate::sim::resource::convert::to_wire_value(
                    &self.rt,
                    &self.version,
                    object.value(),
                );
                let options = TableOptions {
                    api_version: version,
                    include: self.include,
                    headers: !self.headers_sent,
                };
                self.headers_sent = true;
                let metadata = json!({ "resourceVersion": object.resource_version().to_string() });
                to_bytes(&table::table(&self.rt, &[wire], options, metadata))
            }
        }
    }

    fn event(&mut self, kind: &str, object: &StoredObject, out: &mut BytesMut) {
        let object = self.object_bytes(object);
        frame(kind, &object, out);
    }

    /// A change as this watcher sees it: the line every watcher of the same version shares
    /// when it sees the change's own event type, else encoded here.
    fn change(&mut self, kind: &str, change: &Change, out: &mut BytesMut) {
        if matches!(self.representation, Representation::Object) && kind == change.kind.as_str() {
            out.put_slice(&change.event_line(&self.rt, &self.version));
        } else {
            self.event(kind, &change.object, out);
        }
    }

    fn bookmark(&self, resource_version: u64, initial_events_end: bool, out: &mut BytesMut) {
        let mut metadata = json!({ "resourceVersion": resource_version.to_string() });
        if initial_events_end {
            metadata["annotations"] = json!({ "k8s.io/initial-events-end": "true" });
        }
        let object = json!({ "kind": self.rt.kind, "apiVersion": self.rt.api_version(&self.version), "metadata": metadata });
        frame("BOOKMARK", &to_bytes(&object), out);
    }
}

fn to_bytes(value: &Value) -> Bytes {
    Bytes::from(serde_json::to_vec(value).unwrap_or_default())
}

fn frame(kind: &str, object: &[u8], out: &mut BytesMut) {
    out.put_slice(b"{\"type\":\"");
    out.put_slice(kind.as_bytes());
    out.put_slice(b"\",\"object\":");
    out.put_slice(object);
    out.put_slice(b"}\n");
}

fn error_frame(error: &ApiError) -> Bytes {
    let mut out = BytesMut::new();
    frame("ERROR", &to_bytes(&error.status()), &mut out);
    out.freeze()
}

/// Which changes a watcher sees.
struct Filter {
    namespace: String,
    selection: ListOptions,
}

impl Filter {
    fn matches(&self, object: &StoredObject) -> bool {
        (self.namespace.is_empty() || object.namespace() == self.namespace)
            && self.selection.matches(object)
    }

    /// The event type this watcher sees for `change`: a change moving an object into or out of
    /// the selection is an ADDED or DELETED for it.
    fn event_type(&self, change: &Change) -> Option<&'static str> {
        let now = self.matches(&change.object);
        let before = change.previous.as_ref().is_some_and(|p| self.matches(p));
        match (change.kind, before, now) {
            (ChangeKind::Added, _, true) => Some("ADDED"),
            (ChangeKind::Modified, true, true) => Some("MODIFIED"),
            (ChangeKind::Modified, false, true) => Some("ADDED"),
            (ChangeKind::Modified, true, false) => Some("DELETED"),
            (ChangeKind::Deleted, _, true) | (ChangeKind::Deleted, true, _) => Some("DELETED"),
            _ => None,
        }
    }
}

struct Pump {
    store: Store,
    storage: crate::sim::resource::GroupResource,
    encoder: Encoder,
    filter: Filter,
    /// Every change at or below this resourceVersion has been handled.
    seen: u64,
    tx: mpsc::Sender<Bytes>,
}

impl Pump {
    fn forward(&mut self, change: &Change, out: &mut BytesMut) {
        if change.resource_version() <= self.seen {
            return;
        }
        self.seen = change.resource_version();
        if change.resource != self.storage {
            return;
        }
        if let Some(kind) = self.filter.event_type(change) {
            self.encoder.change(kind, change, out);
        }
    }

    async fn send(&self, out: &mut BytesMut) -> bool {
        if out.is_empty() {
            return true;
        }
        self.tx.send(out.split().freeze()).await.is_ok()
    }

    async fn run(
        mut self,
        start: WatchStart,
        initial_events_end: bool,
        bookmarks: Option<Duration>,
        deadline: Instant,
        shutdown: tokio_util::sync::CancellationToken,
    ) {
        let mut out = BytesMut::new();
        for object in start.initial.iter().filter(|o| self.filter.matches(o)) {
            self.encoder.event("ADDED", object, &mut out);
            if out.len() > 1 << 20 && !self.send(&mut out).await {
                return;
            }
        }
        if initial_events_end {
            self.encoder
                .bookmark(start.resource_version, true, &mut out);
        }
        for change in &start.replay {
            self.forward(change, &mut out);
        }
        self.seen = self.seen.max(start.resource_version);
        if !self.send(&mut out).await {
            return;
        }
        let mut feed = start.feed;
        let mut compacted = start.compacted;
        let mut ticker = tokio::time::interval(bookmarks.unwrap_or(Duration::from_secs(3600)));
        ticker.reset();
        loop {
            tokio::select! {
                () = self.tx.closed() => return,
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep_until(deadline) => return,
                _ = compacted.changed() => {
                    let floor = *compacted.borrow_and_update();
                    out.put_slice(&error_frame(&ApiError::expired(self.seen, floor)));
                    let _ = self.send(&mut out).await;
                    return;
                }
                _ = ticker.tick(), if bookmarks.is_some() => {
                    self.encoder.bookmark(self.seen, false, &mut out);
                }
                received = feed.recv() => {
                    let drained = match received {
                        Ok(change) => {
                            self.forward(&change, &mut out);
                            self.drain(&mut feed, &mut out)
                        }
                        Err(broadcast::error::RecvError::Lagged(_)) => self.catch_up(&mut out),
                        Err(broadcast::error::RecvError::Closed) => return,
                    };
                    if let Err(gone) = drained {
                        out.put_slice(&error_frame(&gone));
                        let _ = self.send(&mut out).await;
                        return;
                    }
                }
            }
            if !self.send(&mut out).await {
                return;
            }
        }
    }

    /// Forwards the changes already waiting on the feed, up to one chunk's worth. Falling
    /// behind the feed on the way is caught up from the retained window.
    fn drain(
        &mut self,
        feed: &mut broadcast::Receiver<Arc<Change>>,
        out: &mut BytesMut,
    ) -> Result<(), ApiError> {
        for _ in 0..MAX_BATCH {
            if out.len() >= MAX_CHUNK {
                break;
            }
            match feed.try_recv() {
                Ok(change) => self.forward(&change, out),
                Err(broadcast::error::TryRecvError::Lagged(_)) => return self.catch_up(out),
                Err(_) => break,
            }
        }
        Ok(())
    }

    /// After falling behind the feed, replays the missed changes from the retained window.
    fn catch_up(&mut self, out: &mut BytesMut) -> Result<(), ApiError> {
        let missed = self.store.changes_since(&self.storage, self.seen)?;
        let caught_up_to = missed.last().map(|c| c.resource_version());
        for change in &missed {
            self.forward(change, out);
        }
        if let Some(rv) = caught_up_to {
            self.seen = self.seen.max(rv);
        }
        Ok(())
    }
}

fn streaming(rx: mpsc::Receiver<Bytes>) -> Response {
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|chunk| (Ok::<Bytes, std::convert::Infallible>(chunk), rx))
    });
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() = StatusCode::OK;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn start_point(call: &Call, send_initial: bool) -> Result<(WatchFrom, bool), ApiError> {
    let requested = call.query.get("resourceVersion").unwrap_or("");
    if send_initial {
        return Ok((WatchFrom::Now, true));
    }
    let skip_initial = call.query.get("sendInitialEvents") == Some("false");
    match requested {
        "" | "0" => Ok((WatchFrom::Now, !skip_initial)),
        text => text
            .parse::<u64>()
            .map(|rv| (WatchFrom::After(rv), false))
            .map_err(|_| ApiError::BadRequest(format!("invalid resource version: {text:?}"))),
    }
}

pub async fn serve(call: Call) -> Result<Response, ApiError> {
    call.require_verb("watch")?;
    let representation = call.representation()?;
    let mut selection = list_options(&call)?;
    if let Some(name) = &call.path.name {
        selection.fields.requirements.push(FieldRequirement {
            field: "metadata.name".to_string(),
            value: name.clone(),
            negated: false,
        });
    }
    let catalog = call.app.store.catalog();
    let storage_rt = catalog
        .by_group_resource(&call.rt.storage)
        .ok_or(ApiError::NoSuchResource)?;
    if let Some(unsupported) = selection
        .fields
        .requirements
        .iter()
        .find(|r| !storage_rt.supports_field(&r.field))
    {
        return Err(ApiError::BadRequest(format!(
            "field label not supported: {}",
            unsupported.field
        )));
    }
    let send_initial = call.query.flag("sendInitialEvents")?;
    let bookmarks_allowed = call.query.flag("allowWatchBookmarks")?;
    if send_initial
        && (!bookmarks_allowed || call.query.get("resourceVersionMatch") != Some("NotOlderThan"))
    {
        return Err(ApiError::BadRequest(
            "sendInitialEvents requires allowWatchBookmarks=true and resourceVersionMatch=NotOlderThan".to_string(),
        ));
    }
    let timeout = match call.query.integer("timeoutSeconds")? {
        Some(seconds) if seconds > 0 => Duration::from_secs(seconds.unsigned_abs()),
        _ => DEFAULT_TIMEOUT,
    };
    let (from, send_initial_objects) = start_point(&call, send_initial)?;
    let include = table_options(&call, "v1", true)?.include;
    let (tx, rx) = mpsc::channel(64);
    let start = match call
        .app
        .store
        .watch(&call.rt.storage, call.namespace(), from)
    {
        Ok(start) => start,
        Err(gone @ ApiError::Gone(_)) => {
            let _ = tx.try_send(error_frame(&gone));
            return Ok(streaming(rx));
        }
        Err(other) => return Err(other),
    };
    let start = if send_initial_objects {
        start
    } else {
        WatchStart {
            initial: Vec::new(),
            ..start
        }
    };
    let pump = Pump {
        store: call.app.store.clone(),
        storage: call.rt.storage.clone(),
        encoder: Encoder {
            rt: call.rt.clone(),
            version: call.path.version.clone(),
            representation,
            include,
            headers_sent: false,
        },
        filter: Filter {
            namespace: call.namespace().to_string(),
            selection,
        },
        seen: 0,
        tx,
    };
    let bookmarks = bookmarks_allowed.then_some(call.app.bookmark_interval);
    let deadline = Instant::now() + timeout;
    let shutdown = call.app.shutdown.clone();
    tokio::spawn(pump.run(start, send_initial, bookmarks, deadline, shutdown));
    Ok(streaming(rx))
}
