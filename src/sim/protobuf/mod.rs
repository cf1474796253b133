//! Protobuf request bodies. kubectl's typed clients (`kubectl create configmap`, `run`,
//! `expose`, ...) send built-in kinds as `application/vnd.kubernetes.protobuf`; this decodes
//! them into the JSON the store keeps. Responses are always JSON, which those clients accept.

mod decode;
mod schema;
mod wire;

use serde_json::{Value, json};

use crate::sim::status::ApiError;
use wire::{Reader, WireValue};

pub const MEDIA_TYPE: &str = "application/vnd.kubernetes.protobuf";
const MAGIC: &[u8] = b"k8s\x00";

/// The schema message of a kind, e.g. `apps/v1 Deployment` → `apps.v1.Deployment`.
fn message_name(api_version: &str, kind: &str) -> String {
    let package = match api_version {
        "v1" if kind == "DeleteOptions" => return "meta.DeleteOptions".to_string(),
        "meta.k8s.io/v1" => return format!("meta.{kind}"),
        "v1" => "core.v1".to_string(),
        other => {
            let (group, version) = other.split_once('/').unwrap_or((other, ""));
            let short = group.split('.').next().unwrap_or(group);
            format!("{short}.{version}")
        }
    };
    format!("{package}.{kind}")
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::BadRequest(format!("error decoding protobuf body: {}", message.into()))
}

/// Decodes a `k8s\0`-prefixed `runtime.Unknown` envelope holding one object.
pub fn decode_object(bytes: &[u8]) -> Result<Value, ApiError> {
    let envelope = bytes
        .strip_prefix(MAGIC)
        .ok_or_else(|| bad("missing the k8s protobuf prefix"))?;
    let mut reader = Reader::new(envelope);
    let (mut api_version, mut kind, mut raw) = (String::new(), String::new(), &[][..]);
    while let Some((number, value)) = reader.field().map_err(bad)? {
        match (number, value) {
            (1, WireValue::Bytes(type_meta)) => {
                let mut meta = Reader::new(type_meta);
                while let Some((field, value)) = meta.field().map_err(bad)? {
                    let WireValue::Bytes(text) = value else {
                        continue;
                    };
                    let text = String::from_utf8_lossy(text).into_owned();
                    match field {
                        1 => api_version = text,
                        2 => kind = text,
                        _ => {}
                    }
                }
            }
            (2, WireValue::Bytes(body)) => raw = body,
            (3, WireValue::Bytes(encoding)) if !encoding.is_empty() => {
                return Err(ApiError::UnsupportedMediaType(format!(
                    "protobuf content encoding {:?} is not supported",
                    String::from_utf8_lossy(encoding)
                )));
            }
            _ => {}
        }
    }
    let name = message_name(&api_version, &kind);
    let mut object = decode::message(&name, raw, 0).map_err(|e| match e {
        decode::Error::UnknownMessage => ApiError::UnsupportedMediaType(format!(
            "the simulator cannot decode {api_version} {kind} from protobuf; send it as application/json"
        )),
        decode::Error::Malformed(why) => bad(why),
    })?;
    if let Some(map) = object.as_object_mut() {
        map.insert("apiVersion".to_string(), json!(api_version));
        map.insert("kind".to_string(), json!(kind));
    }
    Ok(object)
}

#[cfg(test)]
mod tests;
