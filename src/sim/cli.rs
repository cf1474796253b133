//! `kubevibe sim`: serve a simulator from the shell until Ctrl-C or SIGTERM.

use std::path::PathBuf;

use super::error::SimError;
use super::handle::{SimOptions, start};

/// Run a simulated Kubernetes API server on 127.0.0.1.
#[derive(Clone, Debug, clap::Args)]
pub struct SimArgs {
    /// The initial cluster to load.
    #[arg(long, default_value = "empty")]
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

pub async fn run_cli(args: SimArgs) -> Result<(), SimError> {
    let options = SimOptions {
        scenario: args.scenario.clone(),
        speed: args.speed,
        port: args.port,
        token: None,
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
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        sim: SimArgs,
    }

    #[test]
    fn flags_and_defaults() {
        let defaults = Cli::parse_from(["sim"]).sim;
        assert_eq!(
            (defaults.scenario.as_str(), defaults.speed, defaults.port),
            ("empty", 1.0, 0)
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
