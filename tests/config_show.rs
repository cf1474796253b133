//! `kubevibe config show`, the missing-key warning and `kubevibe config init`.

mod config_support;

use std::fs;

use config_support::{Fixture, write_file};
use kubevibe::config::{ConfigError, init_config_file, mask_key};

const KEY: &str = "sk-proj-Q7rXv29LmNpTz4KdWyHa8wxyz";

#[test]
fn show_masks_the_key_and_names_every_source() {
    let mut fixture = Fixture::new();
    fixture.set("OPENAI_API_KEY", KEY);
    let config = fixture.load_ok();
    let shown = config.show();

    assert!(shown.contains("••••wxyz (from OPENAI_API_KEY)"), "{shown}");
    assert!(!shown.contains(KEY), "{shown}");
    assert!(!shown.contains("sk-proj"), "{shown}");
    assert!(shown.contains("openai:gpt-4.1 (default)"), "{shown}");
    assert!(
        shown.contains("https://api.openai.com/v1 (default)"),
        "{shown}"
    );
    assert!(shown.contains("60s (default)"), "{shown}");
    let config_line = format!(
        "{} (not found, using defaults) (default)",
        fixture.default_config_path().display()
    );
    assert!(shown.contains(&config_line), "{shown}");
    assert!(
        shown.contains(&config.paths.history_file.display().to_string()),
        "{shown}"
    );
    assert!(
        shown.contains("$2.00 in / $8.00 out per million tokens (default)"),
        "{shown}"
    );
}

#[test]
fn show_names_the_config_file_for_values_from_it() {
    let mut fixture = Fixture::new();
    let path = fixture.write_config(
        "model = \"ollama:llama3.1:8b\"\n[llm]\nmax_retries = 7\n[keys]\nquit = [\"ctrl+q\", \"ctrl+c\"]\n",
    );
    fixture.set("KUBEVIBE_BASE_URL", "http://gpu-box:11434/v1");
    let shown = fixture.load_ok().show();
    let from_file = format!("(from {})", path.display());

    assert!(
        shown.contains(&format!("{} (exists)", path.display())),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("ollama:llama3.1:8b {from_file}")),
        "{shown}"
    );
    assert!(shown.contains(&format!("7 {from_file}")), "{shown}");
    assert!(
        shown.contains("http://gpu-box:11434/v1 (from KUBEVIBE_BASE_URL)"),
        "{shown}"
    );
    assert!(shown.contains("quit = ctrl+q, ctrl+c"), "{shown}");
    assert!(shown.contains("none (not needed for ollama)"), "{shown}");
}

#[test]
fn show_names_the_key_file_a_key_was_read_from() {
    let mut fixture = Fixture::new();
    let key_file = fixture.file("openai.key", KEY);
    fixture.set("KUBEVIBE_OPENAI_API_KEY_FILE", &key_file);
    let shown = fixture.load_ok().show();
    assert!(
        shown.contains(&format!("••••wxyz (from file {})", key_file.display())),
        "{shown}"
    );
    assert!(!shown.contains(KEY), "{shown}");
}

#[test]
fn debug_output_hides_the_key() {
    let mut fixture = Fixture::new();
    fixture.set("KUBEVIBE_OPENAI_API_KEY", KEY);
    let config = fixture.load_ok();
    assert_eq!(config.llm.api_key.as_deref(), Some(KEY));
    let debug = format!("{config:?}");
    assert!(!debug.contains(KEY), "{debug}");
    assert!(!debug.contains("wxyz"), "{debug}");
}

#[test]
fn short_keys_are_masked_entirely() {
    assert_eq!(mask_key("abc123"), "••••");
    assert_eq!(mask_key("sk-1234567890"), "••••7890");
}

#[test]
fn missing_key_warning_for_providers_that_need_one() {
    let mut fixture = Fixture::new();
    let config = fixture.load_ok();
    assert_eq!(
        config.missing_key_warning().as_deref(),
        Some("no API key for openai: set OPENAI_API_KEY or KUBEVIBE_OPENAI_API_KEY")
    );
    assert!(
        config.show().contains("no API key for openai"),
        "{}",
        config.show()
    );

    fixture.set("KUBEVIBE_MODEL", "gemini:gemini-2.5-flash");
    assert_eq!(
        fixture.load_ok().missing_key_warning().as_deref(),
        Some("no API key for gemini: set GEMINI_API_KEY or KUBEVIBE_GEMINI_API_KEY")
    );
    fixture.set("GEMINI_API_KEY", KEY);
    assert_eq!(fixture.load_ok().missing_key_warning(), None);
}

#[test]
fn no_warning_for_providers_without_keys() {
    for spec in [
        "ollama:llama3.1",
        "lmstudio:m",
        "vllm:m",
        "llamacpp:m",
        "replay:demo",
    ] {
        let mut fixture = Fixture::new();
        fixture.set("KUBEVIBE_MODEL", spec);
        assert_eq!(fixture.load_ok().missing_key_warning(), None, "{spec}");
    }
}

#[test]
fn init_writes_a_private_example_that_loads() {
    let fixture = Fixture::new();
    let config = fixture.load_ok();
    let written = init_config_file(&config.paths).expect("init");
    assert_eq!(written, fixture.default_config_path());
    let text = fs::read_to_string(&written).expect("read example");
    assert!(text.contains("#model = \"openai:gpt-4.1\""), "{text}");

    let reloaded = fixture.load_ok();
    assert!(reloaded.config_file_exists);
    assert_eq!(reloaded.llm.model, "gpt-4.1");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &std::path::Path| {
            fs::metadata(path).expect("metadata").permissions().mode() & 0o777
        };
        assert_eq!(mode(&written), 0o600);
        assert_eq!(mode(&config.paths.config_dir), 0o700);
        assert_eq!(mode(&fixture.home().join(".config")), 0o700);
    }
}

#[test]
fn init_leaves_an_existing_file_alone() {
    let fixture = Fixture::new();
    let path = fixture.write_config("model = \"ollama:mine\"\n");
    let config = fixture.load_ok();
    let error = init_config_file(&config.paths).expect_err("exists");
    assert!(matches!(error, ConfigError::AlreadyExists { .. }));
    assert_eq!(
        error.to_string(),
        format!(
            "config file {} already exists; left it unchanged",
            path.display()
        )
    );
    assert_eq!(
        fs::read_to_string(&path).expect("read"),
        "model = \"ollama:mine\"\n"
    );
}

#[test]
fn every_commented_out_setting_in_the_example_is_valid() {
    let fixture = Fixture::new();
    let written = init_config_file(&fixture.load_ok().paths).expect("init");
    let example = fs::read_to_string(&written).expect("read example");
    let uncommented: String = example
        .lines()
        .map(|line| match line.strip_prefix('#') {
            Some(setting) if setting.starts_with(|c: char| c.is_ascii_lowercase() || c == '[') => {
                setting
            }
            _ => line,
        })
        .map(|line| format!("{line}\n"))
        .collect();
    assert_ne!(uncommented, example);
    write_file(&written, &uncommented);
    write_file(&fixture.home().join(".config/kubevibe/openai.key"), KEY);

    let config = fixture.load_ok();
    assert_eq!(config.llm.api_key.as_deref(), Some(KEY));
    assert_eq!(config.llm.max_retries, 3);
    assert_eq!(config.keys["quit"], vec!["ctrl+q"]);
    assert_eq!(
        config.sources.model,
        kubevibe::config::Source::ConfigFile(written)
    );
}
