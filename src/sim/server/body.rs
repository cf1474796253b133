//! Request bodies: reading with the 3 MiB limit, decoding JSON or YAML objects and patches.

use axum::body::Body;
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use serde_json::Value;

use crate::sim::patch::{Patch, PatchType, accepted_patch_types};
use crate::sim::protobuf;
use crate::sim::resource::ResourceType;
use crate::sim::status::ApiError;

/// The API server's request body limit.
pub const MAX_BODY_BYTES: usize = 3 * 1024 * 1024;

pub async fn read(body: Body) -> Result<Bytes, ApiError> {
    let mut stream = body.into_data_stream();
    let mut buffer = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::BadRequest(format!("reading the request body: {e}")))?;
        if buffer.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(ApiError::TooLarge(MAX_BODY_BYTES));
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(buffer.freeze())
}

fn media_type(content_type: Option<&str>) -> String {
    content_type
        .unwrap_or("application/json")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// An object body (create, update) as JSON or YAML.
pub fn decode_object(content_type: Option<&str>, bytes: &[u8]) -> Result<Value, ApiError> {
    match media_type(content_type).as_str() {
        "application/json" | "" | "*/*" => serde_json::from_slice(bytes)
            .map_err(|e| ApiError::BadRequest(format!("couldn't get version/kind; json parse error: {e}"))),
        "application/yaml" | "application/x-yaml" | "text/yaml" => decode_yaml(bytes),
        protobuf::MEDIA_TYPE => protobuf::decode_object(bytes),
        _ => Err(ApiError::UnsupportedMediaType(
            "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf"
                .to_string(),
        )),
    }
}

fn decode_yaml(bytes: &[u8]) -> Result<Value, ApiError> {
    serde_saphyr::from_slice::<Value>(bytes)
        .map_err(|e| ApiError::BadRequest(format!("error converting YAML to JSON: {e}")))
}

/// A PATCH body of `rt` in its declared patch type.
pub fn decode_patch(
    rt: &ResourceType,
    content_type: Option<&str>,
    bytes: &[u8],
) -> Result<Patch, ApiError> {
    let unsupported = || {
        ApiError::UnsupportedMediaType(format!(
            "the body of the request was in an unknown format - accepted media types include: {}",
            accepted_patch_types(rt)
        ))
    };
    let kind = PatchType::from_content_type(content_type.unwrap_or("")).ok_or_else(unsupported)?;
    let body = match kind {
        PatchType::Apply => decode_yaml(bytes)?,
        _ => serde_json::from_slice(bytes)
            .map_err(|e| ApiError::BadRequest(format!("error decoding patch: {e}")))?,
    };
    Ok(Patch::new(kind, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_decode_from_json_and_yaml() {
        let yaml = decode_object(
            Some("application/yaml"),
            b"kind: Pod\nmetadata:\n  name: p\n",
        )
        .expect("yaml");
        assert_eq!(yaml["metadata"]["name"], "p");
        let error = decode_object(None, b"{not json").expect_err("malformed");
        assert_eq!((error.code().as_u16(), error.reason()), (400, "BadRequest"));
        let error = decode_object(Some("application/cbor"), b"").expect_err("cbor");
        assert_eq!(error.code().as_u16(), 415);
    }

    #[tokio::test]
    async fn bodies_over_the_limit_are_refused() {
        let big = vec![b' '; MAX_BODY_BYTES + 1];
        assert_eq!(
            read(Body::from(big))
                .await
                .expect_err("too large")
                .code()
                .as_u16(),
            413
        );
        assert_eq!(read(Body::from("{}")).await.expect("fits").as_ref(), b"{}");
    }
}
