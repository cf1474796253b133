//! A request for a resource: resolving it against the catalog and routing it to its verb.

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::response::Response;
use bytes::Bytes;
use serde_json::Value;

use super::negotiate::{Representation, negotiate};
use super::path::ResourcePath;
use super::query::Query;
use super::{App, logs, read, subresource, watch, write};
use crate::sim::resource::{ResourceType, convert};
use crate::sim::status::ApiError;
use crate::sim::store::StoredObject;

/// One resolved resource request.
pub struct Call {
    pub app: App,
    pub rt: Arc<ResourceType>,
    pub path: ResourcePath,
    pub query: Query,
    pub headers: HeaderMap,
}

impl Call {
    pub fn namespace(&self) -> &str {
        self.path.namespace.as_deref().unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.path.name.as_deref().unwrap_or("")
    }

    pub fn api_version(&self) -> String {
        self.rt.api_version(&self.path.version)
    }

    /// The object as served at the requested version.
    pub fn wire(&self, object: &StoredObject) -> Bytes {
        convert::to_wire(&self.rt, &self.path.version, object)
    }

    pub fn wire_value(&self, object: Value) -> Value {
        convert::to_wire_value(&self.rt, &self.path.version, object)
    }

    pub fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn representation(&self) -> Result<Representation, ApiError> {
        negotiate(self.header(header::ACCEPT))
    }

    pub fn require_verb(&self, verb: &str) -> Result<(), ApiError> {
        if self.rt.verbs.contains(&verb) {
            Ok(())
        } else {
            Err(ApiError::MethodNotAllowed)
        }
    }
}

/// Finds the resource type; `/api/v1/namespaces/{ns}/{x}` falls back to a namespace subresource.
fn resolve(app: &App, path: ResourcePath) -> Result<(Arc<ResourceType>, ResourcePath), ApiError> {
    if let Some(rt) = app
        .store
        .find_resource(&path.group, &path.version, &path.resource)
    {
        return Ok((rt, path));
    }
    let fallback = path
        .as_namespace_subresource()
        .ok_or(ApiError::NoSuchResource)?;
    let rt = app
        .store
        .find_resource("", &fallback.version, "namespaces")
        .ok_or(ApiError::NoSuchResource)?;
    Ok((rt, fallback))
}

pub async fn handle(app: App, request: Request, path: ResourcePath) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
    let (rt, path) = resolve(&app, path)?;
    match (rt.namespaced, path.namespace.is_some()) {
        (false, true) => return Err(ApiError::NoSuchResource),
        (true, false) if path.name.is_some() => return Err(ApiError::NoSuchResource),
        (true, false) if parts.method == Method::POST => return Err(ApiError::MethodNotAllowed),
        _ => {}
    }
    let query = Query::from_uri(&parts.uri)?;
    let call = Call {
        app,
        rt,
        path,
        query,
        headers: parts.headers,
    };
    let has_name = call.path.name.is_some();
    let watching = call.path.watch || call.query.flag("watch")?;
    let method = parts.method;
    match (call.path.subresource.clone().as_deref(), has_name) {
        (None, _) if method == Method::GET && watching => watch::serve(call).await,
        (None, false) if method == Method::GET => read::list(&call),
        (None, true) if method == Method::GET => read::get(&call),
        (None, false) if method == Method::POST => write::create(&call, body).await,
        (None, true) if method == Method::PUT => write::update(&call, body).await,
        (None, true) if method == Method::PATCH => write::patch(&call, body).await,
        (None, true) if method == Method::DELETE => write::delete(&call, body).await,
        (None, false) if method == Method::DELETE => write::delete_collection(&call, body).await,
        (None, _) => Err(ApiError::MethodNotAllowed),
        (Some("status"), true) if call.rt.has_status() => {
            subresource::status(&call, &method, body).await
        }
        (Some("scale"), true) if call.rt.scale.is_some() => {
            subresource::scale(&call, &method, body).await
        }
        (Some("log"), true) if call.rt.has_subresource("log") => {
            if method == Method::GET {
                logs::serve(call).await
            } else {
                Err(ApiError::MethodNotAllowed)
            }
        }
        _ => Err(ApiError::NoSuchResource),
    }
}
