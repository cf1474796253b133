//! `pods/{name}/log`: a container's log as plain text, optionally followed as it grows.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use serde_json::Value;
use tokio::sync::{broadcast, mpsc};

use super::call::Call;
use super::respond;
use crate::sim::object::At;
use crate::sim::object::str_at;
use crate::sim::resource;
use crate::sim::status::ApiError;
use crate::sim::store::LogLine;

struct LogRequest {
    container: String,
    follow: bool,
    previous: bool,
    timestamps: bool,
    tail_lines: Option<usize>,
    /// Only lines written at or after this time (`sinceSeconds` or `sinceTime`).
    since: Option<jiff::Timestamp>,
    limit_bytes: Option<usize>,
}

fn container_names(pod: &Value) -> Vec<String> {
    ["containers", "initContainers", "ephemeralContainers"]
        .iter()
        .filter_map(|list| pod.at(&format!("/spec/{list}")).and_then(Value::as_array))
        .flatten()
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect()
}

fn parse(call: &Call, pod: &Value) -> Result<LogRequest, ApiError> {
    let name = call.name();
    let names = container_names(pod);
    let main: Vec<&str> = pod
        .at("/spec/containers")
        .and_then(Value::as_array)
        .map(|c| c.iter().filter_map(|c| c["name"].as_str()).collect())
        .unwrap_or_default();
    let container = match call.query.get("container").filter(|c| !c.is_empty()) {
        Some(given) if names.iter().any(|n| n == given) => given.to_string(),
        Some(given) => {
            return Err(ApiError::BadRequest(format!(
                "container {given} is not valid for pod {name}"
            )));
        }
        None => match main.as_slice() {
            [only] => (*only).to_string(),
            _ => {
                return Err(ApiError::BadRequest(format!(
                    "a container name must be specified for pod {name}, choose one of: [{}]",
                    names.join(" ")
                )));
            }
        },
    };
    let non_negative = |key: &str| -> Result<Option<usize>, ApiError> {
        match call.query.integer(key)? {
            Some(n) if n < 0 => Err(ApiError::BadRequest(format!(
                "{key}: Invalid value: {n}: must be greater than or equal to 0"
            ))),
            Some(n) => Ok(Some(usize::try_from(n).unwrap_or(usize::MAX))),
            None => Ok(None),
        }
    };
    Ok(LogRequest {
        container,
        follow: call.query.flag("follow")?,
        previous: call.query.flag("previous")?,
        timestamps: call.query.flag("timestamps")?,
        tail_lines: non_negative("tailLines")?,
        since: since(call)?,
        limit_bytes: non_negative("limitBytes")?,
    })
}

fn since(call: &Call) -> Result<Option<jiff::Timestamp>, ApiError> {
    let seconds = call.query.integer("sinceSeconds")?;
    let time = call.query.get("sinceTime").filter(|t| !t.is_empty());
    match (seconds, time) {
        (Some(_), Some(_)) => Err(ApiError::BadRequest(
            "at most one of sinceTime or sinceSeconds may be specified".to_string(),
        )),
        (Some(seconds), None) => {
            let ago = jiff::SignedDuration::from_secs(seconds.max(0));
            Ok(Some(jiff::Timestamp::now() - ago))
        }
        (None, Some(text)) => text
            .parse()
            .map(Some)
            .map_err(|e| ApiError::BadRequest(format!("invalid sinceTime {text:?}: {e}"))),
        (None, None) => Ok(None),
    }
}

fn render(line: &LogLine, timestamps: bool) -> String {
    if timestamps {
        format!(
            "{} {}\n",
            line.time.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            line.text
        )
    } else {
        format!("{}\n", line.text)
    }
}

/// A container that has not started yet has no log to show.
fn waiting_reason(pod: &Value, container: &str) -> Option<String> {
    let statuses = pod
        .at("/status/containerStatuses")
        .and_then(Value::as_array)?;
    let status = statuses.iter().find(|s| s["name"] == container)?;
    let started =
        status["restartCount"].as_i64().unwrap_or(0) > 0 || status.at("/state/waiting").is_none();
    (!started).then(|| str_at(status, "/state/waiting/reason").to_string())
}

pub async fn serve(call: Call) -> Result<Response, ApiError> {
    let store = call.app.store.clone();
    let pod = store
        .get(&resource::PODS, call.namespace(), call.name())?
        .value();
    let request = parse(&call, &pod)?;
    let (namespace, name) = (call.namespace().to_string(), call.name().to_string());
    let (lines, live) = if request.follow && !request.previous {
        let follow = store.follow_log(&namespace, &name, &request.container)?;
        (follow.past, Some(follow.live))
    } else {
        (
            store.log_lines(&namespace, &name, &request.container, request.previous),
            None,
        )
    };
    if lines.is_empty()
        && !request.previous
        && let Some(reason) = waiting_reason(&pod, &request.container)
    {
        return Err(ApiError::BadRequest(format!(
            "container {:?} in pod {name:?} is waiting to start: {reason}",
            request.container
        )));
    }
    if lines.is_empty() && request.previous {
        return Err(ApiError::BadRequest(format!(
            "previous terminated container {:?} in pod {name:?} not found",
            request.container
        )));
    }
    let selected = select(lines, &request);
    let mut text: String = selected
        .iter()
        .map(|l| render(l, request.timestamps))
        .collect();
    if let Some(limit) = request.limit_bytes {
        truncate_at_char_boundary(&mut text, limit);
    }
    let Some(live) = live else {
        return Ok(respond::text(StatusCode::OK, text));
    };
    let (tx, rx) = mpsc::channel::<Bytes>(64);
    let _ = tx.try_send(Bytes::from(text));
    tokio::spawn(stream_lines(
        live,
        tx,
        request.timestamps,
        call.app.shutdown.clone(),
    ));
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|chunk| (Ok::<Bytes, std::convert::Infallible>(chunk), rx))
    });
    let mut response = Response::new(Body::from_stream(stream));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    Ok(response)
}

fn select(lines: Vec<Arc<LogLine>>, request: &LogRequest) -> Vec<Arc<LogLine>> {
    let mut lines = lines;
    if let Some(cutoff) = request.since {
        lines.retain(|l| l.time >= cutoff);
    }
    if let Some(tail) = request.tail_lines {
        let skip = lines.len().saturating_sub(tail);
        lines.drain(..skip);
    }
    lines
}

fn truncate_at_char_boundary(text: &mut String, limit: usize) {
    if text.len() <= limit {
        return;
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
}

/// Forwards new lines until the pod goes (the channel closes), the client leaves, or shutdown.
async fn stream_lines(
    mut live: broadcast::Receiver<Arc<LogLine>>,
    tx: mpsc::Sender<Bytes>,
    timestamps: bool,
    shutdown: tokio_util::sync::CancellationToken,
) {
    loop {
        tokio::select! {
            () = tx.closed() => return,
            () = shutdown.cancelled() => return,
            received = live.recv() => match received {
                Ok(line) => {
                    if tx.send(Bytes::from(render(&line, timestamps))).await.is_err() {
                        return;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return,
            },
        }
    }
}
