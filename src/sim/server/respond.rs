//! Building HTTP responses: JSON bodies, Status failures, lists spliced from stored bytes.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::{BufMut, Bytes, BytesMut};
use serde_json::Value;

use crate::sim::status::ApiError;

pub fn json_bytes(status: StatusCode, body: Bytes) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

pub fn json(status: StatusCode, value: &Value) -> Response {
    json_bytes(
        status,
        Bytes::from(serde_json::to_vec(value).unwrap_or_default()),
    )
}

pub fn ok(value: &Value) -> Response {
    json(StatusCode::OK, value)
}

pub fn error(error: &ApiError) -> Response {
    json(error.code(), &error.status())
}

pub fn text(status: StatusCode, body: impl Into<Bytes>) -> Response {
    let mut response = Response::new(Body::from(body.into()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// `{"kind":..,"apiVersion":..,"metadata":..,"items":[..]}` with the items' stored bytes copied
/// in as they are, without parsing them.
pub fn list_bytes(kind: &str, api_version: &str, metadata: &Value, items: &[Bytes]) -> Bytes {
    let header =
        serde_json::json!({ "kind": kind, "apiVersion": api_version, "metadata": metadata });
    let header = serde_json::to_vec(&header).unwrap_or_default();
    let size: usize = items.iter().map(|i| i.len() + 1).sum::<usize>() + header.len() + 16;
    let mut out = BytesMut::with_capacity(size);
    // The header ends with '}'; reopen it to append the items array.
    out.put_slice(header.strip_suffix(b"}").unwrap_or(&header));
    out.put_slice(b",\"items\":[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.put_u8(b',');
        }
        out.put_slice(item);
    }
    out.put_slice(b"]}");
    out.freeze()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spliced_lists_are_valid_json() {
        let items = [
            Bytes::from_static(br#"{"a":1}"#),
            Bytes::from_static(br#"{"b":2}"#),
        ];
        let list = list_bytes(
            "PodList",
            "v1",
            &serde_json::json!({ "resourceVersion": "3" }),
            &items,
        );
        let parsed: Value = serde_json::from_slice(&list).expect("valid JSON");
        assert_eq!(parsed["items"][1]["b"], 2);
        assert_eq!(parsed["metadata"]["resourceVersion"], "3");
        let empty: Value =
            serde_json::from_slice(&list_bytes("PodList", "v1", &serde_json::json!({}), &[]))
                .expect("valid");
        assert_eq!(empty["items"], serde_json::json!([]));
    }
}
