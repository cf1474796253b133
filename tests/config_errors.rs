//! Every config error is one line naming the file, line and key (or the flag or variable),
//! and none of them repeats an API key.

mod config_support;

use config_support::Fixture;
use kubevibe::config::CliOverrides;

const KNOWN: &str =
    "openai, anthropic, ollama, lmstudio, vllm, llamacpp, openrouter, gemini, replay";

/// The error for a config file with `text`, with the file's path replaced by `CONFIG`.
fn file_error(text: &str) -> String {
    let fixture = Fixture::new();
    let path = fixture.write_config(text);
    let message = fixture.load_err();
    assert!(!message.contains('\n'), "one line: {message}");
    message.replace(&path.display().to_string(), "CONFIG")
}

fn cli_error(cli: CliOverrides) -> String {
    let error = Fixture::new().load(&cli).expect_err("invalid flag");
    error.to_string()
}

#[test]
fn syntax_error_names_file_line_and_column() {
    assert_eq!(
        file_error("model = \"openai:gpt-4.1\"\n[llm\n"),
        "CONFIG:2:5: TOML syntax error: unclosed table, expected `]`"
    );
    assert_eq!(
        file_error("# columns count characters\n\n\"café\" = \n"),
        "CONFIG:3:10: TOML syntax error: string values must be quoted, expected literal string"
    );
}

#[test]
fn duplicate_key_is_reported_where_it_repeats() {
    assert_eq!(
        file_error("model = \"openai:a\"\nmodel = \"openai:b\"\n"),
        "CONFIG:2:1: TOML syntax error: duplicate key"
    );
}

#[test]
fn unknown_key_names_key_file_line_and_closest_valid_key() {
    assert_eq!(
        file_error("[llm]\nmax_retries = 2\nidle_timeout = 30\n"),
        "unknown key `llm.idle_timeout` in CONFIG line 3; did you mean `idle_timeout_secs`?"
    );
    assert_eq!(
        file_error("mdel = \"openai:gpt-4.1\"\n"),
        "unknown key `mdel` in CONFIG line 1; did you mean `model`?"
    );
}

#[test]
fn unknown_key_without_a_close_match_has_no_suggestion() {
    assert_eq!(
        file_error("[llm]\ncolour = 1\n"),
        "unknown key `llm.colour` in CONFIG line 2"
    );
}

#[test]
fn unknown_key_in_a_provider_section_does_not_show_its_value() {
    let message = file_error("[providers.openai]\napikey = \"sk-secret-value-9876\"\n");
    assert_eq!(
        message,
        "unknown key `providers.openai.apikey` in CONFIG line 2; did you mean `api_key`?"
    );
}

#[test]
fn wrong_type_names_key_and_expected_type() {
    assert_eq!(
        file_error("[llm]\nmax_retries = \"three\"\n"),
        "`llm.max_retries` in CONFIG line 2 must be a non-negative integer, found a string"
    );
    assert_eq!(
        file_error("[llm]\nidle_timeout_secs = \"60\"\n"),
        "`llm.idle_timeout_secs` in CONFIG line 2 must be a non-negative integer, found a string"
    );
    assert_eq!(
        file_error("[llm]\nreplay_speed = \"fast\"\n"),
        "`llm.replay_speed` in CONFIG line 2 must be a number, found a string"
    );
    assert_eq!(
        file_error("model = 4\n"),
        "`model` in CONFIG line 1 must be a string, found an integer"
    );
    assert_eq!(
        file_error("llm = 5\n"),
        "`llm` in CONFIG line 1 must be a table, found an integer"
    );
    assert_eq!(
        file_error("[keys]\nquit = 5\n"),
        "`keys.quit` in CONFIG line 2 must be a key spec string or a list of strings, found an integer"
    );
}

#[test]
fn out_of_range_number_names_the_key() {
    assert_eq!(
        file_error("[llm]\nmax_retries = -1\n"),
        "`llm.max_retries` in CONFIG line 2 must be a non-negative integer, found an integer out of range"
    );
}

#[test]
fn wrong_type_for_an_api_key_does_not_show_the_value() {
    assert_eq!(
        file_error("[providers.openai]\napi_key = 918273645546372819\n"),
        "`providers.openai.api_key` in CONFIG line 2 must be a string, found an integer"
    );
}

#[test]
fn syntax_error_in_an_api_key_line_does_not_show_the_value() {
    let message = file_error("[providers.openai]\napi_key = \"sk-unterminated-secret\n");
    assert!(message.starts_with("CONFIG:2:"), "{message}");
    assert!(!message.contains("sk-unterminated-secret"), "{message}");
}

#[test]
fn missing_price_field_names_the_table() {
    assert_eq!(
        file_error("[pricing.\"openai:custom\"]\ninput = 1.0\n"),
        "`pricing.\"openai:custom\"` in CONFIG line 1 is missing `output`"
    );
}

#[test]
fn unusable_values_in_the_file_name_key_and_line() {
    assert_eq!(
        file_error("[llm]\nconnect_timeout_secs = 0\n"),
        "`llm.connect_timeout_secs` in CONFIG line 2: must be at least 1 second"
    );
    assert_eq!(
        file_error("\n[llm]\nreplay_speed = 0.0\n"),
        "`llm.replay_speed` in CONFIG line 3: must be a number greater than 0"
    );
    assert_eq!(
        file_error("[providers.ollama]\nbase_url = \"localhost:11434\"\n"),
        "`providers.ollama.base_url` in CONFIG line 2: `localhost:11434` must start with http:// or https://"
    );
    assert_eq!(
        file_error("[pricing.\"openai:x\"]\ninput = -2.0\noutput = 1.0\n"),
        "`pricing.\"openai:x\"` in CONFIG line 1: prices must be zero or more"
    );
}

#[test]
fn unknown_provider_lists_known_ones_and_suggests_the_closest() {
    let mut fixture = Fixture::new();
    fixture.set("KUBEVIBE_MODEL", "opnai:gpt-4.1");
    assert_eq!(
        fixture.load_err(),
        format!(
            "invalid model (from KUBEVIBE_MODEL): unknown provider `opnai` (known: {KNOWN}); did you mean `openai`?"
        )
    );
    assert_eq!(
        file_error("model = \"zzz:model\"\n"),
        format!("`model` in CONFIG line 1: unknown provider `zzz` (known: {KNOWN})")
    );
    assert_eq!(
        file_error("[providers.olama]\nbase_url = \"http://x/v1\"\n"),
        format!(
            "`providers.olama` in CONFIG line 1: unknown provider `olama` (known: {KNOWN}); did you mean `ollama`?"
        )
    );
}

#[test]
fn model_without_provider_explains_the_form() {
    let cli = CliOverrides {
        model: Some("gpt-4.1".into()),
        ..CliOverrides::default()
    };
    assert_eq!(
        cli_error(cli),
        "invalid model (from --model): `gpt-4.1` is not of the form `provider:model` (e.g. `openai:gpt-4.1`, `anthropic:claude-sonnet-4-5`, `ollama:llama3.1:8b`)"
    );
}

#[test]
fn bad_flag_values_name_the_flag() {
    let base_url = CliOverrides {
        base_url: Some("ftp://models.internal/v1".into()),
        ..CliOverrides::default()
    };
    assert_eq!(
        cli_error(base_url),
        "invalid base URL (from --base-url): `ftp://models.internal/v1` must start with http:// or https://"
    );
    let speed = CliOverrides {
        replay_speed: Some(f64::NAN),
        ..CliOverrides::default()
    };
    assert_eq!(
        cli_error(speed),
        "invalid replay speed (from --replay-speed): must be a number greater than 0"
    );
}

#[test]
fn unreadable_key_file_names_the_path_and_where_it_was_set() {
    let mut fixture = Fixture::new();
    let missing = fixture.dir.path().join("no-such.key");
    fixture.set("KUBEVIBE_OPENAI_API_KEY_FILE", &missing);
    let message = fixture.load_err();
    let expected = format!(
        "cannot read API key file {} (from KUBEVIBE_OPENAI_API_KEY_FILE): ",
        missing.display()
    );
    assert!(message.starts_with(&expected), "{message}");
}

#[test]
fn empty_key_file_from_the_config_names_the_config() {
    let fixture = Fixture::new();
    let key_file = fixture.file("empty.key", "\n  \n");
    let config_path = fixture.write_config(&format!(
        "[providers.openai]\napi_key_file = {:?}\n",
        key_file.display().to_string()
    ));
    assert_eq!(
        fixture.load_err(),
        format!(
            "API key file {} (from {}) is empty",
            key_file.display(),
            config_path.display()
        )
    );
}

#[test]
fn unreadable_config_file_names_it() {
    let fixture = Fixture::new();
    let path = fixture.default_config_path();
    std::fs::create_dir_all(&path).expect("a directory where the file should be");
    let message = fixture.load_err();
    assert!(
        message.starts_with(&format!("cannot read config file {}: ", path.display())),
        "{message}"
    );
}
