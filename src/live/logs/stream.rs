//! One container's log stream: `log_stream` with timestamps, split into lines and sent in
//! batches; when the stream ends while the pod still runs (a container restart) it resumes
//! with `sinceTime` and skips the lines it already sent.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, LogParams};
use tokio::sync::mpsc;

use crate::live::logs::split::{MAX_LINE_BYTES, line_batches};
use crate::live::logs::{LogEvent, LogLine};

/// The first wait before reconnecting; it doubles up to [`MAX_WAIT`] while nothing arrives.
const FIRST_WAIT: Duration = Duration::from_millis(250);
const MAX_WAIT: Duration = Duration::from_secs(5);

/// Which container, and how.
#[derive(Debug, Clone)]
pub struct StreamSpec {
    pub pod: String,
    pub container: String,
    pub previous: bool,
    pub tail_lines: Option<i64>,
}

/// Splits the kubelet's `RFC3339 text` into its timestamp and text.
pub fn parse_timestamped(line: String) -> (Option<jiff::Timestamp>, String) {
    if let Some((stamp, text)) = line.split_once(' ')
        && let Ok(time) = stamp.parse::<jiff::Timestamp>()
    {
        return (Some(time), text.to_string());
    }
    (None, line)
}

/// Follows one container until its pod goes (or, for `previous`, until its log is read).
pub async fn follow_container(api: Api<Pod>, spec: StreamSpec, tx: mpsc::Sender<LogEvent>) {
    let pod: Arc<str> = spec.pod.as_str().into();
    let container: Arc<str> = spec.container.as_str().into();
    let mut last: Option<jiff::Timestamp> = None;
    let mut wait = FIRST_WAIT;
    let mut announced = false;
    loop {
        let params = LogParams {
            container: Some(spec.container.clone()),
            follow: !spec.previous,
            previous: spec.previous,
            timestamps: true,
            tail_lines: if last.is_none() {
                spec.tail_lines
            } else {
                None
            },
            since_time: last,
            ..LogParams::default()
        };
        match api.log_stream(&spec.pod, &params).await {
            Ok(reader) => {
                if !announced {
                    announced = true;
                    let started = LogEvent::Started {
                        pod: spec.pod.clone(),
                        container: spec.container.clone(),
                    };
                    if tx.send(started).await.is_err() {
                        return;
                    }
                }
                let mut batches = std::pin::pin!(line_batches(reader, MAX_LINE_BYTES));
                while let Some(batch) = batches.next().await {
                    let Ok(batch) = batch else { break };
                    let lines: Vec<LogLine> = batch
                        .into_iter()
                        .filter_map(|raw| {
                            let (timestamp, text) = parse_timestamped(raw);
                            if let (Some(seen), Some(at)) = (last, timestamp)
                                && at <= seen
                            {
                                return None;
                            }
                            last = timestamp.or(last);
                            Some(LogLine {
                                pod: pod.clone(),
                                container: container.clone(),
                                text,
                                timestamp,
                            })
                        })
                        .collect();
                    if lines.is_empty() {
                        continue;
                    }
                    wait = FIRST_WAIT;
                    if tx.send(LogEvent::Lines(lines)).await.is_err() {
                        return;
                    }
                }
            }
            Err(error) => {
                if spec.previous || gone(&error) {
                    end(&tx, &spec, describe(&error)).await;
                    return;
                }
                if !waiting(&error) {
                    let text = format!("{}/{}: {}", spec.pod, spec.container, describe(&error));
                    if tx.send(LogEvent::Error(text)).await.is_err() {
                        return;
                    }
                }
            }
        }
        if spec.previous {
            end(&tx, &spec, "previous log read".into()).await;
            return;
        }
        match api.get_opt(&spec.pod).await {
            Ok(None) => {
                end(&tx, &spec, "pod deleted".into()).await;
                return;
            }
            Ok(Some(found)) if finished(&found) => {
                end(&tx, &spec, "pod finished".into()).await;
                return;
            }
            _ => {}
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(MAX_WAIT);
    }
}

async fn end(tx: &mpsc::Sender<LogEvent>, spec: &StreamSpec, reason: String) {
    let _ = tx
        .send(LogEvent::Ended {
            pod: spec.pod.clone(),
            container: spec.container.clone(),
            reason,
        })
        .await;
}

fn finished(pod: &Pod) -> bool {
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    matches!(phase, Some("Succeeded" | "Failed"))
}

fn gone(error: &kube::Error) -> bool {
    matches!(error, kube::Error::Api(status) if status.code == 404)
}

/// The container has not started yet (or is between restarts): not worth a message.
fn waiting(error: &kube::Error) -> bool {
    matches!(error, kube::Error::Api(status) if status.code == 400 && status.message.contains("waiting to start"))
}

fn describe(error: &kube::Error) -> String {
    match error {
        kube::Error::Api(status) => status.message.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kubelet_timestamp_is_split_off() {
        let (time, text) = parse_timestamped("2026-01-02T03:04:05.123456789Z hello world".into());
        assert_eq!(text, "hello world");
        assert_eq!(time.map(|t| t.as_second()), Some(1_767_323_045));
        let (time, text) = parse_timestamped("no stamp here".into());
        assert_eq!((time, text.as_str()), (None, "no stamp here"));
    }
}
