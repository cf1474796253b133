//! Writes the pictures in `screenshots/`: the real cockpit, driven through its real update and
//! draw path with the real providers, rendered into a buffer and saved as SVG.
//!
//! Run: `cargo run --example screenshots` (writes `screenshots/*.svg`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use futures::StreamExt;
use kubevibe::app::effect::Effect;
use kubevibe::app::model::{ClusterInfo, Model, ModelInit};
use kubevibe::app::msg::Msg;
use kubevibe::app::run::draw;
use kubevibe::app::update::update;
use kubevibe::llm::{LlmSettings, Provider, ProviderKind, build_provider};
use kubevibe::ui::svg::buffer_to_svg;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn settings(kind: ProviderKind, provider: &str, model: &str, base_url: &str) -> LlmSettings {
    LlmSettings {
        kind,
        provider: provider.into(),
        model: model.into(),
        base_url: base_url.into(),
        api_key: None,
        connect_timeout: Duration::from_secs(2),
        idle_timeout: Duration::from_secs(5),
        max_retries: 0,
        replay_speed: f64::INFINITY,
        record_to: None,
    }
}

fn model(label: &str, demo: bool, width: u16, height: u16) -> Model {
    let init = ModelInit::new(
        label,
        ClusterInfo {
            context: Some(if demo { "kubevibe-demo" } else { "kind-dev" }.into()),
            namespace: if demo { "shop" } else { "default" }.into(),
            demo,
        },
        width,
        height,
    );
    Model::new(init, Instant::now())
}

/// Type `prompt`, press Enter, and play the provider's stream through `update` to its end.
async fn ask(model: &mut Model, provider: &Arc<dyn Provider>, prompt: &str) {
    model.input.insert_text(prompt);
    let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    for effect in update(model, Msg::Key(enter), Instant::now()) {
        if let Effect::StartStream { id, request } = effect {
            let mut stream = provider.stream(request);
            while let Some(event) = stream.next().await {
                update(model, Msg::Llm { stream: id, event }, Instant::now());
            }
        }
    }
}

fn save(model: &mut Model, name: &str) -> Result<(), Box<dyn std::error::Error>> {
    let mut terminal = Terminal::new(TestBackend::new(model.width, model.height))?;
    draw(&mut terminal, model)?;
    let path = format!("screenshots/{name}.svg");
    std::fs::write(&path, buffer_to_svg(terminal.backend().buffer()))?;
    println!("wrote {path}");
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all("screenshots")?;
    let demo = build_provider(&settings(ProviderKind::Replay, "replay", "demo", ""))?;

    let mut cockpit = model("replay:demo", true, 160, 48);
    save(&mut cockpit, "cockpit-empty")?;
    ask(&mut cockpit, &demo, "why is checkout crashlooping?").await;
    save(&mut cockpit, "cockpit-demo-answer")?;

    let mut help = model("replay:demo", true, 120, 36);
    update(
        &mut help,
        Msg::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)),
        Instant::now(),
    );
    save(&mut help, "cockpit-help")?;

    // A real request to a port nothing listens on: the error line the user sees.
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let dead = format!("http://{}/v1", listener.local_addr()?);
    drop(listener);
    let offline = build_provider(&settings(
        ProviderKind::OpenAi,
        "ollama",
        "llama3.1:8b",
        &dead,
    ))?;
    let mut failing = model("ollama:llama3.1:8b", false, 100, 30);
    ask(&mut failing, &offline, "why is web slow?").await;
    save(&mut failing, "cockpit-error")?;

    let mut small = model("replay:demo", true, 60, 20);
    ask(&mut small, &demo, "why is checkout crashlooping?").await;
    save(&mut small, "cockpit-60x20")?;
    Ok(())
}
