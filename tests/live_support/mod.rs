//! Shared by the live-pane tests: a store fed by the real watcher task, a TCP proxy in front
//! of the simulator that can be taken down to cut and refuse connections.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use kube::config::{KubeConfigOptions, Kubeconfig};
use kubevibe::live::projection::Projection;
use kubevibe::live::store::{Change, Store};
use kubevibe::live::watch::{self, WatchHandle, WatchSpec};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::support::{CONTEXT, TestSim};

/// A store owned by a task applying the watcher's batches, plus what the test observed.
pub struct Fed {
    pub store: Arc<Mutex<Store>>,
    /// How many times a (re)list started.
    pub inits: Arc<Mutex<usize>>,
    /// How many failures the watcher reported.
    pub downs: Arc<Mutex<usize>>,
    pub watch: WatchHandle,
    owner: JoinHandle<()>,
}

impl Drop for Fed {
    fn drop(&mut self) {
        self.owner.abort();
    }
}

/// Watches `spec` with projection `P` into a fresh store.
pub fn feed<P: Projection>(client: kube::Client, spec: WatchSpec, kind: &str) -> Fed {
    let store = Arc::new(Mutex::new(Store::for_projection::<P>(
        kind,
        spec.namespace.clone(),
    )));
    let inits = Arc::new(Mutex::new(0));
    let downs = Arc::new(Mutex::new(0));
    let (sender, mut receiver) = mpsc::channel::<Vec<Change>>(16);
    let watch = watch::spawn::<P>(client, spec, sender);
    let (s, i, d) = (store.clone(), inits.clone(), downs.clone());
    let owner = tokio::spawn(async move {
        while let Some(batch) = receiver.recv().await {
            for change in &batch {
                match change {
                    Change::Init => *i.lock().unwrap() += 1,
                    Change::Down { .. } => *d.lock().unwrap() += 1,
                    _ => {}
                }
            }
            s.lock().unwrap().apply_all(batch);
        }
    });
    Fed {
        store,
        inits,
        downs,
        watch,
        owner,
    }
}

/// A TCP proxy to the simulator. `cut()` drops every open connection; while `down`, new
/// connections are closed at once.
pub struct Proxy {
    pub port: u16,
    down: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
    accept: JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}

impl Proxy {
    pub async fn start(target: std::net::SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let down = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(Mutex::new(Vec::<JoinHandle<()>>::new()));
        let (d, c) = (down.clone(), connections.clone());
        let accept = tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                if d.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                c.lock().unwrap().push(task);
            }
        });
        Proxy {
            port,
            down,
            connections,
            accept,
        }
    }

    /// Drops every open connection (the watch sees its connection reset).
    pub fn cut(&self) {
        for task in self.connections.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    /// Cuts and refuses new connections until [`Proxy::up`].
    pub fn down(&self) {
        self.down.store(true, Ordering::SeqCst);
        self.cut();
    }

    pub fn up(&self) {
        self.down.store(false, Ordering::SeqCst);
    }

    /// A kube client reaching the simulator through this proxy.
    pub async fn client(&self, sim: &TestSim) -> kube::Client {
        let real = sim.handle.base_url();
        let yaml = sim
            .handle
            .kubeconfig_yaml(CONTEXT)
            .replace(&real, &format!("https://127.0.0.1:{}", self.port));
        assert!(
            yaml.contains(&format!("127.0.0.1:{}", self.port)),
            "the kubeconfig names the server as {real}"
        );
        let kubeconfig = Kubeconfig::from_yaml(&yaml).unwrap();
        let config =
            kube::Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
                .await
                .unwrap();
        kube::Client::try_from(config).unwrap()
    }
}
