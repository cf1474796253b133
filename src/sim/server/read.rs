//! get and list, as objects, Tables or PartialObjectMetadata.

use axum::http::StatusCode;
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};

use super::call::Call;
use super::negotiate::Representation;
use super::query::{decode_continue, encode_continue};
use super::respond;
use crate::sim::resource::convert;
use crate::sim::status::ApiError;
use crate::sim::store::{ListOptions, StoredObject};
use crate::sim::table::{self, IncludeObject, TableOptions};

pub fn get(call: &Call) -> Result<Response, ApiError> {
    call.require_verb("get")?;
    let representation = call.representation()?;
    let object = call
        .app
        .store
        .get(&call.rt.storage, call.namespace(), call.name())?;
    respond_object(call, &object, representation, StatusCode::OK)
}

/// One object in the representation the client asked for.
pub fn respond_object(
    call: &Call,
    object: &StoredObject,
    representation: Representation,
    status: StatusCode,
) -> Result<Response, ApiError> {
    match representation {
        Representation::Object => Ok(respond::json_bytes(status, call.wire(object))),
        Representation::Metadata(version) => Ok(respond::json(
            status,
            &table::partial_metadata(&call.wire_value(object.value()), version),
        )),
        Representation::Table(version) => {
            let options = table_options(call, version, true)?;
            let metadata = json!({ "resourceVersion": object.resource_version().to_string() });
            let rows = [call.wire_value(object.value())];
            Ok(respond::json(
                status,
                &table::table(&call.rt, &rows, options, metadata),
            ))
        }
    }
}

pub fn table_options<'a>(
    call: &Call,
    version: &'a str,
    headers: bool,
) -> Result<TableOptions<'a>, ApiError> {
    let include = IncludeObject::parse(call.query.get("includeObject")).map_err(|e| {
        ApiError::BadRequest(format!("Unable to convert to Table as requested: {e}"))
    })?;
    Ok(TableOptions {
        api_version: version,
        include,
        headers,
    })
}

/// List options with field names translated to the stored form.
pub fn list_options(call: &Call) -> Result<ListOptions, ApiError> {
    let mut options = call.query.list_options()?;
    for requirement in &mut options.fields.requirements {
        requirement.field = convert::storage_field(&call.rt, &requirement.field);
    }
    Ok(options)
}

/// Lists always show the current state: that is what an unset or `0` resourceVersion and
/// `NotOlderThan` ask for. The store keeps no snapshots, so `Exact` for any other version
/// gets 410 Gone, as it would once etcd compacted that version away.
fn exact_version_served(call: &Call, current: u64) -> Result<(), ApiError> {
    if call.query.get("resourceVersionMatch") != Some("Exact") {
        return Ok(());
    }
    let requested = call.query.get("resourceVersion").unwrap_or("");
    match requested.parse::<u64>() {
        Ok(rv) if rv == current => Ok(()),
        Ok(rv) => Err(ApiError::expired(rv, current)),
        Err(_) => Err(ApiError::BadRequest(format!(
            "resourceVersionMatch: Invalid value: \"Exact\": resourceVersionMatch \"Exact\" is forbidden for resourceVersion {requested:?}"
        ))),
    }
}

pub fn list(call: &Call) -> Result<Response, ApiError> {
    call.require_verb("list")?;
    let representation = call.representation()?;
    let options = list_options(call)?;
    let page = call
        .app
        .store
        .list_page(&call.rt.storage, call.namespace(), &options)?;
    let resource_version = match call.query.get("continue").filter(|c| !c.is_empty()) {
        Some(token) => decode_continue(token)?.0,
        None => page.resource_version,
    };
    exact_version_served(call, page.resource_version)?;
    let mut metadata = json!({ "resourceVersion": resource_version.to_string() });
    if let Some(next) = &page.next {
        metadata["continue"] = json!(encode_continue(resource_version, next));
    }
    if let Some(remaining) = page.remaining {
        metadata["remainingItemCount"] = json!(remaining);
    }
    match representation {
        Representation::Object => {
            let items: Vec<Bytes> = page.items.iter().map(|o| call.wire(o)).collect();
            let kind = format!("{}List", call.rt.kind);
            let body = respond::list_bytes(&kind, &call.api_version(), &metadata, &items);
            Ok(respond::json_bytes(StatusCode::OK, body))
        }
        Representation::Metadata(version) => {
            let items: Vec<Value> = page
                .items
                .iter()
                .map(|o| table::partial_metadata(&call.wire_value(o.value()), version))
                .collect();
            let list = json!({
                "kind": "PartialObjectMetadataList",
                "apiVersion": format!("meta.k8s.io/{version}"),
                "metadata": metadata,
                "items": items,
            });
            Ok(respond::ok(&list))
        }
        Representation::Table(version) => {
            let options = table_options(call, version, true)?;
            let rows: Vec<Value> = page
                .items
                .iter()
                .map(|o| call.wire_value(o.value()))
                .collect();
            Ok(respond::ok(&table::table(
                &call.rt, &rows, options, metadata,
            )))
        }
    }
}
