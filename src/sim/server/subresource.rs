//! The `status` and `scale` subresources.

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::call::Call;
use super::write::apply_patch;
use super::{body, read, respond};
use crate::sim::object::At;
use crate::sim::object::{set_pointer, str_at};
use crate::sim::patch;
use crate::sim::resource::{ScalePaths, convert};
use crate::sim::selector::label_selector_string;
use crate::sim::status::{ApiError, Cause};
use crate::sim::store::{Target, WriteOptions};

pub async fn status(
    call: &Call,
    method: &Method,
    request_body: Body,
) -> Result<Response, ApiError> {
    let store = &call.app.store;
    let storage = &call.rt.storage;
    if *method == Method::GET {
        let object = store.get(storage, call.namespace(), call.name())?;
        return read::respond_object(call, &object, call.representation()?, StatusCode::OK);
    }
    let bytes = body::read(request_body).await?;
    let options = WriteOptions {
        dry_run: call.query.dry_run()?,
        keep_status: false,
    };
    match *method {
        Method::PUT => {
            let object = convert::from_wire(
                &call.rt,
                body::decode_object(call.header(header::CONTENT_TYPE), &bytes)?,
            );
            let updated = store.update_with(
                storage,
                call.namespace(),
                call.name(),
                Target::Status,
                &options,
                |_| Ok(object),
            )?;
            Ok(respond::json_bytes(StatusCode::OK, call.wire(&updated)))
        }
        Method::PATCH => {
            let patch = body::decode_patch(&call.rt, call.header(header::CONTENT_TYPE), &bytes)?;
            let (object, status) = apply_patch(call, &patch, Target::Status)?;
            Ok(respond::json_bytes(status, object))
        }
        _ => Err(ApiError::MethodNotAllowed),
    }
}

/// The `autoscaling/v1 Scale` view of an object.
fn scale_of(object: &Value, paths: &ScalePaths) -> Value {
    let selector = match paths.label_selector.as_deref().and_then(|p| object.at(p)) {
        Some(Value::String(text)) => text.clone(),
        Some(selector @ Value::Object(_)) => label_selector_string(selector),
        _ => String::new(),
    };
    let metadata = object.get("metadata").cloned().unwrap_or_else(|| json!({}));
    let keep = [
        "name",
        "namespace",
        "uid",
        "resourceVersion",
        "creationTimestamp",
    ];
    let metadata: serde_json::Map<String, Value> = metadata
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| keep.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let replicas = |pointer: &str| object.at(pointer).and_then(Value::as_i64).unwrap_or(0);
    let mut status = json!({ "replicas": replicas(&paths.status_replicas) });
    if !selector.is_empty() {
        status["selector"] = json!(selector);
    }
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": metadata,
        "spec": { "replicas": replicas(&paths.spec_replicas) },
        "status": status,
    })
}

pub async fn scale(call: &Call, method: &Method, request_body: Body) -> Result<Response, ApiError> {
    let Some(paths) = call.rt.scale.clone() else {
        return Err(ApiError::NoSuchResource);
    };
    let store = &call.app.store;
    let storage = &call.rt.storage;
    if *method == Method::GET {
        let object = store.get(storage, call.namespace(), call.name())?;
        return Ok(respond::ok(&scale_of(&object.value(), &paths)));
    }
    let bytes = body::read(request_body).await?;
    let desired = match *method {
        Method::PUT => Desired::Replace(body::decode_object(
            call.header(header::CONTENT_TYPE),
            &bytes,
        )?),
        Method::PATCH => Desired::Patch(body::decode_patch(
            &call.rt,
            call.header(header::CONTENT_TYPE),
            &bytes,
        )?),
        _ => return Err(ApiError::MethodNotAllowed),
    };
    let options = WriteOptions {
        dry_run: call.query.dry_run()?,
        keep_status: false,
    };
    let name = call.name().to_string();
    let updated = store.update_with(
        storage,
        call.namespace(),
        call.name(),
        Target::Main,
        &options,
        |mut current| {
            let scale = match &desired {
                Desired::Replace(scale) => scale.clone(),
                Desired::Patch(patch) => {
                    let scale_rt = scale_type(&call.rt);
                    patch::apply(&scale_rt, &scale_of(&current, &paths), patch)?
                }
            };
            let replicas = scale
                .at("/spec/replicas")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            if replicas < 0 {
                return Err(ApiError::Invalid {
                    group: "autoscaling".to_string(),
                    kind: "Scale".to_string(),
                    name: name.clone(),
                    causes: vec![Cause::invalid(
                        "spec.replicas",
                        &json!(replicas),
                        "must be greater than or equal to 0",
                    )],
                });
            }
            let requested = str_at(&scale, "/metadata/resourceVersion");
            if !requested.is_empty() {
                set_pointer(&mut current, "/metadata/resourceVersion", json!(requested));
            }
            set_pointer(&mut current, &paths.spec_replicas, json!(replicas));
            Ok(current)
        },
    )?;
    Ok(respond::ok(&scale_of(&updated.value(), &paths)))
}

enum Desired {
    Replace(Value),
    Patch(patch::Patch),
}

/// Scale is a built-in kind, so its patches may be strategic even for custom resources.
fn scale_type(rt: &crate::sim::resource::ResourceType) -> crate::sim::resource::ResourceType {
    crate::sim::resource::ResourceType {
        kind: "Scale".to_string(),
        defined_by: None,
        ..rt.clone()
    }
}
