//! Cockpit speed figures: start-up to the first frame, streaming through the real update and
//! draw path, and the memory a long chat holds. Run with `cargo bench --bench cockpit`.

use std::time::{Duration, Instant};

use kubevibe::app::model::{ClusterInfo, Model, ModelInit};
use kubevibe::app::msg::Msg;
use kubevibe::app::run::{FRAME, draw};
use kubevibe::app::update::update;
use kubevibe::llm::LlmEvent;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const ANSWER: &str = "The pods of `checkout` restart because the **readiness probe** fails.\n\n\
- check the events\n- look at the logs of the last container\n\n\
```yaml\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n```\n\n";

fn init(width: u16, height: u16) -> ModelInit {
    ModelInit::new(
        "replay:demo",
        ClusterInfo {
            context: Some("bench".into()),
            namespace: "default".into(),
            demo: false,
        },
        width,
        height,
    )
}

/// A model holding `messages` finished entries (half questions, half answers).
fn model_with_history(messages: usize, width: u16, height: u16) -> Model {
    let now = Instant::now();
    let mut model = Model::new(init(width, height), now);
    for i in 0..messages / 2 {
        let id = ask(&mut model, &format!("question {i}"), now);
        update(
            &mut model,
            Msg::Llm {
                stream: id,
                event: LlmEvent::Token(ANSWER.into()),
            },
            now,
        );
        update(
            &mut model,
            Msg::Llm {
                stream: id,
                event: LlmEvent::Done,
            },
            now,
        );
        // As the event loop does once per frame: lay out, keep only what is near the view.
        model.prepare_draw();
    }
    model.prepare_draw();
    model
}

fn ask(model: &mut Model, prompt: &str, now: Instant) -> u64 {
    model.input.insert_text(prompt);
    let enter = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Enter,
        crossterm::event::KeyModifiers::NONE,
    );
    update(model, Msg::Key(enter), now);
    model.stream_id
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

/// Tokens arriving at `rate` per second, processed the way the event loop does: every frame
/// (1/60 s of arrivals) goes through `update`, then the pre-draw layout, then the draw.
/// Reports processing throughput and the per-frame layout and draw costs separately.
fn stream_tokens(history: usize, tokens: usize, rate: usize) {
    let (width, height) = (200, 50);
    let mut model = model_with_history(history, width, height);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    let id = ask(&mut model, "stream", Instant::now());
    let pieces = [
        "kube", "ctl ", "get ", "pods", " -n ", "shop", "\n", "- ", "`web`", " is ", "ready",
        "\n\n",
    ];
    let per_frame = (rate as f64 * FRAME.as_secs_f64()).ceil() as usize;
    let (mut updating, mut layouts, mut draws) = (Duration::ZERO, Vec::new(), Vec::new());
    let mut sent = 0;
    while sent < tokens {
        let batch = per_frame.min(tokens - sent);
        let before = Instant::now();
        for i in sent..sent + batch {
            let event = LlmEvent::Token(pieces[i % pieces.len()].to_string());
            update(&mut model, Msg::Llm { stream: id, event }, before);
        }
        updating += before.elapsed();
        sent += batch;
        let before = Instant::now();
        model.prepare_draw();
        layouts.push(before.elapsed());
        let before = Instant::now();
        draw(&mut terminal, &mut model).expect("draw");
        draws.push(before.elapsed());
    }
    let busy = updating + layouts.iter().sum::<Duration>() + draws.iter().sum::<Duration>();
    layouts.sort();
    draws.sort();
    println!(
        "stream  history={history:>5} tokens={tokens} arriving {rate}/s: processed at {:.0} tokens/s; {} frames (60/s); layout p50 {:?} p99 {:?}; draw p50 {:?} p99 {:?}",
        tokens as f64 / busy.as_secs_f64(),
        draws.len(),
        percentile(&layouts, 0.5),
        percentile(&layouts, 0.99),
        percentile(&draws, 0.5),
        percentile(&draws, 0.99),
    );
}

/// Draw cost with a finished history of `history` messages (the view at the bottom).
fn draw_history(history: usize) {
    let (width, height) = (200, 50);
    let mut model = model_with_history(history, width, height);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    let mut times = Vec::with_capacity(1000);
    for _ in 0..1000 {
        model.dirty = true;
        let before = Instant::now();
        draw(&mut terminal, &mut model).expect("draw");
        times.push(before.elapsed());
    }
    times.sort();
    println!(
        "draw    history={history:>5}: p50 {:?} p99 {:?}",
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );
}

fn first_frame() {
    let mut samples = Vec::new();
    for _ in 0..50 {
        let before = Instant::now();
        let mut model = Model::new(init(200, 50), before);
        let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("test backend");
        draw(&mut terminal, &mut model).expect("draw");
        samples.push(before.elapsed());
    }
    samples.sort();
    println!(
        "startup model + first frame (200x50): p50 {:?} p99 {:?}",
        percentile(&samples, 0.5),
        percentile(&samples, 0.99)
    );
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn long_chat_memory() {
    let before = rss_kib();
    let mut model = model_with_history(10_000, 160, 48);
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("test backend");
    draw(&mut terminal, &mut model).expect("draw");
    let after = rss_kib();
    println!(
        "memory  10 000-message chat, drawn: process RSS {:.1} MB (the chat added {:.1} MB)",
        after as f64 / 1024.0,
        after.saturating_sub(before) as f64 / 1024.0
    );
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    // Memory first, while the process has allocated nothing else.
    if full {
        long_chat_memory();
    }
    first_frame();
    if !full {
        stream_tokens(10, 2_000, 500_000);
        return;
    }
    for history in [10, 1_000] {
        stream_tokens(history, 100_000, 500_000);
    }
    for history in [10, 1_000, 10_000] {
        draw_history(history);
    }
}
