//! A forward's task: resolve the target, bind the local port, accept connections and carry
//! each over its own port-forward stream, and follow the pod, moving to a ready pod when it
//! goes away.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use super::listen::bind_local;
use super::resolve::{PortRef, choose, is_ready, not_ready_reason, resolve};
use super::traffic::{ConnectionGuard, Counted, Counters};
use super::{ForwardEvent, ForwardSpec, ForwardState};

/// The shortest time between two traffic reports.
const REPORT_EVERY: Duration = Duration::from_millis(250);
/// How long a new connection waits for a ready pod while the forward reconnects.
const WAIT_FOR_POD: Duration = Duration::from_secs(30);

/// Where connections go now (`None` while reconnecting).
type Current = Option<(String, u16)>;

pub(crate) async fn run(
    client: kube::Client,
    spec: ForwardSpec,
    events: mpsc::Sender<ForwardEvent>,
) {
    let _ = events
        .send(ForwardEvent::State(ForwardState::Starting))
        .await;
    let resolved = match resolve(&client, &spec).await {
        Ok(resolved) => resolved,
        Err(error) => return fail(&events, error).await,
    };
    let wanted = spec.wanted_local_port();
    let (listener, note) = match bind_local(wanted).await {
        Ok(bound) => bound,
        Err(error) => {
            let text = format!("cannot listen on 127.0.0.1:{wanted}: {error}");
            return fail(&events, text).await;
        }
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(wanted);
    let _ = events.send(ForwardEvent::Listening { port, note }).await;
    let _ = events
        .send(ForwardEvent::Pod {
            pod: resolved.pod.clone(),
            port: resolved.port,
            note: None,
        })
        .await;
    let _ = events
        .send(ForwardEvent::State(ForwardState::Listening))
        .await;

    let namespace = spec.target.namespace().to_string();
    let pods: Api<Pod> = Api::namespaced(client, &namespace);
    let (current_tx, current_rx) =
        watch::channel::<Current>(Some((resolved.pod.clone(), resolved.port)));
    let counters = Arc::new(Counters::default());
    // Aborted with this task (a stop), like every connection in the set.
    let mut tasks = JoinSet::new();
    tasks.spawn(report_traffic(Arc::clone(&counters), events.clone()));
    let mut connections: JoinSet<Result<(), String>> = JoinSet::new();

    let config = match &resolved.selector {
        Some(selector) => watcher::Config::default().labels(selector),
        None => watcher::Config::default().fields(&format!("metadata.name={}", resolved.pod)),
    };
    let mut pod_events = watcher::watcher(pods.clone(), config)
        .default_backoff()
        .boxed();
    let mut follower = Follower {
        known: BTreeMap::new(),
        listing: BTreeMap::new(),
        current: resolved.pod.clone(),
        gone: None,
        port_ref: resolved.port_ref.clone(),
        replaceable: resolved.selector.is_some(),
    };
    let mut state = ForwardState::Listening;

    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let guard = counters.open();
                    connections.spawn(connection(
                        pods.clone(),
                        current_rx.clone(),
                        stream,
                        Arc::clone(&counters),
                        guard,
                    ));
                    if state == ForwardState::Listening {
                        state = ForwardState::Active;
                        let _ = events.send(ForwardEvent::State(state.clone())).await;
                    }
                }
                Err(error) => {
                    let _ = events.send(ForwardEvent::Error(format!("accept failed: {error}"))).await;
                }
            },
            Some(done) = connections.join_next(), if !connections.is_empty() => {
                if let Ok(Err(error)) = done {
                    let _ = events.send(ForwardEvent::Error(error)).await;
                }
                if connections.is_empty() && state == ForwardState::Active {
                    state = ForwardState::Listening;
                    let _ = events.send(ForwardEvent::State(state.clone())).await;
                }
            },
            event = pod_events.next() => {
                let Some(event) = event else {
                    return fail(&events, "the pod watch ended".into()).await;
                };
                let change = match event {
                    Ok(event) => follower.apply(event),
                    Err(error) => {
                        let _ = events.send(ForwardEvent::Error(format!("watching pods: {error}"))).await;
                        continue;
                    }
                };
                match change {
                    Change::None => {}
                    Change::Failed(error) => return fail(&events, error).await,
                    Change::Waiting => {
                        current_tx.send_replace(None);
                        if state != ForwardState::Reconnecting {
                            state = ForwardState::Reconnecting;
                            let _ = events.send(ForwardEvent::State(state.clone())).await;
                        }
                    }
                    Change::MovedTo { pod, port, gone } => {
                        current_tx.send_replace(Some((pod.clone(), port)));
                        let note = Some(format!("reconnected to pod {pod} (pod {gone} went away)"));
                        let _ = events.send(ForwardEvent::Pod { pod, port, note }).await;
                        state = if connections.is_empty() { ForwardState::Listening } else { ForwardState::Active };
                        let _ = events.send(ForwardEvent::State(state.clone())).await;
                    }
                }
            },
        }
    }
}

async fn fail(events: &mpsc::Sender<ForwardEvent>, error: String) {
    let _ = events
        .send(ForwardEvent::State(ForwardState::Failed { error }))
        .await;
}

/// What the pod watch changed for the forward.
enum Change {
    None,
    /// The pod went away and no ready pod can take over yet.
    Waiting,
    MovedTo {
        pod: String,
        port: u16,
        gone: String,
    },
    /// A bare pod went away.
    Failed(String),
}

/// The pods the watch sees and the one connections go to.
struct Follower {
    known: BTreeMap<String, Pod>,
    /// Pods of a relist in progress (they replace `known` once it is complete).
    listing: BTreeMap<String, Pod>,
    current: String,
    /// The pod that went away, while no other has taken over.
    gone: Option<String>,
    port_ref: PortRef,
    replaceable: bool,
}

impl Follower {
    fn apply(&mut self, event: Event<Pod>) -> Change {
        match event {
            Event::Init => {
                self.listing.clear();
                return Change::None;
            }
            Event::InitApply(pod) => {
                if let Some(name) = pod.metadata.name.clone() {
                    self.listing.insert(name, pod);
                }
                return Change::None;
            }
            Event::InitDone => self.known = std::mem::take(&mut self.listing),
            Event::Apply(pod) => {
                if let Some(name) = pod.metadata.name.clone() {
                    self.known.insert(name, pod);
                }
            }
            Event::Delete(pod) => {
                if let Some(name) = &pod.metadata.name {
                    self.known.remove(name);
                }
            }
        }
        self.check()
    }

    fn check(&mut self) -> Change {
        if self.gone.is_none() && self.known.get(&self.current).is_some_and(is_ready) {
            return Change::None;
        }
        if !self.replaceable {
            let reason = match self.known.get(&self.current) {
                None => "it was deleted".to_string(),
                Some(pod) => not_ready_reason(pod),
            };
            return Change::Failed(format!("pod {} went away: {reason}", self.current));
        }
        let gone = self.gone.clone().unwrap_or_else(|| self.current.clone());
        match choose(&self.known, &self.port_ref, Some(&gone)) {
            Some((pod, port)) => {
                self.gone = None;
                self.current = pod.clone();
                Change::MovedTo { pod, port, gone }
            }
            None if self.gone.is_some() => Change::None,
            None => {
                self.gone = Some(gone);
                Change::Waiting
            }
        }
    }
}

/// One accepted connection: a port-forward stream to the current pod, bytes copied both ways.
async fn connection(
    pods: Api<Pod>,
    mut current: watch::Receiver<Current>,
    stream: TcpStream,
    counters: Arc<Counters>,
    _guard: ConnectionGuard,
) -> Result<(), String> {
    let target = tokio::time::timeout(WAIT_FOR_POD, current.wait_for(Option::is_some))
        .await
        .map_err(|_| "no ready pod to connect to: the connection was closed".to_string())?
        .map_err(|_| "the forward stopped".to_string())?
        .clone();
    let Some((pod, port)) = target else {
        return Ok(());
    };
    let mut forwarder = pods
        .portforward(&pod, &[port])
        .await
        .map_err(|error| format!("cannot open a port-forward to pod {pod}: {error}"))?;
    let mut upstream = forwarder
        .take_stream(port)
        .ok_or_else(|| format!("no stream for port {port}"))?;
    let error = forwarder.take_error(port);
    let mut local = Counted::new(stream, counters);
    let result = tokio::select! {
        copied = tokio::io::copy_bidirectional(&mut local, &mut upstream) => {
            copied.map(|_| ()).map_err(|error| format!("connection to pod {pod} broke: {error}"))
        }
        Some(message) = async move { match error { Some(error) => error.await, None => None } } => {
            Err(format!("pod {pod}: {message}"))
        }
    };
    forwarder.abort();
    result
}

/// Sends the totals after each change, at most every [`REPORT_EVERY`].
async fn report_traffic(counters: Arc<Counters>, events: mpsc::Sender<ForwardEvent>) {
    let mut last = counters.snapshot();
    loop {
        counters.changed.notified().await;
        let now = counters.snapshot();
        if now != last {
            last = now;
            if events.send(ForwardEvent::Traffic(now)).await.is_err() {
                return;
            }
        }
        tokio::time::sleep(REPORT_EVERY).await;
    }
}
