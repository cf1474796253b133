//! Each setting's layers: flag beats environment beats config file beats default, and every
//! effective value records the layer it came from.

mod config_support;

use std::path::PathBuf;
use std::time::Duration;

use config_support::Fixture;
use kubevibe::config::{CliOverrides, Config, MapEnv, Source};
use kubevibe::llm::ProviderKind;
use kubevibe::paths::Paths;
use kubevibe::pricing::Price;

fn env(name: &str) -> Source {
    Source::Env(name.to_owned())
}

fn flag(name: &str) -> Source {
    Source::Flag(name.to_owned())
}

#[test]
fn defaults_apply_when_nothing_is_set() {
    let config = Fixture::new().load_ok();
    assert!(!config.config_file_exists);
    assert_eq!(config.llm.kind, ProviderKind::OpenAi);
    assert_eq!(config.llm.provider, "openai");
    assert_eq!(config.llm.model, "gpt-4.1");
    assert_eq!(config.llm.base_url, "https://api.openai.com/v1");
    assert_eq!(config.llm.connect_timeout, Duration::from_secs(10));
    assert_eq!(config.llm.idle_timeout, Duration::from_secs(60));
    assert_eq!(config.llm.max_retries, 3);
    assert_eq!(config.llm.replay_speed, 1.0);
    assert_eq!(config.llm.record_to, None);
    assert!(config.keys.is_empty());
    let sources = &config.sources;
    for source in [
        &sources.model,
        &sources.base_url,
        &sources.connect_timeout,
        &sources.idle_timeout,
        &sources.max_retries,
        &sources.replay_speed,
        &sources.record_to,
    ] {
        assert_eq!(source, &Source::Default);
    }
}

#[test]
fn model_flag_beats_env_beats_file_beats_default() {
    let mut fixture = Fixture::new();
    let config_path = fixture.write_config("model = \"anthropic:claude-sonnet-4-5\"\n");

    let from_file = fixture.load_ok();
    assert_eq!(
        (
            from_file.llm.provider.as_str(),
            from_file.llm.model.as_str()
        ),
        ("anthropic", "claude-sonnet-4-5")
    );
    assert_eq!(from_file.llm.kind, ProviderKind::Anthropic);
    assert_eq!(from_file.sources.model, Source::ConfigFile(config_path));

    fixture.set("KUBEVIBE_MODEL", "ollama:llama3.1:8b");
    let from_env = fixture.load_ok();
    assert_eq!(
        (from_env.llm.provider.as_str(), from_env.llm.model.as_str()),
        ("ollama", "llama3.1:8b")
    );
    assert_eq!(from_env.sources.model, env("KUBEVIBE_MODEL"));

    let cli = CliOverrides {
        model: Some("lmstudio:qwen2.5-7b".into()),
        ..CliOverrides::default()
    };
    let from_flag = fixture.load(&cli).expect("loads");
    assert_eq!(
        (
            from_flag.llm.provider.as_str(),
            from_flag.llm.model.as_str()
        ),
        ("lmstudio", "qwen2.5-7b")
    );
    assert_eq!(from_flag.sources.model, flag("--model"));
}

#[test]
fn base_url_flag_beats_env_beats_file_beats_provider_default() {
    let mut fixture = Fixture::new();
    let config_path = fixture.write_config(
        "model = \"ollama:llama3.1\"\n[providers.ollama]\nbase_url = \"http://gpu-box:11434/v1/\"\n",
    );

    let from_file = fixture.load_ok();
    assert_eq!(
        from_file.llm.base_url, "http://gpu-box:11434/v1",
        "trailing slash trimmed"
    );
    assert_eq!(from_file.sources.base_url, Source::ConfigFile(config_path));

    fixture.set("KUBEVIBE_BASE_URL", "http://env-box:9000/v1");
    let from_env = fixture.load_ok();
    assert_eq!(from_env.llm.base_url, "http://env-box:9000/v1");
    assert_eq!(from_env.sources.base_url, env("KUBEVIBE_BASE_URL"));

    let cli = CliOverrides {
        base_url: Some("https://flag-box/v1".into()),
        ..CliOverrides::default()
    };
    let from_flag = fixture.load(&cli).expect("loads");
    assert_eq!(from_flag.llm.base_url, "https://flag-box/v1");
    assert_eq!(from_flag.sources.base_url, flag("--base-url"));
}

#[test]
fn another_providers_base_url_does_not_apply() {
    let fixture = Fixture::new();
    fixture.write_config("[providers.ollama]\nbase_url = \"http://gpu-box:11434/v1\"\n");
    let config = fixture.load_ok();
    assert_eq!(config.llm.provider, "openai");
    assert_eq!(config.llm.base_url, "https://api.openai.com/v1");
    assert_eq!(config.sources.base_url, Source::Default);
}

#[test]
fn each_provider_gets_its_kind_and_default_base_url() {
    let cases = [
        (
            "openai:gpt-4.1",
            ProviderKind::OpenAi,
            "https://api.openai.com/v1",
        ),
        (
            "anthropic:claude-haiku-4-5",
            ProviderKind::Anthropic,
            "https://api.anthropic.com",
        ),
        (
            "ollama:llama3.1:8b",
            ProviderKind::OpenAi,
            "http://localhost:11434/v1",
        ),
        (
            "lmstudio:m",
            ProviderKind::OpenAi,
            "http://localhost:1234/v1",
        ),
        ("vllm:m", ProviderKind::OpenAi, "http://localhost:8000/v1"),
        (
            "llamacpp:m",
            ProviderKind::OpenAi,
            "http://localhost:8080/v1",
        ),
        (
            "openrouter:openai/gpt-4.1",
            ProviderKind::OpenAi,
            "https://openrouter.ai/api/v1",
        ),
        (
            "gemini:gemini-2.5-flash",
            ProviderKind::OpenAi,
            "https://generativelanguage.googleapis.com/v1beta/openai",
        ),
        ("replay:demo", ProviderKind::Replay, ""),
    ];
    for (spec, kind, base_url) in cases {
        let mut fixture = Fixture::new();
        fixture.set("KUBEVIBE_MODEL", spec);
        let config = fixture.load_ok();
        assert_eq!(config.llm.kind, kind, "{spec}");
        assert_eq!(config.llm.base_url, base_url, "{spec}");
        assert_eq!(
            format!("{}:{}", config.llm.provider, config.llm.model),
            spec
        );
    }
}

#[test]
fn llm_section_values_come_from_the_file() {
    let fixture = Fixture::new();
    let config_path = fixture.write_config(
        "[llm]\nconnect_timeout_secs = 3\nidle_timeout_secs = 120\nmax_retries = 0\nreplay_speed = 4.5\n",
    );
    let config = fixture.load_ok();
    assert_eq!(config.llm.connect_timeout, Duration::from_secs(3));
    assert_eq!(config.llm.idle_timeout, Duration::from_secs(120));
    assert_eq!(config.llm.max_retries, 0);
    assert_eq!(config.llm.replay_speed, 4.5);
    let from_file = Source::ConfigFile(config_path);
    assert_eq!(config.sources.connect_timeout, from_file);
    assert_eq!(config.sources.idle_timeout, from_file);
    assert_eq!(config.sources.max_retries, from_file);
    assert_eq!(config.sources.replay_speed, from_file);
}

#[test]
fn replay_speed_and_record_flags_beat_the_file() {
    let fixture = Fixture::new();
    fixture.write_config("[llm]\nreplay_speed = 4.5\n");
    let record = fixture.dir.path().join("session.jsonl");
    let cli = CliOverrides {
        replay_speed: Some(10.0),
        record: Some(record.clone()),
        ..CliOverrides::default()
    };
    let config = fixture.load(&cli).expect("loads");
    assert_eq!(config.llm.replay_speed, 10.0);
    assert_eq!(config.sources.replay_speed, flag("--replay-speed"));
    assert_eq!(config.llm.record_to, Some(record));
    assert_eq!(config.sources.record_to, flag("--record"));
}

#[test]
fn empty_environment_values_count_as_unset() {
    let mut fixture = Fixture::new();
    fixture.set("KUBEVIBE_MODEL", "");
    fixture.set("KUBEVIBE_BASE_URL", "  ");
    let config = fixture.load_ok();
    assert_eq!(config.llm.model, "gpt-4.1");
    assert_eq!(config.sources.model, Source::Default);
    assert_eq!(config.sources.base_url, Source::Default);
}

#[test]
fn config_file_location_flag_beats_env_beats_dir_beats_xdg() {
    let mut fixture = Fixture::new();
    let resolve = |fixture: &Fixture, flag_path: Option<&std::path::Path>| {
        Paths::resolve(flag_path, &fixture.env).expect("paths resolve")
    };
    let home = fixture.home();

    let default = resolve(&fixture, None);
    assert_eq!(
        default.config_file,
        home.join(".config/kubevibe/config.toml")
    );
    assert_eq!(default.config_dir, home.join(".config/kubevibe"));
    assert_eq!(default.config_file_source, Source::Default);

    fixture.set("XDG_CONFIG_HOME", fixture.dir.path().join("xdg"));
    let xdg = resolve(&fixture, None);
    assert_eq!(
        xdg.config_file,
        fixture.dir.path().join("xdg/kubevibe/config.toml")
    );

    fixture.set("KUBEVIBE_CONFIG_DIR", fixture.dir.path().join("confdir"));
    let dir = resolve(&fixture, None);
    assert_eq!(
        dir.config_file,
        fixture.dir.path().join("confdir/config.toml")
    );
    assert_eq!(dir.config_file_source, env("KUBEVIBE_CONFIG_DIR"));

    fixture.set("KUBEVIBE_CONFIG", fixture.dir.path().join("env.toml"));
    let from_env = resolve(&fixture, None);
    assert_eq!(from_env.config_file, fixture.dir.path().join("env.toml"));
    assert_eq!(from_env.config_file_source, env("KUBEVIBE_CONFIG"));

    let flag_path = fixture.dir.path().join("flag/kv.toml");
    let from_flag = resolve(&fixture, Some(&flag_path));
    assert_eq!(from_flag.config_file, flag_path);
    assert_eq!(from_flag.config_dir, fixture.dir.path().join("flag"));
    assert_eq!(from_flag.config_file_source, flag("--config"));
}

#[test]
fn config_flag_picks_the_file_that_is_loaded() {
    let fixture = Fixture::new();
    fixture.write_config("model = \"ollama:from-default-location\"\n");
    let elsewhere = fixture.file("elsewhere.toml", "model = \"vllm:from-flag-file\"\n");
    let cli = CliOverrides {
        config_path: Some(elsewhere.clone()),
        ..CliOverrides::default()
    };
    let config = fixture.load(&cli).expect("loads");
    assert_eq!(config.llm.model, "from-flag-file");
    assert_eq!(config.sources.model, Source::ConfigFile(elsewhere));
    assert!(config.config_file_exists);
}

#[test]
fn data_dir_env_beats_xdg_and_holds_history_and_log() {
    let mut fixture = Fixture::new();
    let default = Paths::resolve(None, &fixture.env).expect("paths");
    let data = fixture.home().join(".local/share/kubevibe");
    assert_eq!(default.data_dir, data);
    assert_eq!(default.history_file, data.join("history.jsonl"));
    assert_eq!(default.log_file, data.join("logs/kubevibe.log"));

    fixture.set("XDG_DATA_HOME", fixture.dir.path().join("xdg-data"));
    let xdg = Paths::resolve(None, &fixture.env).expect("paths");
    assert_eq!(xdg.data_dir, fixture.dir.path().join("xdg-data/kubevibe"));

    let custom: PathBuf = fixture.dir.path().join("data");
    fixture.set("KUBEVIBE_DATA_DIR", &custom);
    let from_env = Paths::resolve(None, &fixture.env).expect("paths");
    assert_eq!(from_env.data_dir, custom);
    assert_eq!(from_env.history_file, custom.join("history.jsonl"));
}

#[test]
fn without_a_home_every_directory_must_be_given() {
    let error = Config::load(&CliOverrides::default(), &MapEnv::new()).expect_err("no home");
    assert_eq!(
        error.to_string(),
        "cannot find a home directory for the config file: set HOME, KUBEVIBE_CONFIG_DIR or KUBEVIBE_CONFIG"
    );

    let only_config = MapEnv::new().with("KUBEVIBE_CONFIG_DIR", "/nonexistent-kubevibe-test/conf");
    let error = Config::load(&CliOverrides::default(), &only_config).expect_err("no data dir");
    assert_eq!(
        error.to_string(),
        "cannot find a home directory for history and logs: set HOME or KUBEVIBE_DATA_DIR"
    );
}

#[test]
fn key_bindings_accept_a_string_or_a_list() {
    let fixture = Fixture::new();
    fixture.write_config("[keys]\nquit = \"ctrl+q\"\nsend = [\"enter\", \"ctrl+j\"]\nhelp = []\n");
    let config = fixture.load_ok();
    assert_eq!(config.keys["quit"], vec!["ctrl+q"]);
    assert_eq!(config.keys["send"], vec!["enter", "ctrl+j"]);
    assert!(config.keys["help"].is_empty());
    assert_eq!(config.keys.len(), 3);
}

#[test]
fn pricing_from_the_file_is_merged_over_the_built_in_table() {
    let fixture = Fixture::new();
    let config_path = fixture.write_config(
        "[pricing.\"openai:gpt-4.1\"]\ninput = 1.5\noutput = 6.0\n[pricing.\"OpenRouter:meta/llama\"]\ninput = 0.1\noutput = 0.2\n",
    );
    let config = fixture.load_ok();
    let price = |input, output| Price {
        input_per_mtok: input,
        output_per_mtok: output,
    };
    assert_eq!(
        config.pricing.lookup("openai", "gpt-4.1"),
        Some(price(1.5, 6.0))
    );
    assert_eq!(
        config.pricing.lookup("openrouter", "meta/llama"),
        Some(price(0.1, 0.2))
    );
    assert_eq!(
        config.pricing.lookup("openai", "gpt-4o"),
        Some(price(2.5, 10.0))
    );
    assert_eq!(config.sources.price, Some(Source::ConfigFile(config_path)));
}

#[test]
fn price_source_is_the_built_in_table_or_nothing() {
    let mut fixture = Fixture::new();
    assert_eq!(fixture.load_ok().sources.price, Some(Source::Default));
    fixture.set("KUBEVIBE_MODEL", "openai:unpriced-model");
    assert_eq!(fixture.load_ok().sources.price, None);
}
