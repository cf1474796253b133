//! `provider:model` parsing: split at the first colon, known providers only.

use kubevibe::config::{ModelSpec, ModelSpecError, PROVIDERS};
use kubevibe::llm::ProviderKind;

fn parse(spec: &str) -> (&'static str, String) {
    let parsed = ModelSpec::parse(spec).expect("valid spec");
    (parsed.provider.name, parsed.model)
}

#[test]
fn splits_at_the_first_colon_only() {
    assert_eq!(
        parse("ollama:llama3.1:8b"),
        ("ollama", "llama3.1:8b".to_owned())
    );
    assert_eq!(parse("openai:gpt-4.1"), ("openai", "gpt-4.1".to_owned()));
    assert_eq!(
        parse("openrouter:anthropic/claude-3.5:beta"),
        ("openrouter", "anthropic/claude-3.5:beta".to_owned())
    );
}

#[test]
fn replay_model_may_be_a_path() {
    assert_eq!(
        parse("replay:/tmp/session:1.jsonl"),
        ("replay", "/tmp/session:1.jsonl".to_owned())
    );
    assert_eq!(parse("replay:demo"), ("replay", "demo".to_owned()));
    assert_eq!(
        ModelSpec::parse("replay:demo")
            .expect("valid")
            .provider
            .kind,
        ProviderKind::Replay
    );
}

#[test]
fn provider_is_case_insensitive_and_whitespace_is_trimmed() {
    assert_eq!(parse("  OpenAI:gpt-4o  "), ("openai", "gpt-4o".to_owned()));
    assert_eq!(
        parse("Anthropic : claude-opus-4-1"),
        ("anthropic", "claude-opus-4-1".to_owned())
    );
}

#[test]
fn label_is_provider_colon_model() {
    assert_eq!(
        ModelSpec::parse("OLLAMA:qwen3:4b").expect("valid").label(),
        "ollama:qwen3:4b"
    );
}

#[test]
fn missing_parts_are_explained() {
    assert_eq!(
        ModelSpec::parse("gpt-4.1"),
        Err(ModelSpecError::NoColon {
            spec: "gpt-4.1".into()
        })
    );
    assert_eq!(
        ModelSpec::parse(":gpt-4.1").map_err(|error| error.to_string()),
        Err("`:gpt-4.1` has no provider before the colon (e.g. `openai:gpt-4.1`)".into())
    );
    assert_eq!(
        ModelSpec::parse("ollama:").map_err(|error| error.to_string()),
        Err("`ollama:` has no model after the colon (e.g. `ollama:<model>`)".into())
    );
    assert!(matches!(
        ModelSpec::parse(""),
        Err(ModelSpecError::NoColon { .. })
    ));
}

#[test]
fn unknown_provider_suggests_the_closest_known_one() {
    let error = ModelSpec::parse("antropic:claude-sonnet-4-5").expect_err("unknown");
    assert_eq!(
        error,
        ModelSpecError::UnknownProvider {
            provider: "antropic".into(),
            suggestion: Some("anthropic".into()),
        }
    );
    let unrelated = ModelSpec::parse("bedrock:claude").expect_err("unknown");
    assert_eq!(
        unrelated,
        ModelSpecError::UnknownProvider {
            provider: "bedrock".into(),
            suggestion: None,
        }
    );
}

#[test]
fn only_hosted_providers_require_a_key() {
    let requiring: Vec<&str> = PROVIDERS
        .iter()
        .filter(|info| info.key_required)
        .map(|info| info.name)
        .collect();
    assert_eq!(requiring, ["openai", "anthropic", "openrouter", "gemini"]);
    for info in PROVIDERS.iter().filter(|info| info.key_required) {
        assert!(
            info.key_var.is_some(),
            "{} names its usual variable",
            info.name
        );
    }
}
