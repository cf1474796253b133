//! The command line: `kubevibe` opens the cockpit; subcommands for the demo, the simulator,
//! the configuration, the per-context memory and the audit trail.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::agent::mode::Mode;
use crate::config::CliOverrides;

#[derive(Debug, Parser)]
#[command(
    name = "kubevibe",
    version,
    about = "A terminal cockpit for Kubernetes, driven by an LLM"
)]
pub struct Cli {
    #[command(flatten)]
    pub llm: LlmFlags,
    /// Draw the first frame, then exit and print how long start-up took (for benchmarks)
    #[arg(long, hide = true)]
    pub first_frame_only: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Flags that pick and tune the model, shared by the cockpit and the demo.
#[derive(Debug, Clone, Default, Args)]
pub struct LlmFlags {
    /// Model as provider:model, e.g. openai:gpt-4.1, anthropic:claude-sonnet-4-5, ollama:llama3.1:8b
    #[arg(long)]
    pub model: Option<String>,
    /// Base URL of the provider's API (e.g. http://localhost:11434/v1)
    #[arg(long)]
    pub base_url: Option<String>,
    /// Config file (default: $XDG_CONFIG_HOME/kubevibe/config.toml)
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Also write every streamed answer to this JSONL file, replayable with --model replay:FILE
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Replay speed factor for replay:... models (2 = twice as fast)
    #[arg(long)]
    pub replay_speed: Option<f64>,
    /// Approval mode on every context: suggest, confirm, auto-read or auto
    #[arg(long, value_name = "MODE")]
    pub mode: Option<Mode>,
    /// Refuse every command that writes to the cluster, on every context
    #[arg(long)]
    pub read_only: bool,
}

impl LlmFlags {
    /// These flags, each falling back to `outer`'s (flags given before the subcommand).
    pub fn or(self, outer: LlmFlags) -> LlmFlags {
        LlmFlags {
            model: self.model.or(outer.model),
            base_url: self.base_url.or(outer.base_url),
            config: self.config.or(outer.config),
            record: self.record.or(outer.record),
            replay_speed: self.replay_speed.or(outer.replay_speed),
            mode: self.mode.or(outer.mode),
            read_only: self.read_only || outer.read_only,
        }
    }

    pub fn overrides(&self) -> CliOverrides {
        CliOverrides {
            config_path: self.config.clone(),
            model: self.model.clone(),
            base_url: self.base_url.clone(),
            record: self.record.clone(),
            replay_speed: self.replay_speed,
            mode: self.mode,
            read_only: self.read_only,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the cockpit on the built-in demo: the simulated demo cluster and a recorded model
    /// session, no cluster, no key and no network
    Demo(LlmFlags),
    /// Serve a simulated Kubernetes API on 127.0.0.1 that kubectl and kube-rs accept
    Sim(crate::sim::SimArgs),
    /// Show or create the configuration
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
}

/// The whole command line as the binary reads it: the cockpit's [`Cli`] plus the journal
/// subcommands (memory and audit), which the binary runs itself.
#[derive(Debug, Parser)]
#[command(
    name = "kubevibe",
    version,
    about = "A terminal cockpit for Kubernetes, driven by an LLM"
)]
pub struct Invocation {
    #[command(flatten)]
    pub llm: LlmFlags,
    /// Draw the first frame, then exit and print how long start-up took (for benchmarks)
    #[arg(long, hide = true)]
    pub first_frame_only: bool,
    #[command(subcommand)]
    pub command: Option<AnyCommand>,
}

#[derive(Debug, Subcommand)]
pub enum AnyCommand {
    #[command(flatten)]
    Cockpit(Command),
    #[command(flatten)]
    Journal(JournalCommand),
}

/// What the binary does with an [`Invocation`].
#[derive(Debug)]
pub enum Dispatch {
    /// Open the cockpit or run one of its subcommands.
    Cockpit(Cli),
    /// Run a memory or audit subcommand; `llm` holds the flags given before it.
    Journal {
        llm: LlmFlags,
        command: JournalCommand,
    },
}

impl Invocation {
    pub fn dispatch(self) -> Dispatch {
        match self.command {
            Some(AnyCommand::Journal(command)) => Dispatch::Journal {
                llm: self.llm,
                command,
            },
            Some(AnyCommand::Cockpit(command)) => Dispatch::Cockpit(Cli {
                llm: self.llm,
                first_frame_only: self.first_frame_only,
                command: Some(command),
            }),
            None => Dispatch::Cockpit(Cli {
                llm: self.llm,
                first_frame_only: self.first_frame_only,
                command: None,
            }),
        }
    }
}

/// Subcommands over the files the cockpit keeps: its notes and its audit trail.
#[derive(Debug, Subcommand)]
pub enum JournalCommand {
    /// Show or change the cockpit's notes about a kubeconfig context
    Memory {
        #[command(subcommand)]
        action: MemoryAction,
        /// The kubeconfig context (default: the kubeconfig's current context)
        #[arg(long, global = true, value_name = "NAME")]
        context: Option<String>,
    },
    /// Print a day of the audit trail: requests, plans, approvals, commands and answers
    Audit(AuditArgs),
}

#[derive(Debug, Subcommand)]
pub enum MemoryAction {
    /// Print the notes
    Show,
    /// Replace the notes with TEXT (`-` reads standard input); long notes are cut to the cap
    Set { text: String },
    /// Forget the notes
    Clear,
    /// Edit the notes in $VISUAL or $EDITOR (default vi)
    Edit,
}

#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// The UTC day to print (default: the newest day with records)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub day: Option<String>,
    /// Print an incident timeline in Markdown instead of one line per record
    #[arg(long)]
    pub markdown: bool,
    /// Only this session's records
    #[arg(long, value_name = "ID")]
    pub session: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the effective configuration and where each value came from (keys masked)
    Show,
    /// Write a commented example config file (0600) if none exists
    Init,
    /// Print the config file's path
    Path,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn parse(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("kubevibe").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn demo_takes_model_flags_before_or_after_the_subcommand() {
        let cli = parse(&["--base-url", "http://x/v1", "demo", "--replay-speed", "20"]);
        let Some(Command::Demo(flags)) = cli.command else {
            panic!("not demo")
        };
        let merged = flags.or(cli.llm).overrides();
        assert_eq!(merged.replay_speed, Some(20.0));
        assert_eq!(merged.base_url.as_deref(), Some("http://x/v1"));
    }

    #[test]
    fn subcommands_parse() {
        assert!(matches!(
            parse(&["--model", "ollama:llama3.1:8b", "config", "show"]).command,
            Some(Command::Config {
                action: ConfigAction::Show
            })
        ));
        let Some(Command::Sim(args)) =
            parse(&["sim", "--scenario", "crashloop", "--speed", "10"]).command
        else {
            panic!("not sim")
        };
        assert_eq!((args.scenario.as_str(), args.speed), ("crashloop", 10.0));
        assert!(parse(&[]).command.is_none());
        assert!(Cli::try_parse_from(["kubevibe", "sim", "--scenario", "chaos"]).is_err());
    }

    #[test]
    fn mode_and_read_only_work_before_or_after_demo() {
        let cli = parse(&["--mode", "auto-read", "demo", "--read-only"]);
        let Some(Command::Demo(flags)) = cli.command else {
            panic!("not demo")
        };
        let merged = flags.or(cli.llm).overrides();
        assert_eq!(
            (merged.mode, merged.read_only),
            (Some(Mode::AutoRead), true)
        );
        let cli = parse(&["demo", "--mode", "suggest"]);
        let Some(Command::Demo(flags)) = cli.command else {
            panic!("not demo")
        };
        let merged = flags.or(cli.llm).overrides();
        assert_eq!(
            (merged.mode, merged.read_only),
            (Some(Mode::Suggest), false)
        );
        assert!(Cli::try_parse_from(["kubevibe", "--mode", "yolo"]).is_err());
    }

    #[test]
    fn memory_and_audit_parse() {
        let invoke = |args: &[&str]| {
            Invocation::try_parse_from(std::iter::once("kubevibe").chain(args.iter().copied()))
                .unwrap()
                .dispatch()
        };
        let Dispatch::Journal {
            command: JournalCommand::Memory { action, context },
            ..
        } = invoke(&["memory", "set", "db is flaky", "--context", "prod"])
        else {
            panic!("not memory")
        };
        assert!(matches!(action, MemoryAction::Set { text } if text == "db is flaky"));
        assert_eq!(context.as_deref(), Some("prod"));
        let Dispatch::Journal {
            command: JournalCommand::Audit(args),
            ..
        } = invoke(&[
            "audit",
            "--day",
            "2026-11-21",
            "--markdown",
            "--session",
            "s1",
        ])
        else {
            panic!("not audit")
        };
        assert_eq!(args.day.as_deref(), Some("2026-11-21"));
        assert!(args.markdown);
        assert_eq!(args.session.as_deref(), Some("s1"));
        let Dispatch::Cockpit(cli) = invoke(&["--mode", "auto", "sim"]) else {
            panic!("not the cockpit")
        };
        assert!(matches!(cli.command, Some(Command::Sim(_))));
        assert_eq!(cli.llm.mode, Some(Mode::Auto));
        assert!(matches!(
            invoke(&[]),
            Dispatch::Cockpit(Cli { command: None, .. })
        ));
    }
}
