//! Create and update semantics: server-set metadata, defaulting, validation, optimistic
//! concurrency on resourceVersion, status/main separation and generation tracking.

use std::sync::Arc;

use serde_json::{Value, json};

use super::change::ChangeKind;
use super::object::StoredObject;
use super::state::State;
use super::{Target, WriteOptions};
use crate::sim::clock::now_rfc3339;
use crate::sim::defaults::{self, Write};
use crate::sim::object::At;
use crate::sim::object::{metadata_mut, spec_equal, str_at};
use crate::sim::resource::{self, GroupResource, ResourceType, split_api_version};
use crate::sim::status::{ApiError, Cause, Subject};
use crate::sim::validate::validate;

/// Metadata only the server sets; whatever a client sends for these is ignored.
const SERVER_SET: [&str; 7] = [
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generation",
    "selfLink",
];

impl State {
    pub fn create(
        &mut self,
        gr: &GroupResource,
        namespace: &str,
        body: Value,
        options: &WriteOptions,
    ) -> Result<Arc<StoredObject>, ApiError> {
        let rt = self.resource_type(gr)?;
        let (namespace, mut object) = new_object(&rt, namespace, body, &now_rfc3339())?;
        if needs_generated_name(&object) {
            self.generate_name(&rt, &namespace, &mut object);
        }
        self.check_namespace_accepts(&rt, &namespace, &object)?;
        // A dry run shows the cluster IP and node ports it would get, without using them up.
        let mut scratch = self.allocations.clone();
        let allocations = if options.dry_run {
            &mut scratch
        } else {
            &mut self.allocations
        };
        default_and_validate_new(&rt, &mut object, options, allocations)?;
        let name = str_at(&object, "/metadata/name").to_string();
        if self.get(gr, &namespace, &name).is_some() {
            return Err(ApiError::already_exists(&rt.group, &rt.plural, &name));
        }
        if options.dry_run {
            return Ok(Arc::new(StoredObject::new(&rt, &object)));
        }
        let stored = self.commit(&rt, object, ChangeKind::Added);
        if *gr == resource::CRDS {
            self.register_crd(&stored.value());
        }
        Ok(stored)
    }

    /// Read-modify-write of an existing object: `change` gets the current value and returns the
    /// desired one. A `metadata.resourceVersion` in the result must still be the current one.
    pub fn write_existing(
        &mut self,
        gr: &GroupResource,
        namespace: &str,
        name: &str,
        target: Target,
        options: &WriteOptions,
        change: impl FnOnce(Value) -> Result<Value, ApiError>,
    ) -> Result<Arc<StoredObject>, ApiError> {
        let rt = self.resource_type(gr)?;
        let namespace = if rt.namespaced { namespace } else { "" };
        let current = self
            .get(gr, namespace, name)
            .ok_or_else(|| ApiError::not_found(&rt.group, &rt.plural, name))?;
        let mut scratch = self.allocations.clone();
        let allocations = if options.dry_run {
            &mut scratch
        } else {
            &mut self.allocations
        };
        let Some(object) = revise(&rt, namespace, name, &current, target, allocations, change)?
        else {
            return Ok(current);
        };
        if options.dry_run {
            return Ok(Arc::new(StoredObject::new(&rt, &object)));
        }
        let stored = self.commit(&rt, object, ChangeKind::Modified);
        Ok(self.after_update(&rt, gr, stored))
    }

    /// What follows a stored update: an object whose last finalizer went is removed (its last
    /// state returned), a changed CRD serves its resources.
    pub(super) fn after_update(
        &mut self,
        rt: &ResourceType,
        gr: &GroupResource,
        stored: Arc<StoredObject>,
    ) -> Arc<StoredObject> {
        if stored.is_deleting() && stored.finalizers().is_empty() && !stored.in_grace_period() {
            let key = (stored.namespace().to_string(), stored.name().to_string());
            let last = self.remove(rt, &key).unwrap_or(stored);
            self.after_removal(rt, &last);
            return last;
        }
        if *gr == resource::CRDS {
            self.register_crd(&stored.value());
        }
        stored
    }

    pub(super) fn generate_name(&self, rt: &ResourceType, namespace: &str, object: &mut Value) {
        let prefix = str_at(object, "/metadata/generateName").to_string();
        let gr = rt.group_resource();
        let mut name = format!("{prefix}{}", random_suffix());
        for _ in 0..8 {
            if self.get(&gr, namespace, &name).is_none() {
                break;
            }
            name = format!("{prefix}{}", random_suffix());
        }
        metadata_mut(object).insert("name".to_string(), json!(name));
    }

    /// Namespaced objects need a namespace that exists and is not being deleted.
    pub(super) fn check_namespace_accepts(
        &self,
        rt: &ResourceType,
        namespace: &str,
        object: &Value,
    ) -> Result<(), ApiError> {
        if !rt.namespaced {
            return Ok(());
        }
        let Some(ns) = self.get(&resource::NAMESPACES, "", namespace) else {
            return Err(ApiError::not_found("", "namespaces", namespace));
        };
        if ns.is_deleting() {
            let message = format!(
                "unable to create new content in namespace {namespace} because it is being terminated"
            );
            return Err(ApiError::Forbidden {
                subject: Subject::new(&rt.group, &rt.plural, str_at(object, "/metadata/name")),
                message,
                causes: vec![Cause {
                    reason: "NamespaceTerminating",
                    field: "metadata.namespace".to_string(),
                    message: format!("namespace {namespace} is being terminated"),
                }],
            });
        }
        Ok(())
    }

    pub(super) fn register_crd(&mut self, crd: &Value) {
        let name = str_at(crd, "/metadata/name").to_string();
        self.catalog
            .register_custom(&name, resource::custom_resource_types(crd));
    }
}

/// The body of a create with its type and server-set metadata (`uid`, `creationTimestamp`,
/// `generation`, the namespace), and the namespace it goes to. Not yet named if it only has a
/// `generateName`, nor defaulted or validated.
pub(super) fn new_object(
    rt: &ResourceType,
    namespace: &str,
    body: Value,
    created_at: &str,
) -> Result<(String, Value), ApiError> {
    let mut object = as_object(body)?;
    check_type_meta(rt, &mut object)?;
    let namespace = resolve_namespace(rt, namespace, &object)?;
    let metadata = metadata_mut(&mut object);
    for key in SERVER_SET {
        metadata.remove(key);
    }
    if rt.namespaced {
        metadata.insert("namespace".to_string(), json!(namespace));
    }
    metadata.insert("uid".to_string(), json!(uuid::Uuid::new_v4().to_string()));
    metadata.insert("creationTimestamp".to_string(), json!(created_at));
    if rt.tracks_generation {
        metadata.insert("generation".to_string(), json!(1));
    }
    Ok((namespace, object))
}

/// Whether the server picks the name: none is given, only a `generateName` prefix.
pub(super) fn needs_generated_name(object: &Value) -> bool {
    str_at(object, "/metadata/name").is_empty()
        && !str_at(object, "/metadata/generateName").is_empty()
}

/// Applies the create defaults to a new object and validates it (422 with every cause).
pub(super) fn default_and_validate_new(
    rt: &ResourceType,
    object: &mut Value,
    options: &WriteOptions,
    allocations: &mut crate::sim::defaults::Allocations,
) -> Result<(), ApiError> {
    defaults::apply(
        rt,
        object,
        Write::Create {
            keep_status: options.keep_status,
        },
        allocations,
    );
    invalid_unless_valid(rt, object)
}

/// The version `change` makes of `current` (checked, defaulted, validated, its generation
/// bumped when the spec moved), not yet stamped with a resourceVersion; `None` when it
/// equals `current`.
pub(super) fn revise(
    rt: &ResourceType,
    namespace: &str,
    name: &str,
    current: &StoredObject,
    target: Target,
    allocations: &mut crate::sim::defaults::Allocations,
    change: impl FnOnce(Value) -> Result<Value, ApiError>,
) -> Result<Option<Value>, ApiError> {
    let old = current.value();
    let mut object = as_object(change(old.clone())?)?;
    check_type_meta(rt, &mut object)?;
    check_identity(rt, namespace, name, current, &mut object)?;
    let mut object = match target {
        Target::Main => object,
        Target::Status => with_status_of(&old, &object),
    };
    carry_server_metadata(&old, &mut object);
    if target == Target::Main && rt.has_status() {
        // Usually the change left the status alone: comparing is cheaper than copying it.
        match old.get("status") {
            Some(status) if object.get("status") == Some(status) => {}
            Some(status) => set_field(&mut object, "status", status.clone()),
            None => remove_field(&mut object, "status"),
        }
    }
    defaults::apply(rt, &mut object, Write::Update { old: &old }, allocations);
    invalid_unless_valid(rt, &object)?;
    if rt.tracks_generation && !spec_equal(&old, &object) {
        let generation = old
            .at("/metadata/generation")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        metadata_mut(&mut object).insert("generation".to_string(), json!(generation + 1));
    }
    Ok((object != old).then_some(object))
}

fn as_object(body: Value) -> Result<Value, ApiError> {
    if body.is_object() {
        Ok(body)
    } else {
        Err(ApiError::BadRequest(format!(
            "the body of the request must be an object, got {}",
            kind_of(&body)
        )))
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Checks `kind` and `apiVersion` against the resource and fills them in when absent.
fn check_type_meta(rt: &ResourceType, object: &mut Value) -> Result<(), ApiError> {
    let kind = str_at(object, "/kind").to_string();
    if !kind.is_empty() && kind != rt.kind {
        return Err(ApiError::BadRequest(format!(
            "the kind in the data ({kind}) does not match the expected kind ({})",
            rt.kind
        )));
    }
    let given = str_at(object, "/apiVersion").to_string();
    let api_version = if given.is_empty() {
        rt.api_version(rt.preferred_version())
    } else {
        let (group, version) = split_api_version(&given);
        if group != rt.group || !rt.versions.iter().any(|v| v == version) {
            return Err(ApiError::BadRequest(format!(
                "the API version in the data ({given}) does not match the expected API version ({})",
                rt.api_version(rt.preferred_version())
            )));
        }
        given
    };
    set_field(object, "kind", json!(rt.kind));
    set_field(object, "apiVersion", json!(api_version));
    Ok(())
}

fn resolve_namespace(
    rt: &ResourceType,
    namespace: &str,
    object: &Value,
) -> Result<String, ApiError> {
    if !rt.namespaced {
        return Ok(String::new());
    }
    let given = str_at(object, "/metadata/namespace");
    match (namespace, given) {
        ("", "") => Ok("default".to_string()),
        ("", given) => Ok(given.to_string()),
        (url, "") => Ok(url.to_string()),
        (url, given) if url == given => Ok(url.to_string()),
        _ => Err(ApiError::BadRequest(
            "the namespace of the provided object does not match the namespace sent on the request"
                .to_string(),
        )),
    }
}

/// The body's name and namespace must be the URL's; its resourceVersion, if any, the current one.
fn check_identity(
    rt: &ResourceType,
    namespace: &str,
    name: &str,
    current: &StoredObject,
    object: &mut Value,
) -> Result<(), ApiError> {
    let body_name = str_at(object, "/metadata/name").to_string();
    if body_name.is_empty() {
        metadata_mut(object).insert("name".to_string(), json!(name));
    } else if body_name != name {
        return Err(ApiError::BadRequest(format!(
            "the name of the object ({body_name}) does not match the name on the URL ({name})"
        )));
    }
    let body_namespace = str_at(object, "/metadata/namespace");
    if rt.namespaced && !body_namespace.is_empty() && body_namespace != namespace {
        return Err(ApiError::BadRequest(
            "the namespace of the provided object does not match the namespace sent on the request"
                .to_string(),
        ));
    }
    let requested = str_at(object, "/metadata/resourceVersion");
    if !requested.is_empty() && requested.parse::<u64>().ok() != Some(current.resource_version()) {
        return Err(ApiError::conflict(&rt.group, &rt.plural, name));
    }
    Ok(())
}

/// The old object with only `status` taken from the new one: what a `/status` write may change.
fn with_status_of(old: &Value, new: &Value) -> Value {
    let mut object = old.clone();
    match new.get("status") {
        Some(status) => set_field(&mut object, "status", status.clone()),
        None => remove_field(&mut object, "status"),
    }
    object
}

fn carry_server_metadata(old: &Value, object: &mut Value) {
    let empty = serde_json::Map::new();
    let old_metadata = old
        .get("metadata")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let metadata = metadata_mut(object);
    for key in SERVER_SET {
        match old_metadata.get(key) {
            Some(value) => metadata.insert(key.to_string(), value.clone()),
            None => metadata.remove(key),
        };
    }
    for key in ["namespace", "name"] {
        if let Some(value) = old_metadata.get(key) {
            metadata.insert(key.to_string(), value.clone());
        }
    }
}

fn invalid_unless_valid(rt: &ResourceType, object: &Value) -> Result<(), ApiError> {
    let causes = validate(rt, object);
    if causes.is_empty() {
        return Ok(());
    }
    Err(ApiError::Invalid {
        group: rt.group.clone(),
        kind: rt.kind.clone(),
        name: str_at(object, "/metadata/name").to_string(),
        causes,
    })
}

fn set_field(object: &mut Value, key: &str, value: Value) {
    if let Some(map) = object.as_object_mut() {
        map.insert(key.to_string(), value);
    }
}

fn remove_field(object: &mut Value, key: &str) {
    if let Some(map) = object.as_object_mut() {
        map.remove(key);
    }
}

/// Five characters from the alphabet `generateName` suffixes use (no vowels, no look-alikes).
fn random_suffix() -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    uuid::Uuid::new_v4()
        .as_bytes()
        .iter()
        .take(5)
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}
