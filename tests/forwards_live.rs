//! The port-forwards view end to end with the real effect runner against the simulator's
//! healthy shop: `f` on the web service row reads its port and starts the forward, HTTP
//! through the local port reaches a web pod, the row's counters move, a forward saved by name
//! starts again with `:pf NAME` from its 0600 file, and quitting closes every local port.
#![allow(clippy::unwrap_used)]

#[path = "support/sim.rs"]
mod sim;

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kubevibe::app::model::{ClusterInfo, Model, ModelInit, Pane};
use kubevibe::app::msg::Msg;
use kubevibe::app::runtime::{CHANNEL_CAPACITY, EffectRunner, Workspace};
use kubevibe::app::update::update;
use kubevibe::live::forward::ForwardState;
use kubevibe::llm::{ChatRequest, LlmEvent, Provider};
use kubevibe::sim::SimOptions;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// Longest a step may take before the test gives up (a hang, not a speed check).
const GIVE_UP: Duration = Duration::from_secs(30);

struct NoModel;

impl Provider for NoModel {
    fn label(&self) -> String {
        "none".into()
    }
    fn stream(&self, _request: ChatRequest) -> futures::stream::BoxStream<'static, LlmEvent> {
        Box::pin(futures::stream::empty())
    }
}

struct Harness {
    model: Model,
    runner: EffectRunner,
    rx: mpsc::Receiver<Msg>,
}

impl Harness {
    fn new(sim: &sim::TestSim) -> Self {
        let (tx, rx) = mpsc::channel(CHANNEL_CAPACITY);
        let mut runner = EffectRunner::new(Arc::new(NoModel), tx, None).with_workspace(Workspace {
            kubeconfig: Some(sim.kubeconfig.clone()),
            context: Some(sim::CONTEXT.into()),
            namespace: Some("shop".into()),
            data_dir: Some(sim.dir.path().join("data")),
            ..Workspace::default()
        });
        let cluster = ClusterInfo {
            context: Some(sim::CONTEXT.into()),
            namespace: "shop".into(),
            demo: false,
        };
        let mut model = Model::new(ModelInit::new("none", cluster, 160, 48), Instant::now());
        model.focus = Pane::Watch;
        for effect in kubevibe::app::watch::start(&mut model) {
            runner.run(effect);
        }
        Self { model, runner, rx }
    }

    async fn until(&mut self, what: &str, done: impl Fn(&Model) -> bool) {
        let give_up = tokio::time::Instant::now() + GIVE_UP;
        while !done(&self.model) {
            let msg = tokio::time::timeout_at(give_up, self.rx.recv())
                .await
                .unwrap_or_else(|_| {
                    panic!(
                        "gave up waiting for {what}: {:#?}",
                        self.model.forwards.rows
                    )
                })
                .expect("the channel stays open");
            for effect in update(&mut self.model, msg, Instant::now()) {
                self.runner.run(effect);
            }
        }
    }

    fn key(&mut self, code: KeyCode) {
        let key = Msg::Key(KeyEvent::new(code, KeyModifiers::NONE));
        for effect in update(&mut self.model, key, Instant::now()) {
            self.runner.run(effect);
        }
    }

    fn typed(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }
}

async fn get(port: u16) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    tokio::time::timeout(GIVE_UP, stream.read_to_string(&mut response))
        .await
        .expect("the response ends")
        .unwrap();
    response
}

fn listening_port(model: &Model, index: usize) -> Option<u16> {
    let row = model.forwards.rows.get(index)?;
    (row.state == ForwardState::Listening && row.pod.is_some())
        .then_some(row.local_port)
        .flatten()
}

#[tokio::test]
async fn f_on_a_service_forwards_it_saves_restarts_and_quit_closes_the_ports() {
    let sim = sim::TestSim::start_with(SimOptions {
        scenario: "healthy".into(),
        speed: 50.0,
        ..SimOptions::default()
    })
    .await;
    let mut h = Harness::new(&sim);
    h.key(KeyCode::Char(':'));
    h.typed("svc");
    h.key(KeyCode::Enter);
    h.until("the services are listed", |m| {
        let store = &m.watch.as_ref().unwrap().store;
        store.visible(0, usize::MAX).any(|r| r.name == "web")
    })
    .await;
    let position = h
        .model
        .watch
        .as_ref()
        .unwrap()
        .store
        .visible(0, usize::MAX)
        .position(|r| r.name == "web")
        .unwrap();
    for _ in 0..position {
        h.key(KeyCode::Char('j'));
    }
    h.key(KeyCode::Char('f'));
    h.until("the forward listens", |m| listening_port(m, 0).is_some())
        .await;
    let port = listening_port(&h.model, 0).unwrap();
    let pod = h.model.forwards.rows[0].pod.clone().unwrap();
    assert!(pod.starts_with("web-"), "{pod}");
    let response = get(port).await;
    assert!(
        response.contains(&format!("hello from shop/{pod}")),
        "{response}"
    );
    h.until("the counters move", |m| {
        let t = m.forwards.rows[0].traffic;
        t.bytes_in > 0 && t.bytes_out > 0 && t.total_connections == 1
    })
    .await;

    // Saved by name (`s`), stopped (`x`), started again from the file with `:pf NAME`.
    h.key(KeyCode::Char('s'));
    for _ in 0.."web".len() {
        h.key(KeyCode::Backspace);
    }
    h.typed("shopweb");
    h.key(KeyCode::Enter);
    h.until("the save is acknowledged", |m| m.forwards.saved.is_some())
        .await;
    let file = sim
        .dir
        .path()
        .join("data/forwards")
        .join(format!("{}.json", sim::CONTEXT));
    assert!(std::fs::read_to_string(&file).unwrap().contains("shopweb"));
    h.key(KeyCode::Char('x'));
    h.key(KeyCode::Char('x'));
    assert!(h.model.forwards.rows.is_empty());
    h.model.forwards.saved = None;
    h.key(KeyCode::Char(':'));
    h.typed("pf shopweb");
    h.key(KeyCode::Enter);
    h.until("the saved forward listens", |m| {
        listening_port(m, 0).is_some()
    })
    .await;
    let again = listening_port(&h.model, 0).unwrap();
    assert!(get(again).await.contains("hello from shop/web-"));

    h.runner.run(kubevibe::app::effect::Effect::Quit);
    sim::eventually("the local port closes at quit", GIVE_UP, || async {
        TcpStream::connect(("127.0.0.1", again))
            .await
            .is_err()
            .then_some(())
    })
    .await;
    assert_eq!(h.runner.running_forwards(), 0);
}
