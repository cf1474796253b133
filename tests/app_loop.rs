//! The real event loop over a `TestBackend`: idle costs no frames, bursts are coalesced into
//! paced frames, and quitting stops every task.
#![allow(clippy::unwrap_used)]

#[path = "support/cockpit.rs"]
mod cockpit;

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc as input_channel;
use futures::stream::{self, BoxStream, StreamExt};
use kubevibe::app::model::Model;
use kubevibe::app::msg::Msg;
use kubevibe::app::run::{FRAME, run};
use kubevibe::app::runtime::{CHANNEL_CAPACITY, EffectRunner};
use kubevibe::app::stream::StreamState;
use kubevibe::llm::{ChatRequest, LlmEvent, Provider};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

/// A provider that plays a fixed list of events, then asks the cockpit to shut down — the
/// request lands after the last event because the runner forwards events in order.
struct ScriptedProvider {
    events: Vec<LlmEvent>,
    shutdown_after: mpsc::Sender<Msg>,
}

impl Provider for ScriptedProvider {
    fn label(&self) -> String {
        "scripted:test".into()
    }
    fn stream(&self, _request: ChatRequest) -> BoxStream<'static, LlmEvent> {
        let tx = self.shutdown_after.clone();
        let shutdown = stream::once(async move {
            tx.send(Msg::Shutdown).await.unwrap();
        })
        .filter_map(|()| async { None });
        stream::iter(self.events.clone()).chain(shutdown).boxed()
    }
}

fn setup(events: Vec<LlmEvent>) -> (Model, EffectRunner, mpsc::Sender<Msg>, mpsc::Receiver<Msg>) {
    let model = Model::new(cockpit::init(100, 30), Instant::now());
    let (tx, rx) = mpsc::channel(CHANNEL_CAPACITY);
    let provider = ScriptedProvider {
        events,
        shutdown_after: tx.clone(),
    };
    let runner = EffectRunner::new(Arc::new(provider), tx.clone(), None);
    (model, runner, tx, rx)
}

#[tokio::test(start_paused = true)]
async fn an_idle_cockpit_draws_nothing() {
    let (mut model, mut runner, tx, mut rx) = setup(Vec::new());
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let (_keep_input_open, input) = input_channel::unbounded::<std::io::Result<Event>>();
    tokio::spawn(async move {
        // Ten idle minutes of the (paused, auto-advancing) clock, then leave.
        tokio::time::sleep(Duration::from_secs(600)).await;
        tx.send(Msg::Shutdown).await.unwrap();
    });
    let frames = run(&mut terminal, &mut model, &mut runner, input, &mut rx)
        .await
        .unwrap();
    assert_eq!(
        frames, 1,
        "only the first frame is drawn while nothing happens"
    );
}

#[tokio::test]
async fn a_burst_of_tokens_costs_paced_frames_not_one_per_token() {
    // A plan whose thought streams in 20 000 chunks.
    let mut events = vec![LlmEvent::Token("{\"thought\":\"".into())];
    events.extend((0..19_998).map(|i| LlmEvent::Token(format!("t{i} "))));
    events.push(LlmEvent::Token(
        "\",\"actions\":[{\"action_type\":\"done\",\"summary\":\"ok\"}]}".into(),
    ));
    events.push(LlmEvent::Done);
    let (mut model, mut runner, _tx, mut rx) = setup(events);
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let (keys, input) = input_channel::unbounded::<std::io::Result<Event>>();
    for c in "hello".chars() {
        keys.unbounded_send(Ok(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        ))))
        .unwrap();
    }
    keys.unbounded_send(Ok(Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    ))))
    .unwrap();
    let started = Instant::now();
    let frames = run(&mut terminal, &mut model, &mut runner, input, &mut rx)
        .await
        .unwrap();
    let elapsed = started.elapsed();
    let pacing_bound = (elapsed.as_secs_f64() / FRAME.as_secs_f64()).ceil() as u64 + 2;
    assert!(
        frames <= pacing_bound,
        "{frames} frames in {elapsed:?} (bound {pacing_bound})"
    );
    assert!(
        frames < 20_000 / 10,
        "frames are not drawn per token: {frames}"
    );
    assert!(
        matches!(model.stream, StreamState::Done { chunks: 20_000, .. }),
        "{:?}",
        model.stream
    );
    assert!(
        model.transcript.entries()[1]
            .doc
            .text()
            .starts_with("t0 t1 t2")
    );
}
