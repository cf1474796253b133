//! `pods/{name}/portforward`: the WebSocket port-forward protocol kube-rs speaks
//! (`v4.channel.k8s.io`), relaying bytes to the pod's container ports.
//!
//! Each requested port has two channels, data `2i` and error `2i + 1`. The server first sends
//! each channel's number followed by the port (little endian); after that a binary frame is a
//! channel byte and the bytes. A port nobody listens on gets one message on its error channel.
//! The socket closes when every port's connection has ended, when the pod goes away, or when
//! the simulator stops.

use axum::extract::FromRequestParts;
use axum::extract::Request;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use bytes::{BufMut, Bytes, BytesMut};
use futures::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::sync::{broadcast, mpsc};

use super::App;
use super::path::ResourcePath;
use crate::sim::network::{PortOwner, pod_alive};
use crate::sim::object::At;
use crate::sim::resource::PODS;
use crate::sim::status::ApiError;
use crate::sim::store::ChangeKind;

/// The channel subprotocol the simulator speaks (the one kube-rs offers).
pub const PROTOCOL: &str = "v4.channel.k8s.io";

/// Bytes read from a container port per frame.
const READ_CHUNK: usize = 32 * 1024;

pub async fn serve(app: App, request: Request, path: ResourcePath) -> Result<Response, ApiError> {
    let (Some(namespace), Some(name)) = (path.namespace.as_deref(), path.name.as_deref()) else {
        return Err(ApiError::NoSuchResource);
    };
    let ports = requested_ports(request.uri())?;
    let pod = app.store.get(&PODS, namespace, name)?.value();
    let phase = pod
        .at("/status/phase")
        .and_then(Value::as_str)
        .unwrap_or("Unknown");
    if phase != "Running" {
        return Err(ApiError::BadRequest(format!(
            "unable to forward port because pod is not running. Current status={phase}"
        )));
    }
    let (mut parts, _body) = request.into_parts();
    let upgrade = WebSocketUpgrade::from_request_parts(&mut parts, &())
        .await
        .map_err(|rejection| {
            ApiError::BadRequest(format!(
                "port-forward needs a WebSocket upgrade: {rejection}"
            ))
        })?;
    Ok(upgrade
        .protocols([PROTOCOL])
        .on_upgrade(move |socket| session(app, socket, pod, ports)))
}

/// The `ports` parameter(s): comma-separated, possibly repeated, each 1–65535.
fn requested_ports(uri: &axum::http::Uri) -> Result<Vec<u16>, ApiError> {
    let axum::extract::Query(pairs) =
        axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri)
            .map_err(|e| ApiError::BadRequest(format!("invalid query string: {e}")))?;
    let mut ports = Vec::new();
    for value in pairs
        .iter()
        .filter(|(key, _)| key == "ports")
        .flat_map(|(_, value)| value.split(','))
        .map(str::trim)
        .filter(|value| !value.is_empty())
    {
        match value.parse::<u16>() {
            Ok(port) if port > 0 => ports.push(port),
            _ => {
                return Err(ApiError::BadRequest(format!(
                    "invalid port {value:?}: ports must be between 1 and 65535"
                )));
            }
        }
    }
    if ports.is_empty() {
        return Err(ApiError::BadRequest(
            "at least one port must be given in the ports parameter".into(),
        ));
    }
    Ok(ports)
}

/// What the per-port readers tell the session.
enum FromPort {
    Bytes(usize, Bytes),
    Closed,
}

async fn session(app: App, socket: WebSocket, pod: Value, ports: Vec<u16>) {
    let (mut sink, mut incoming) = socket.split();
    let mut changes = app.store.subscribe();
    for (index, port) in ports.iter().enumerate() {
        for channel in [data_channel(index), data_channel(index) + 1] {
            let [low, high] = port.to_le_bytes();
            let opening = Bytes::from(vec![channel, low, high]);
            if sink.send(Message::Binary(opening)).await.is_err() {
                return;
            }
        }
    }
    let (to_session, mut from_ports) = mpsc::channel::<FromPort>(64);
    let mut writers: Vec<Option<OwnedWriteHalf>> = Vec::with_capacity(ports.len());
    let mut owners = Vec::new();
    for (index, port) in ports.iter().copied().enumerate() {
        match connect(&app, &pod, port).await {
            Ok((owner, stream)) => {
                let (reader, writer) = stream.into_split();
                tokio::spawn(read_port(index, reader, to_session.clone()));
                writers.push(Some(writer));
                owners.push(owner);
            }
            Err(message) => {
                let mut frame = BytesMut::with_capacity(message.len() + 1);
                frame.put_u8(data_channel(index) + 1);
                frame.put_slice(message.as_bytes());
                if sink.send(Message::Binary(frame.freeze())).await.is_err() {
                    return;
                }
                writers.push(None);
            }
        }
    }
    drop(to_session);
    let mut open = writers.iter().filter(|writer| writer.is_some()).count();
    while open > 0 {
        tokio::select! {
            () = app.shutdown.cancelled() => break,
            message = incoming.next() => match message {
                Some(Ok(Message::Binary(frame))) if frame.len() > 1 => {
                    let index = usize::from(frame[0] / 2);
                    if frame[0] % 2 == 0
                        && let Some(Some(writer)) = writers.get_mut(index)
                        && writer.write_all(&frame[1..]).await.is_err()
                    {
                        writers[index] = None;
                    }
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            from_port = from_ports.recv() => match from_port {
                Some(FromPort::Bytes(index, bytes)) => {
                    let mut frame = BytesMut::with_capacity(bytes.len() + 1);
                    frame.put_u8(data_channel(index));
                    frame.put_slice(&bytes);
                    if sink.send(Message::Binary(frame.freeze())).await.is_err() {
                        break;
                    }
                }
                Some(FromPort::Closed) => open -= 1,
                None => break,
            },
            change = changes.recv() => {
                let gone = match change {
                    Ok(change) => {
                        change.resource == PODS
                            && owners.iter().any(|owner| owner.uid == change.object.uid())
                            && (change.kind == ChangeKind::Deleted || !owners.iter().all(|owner| pod_alive(&app.store, owner)))
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        !owners.iter().all(|owner| pod_alive(&app.store, owner))
                    }
                    Err(broadcast::error::RecvError::Closed) => true,
                };
                if gone {
                    break;
                }
            }
        }
    }
    for writer in writers.iter_mut().flatten() {
        let _ = writer.shutdown().await;
    }
    let _ = sink.send(Message::Close(None)).await;
}

fn data_channel(index: usize) -> u8 {
    u8::try_from(index * 2).unwrap_or(u8::MAX - 1)
}

/// Connect to the container port, or say why not (sent on the port's error channel).
async fn connect(app: &App, pod: &Value, port: u16) -> Result<(PortOwner, TcpStream), String> {
    let name = pod
        .at("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(owner) = PortOwner::find(pod, port) else {
        return Err(format!(
            "error forwarding port {port} to pod {name}: connection refused: no container listens on port {port}"
        ));
    };
    let address = app
        .network
        .address(&owner, &app.store, &app.shutdown)
        .await
        .map_err(|error| format!("error forwarding port {port} to pod {name}: {error}"))?;
    let stream = TcpStream::connect(address)
        .await
        .map_err(|error| format!("error forwarding port {port} to pod {name}: {error}"))?;
    Ok((owner, stream))
}

async fn read_port(
    index: usize,
    mut reader: tokio::net::tcp::OwnedReadHalf,
    to_session: mpsc::Sender<FromPort>,
) {
    let mut buffer = vec![0u8; READ_CHUNK];
    loop {
        match reader.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(read) => {
                let bytes = Bytes::copy_from_slice(&buffer[..read]);
                if to_session
                    .send(FromPort::Bytes(index, bytes))
                    .await
                    .is_err()
                {
                    return;
                }
            }
        }
    }
    let _ = to_session.send(FromPort::Closed).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ports(query: &str) -> Result<Vec<u16>, ApiError> {
        requested_ports(&format!("/x?{query}").parse().unwrap_or_default())
    }

    #[test]
    fn ports_are_comma_separated_or_repeated() {
        assert_eq!(ports("&ports=80%2C1234").ok(), Some(vec![80, 1234]));
        assert_eq!(ports("ports=80&ports=81").ok(), Some(vec![80, 81]));
        assert!(ports("ports=0").is_err());
        assert!(ports("ports=http").is_err());
        assert!(ports("other=1").is_err());
    }
}
