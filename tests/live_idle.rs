//! The real event loop with a live pane and no events, on tokio's paused clock: it draws
//! nothing while the ages in view read the same, and draws once when one of them changes.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::Event;
use futures::channel::mpsc as input_channel;
use futures::stream::{self, BoxStream, StreamExt};
use kubevibe::app::model::{ClusterInfo, Model, ModelInit};
use kubevibe::app::msg::Msg;
use kubevibe::app::run::run;
use kubevibe::app::runtime::{CHANNEL_CAPACITY, EffectRunner};
use kubevibe::live::row::{Cell, Row, Tone};
use kubevibe::live::store::Change;
use kubevibe::llm::{ChatRequest, LlmEvent, Provider};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

/// Never asked for anything: the cockpit stays idle.
struct Silent;

impl Provider for Silent {
    fn label(&self) -> String {
        "silent:test".into()
    }
    fn stream(&self, _request: ChatRequest) -> BoxStream<'static, LlmEvent> {
        stream::empty().boxed()
    }
}

fn pod(name: &str, created: i64) -> Row {
    Row {
        uid: name.into(),
        namespace: "default".into(),
        name: name.into(),
        labels: [].into(),
        owners: [].into(),
        cells: Box::new([
            Cell::Ratio(1, 1),
            Cell::text("Running"),
            Cell::Restarts {
                count: 0,
                last: None,
            },
            Cell::Age(Some(created)),
            Cell::text("node-1"),
            Cell::text("10.0.0.1"),
        ]),
        tone: Tone::Good,
    }
}

/// Frames the loop draws over `idle` of paused time with pods created `ages` seconds ago.
async fn frames_over(ages: &[i64], idle: Duration) -> u64 {
    let cluster = ClusterInfo {
        context: Some("test".into()),
        namespace: "default".into(),
        demo: false,
    };
    let mut model = Model::new(ModelInit::new("test", cluster, 120, 40), Instant::now());
    let now = jiff::Timestamp::now().as_second();
    let store = &mut model.watch.as_mut().unwrap().store;
    store.apply(Change::Init);
    for (i, age) in ages.iter().enumerate() {
        store.apply(Change::InitRow(pod(&format!("pod-{i}"), now - age)));
    }
    store.apply(Change::InitDone);
    let (tx, mut rx) = mpsc::channel(CHANNEL_CAPACITY);
    let mut runner = EffectRunner::new(Arc::new(Silent), tx.clone(), None);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let (_keep_input_open, input) = input_channel::unbounded::<std::io::Result<Event>>();
    tokio::spawn(async move {
        tokio::time::sleep(idle).await;
        tx.send(Msg::Shutdown).await.unwrap();
    });
    run(&mut terminal, &mut model, &mut runner, input, &mut rx)
        .await
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn no_frames_while_the_ages_in_view_read_the_same() {
    // "10d" and "20d" read the same for the next 23 hours.
    let frames = frames_over(&[10 * 86_400, 20 * 86_400], Duration::from_secs(23 * 3600)).await;
    assert_eq!(frames, 1, "only the first frame");
}

#[tokio::test(start_paused = true)]
async fn one_frame_when_an_age_in_view_changes() {
    // "10d" becomes "11d" a day after the start, and nothing else changes before 12d.
    let frames = frames_over(&[10 * 86_400], Duration::from_secs(86_400 + 60)).await;
    assert_eq!(frames, 2, "the first frame and the one at 11d");
}

#[tokio::test(start_paused = true)]
async fn a_young_pod_redraws_once_a_second() {
    // "30s" … "39s": ten changes in ten seconds (give or take the start's fraction).
    let frames = frames_over(&[30, 5 * 86_400], Duration::from_millis(10_500)).await;
    assert!((10..=12).contains(&frames), "{frames} frames");
}
