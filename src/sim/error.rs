//! Why the simulator could not start or keep serving.

use crate::sim::scenarios::ScenarioError;
use crate::sim::status::ApiError;
use crate::sim::world::WorldError;

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error("starting the simulated world failed: {0}")]
    World(#[from] WorldError),
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("setting up TLS failed: {0}")]
    Tls(#[from] crate::sim::tls::TlsError),
    #[error("seeding the cluster failed: {0}")]
    Seed(#[from] ApiError),
    #[error("cannot write the kubeconfig {path}: {source}")]
    Kubeconfig {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("the API server stopped: {0}")]
    Serve(std::io::Error),
    #[error("cannot wait for a shutdown signal: {0}")]
    Signal(std::io::Error),
}
