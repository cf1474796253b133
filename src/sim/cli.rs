//! `kubevibe sim`: serve a simulator from the shell until Ctrl-C or SIGTERM.

use std::path::PathBuf;

use super::error::SimError;
use super::handle::{SimOptions, start};
use super::scenarios::{self, Scenario, ScenarioError};

/// Run a simulated Kubernetes API server on 127.0.0.1.
#[derive(Clone, Debug, clap::Args)]
#[command(after_help = scenarios_help())]
pub struct SimArgs {
    /// The initial cluster to load (see the list below).
    #[arg(long, value_name = "NAME", default_value = "healthy", value_parser = scenario_name)]
    pub scenario: String,
    /// Simulated time speed: 2 makes grace periods and controller delays twice as fast.
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Where to write the kubeconfig (default: a file in the temp directory).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig_out: Option<PathBuf>,
    /// Name of the cluster, user and context in the kubeconfig.
    #[arg(long, value_name = "NAME", default_value = "kubevibe-sim")]
    pub context: String,
}

fn scenarios_help() -> String {
    let lines: Vec<String> = scenarios::help()
        .lines()
        .map(|line| format!("  {line}"))
        .collect();
    format!("Scenarios:\n{}", lines.join("\n"))
}

/// Checks a `--scenario` value while parsing, so a typo is reported with the choices.
fn scenario_name(name: &str) -> Result<String, ScenarioError> {
    name.parse::<Scenario>()
        .map(|scenario| scenario.to_string())
}

pub async fn run_cli(args: SimArgs) -> Result<(), SimError> {
    let options = SimOptions {
        scenario: args.scenario.clone(),
        speed: args.speed,
        port: args.port,
        token: None,
        controllers: true,
        forbidden: Vec::new(),
    };
    let mut handle = start(options).await?;
    let path = args.kubeconfig_out.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("kubevibe-sim-{}.kubeconfig", handle.addr().port()))
    });
    handle
        .write_kubeconfig(&path, &args.context)
        .map_err(|source| SimError::Kubeconfig {
            path: path.clone(),
            source,
        })?;
    println!(
        "kubevibe sim: simulated Kubernetes API on {} (scenario {}, speed {}x)",
        handle.base_url(),
        args.scenario,
        args.speed
    );
    println!(
        "kubeconfig:   {} (context {})",
        path.display(),
        args.context
    );
    println!(
        "try:          kubectl --kubeconfig {} get pods -A",
        path.display()
    );
    println!("stop with Ctrl-C");
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(SimError::Signal)?;
    let outcome = tokio::select! {
        signal = tokio::signal::ctrl_c() => signal.map_err(SimError::Signal),
        _ = terminate.recv() => Ok(()),
        served = handle.wait() => served,
    };
    handle.shutdown().await;
    outcome
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use clap::{Args, Command, FromArgMatches, Parser};

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        sim: SimArgs,
    }

    fn sim_command() -> Command {
        SimArgs::augment_args(Command::new("sim"))
    }

    fn parse(args: &[&str]) -> Result<SimArgs, clap::Error> {
        let matches = sim_command().try_get_matches_from(args)?;
        SimArgs::from_arg_matches(&matches)
    }

    #[test]
    fn help_lists_every_scenario_with_its_description() {
        let help = sim_command().render_long_help().to_string();
        for (name, description) in scenarios::CATALOG {
            let line = help
                .lines()
                .find(|line| line.trim_start().starts_with(&format!("{name} ")))
                .unwrap_or_else(|| panic!("no line for {name} in:\n{help}"));
            assert!(line.ends_with(description), "{line:?}");
        }
    }

    #[test]
    fn the_default_scenario_is_healthy() {
        assert_eq!(parse(&["sim"]).unwrap().scenario, "healthy");
        assert_eq!(
            parse(&["sim", "--scenario", "scale:200"]).unwrap().scenario,
            "scale:200"
        );
    }

    #[test]
    fn an_unknown_scenario_is_rejected_with_the_choices() {
        let error = parse(&["sim", "--scenario", "chaos"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("\"chaos\""), "{error}");
        assert!(error.contains("rollout-stuck"), "{error}");
    }

    #[tokio::test]
    async fn starting_an_unknown_scenario_fails_with_the_choices() {
        let options = SimOptions {
            scenario: "chaos".to_string(),
            ..SimOptions::default()
        };
        let Err(error) = start(options).await else {
            panic!("an unknown scenario started");
        };
        let message = error.to_string();
        assert!(message.contains("empty, healthy, crashloop"), "{message}");
    }

    #[test]
    fn flags_and_defaults() {
        let defaults = Cli::parse_from(["sim"]).sim;
        assert_eq!(
            (defaults.scenario.as_str(), defaults.speed, defaults.port),
            ("healthy", 1.0, 0)
        );
        assert_eq!(
            (defaults.context.as_str(), defaults.kubeconfig_out),
            ("kubevibe-sim", None)
        );
        let given = Cli::parse_from([
            "sim",
            "--speed",
            "4",
            "--port",
            "8443",
            "--kubeconfig-out",
            "/tmp/k",
            "--context",
            "demo",
        ])
        .sim;
        assert_eq!(
            (given.speed, given.port, given.context.as_str()),
            (4.0, 8443, "demo")
        );
        assert_eq!(given.kubeconfig_out, Some(PathBuf::from("/tmp/k")));
    }
}
