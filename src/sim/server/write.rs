//! create, update, patch, delete and deletecollection.

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};

use super::call::Call;
use super::read::list_options;
use super::{body, respond};
use crate::sim::object::At;
use crate::sim::patch::{self, Patch, PatchType};
use crate::sim::resource::{self, Propagation, convert};
use crate::sim::status::ApiError;
use crate::sim::store::{DeleteOptions, DeleteOutcome, Target, WriteOptions};

fn write_options(call: &Call) -> Result<WriteOptions, ApiError> {
    Ok(WriteOptions {
        dry_run: call.query.dry_run()?,
        keep_status: false,
    })
}

pub async fn create(call: &Call, request_body: Body) -> Result<Response, ApiError> {
    call.require_verb("create")?;
    let bytes = body::read(request_body).await?;
    let object = body::decode_object(call.header(header::CONTENT_TYPE), &bytes)?;
    let object = convert::from_wire(&call.rt, object);
    let created = call.app.store.create_with(
        &call.rt.storage,
        call.namespace(),
        object,
        &write_options(call)?,
    )?;
    Ok(respond::json_bytes(
        StatusCode::CREATED,
        call.wire(&created),
    ))
}

pub async fn update(call: &Call, request_body: Body) -> Result<Response, ApiError> {
    call.require_verb("update")?;
    let bytes = body::read(request_body).await?;
    let object = body::decode_object(call.header(header::CONTENT_TYPE), &bytes)?;
    let object = convert::from_wire(&call.rt, object);
    let store = &call.app.store;
    let updated = store.update_with(
        &call.rt.storage,
        call.namespace(),
        call.name(),
        Target::Main,
        &write_options(call)?,
        |_| Ok(object),
    )?;
    Ok(respond::json_bytes(StatusCode::OK, call.wire(&updated)))
}

pub async fn patch(call: &Call, request_body: Body) -> Result<Response, ApiError> {
    call.require_verb("patch")?;
    let bytes = body::read(request_body).await?;
    let patch = body::decode_patch(&call.rt, call.header(header::CONTENT_TYPE), &bytes)?;
    let (object, status) = apply_patch(call, &patch, Target::Main)?;
    Ok(respond::json_bytes(status, object))
}

/// Applies `patch` to the object in its wire form; server-side apply creates a missing object.
pub fn apply_patch(
    call: &Call,
    patch: &Patch,
    target: Target,
) -> Result<(Bytes, StatusCode), ApiError> {
    if patch.kind == PatchType::Apply && call.query.get("fieldManager").is_none_or(str::is_empty) {
        return Err(ApiError::BadRequest(
            "PATCH requests with apply content type require fieldManager".to_string(),
        ));
    }
    let patch = &Patch {
        manager: call.query.get("fieldManager").map(str::to_string),
        ..patch.clone()
    };
    let store = &call.app.store;
    let options = write_options(call)?;
    let result = store.update_with(
        &call.rt.storage,
        call.namespace(),
        call.name(),
        target,
        &options,
        |current| {
            let wire = call.wire_value(current);
            let patched = patch::apply(&call.rt, &wire, patch)?;
            Ok(convert::from_wire(&call.rt, patched))
        },
    );
    match result {
        Ok(updated) => Ok((call.wire(&updated), StatusCode::OK)),
        Err(ApiError::NotFound(_)) if patch.kind == PatchType::Apply && target == Target::Main => {
            let object = patch::object_to_create(&call.rt, call.name(), patch)?;
            let object = convert::from_wire(&call.rt, object);
            let created =
                store.create_with(&call.rt.storage, call.namespace(), object, &options)?;
            Ok((call.wire(&created), StatusCode::CREATED))
        }
        Err(other) => Err(other),
    }
}

/// DeleteOptions from the optional JSON body and the query string (the query wins).
async fn delete_options(call: &Call, request_body: Body) -> Result<DeleteOptions, ApiError> {
    let bytes = body::read(request_body).await?;
    let given: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        body::decode_object(call.header(header::CONTENT_TYPE), &bytes)?
    };
    let text = |key: &str| {
        call.query
            .get(key)
            .map(str::to_string)
            .or_else(|| given[key].as_str().map(str::to_string))
    };
    let propagation = match text("propagationPolicy").as_deref() {
        None | Some("") => None,
        Some("Foreground") => Some(Propagation::Foreground),
        Some("Background") => Some(Propagation::Background),
        Some("Orphan") => Some(Propagation::Orphan),
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "propagationPolicy: Unsupported value: {other:?}: supported values: \"Foreground\", \"Background\", \"Orphan\""
            )));
        }
    };
    let orphan = match call.query.get("orphanDependents") {
        Some(_) => Some(call.query.flag("orphanDependents")?),
        None => given["orphanDependents"].as_bool(),
    };
    let propagation = propagation.or(orphan.map(|o| {
        if o {
            Propagation::Orphan
        } else {
            Propagation::Background
        }
    }));
    let grace_period_seconds = match call.query.integer("gracePeriodSeconds")? {
        Some(grace) => Some(grace),
        None => given["gracePeriodSeconds"].as_i64(),
    };
    let body_dry_run = match &given["dryRun"] {
        Value::Null => false,
        Value::Array(values) if values.is_empty() => false,
        Value::Array(values) if values.iter().all(|v| v == "All") => true,
        other => {
            return Err(ApiError::BadRequest(format!(
                "Invalid dry run value: {other}: supported values: \"All\""
            )));
        }
    };
    Ok(DeleteOptions {
        propagation,
        grace_period_seconds,
        precondition_uid: given
            .at("/preconditions/uid")
            .and_then(Value::as_str)
            .map(str::to_string),
        precondition_resource_version: given
            .at("/preconditions/resourceVersion")
            .and_then(Value::as_str)
            .map(str::to_string),
        dry_run: call.query.dry_run()? || body_dry_run,
    })
}

pub async fn delete(call: &Call, request_body: Body) -> Result<Response, ApiError> {
    call.require_verb("delete")?;
    let options = delete_options(call, request_body).await?;
    let outcome =
        call.app
            .store
            .delete(&call.rt.storage, call.namespace(), call.name(), &options)?;
    let pods = call.rt.group_resource() == resource::PODS;
    Ok(match outcome {
        DeleteOutcome::Deleted(object) if !pods => {
            let mut details =
                json!({ "name": object.name(), "kind": call.rt.plural, "uid": object.uid() });
            if !call.rt.group.is_empty() {
                details["group"] = json!(call.rt.group);
            }
            respond::ok(
                &json!({ "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details }),
            )
        }
        DeleteOutcome::Deleted(object) | DeleteOutcome::Pending(object) => {
            respond::json_bytes(StatusCode::OK, call.wire(&object))
        }
    })
}

pub async fn delete_collection(call: &Call, request_body: Body) -> Result<Response, ApiError> {
    call.require_verb("deletecollection")?;
    let options = delete_options(call, request_body).await?;
    let selection = list_options(call)?;
    let outcomes = call.app.store.delete_collection(
        &call.rt.storage,
        call.namespace(),
        &selection,
        &options,
    )?;
    let items: Vec<Bytes> = outcomes.iter().map(|o| call.wire(o.object())).collect();
    let metadata = json!({ "resourceVersion": call.app.store.resource_version().to_string() });
    let kind = format!("{}List", call.rt.kind);
    Ok(respond::json_bytes(
        StatusCode::OK,
        respond::list_bytes(&kind, &call.api_version(), &metadata, &items),
    ))
}
