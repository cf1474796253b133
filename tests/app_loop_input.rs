//! The real event loop draws the operator's key soon after the last frame: a key handled 1 ms
//! after a draw is drawn 8 ms after that draw, not in the next 16.7 ms output slot; and keys
//! typed as fast as they come still draw no more than 60 frames a second.
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

/// Runs the real loop on a fresh cockpit (paused clock) while `keys` are typed, each after its
/// delay, then quits `quit_after` the last one; returns the frames drawn.
async fn frames_while_typing(keys: Vec<(Duration, KeyEvent)>, quit_after: Duration) -> u64 {
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
    let (typist, input) = input_channel::unbounded::<std::io::Result<Event>>();
    tokio::spawn(async move {
        for (delay, key) in keys {
            tokio::time::sleep(delay).await;
            typist.unbounded_send(Ok(Event::Key(key))).unwrap();
        }
        tokio::time::sleep(quit_after).await;
        tx.send(Msg::Shutdown).await.unwrap();
        // Keep the input open until the loop has ended.
        tokio::time::sleep(Duration::from_secs(60)).await;
        drop(typist);
    });
    run(&mut terminal, &mut model, &mut runner, input, &mut rx)
        .await
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_key_every_three_ms_for_two_seconds_draws_at_most_60_frames_a_second() {
    let typed = 2_000 / 3;
    // Letters, then Ctrl-U every 20 keys so the input never grows long.
    let keys = (0..typed)
        .map(|n| {
            let key = if n % 20 == 19 {
                KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)
            } else {
                KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE)
            };
            (Duration::from_millis(3), key)
        })
        .collect();
    let frames = frames_while_typing(keys, Duration::from_millis(3)).await;
    // 2 s at 60 a second, the first frame, and at most one frame drawn ahead of the pace.
    assert!(
        frames <= 2 * 60 + 2,
        "{frames} frames for {typed} keys in 2 s: more than 60 a second"
    );
    // Every key changed the input, so every slot had something to draw.
    assert!(
        frames >= 2 * 60 - 2,
        "{frames} frames: typed keys were not drawn"
    );
}

#[tokio::test(start_paused = true)]
async fn a_key_just_after_a_frame_is_drawn_before_the_next_output_slot() {
    // The first frame is drawn at once; the key comes 1 ms later, the quit 11 ms after it:
    // before the 16.7 ms slot, after the 8 ms one.
    let key = KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE);
    let frames = frames_while_typing(
        vec![(Duration::from_millis(1), key)],
        Duration::from_millis(11),
    )
    .await;
    assert_eq!(
        frames, 2,
        "the first frame, then the key's frame 8 ms after it (before the quit at 12 ms)"
    );
}
