//! API-key lookup: five places, first found wins, each recorded with its source.

mod config_support;

use std::path::PathBuf;

use config_support::{Fixture, write_file};
use kubevibe::config::Source;

const KEYS: [&str; 5] = [
    "sk-from-kubevibe-variable-1111",
    "sk-from-kubevibe-key-file-2222",
    "sk-from-config-api-key-3333",
    "sk-from-config-key-file-4444",
    "sk-from-openai-variable-5555",
];

/// A fixture with lookup steps `first..` configured for openai, each with its own key.
fn with_steps_from(first: usize) -> (Fixture, Vec<Source>) {
    let mut fixture = Fixture::new();
    let kubevibe_key_file = fixture.file("keys/kubevibe.key", &format!("{}\n", KEYS[1]));
    let config_key_file = fixture.file("keys/config.key", &format!("  {}  \n", KEYS[3]));
    let config_path = fixture.default_config_path();
    let sources = vec![
        Source::Env("KUBEVIBE_OPENAI_API_KEY".into()),
        Source::KeyFile(kubevibe_key_file.clone()),
        Source::ConfigFile(config_path.clone()),
        Source::KeyFile(config_key_file.clone()),
        Source::Env("OPENAI_API_KEY".into()),
    ];
    let mut section = String::from("[providers.openai]\n");
    for step in first..KEYS.len() {
        match step {
            0 => fixture.set("KUBEVIBE_OPENAI_API_KEY", KEYS[0]),
            1 => fixture.set("KUBEVIBE_OPENAI_API_KEY_FILE", &kubevibe_key_file),
            2 => section.push_str(&format!("api_key = \"{}\"\n", KEYS[2])),
            3 => section.push_str(&format!(
                "api_key_file = {:?}\n",
                config_key_file.display().to_string()
            )),
            _ => fixture.set("OPENAI_API_KEY", KEYS[4]),
        }
    }
    write_file(&config_path, &section);
    (fixture, sources)
}

#[test]
fn each_step_beats_every_later_one() {
    for step in 0..KEYS.len() {
        let (fixture, sources) = with_steps_from(step);
        let config = fixture.load_ok();
        assert_eq!(
            config.llm.api_key.as_deref(),
            Some(KEYS[step]),
            "step {step}"
        );
        assert_eq!(
            config.sources.api_key.as_ref(),
            Some(&sources[step]),
            "step {step}"
        );
    }
}

#[test]
fn no_step_configured_means_no_key() {
    let (fixture, _) = with_steps_from(KEYS.len());
    let config = fixture.load_ok();
    assert_eq!(config.llm.api_key, None);
    assert_eq!(config.sources.api_key, None);
}

#[test]
fn the_provider_name_is_upper_cased_in_the_variable() {
    let mut fixture = Fixture::new();
    fixture.set("KUBEVIBE_MODEL", "lmstudio:qwen");
    fixture.set("KUBEVIBE_LMSTUDIO_API_KEY", "lm-studio-key-0000");
    let config = fixture.load_ok();
    assert_eq!(config.llm.api_key.as_deref(), Some("lm-studio-key-0000"));
    assert_eq!(
        config.sources.api_key,
        Some(Source::Env("KUBEVIBE_LMSTUDIO_API_KEY".into()))
    );
}

#[test]
fn keys_of_other_providers_are_not_used() {
    let mut fixture = Fixture::new();
    fixture.write_config("model = \"anthropic:claude-sonnet-4-5\"\n[providers.openai]\napi_key = \"sk-openai-in-file\"\n");
    fixture.set("OPENAI_API_KEY", "sk-openai-variable");
    fixture.set("KUBEVIBE_OPENAI_API_KEY", "sk-openai-kubevibe");
    assert_eq!(fixture.load_ok().llm.api_key, None);

    fixture.set("ANTHROPIC_API_KEY", "sk-ant-usual-variable");
    let config = fixture.load_ok();
    assert_eq!(config.llm.api_key.as_deref(), Some("sk-ant-usual-variable"));
    assert_eq!(
        config.sources.api_key,
        Some(Source::Env("ANTHROPIC_API_KEY".into()))
    );
}

#[test]
fn relative_key_file_in_config_starts_at_the_config_directory() {
    let fixture = Fixture::new();
    let config_path =
        fixture.write_config("[providers.openai]\napi_key_file = \"secrets/openai.key\"\n");
    let key_path: PathBuf = config_path.with_file_name("secrets/openai.key");
    write_file(&key_path, "sk-relative-key-file\n");
    let config = fixture.load_ok();
    assert_eq!(config.llm.api_key.as_deref(), Some("sk-relative-key-file"));
    assert_eq!(config.sources.api_key, Some(Source::KeyFile(key_path)));
}

#[test]
fn tilde_in_a_config_key_file_is_the_home_directory() {
    let fixture = Fixture::new();
    fixture.write_config("[providers.openai]\napi_key_file = \"~/keys/openai.key\"\n");
    let key_path = fixture.home().join("keys/openai.key");
    write_file(&key_path, "sk-home-key-file");
    let config = fixture.load_ok();
    assert_eq!(config.llm.api_key.as_deref(), Some("sk-home-key-file"));
    assert_eq!(config.sources.api_key, Some(Source::KeyFile(key_path)));
}

#[test]
fn blank_values_are_skipped() {
    let mut fixture = Fixture::new();
    fixture.write_config("[providers.openai]\napi_key = \"  \"\n");
    fixture.set("KUBEVIBE_OPENAI_API_KEY", "");
    fixture.set("OPENAI_API_KEY", "sk-after-the-blanks");
    let config = fixture.load_ok();
    assert_eq!(config.llm.api_key.as_deref(), Some("sk-after-the-blanks"));
    assert_eq!(
        config.sources.api_key,
        Some(Source::Env("OPENAI_API_KEY".into()))
    );
}
