//! Cockpit speed figures: start-up to the first frame, streaming through the real update and
//! draw path, and the memory a long chat holds. Run with `cargo bench --bench cockpit`.

use std::time::{Duration, Instant};

use kubevibe::app::keymap::Keymap;
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
    ModelInit {
        model_label: "replay:demo".into(),
        price: None,
        cluster: ClusterInfo {
            context: Some("bench".into()),
            namespace: "default".into(),
            demo: false,
        },
        keymap: Keymap::default(),
        history: Vec::new(),
        system_prompt: String::new(),
        startup_notes: Vec::new(),
        suggested_prompt: None,
        width,
        height,
    }
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

/// Tokens through update, drawing whenever a frame is due (as the event loop does).
fn stream_tokens(history: usize, tokens: usize) {
    let (width, height) = (200, 50);
    let mut model = model_with_history(history, width, height);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    let start = Instant::now();
    let id = ask(&mut model, "stream", start);
    let pieces = [
        "kube", "ctl ", "get ", "pods", " -n ", "shop", "\n", "- ", "`web`", " is ", "ready",
        "\n\n",
    ];
    let mut draw_times = Vec::new();
    let mut last_draw = start;
    for i in 0..tokens {
        let now = Instant::now();
        let event = LlmEvent::Token(pieces[i % pieces.len()].to_string());
        update(&mut model, Msg::Llm { stream: id, event }, now);
        if now.duration_since(last_draw) >= FRAME {
            let before = Instant::now();
            draw(&mut terminal, &mut model).expect("draw");
            draw_times.push(before.elapsed());
            last_draw = Instant::now();
        }
    }
    let before = Instant::now();
    draw(&mut terminal, &mut model).expect("draw");
    draw_times.push(before.elapsed());
    let elapsed = start.elapsed();
    draw_times.sort();
    println!(
        "stream  history={history:>5} tokens={tokens}: {:>9.0} tokens/s, {} draws in {:.3} s (at most {:.0}/s), draw p50 {:?} p99 {:?} max {:?}",
        tokens as f64 / elapsed.as_secs_f64(),
        draw_times.len(),
        elapsed.as_secs_f64(),
        1.0 / FRAME.as_secs_f64(),
        percentile(&draw_times, 0.5),
        percentile(&draw_times, 0.99),
        draw_times.last().copied().unwrap_or_default(),
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
    let model = model_with_history(10_000, 160, 48);
    let after = rss_kib();
    println!(
        "memory  10 000-message chat: process RSS {:.1} MB (chat itself {:.1} MB)",
        after as f64 / 1024.0,
        after.saturating_sub(before) as f64 / 1024.0
    );
    drop(model);
}

fn main() {
    // `cargo test` runs this once without `--bench`: keep that pass short.
    let full = std::env::args().any(|a| a == "--bench");
    first_frame();
    if !full {
        stream_tokens(10, 2_000);
        return;
    }
    for history in [10, 1_000] {
        stream_tokens(history, 100_000);
    }
    for history in [10, 1_000, 10_000] {
        draw_history(history);
    }
    long_chat_memory();
}
