//! Builds a cockpit model and feeds it messages the way the event loop does, for tests.
#![allow(dead_code)] // each test binary uses a different part of this helper

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kubevibe::app::effect::Effect;
use kubevibe::app::model::{ClusterInfo, Model, ModelInit};
use kubevibe::app::msg::Msg;
use kubevibe::app::update::update;
use kubevibe::llm::LlmEvent;
use kubevibe::pricing::Price;

pub struct Cockpit {
    pub model: Model,
    pub now: Instant,
    pub effects: Vec<Effect>,
}

pub fn init(width: u16, height: u16) -> ModelInit {
    ModelInit {
        price: Some(Price {
            input_per_mtok: 2.0,
            output_per_mtok: 8.0,
        }),
        history: vec!["get pods".into(), "describe node".into()],
        system_prompt: "be brief".into(),
        ..ModelInit::new(
            "openai:gpt-4.1",
            ClusterInfo {
                context: Some("kind-dev".into()),
                namespace: "default".into(),
                demo: false,
            },
            width,
            height,
        )
    }
}

impl Cockpit {
    pub fn new(width: u16, height: u16) -> Self {
        Self::with(init(width, height))
    }

    pub fn with(init: ModelInit) -> Self {
        let now = Instant::now();
        Self {
            model: Model::new(init, now),
            now,
            effects: Vec::new(),
        }
    }

    pub fn advance(&mut self, by: Duration) {
        self.now += by;
    }

    pub fn send(&mut self, msg: Msg) -> Vec<Effect> {
        let effects = update(&mut self.model, msg, self.now);
        self.effects.extend(effects.clone());
        self.model.prepare_draw();
        effects
    }

    pub fn key(&mut self, code: KeyCode) -> Vec<Effect> {
        self.send(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    pub fn key_with(&mut self, code: KeyCode, mods: KeyModifiers) -> Vec<Effect> {
        self.send(Msg::Key(KeyEvent::new(code, mods)))
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Type a prompt and press Enter; returns the new stream's id.
    pub fn ask(&mut self, prompt: &str) -> u64 {
        self.type_text(prompt);
        let effects = self.key(KeyCode::Enter);
        effects
            .iter()
            .find_map(|e| match e {
                Effect::StartStream { id, .. } => Some(*id),
                _ => None,
            })
            .expect("Enter starts a stream")
    }

    pub fn stream(&mut self, id: u64, event: LlmEvent) -> Vec<Effect> {
        self.send(Msg::Llm { stream: id, event })
    }

    pub fn tokens(&mut self, id: u64, tokens: &[&str]) {
        for token in tokens {
            self.advance(Duration::from_millis(10));
            self.stream(id, LlmEvent::Token((*token).to_string()));
        }
    }

    /// Text of every transcript entry, in order.
    pub fn transcript(&self) -> Vec<String> {
        self.model
            .transcript
            .entries()
            .iter()
            .map(|e| e.doc.text().to_string())
            .collect()
    }
}
