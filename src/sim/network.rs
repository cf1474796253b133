//! The pods' network as far as port-forwarding needs it: each container port of a running pod
//! is a small TCP server on 127.0.0.1, started on the first forward to it.
//!
//! What listens there is a stand-in for the container's application: an HTTP request gets a
//! short `200 OK` naming the pod, container and port; any other bytes are echoed back. That is
//! enough for bytes to really flow through a forward, in tests and in the demo.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

use crate::sim::object::At;
use crate::sim::resource::PODS;
use crate::sim::store::Store;

/// First bytes of an HTTP request line, for the stand-in application.
const HTTP_METHODS: [&str; 7] = [
    "GET ", "HEAD ", "POST ", "PUT ", "PATCH ", "DELETE ", "OPTIONS ",
];

/// The container ports listening, keyed by pod uid and port.
#[derive(Clone, Default)]
pub struct PodNetwork {
    listeners: Arc<Mutex<HashMap<(String, u16), SocketAddr>>>,
}

/// Who listens on a port of a pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortOwner {
    pub namespace: String,
    pub pod: String,
    pub uid: String,
    pub container: String,
    pub port: u16,
}

impl PortOwner {
    /// The container of `pod` that declares `port`, when the pod is running.
    pub fn find(pod: &Value, port: u16) -> Option<PortOwner> {
        if pod.at("/status/phase").and_then(Value::as_str) != Some("Running") {
            return None;
        }
        let containers = pod.at("/spec/containers")?.as_array()?;
        let container = containers.iter().find(|container| {
            container["ports"].as_array().is_some_and(|ports| {
                ports
                    .iter()
                    .any(|p| p["containerPort"].as_u64() == Some(u64::from(port)))
            })
        })?;
        let text = |pointer: &str| pod.at(pointer).and_then(Value::as_str);
        Some(PortOwner {
            namespace: text("/metadata/namespace").unwrap_or_default().to_owned(),
            pod: text("/metadata/name").unwrap_or_default().to_owned(),
            uid: text("/metadata/uid").unwrap_or_default().to_owned(),
            container: container["name"].as_str().unwrap_or_default().to_owned(),
            port,
        })
    }
}

impl PodNetwork {
    /// The address of `owner`'s port, starting its listener on first use. The listener stops
    /// with `shutdown`, and refuses connections once the pod is gone.
    pub async fn address(
        &self,
        owner: &PortOwner,
        store: &Store,
        shutdown: &CancellationToken,
    ) -> std::io::Result<SocketAddr> {
        let key = (owner.uid.clone(), owner.port);
        if let Some(address) = self.lock().get(&key) {
            return Ok(*address);
        }
        let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
        let address = listener.local_addr()?;
        {
            let mut listeners = self.lock();
            if let Some(existing) = listeners.get(&key) {
                return Ok(*existing);
            }
            listeners.insert(key.clone(), address);
        }
        let owner = owner.clone();
        let store = store.clone();
        let shutdown = shutdown.clone();
        let network = self.clone();
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    () = shutdown.cancelled() => break,
                    accepted = listener.accept() => accepted,
                };
                let Ok((stream, _)) = accepted else { break };
                if !pod_alive(&store, &owner) {
                    break;
                }
                tokio::spawn(serve_application(stream, owner.clone()));
            }
            network.lock().remove(&key);
        });
        Ok(address)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, u16), SocketAddr>> {
        self.listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// Whether the pod that owned the port still exists (same uid) and runs.
pub fn pod_alive(store: &Store, owner: &PortOwner) -> bool {
    store
        .get(&PODS, &owner.namespace, &owner.pod)
        .is_ok_and(|pod| {
            pod.uid() == owner.uid
                && !pod.is_deleting()
                && PortOwner::find(&pod.value(), owner.port).is_some()
        })
}

/// The stand-in application on one connection: HTTP gets a short answer, anything else an echo.
async fn serve_application(mut stream: TcpStream, owner: PortOwner) {
    let mut buffer = vec![0u8; 16 * 1024];
    let Ok(read) = stream.read(&mut buffer).await else {
        return;
    };
    if read == 0 {
        return;
    }
    let first = &buffer[..read];
    if HTTP_METHODS
        .iter()
        .any(|method| first.starts_with(method.as_bytes()))
    {
        let body = format!(
            "hello from {}/{} ({}) on port {}\n",
            owner.namespace, owner.pod, owner.container, owner.port
        );
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
        return;
    }
    if stream.write_all(first).await.is_err() {
        return;
    }
    let (mut reader, mut writer) = stream.split();
    let _ = tokio::io::copy(&mut reader, &mut writer).await;
    let _ = writer.shutdown().await;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pod(phase: &str) -> Value {
        json!({
            "metadata": {"name": "web-1", "namespace": "shop", "uid": "u1"},
            "spec": {"containers": [
                {"name": "sidecar"},
                {"name": "web", "ports": [{"containerPort": 8080}, {"containerPort": 9090}]},
            ]},
            "status": {"phase": phase},
        })
    }

    #[test]
    fn a_declared_port_of_a_running_pod_has_an_owner() {
        assert_eq!(
            PortOwner::find(&pod("Running"), 9090),
            Some(PortOwner {
                namespace: "shop".into(),
                pod: "web-1".into(),
                uid: "u1".into(),
                container: "web".into(),
                port: 9090,
            })
        );
        assert_eq!(PortOwner::find(&pod("Running"), 1234), None);
        assert_eq!(PortOwner::find(&pod("Pending"), 8080), None);
    }
}
