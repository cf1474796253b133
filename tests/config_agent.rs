//! `[agent]`, `[contexts."<name>"]`, `--mode` and `--read-only`: parsing, errors, precedence
//! and `kubevibe config show`.

mod config_support;

use config_support::Fixture;
use kubevibe::agent::mode::{Guard, Mode};
use kubevibe::config::{AgentSettings, CliOverrides, ContextSettings, Source};

const FULL: &str = r#"
[agent]
mode = "auto-read"
read_only = false
step_budget = 4
memory_chars = 800
output_lines = 50
command_timeout_secs = 15

[contexts."arn:aws:eks:eu-west-1:1:cluster/prod"]
mode = "auto"
read_only = true
production = true

[contexts.staging]
mode = "suggest"
"#;

const PROD: &str = "arn:aws:eks:eu-west-1:1:cluster/prod";

fn settings(mode: Mode, read_only: bool, production: bool) -> ContextSettings {
    ContextSettings {
        mode,
        guard: Guard {
            read_only,
            production,
        },
    }
}

#[test]
fn defaults_without_a_file() {
    let config = Fixture::new().load_ok();
    assert_eq!(config.agent, AgentSettings::default());
    assert_eq!(
        (
            config.agent.mode,
            config.agent.read_only,
            config.agent.step_budget,
            config.agent.memory_chars,
            config.agent.output_lines,
            config.agent.command_timeout_secs
        ),
        (Mode::Confirm, false, 10, 500, 200, 60)
    );
    assert_eq!(config.agent_sources.mode, Source::Default);
    assert_eq!(
        config.context_settings(Some("anything")),
        settings(Mode::Confirm, false, false)
    );
    assert_eq!(
        config.context_settings(None),
        settings(Mode::Confirm, false, false)
    );
}

#[test]
fn the_file_sets_agent_values_and_context_overrides() {
    let fixture = Fixture::new();
    let path = fixture.write_config(FULL);
    let config = fixture.load_ok();
    let from_file = Source::ConfigFile(path);
    assert_eq!(
        config.agent,
        AgentSettings {
            mode: Mode::AutoRead,
            read_only: false,
            step_budget: 4,
            memory_chars: 800,
            output_lines: 50,
            command_timeout_secs: 15,
        }
    );
    assert_eq!(config.agent_sources.step_budget, from_file);
    assert_eq!(config.agent_sources.command_timeout_secs, from_file);
    assert_eq!(
        config.context_settings(Some(PROD)),
        settings(Mode::Auto, true, true)
    );
    assert_eq!(
        config.context_settings(Some("staging")),
        settings(Mode::Suggest, false, false)
    );
    assert_eq!(
        config.context_settings(Some("dev")),
        settings(Mode::AutoRead, false, false)
    );
    assert_eq!(config.contexts.len(), 2);
}

#[test]
fn precedence_is_flags_then_context_then_agent_then_default() {
    let fixture = Fixture::new();
    fixture.write_config(
        "[agent]\nmode = \"auto-read\"\nread_only = true\n[contexts.dev]\nmode = \"auto\"\nread_only = false\n[contexts.ci]\nproduction = true\n",
    );
    let config = fixture.load_ok();
    // The context beats [agent], in both directions.
    assert_eq!(
        config.context_settings(Some("dev")),
        settings(Mode::Auto, false, false)
    );
    // What the context leaves out comes from [agent].
    assert_eq!(
        config.context_settings(Some("ci")),
        settings(Mode::AutoRead, true, true)
    );

    let flags = CliOverrides {
        mode: Some(Mode::Suggest),
        read_only: true,
        ..CliOverrides::default()
    };
    let config = fixture.load(&flags).expect("loads");
    assert_eq!(config.agent.mode, Mode::Suggest);
    assert_eq!(config.agent_sources.mode, Source::Flag("--mode".into()));
    assert_eq!(
        config.agent_sources.read_only,
        Source::Flag("--read-only".into())
    );
    assert_eq!(
        config.context_settings(Some("dev")),
        settings(Mode::Suggest, true, false)
    );
    assert_eq!(
        config.context_settings(Some("ci")),
        settings(Mode::Suggest, true, true)
    );

    // Without a file, a flag beats the default.
    let bare = Fixture::new()
        .load(&CliOverrides {
            mode: Some(Mode::Auto),
            ..CliOverrides::default()
        })
        .expect("loads");
    assert_eq!(
        bare.context_settings(None),
        settings(Mode::Auto, false, false)
    );
}

#[test]
fn typos_name_the_file_line_and_a_suggestion() {
    let fixture = Fixture::new();
    let path = fixture.write_config("[agent]\nmdoe = \"auto\"\n");
    assert_eq!(
        fixture.load_err(),
        format!(
            "unknown key `agent.mdoe` in {} line 2; did you mean `mode`?",
            path.display()
        )
    );

    fixture.write_config("[agent]\nstep_budget = 3\nmode = \"atuo\"\n");
    assert_eq!(
        fixture.load_err(),
        format!(
            "`agent.mode` in {} line 3: unknown mode `atuo`: use suggest, confirm, auto-read or auto; did you mean `auto`?",
            path.display()
        )
    );

    fixture.write_config("[contexts.prod]\nprodution = true\n");
    assert_eq!(
        fixture.load_err(),
        format!(
            "unknown key `contexts.prod.prodution` in {} line 2; did you mean `production`?",
            path.display()
        )
    );

    fixture.write_config("[contexts.\"kind-kind\"]\nmode = \"confrim\"\n");
    let error = fixture.load_err();
    assert!(
        error.starts_with(&format!(
            "`contexts.\"kind-kind\".mode` in {} line 2",
            path.display()
        )),
        "{error}"
    );
    assert!(error.ends_with("did you mean `confirm`?"), "{error}");
}

#[test]
fn wrong_types_and_zero_counts_are_refused() {
    let fixture = Fixture::new();
    let path = fixture.write_config("[agent]\nread_only = \"yes\"\n");
    assert_eq!(
        fixture.load_err(),
        format!(
            "`agent.read_only` in {} line 2 must be a boolean, found a string",
            path.display()
        )
    );
    fixture.write_config("[agent]\n\nstep_budget = 0\n");
    assert_eq!(
        fixture.load_err(),
        format!(
            "`agent.step_budget` in {} line 3: must be at least 1",
            path.display()
        )
    );
    fixture.write_config("[agent]\noutput_lines = -5\n");
    let error = fixture.load_err();
    assert!(
        error.contains("`agent.output_lines`") && error.contains("line 2"),
        "{error}"
    );
}

#[test]
fn show_prints_the_agent_values_with_their_sources() {
    let fixture = Fixture::new();
    let path = fixture.write_config(FULL);
    let shown = fixture
        .load(&CliOverrides {
            read_only: true,
            ..CliOverrides::default()
        })
        .expect("loads")
        .show();
    let from_file = format!("(from {})", path.display());
    for line in [
        format!("mode             auto-read {from_file}"),
        "read-only        true (from --read-only)".to_owned(),
        format!("step budget      4 {from_file}"),
        format!("memory chars     800 {from_file}"),
        format!("output lines     50 {from_file}"),
        format!("command timeout  15s {from_file}"),
        format!("context          {PROD}: mode auto, read-only, production {from_file}"),
        format!("context          staging: mode suggest, read-only {from_file}"),
    ] {
        assert!(
            shown.lines().any(|shown_line| shown_line == line),
            "missing {line:?} in\n{shown}"
        );
    }

    let defaults = Fixture::new().load_ok().show();
    assert!(
        defaults.contains("mode             confirm (default)"),
        "{defaults}"
    );
    assert!(
        defaults.contains("command timeout  60s (default)"),
        "{defaults}"
    );
    assert!(!defaults.contains("context "), "{defaults}");
}

#[test]
fn the_example_config_parses_and_documents_every_agent_key() {
    let example = include_str!("../assets/config.example.toml");
    for key in [
        "#[agent]",
        "#mode = \"confirm\"",
        "#read_only = false",
        "#step_budget = 10",
        "#memory_chars = 500",
        "#output_lines = 200",
        "#command_timeout_secs = 60",
        "#[contexts.",
        "#production = true",
    ] {
        assert!(example.contains(key), "{key}");
    }
    let uncommented: String = example
        .lines()
        .map(|line| {
            line.strip_prefix('#')
                .filter(|rest| !rest.starts_with(' ') && !rest.is_empty())
                .unwrap_or("")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let fixture = Fixture::new();
    fixture.write_config(&uncommented);
    // The example points at a key file; give it one so the whole example loads.
    fixture.file("home/.config/kubevibe/openai.key", "sk-example-key");
    let config = fixture.load_ok();
    assert_eq!(config.agent, AgentSettings::default());
    assert_eq!(
        config.context_settings(Some("prod-eu")),
        settings(Mode::Confirm, true, true)
    );
}

#[test]
fn the_memory_store_and_audit_log_live_under_the_data_dir() {
    let fixture = Fixture::new();
    fixture.write_config("[agent]\nmemory_chars = 12\n");
    let config = fixture.load_ok();
    let store = config.memory_store("kind-shop");
    assert_eq!(store.max_chars(), 12);
    assert_eq!(
        store.path(),
        config.paths.data_dir.join("memory/kind-shop.md")
    );
    assert_eq!(
        config.audit_log().dir(),
        config.paths.data_dir.join("audit")
    );
}
