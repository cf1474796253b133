//! The command line: `kubevibe` opens the cockpit; subcommands for the demo, the simulator and
//! the configuration.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
        }
    }

    pub fn overrides(&self) -> CliOverrides {
        CliOverrides {
            config_path: self.config.clone(),
            model: self.model.clone(),
            base_url: self.base_url.clone(),
            record: self.record.clone(),
            replay_speed: self.replay_speed,
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
}
