//! Raw HTTP access to a test simulator: authenticated requests and watch streams read event
//! by event with deadlines.
#![allow(dead_code, clippy::unwrap_used)]

use std::time::Duration;

use futures::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::support::TestSim;

pub struct Http<'a> {
    sim: &'a TestSim,
    client: reqwest::Client,
}

impl<'a> Http<'a> {
    pub fn new(sim: &'a TestSim) -> Self {
        Self {
            sim,
            client: sim.http(),
        }
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.sim.url(path))
            .bearer_auth(self.sim.handle.token())
    }

    /// Sends a request and returns the status with the body parsed as JSON (Null if it is not).
    pub async fn send(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = request.send().await.unwrap();
        let status = response.status();
        let body = response.bytes().await.unwrap();
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.request(Method::GET, path)).await
    }

    pub async fn json(&self, method: Method, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(
            self.request(method, path)
                .header("Content-Type", "application/json")
                .body(body.to_string()),
        )
        .await
    }

    pub async fn patch(&self, path: &str, content_type: &str, body: &Value) -> (StatusCode, Value) {
        self.send(
            self.request(Method::PATCH, path)
                .header("Content-Type", content_type)
                .body(body.to_string()),
        )
        .await
    }

    pub async fn text(&self, path: &str) -> (StatusCode, String) {
        let response = self.request(Method::GET, path).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    pub async fn watch(&self, path: &str) -> Watch {
        let response = self.request(Method::GET, path).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "watch {path}");
        Watch::from_response(response)
    }
}

/// A watch response, read one newline-delimited event at a time.
pub struct Watch {
    stream: futures::stream::BoxStream<'static, reqwest::Result<bytes::Bytes>>,
    buffer: Vec<u8>,
}

impl Watch {
    pub fn from_response(response: reqwest::Response) -> Self {
        Self {
            stream: response.bytes_stream().boxed(),
            buffer: Vec::new(),
        }
    }

    /// The next event, or `None` when the server ended the stream. Panics after `limit`.
    pub async fn next(&mut self, limit: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            if let Some(end) = self.buffer.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = self.buffer.drain(..=end).collect();
                return Some(serde_json::from_slice(&line).unwrap());
            }
            let chunk = tokio::time::timeout_at(deadline, self.stream.next())
                .await
                .unwrap_or_else(|_| panic!("no watch event within {limit:?}"));
            match chunk {
                Some(chunk) => self.buffer.extend_from_slice(&chunk.unwrap()),
                None => return None,
            }
        }
    }

    /// The next event that is not a BOOKMARK.
    pub async fn next_change(&mut self, limit: Duration) -> Value {
        loop {
            let event = self.next(limit).await.expect("the watch ended");
            if event["type"] != "BOOKMARK" {
                return event;
            }
        }
    }
}

/// `(type, name)` of a watch event.
pub fn summary(event: &Value) -> (String, String) {
    (
        event["type"].as_str().unwrap().to_string(),
        event["object"]["metadata"]["name"]
            .as_str()
            .unwrap_or("")
            .to_string(),
    )
}
