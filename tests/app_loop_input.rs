//! The real event loop draws the operator's key soon after the last frame: a key handled 1 ms
//! after a draw is drawn 8 ms after that draw, not in the next 16.7 ms output slot.
#![allow(clippy::unwrap_used)]

#[path = "support/cockpit.rs"]
mod cockpit;

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc as input_channel;
use kubevibe::app::model::Model;
use kubevibe::app::msg::Msg;
use kubevibe::app::run::run;
use kubevibe::app::runtime::{CHANNEL_CAPACITY, EffectRunner};
use kubevibe::llm::replay::ReplayProvider;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

#[tokio::test(start_paused = true)]
async fn a_key_just_after_a_frame_is_drawn_before_the_next_output_slot() {
    let mut model = Model::new(cockpit::init(100, 30), Instant::now());
    let (tx, mut rx) = mpsc::channel(CHANNEL_CAPACITY);
    let provider = ReplayProvider::from_jsonl(
        "namespaces.jsonl",
        include_str!("fixtures/agent_loop/namespaces.jsonl"),
        1.0,
    )
    .unwrap();
    let mut runner = EffectRunner::new(Arc::new(provider), tx.clone(), None);
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let (keys, input) = input_channel::unbounded::<std::io::Result<Event>>();
    tokio::spawn(async move {
        // The first frame is drawn at once; the key comes 1 ms later (paused clock).
        tokio::time::sleep(Duration::from_millis(1)).await;
        keys.unbounded_send(Ok(Event::Key(KeyEvent::new(
            KeyCode::Char('a'),
            KeyModifiers::NONE,
        ))))
        .unwrap();
        // Before the 16.7 ms slot, after the 8 ms one.
        tokio::time::sleep(Duration::from_millis(11)).await;
        tx.send(Msg::Shutdown).await.unwrap();
        // Keep the input open until the loop has ended.
        tokio::time::sleep(Duration::from_secs(60)).await;
        drop(keys);
    });
    let frames = run(&mut terminal, &mut model, &mut runner, input, &mut rx)
        .await
        .unwrap();
    assert_eq!(
        frames, 2,
        "the first frame, then the key's frame 8 ms after it (before the quit at 12 ms)"
    );
}
