//! Starting a simulator and the handle that owns it.

use std::net::SocketAddr;
use std::path::Path;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::bootstrap::bootstrap;
use super::clock::Clock;
use super::error::SimError;
use super::kubeconfig;
use super::scenarios::{self, Scenario};
use super::server::{self, App};
use super::store::{Store, StoreOptions};
use super::tls::{self, TlsListener};
use super::world::World;

/// How to start a simulator.
#[derive(Clone, Debug)]
pub struct SimOptions {
    /// The initial cluster, a name from [`super::scenarios::CATALOG`]; its world (scheduler,
    /// kubelet, workload controllers) runs as long as the simulator does.
    pub scenario: String,
    /// How fast simulated time runs: 2.0 halves grace periods and controller delays.
    pub speed: f64,
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Bearer token clients must present; `None` generates a random one.
    pub token: Option<String>,
    /// Whether the controllers run. Without them the scenario's objects are only seeded and
    /// the cluster changes only when clients change it (for tests of the API server itself).
    pub controllers: bool,
    /// Resources (`plural` or `plural.group`) whose list and watch are answered
    /// `403 Forbidden`, to test how clients handle missing permissions.
    pub forbidden: Vec<String>,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            scenario: "empty".to_string(),
            speed: 1.0,
            port: 0,
            token: None,
            controllers: true,
            forbidden: Vec::new(),
        }
    }
}

/// A running simulator. Dropping it stops the server and its controllers.
pub struct SimHandle {
    addr: SocketAddr,
    token: String,
    ca_pem: String,
    store: Store,
    shutdown: CancellationToken,
    task: Option<JoinHandle<std::io::Result<()>>>,
    world: Option<World>,
}

pub async fn start(options: SimOptions) -> Result<SimHandle, SimError> {
    let scenario: Scenario = options.scenario.parse()?;
    let store = Store::new(StoreOptions {
        clock: Clock::new(options.speed),
        ..StoreOptions::default()
    });
    bootstrap(&store)?;
    let tls = tls::generate()?;
    let bind_error = |source| SimError::Bind {
        port: options.port,
        source,
    };
    let tcp = TcpListener::bind(("127.0.0.1", options.port))
        .await
        .map_err(bind_error)?;
    let listener = TlsListener::new(tcp, tls.config).map_err(bind_error)?;
    let addr = axum::serve::Listener::local_addr(&listener).map_err(bind_error)?;
    let world = if options.controllers {
        Some(World::start(&store, &scenario)?)
    } else {
        scenarios::seed(&store, &scenario)?;
        None
    };
    let token = options.token.unwrap_or_else(random_token);
    let shutdown = CancellationToken::new();
    let mut app = App::new(
        store.clone(),
        token.as_str(),
        addr.to_string(),
        shutdown.clone(),
    );
    // The API server bookmarks idle watches about once a minute; simulated time sets the pace.
    app.bookmark_interval = store.clock().scaled(std::time::Duration::from_secs(60));
    app.forbidden = options.forbidden.into();
    let router = server::router(app);
    let stop = shutdown.clone();
    let task = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(stop.cancelled_owned())
            .await
    });
    Ok(SimHandle {
        addr,
        token,
        ca_pem: tls.ca_pem,
        store,
        shutdown,
        task: Some(task),
        world,
    })
}

fn random_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

impl SimHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `https://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// The CA (PEM) that signed the server certificate; clients must trust it.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// A kubeconfig with one cluster, user (bearer token) and context named `context_name`.
    pub fn kubeconfig_yaml(&self, context_name: &str) -> String {
        kubeconfig::render(&self.base_url(), &self.ca_pem, &self.token, context_name)
    }

    /// Writes [`Self::kubeconfig_yaml`] to `path` with mode 0600.
    pub fn write_kubeconfig(&self, path: &Path, context_name: &str) -> std::io::Result<()> {
        kubeconfig::write_private(path, &self.kubeconfig_yaml(context_name))
    }

    /// Stops accepting requests, ends open watches, stops the controllers and waits for all
    /// of them to finish.
    pub async fn shutdown(mut self) {
        self.shutdown.cancel();
        if let Some(task) = self.task.take() {
            // A server that already failed has nothing left to stop.
            let _ = task.await;
        }
        if let Some(world) = self.world.take() {
            world.shutdown().await;
        }
    }

    /// Serves until the server stops on its own (it only does on an I/O failure).
    pub(crate) async fn wait(&mut self) -> Result<(), SimError> {
        match self.task.take() {
            Some(task) => match task.await {
                Ok(result) => result.map_err(SimError::Serve),
                Err(join) => Err(SimError::Serve(std::io::Error::other(join))),
            },
            None => Ok(()),
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.shutdown.cancel();
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
