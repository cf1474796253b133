//! Schema-driven decoding of one protobuf message into JSON, with the Kubernetes special
//! types (Time, Quantity, IntOrString, RawExtension) mapped to their JSON forms.

use base64::Engine as _;
use serde_json::{Map, Value, json};

use super::schema::{Field, FieldType, messages};
use super::wire::{Reader, WireValue};

/// Nesting deeper than this is refused (the served kinds nest far less).
const MAX_DEPTH: usize = 64;

pub enum Error {
    UnknownMessage,
    Malformed(String),
}

impl From<String> for Error {
    fn from(message: String) -> Self {
        Self::Malformed(message)
    }
}

/// Pointer fields of the Go types, where a zero or false sent on the wire means something.
/// Other zero scalars are the Go zero values of non-pointer fields, which JSON omits.
const KEEP_ZERO: &[&str] = &[
    "replicas",
    "parallelism",
    "completions",
    "backoffLimit",
    "backoffLimitPerIndex",
    "maxFailedIndexes",
    "activeDeadlineSeconds",
    "ttlSecondsAfterFinished",
    "startingDeadlineSeconds",
    "successfulJobsHistoryLimit",
    "failedJobsHistoryLimit",
    "terminationGracePeriodSeconds",
    "revisionHistoryLimit",
    "progressDeadlineSeconds",
    "deletionGracePeriodSeconds",
    "gracePeriodSeconds",
    "priority",
    "runAsUser",
    "runAsGroup",
    "fsGroup",
    "defaultMode",
    "mode",
    "tolerationSeconds",
    "partition",
    "expirationSeconds",
    "suspend",
    "automountServiceAccountToken",
    "enableServiceLinks",
    "shareProcessNamespace",
    "setHostnameAsFQDN",
    "hostUsers",
    "immutable",
    "readOnlyRootFilesystem",
    "runAsNonRoot",
    "privileged",
    "allowPrivilegeEscalation",
    "optional",
    "allocateLoadBalancerNodePorts",
    "manualSelector",
    "orphanDependents",
    "ready",
    "serving",
    "terminating",
];

pub fn message(name: &str, bytes: &[u8], depth: usize) -> Result<Value, Error> {
    if depth > MAX_DEPTH {
        return Err(Error::Malformed(
            "protobuf message nested too deeply".to_string(),
        ));
    }
    match name {
        "meta.Time" | "meta.MicroTime" => return time(bytes, name == "meta.MicroTime"),
        "resource.Quantity" => {
            return Ok(string_field(bytes, 1)?.map_or(Value::Null, Value::String));
        }
        "intstr.IntOrString" => return int_or_string(bytes),
        "runtime.RawExtension" | "meta.FieldsV1" => return raw_json(bytes),
        "meta.Duration" => return duration(bytes),
        _ => {}
    }
    let schema = messages().get(name).ok_or(Error::UnknownMessage)?;
    let mut object = Map::new();
    let mut reader = Reader::new(bytes);
    while let Some((number, value)) = reader.field()? {
        // Fields this table does not know come from newer clients; protobuf ignores them.
        let Some(field) = schema.get(&number) else {
            continue;
        };
        add(&mut object, field, value, depth)?;
    }
    Ok(Value::Object(object))
}

fn add(
    object: &mut Map<String, Value>,
    field: &Field,
    value: WireValue<'_>,
    depth: usize,
) -> Result<(), Error> {
    if let FieldType::Map(key_type, value_type) = &field.kind {
        let WireValue::Bytes(entry) = value else {
            return Err(Error::Malformed(format!(
                "map field {} is not length-delimited",
                field.name
            )));
        };
        let (key, item) = map_entry(entry, key_type, value_type, depth)?;
        let map = object
            .entry(field.name.clone())
            .or_insert_with(|| json!({}));
        if let Value::Object(map) = map {
            map.insert(key, item);
        }
        return Ok(());
    }
    if field.repeated {
        let items = object
            .entry(field.name.clone())
            .or_insert_with(|| json!([]));
        let Value::Array(items) = items else {
            return Ok(());
        };
        match (&field.kind, value) {
            (FieldType::Integer | FieldType::Bool, WireValue::Bytes(packed)) => {
                let mut reader = Reader::new(packed);
                while !reader.at_end() {
                    items.push(scalar(&field.kind, WireValue::Varint(reader.varint()?))?);
                }
            }
            (kind, value) => items.push(decode_value(kind, value, depth)?),
        }
        return Ok(());
    }
    let decoded = decode_value(&field.kind, value, depth)?;
    if is_omitted_zero(&field.name, &field.kind, &decoded) {
        return Ok(());
    }
    object.insert(field.name.clone(), decoded);
    Ok(())
}

fn is_omitted_zero(name: &str, kind: &FieldType, value: &Value) -> bool {
    match (kind, value) {
        (_, Value::Null) => true,
        (FieldType::String, Value::String(text)) => text.is_empty(),
        (FieldType::Integer, Value::Number(n)) => {
            n.as_i64() == Some(0) && !KEEP_ZERO.contains(&name)
        }
        (FieldType::Bool, Value::Bool(flag)) => !flag && !KEEP_ZERO.contains(&name),
        _ => false,
    }
}

fn decode_value(kind: &FieldType, value: WireValue<'_>, depth: usize) -> Result<Value, Error> {
    match (kind, value) {
        (FieldType::Message(name), WireValue::Bytes(bytes)) => message(name, bytes, depth + 1),
        (FieldType::Message(name), _) => Err(Error::Malformed(format!(
            "message field {name} is not length-delimited"
        ))),
        _ => scalar(kind, value),
    }
}

fn scalar(kind: &FieldType, value: WireValue<'_>) -> Result<Value, Error> {
    Ok(match (kind, value) {
        (FieldType::String, WireValue::Bytes(bytes)) => json!(String::from_utf8_lossy(bytes)),
        (FieldType::Bytes, WireValue::Bytes(bytes)) => {
            json!(base64::engine::general_purpose::STANDARD.encode(bytes))
        }
        // Go's int32 and int64 both travel as two's-complement varints.
        (FieldType::Integer, WireValue::Varint(n)) => json!(n as i64),
        (FieldType::Bool, WireValue::Varint(n)) => json!(n != 0),
        (kind, value) => {
            return Err(Error::Malformed(format!(
                "{kind:?} field has wire value {value:?}"
            )));
        }
    })
}

fn map_entry(
    entry: &[u8],
    key_type: &FieldType,
    value_type: &FieldType,
    depth: usize,
) -> Result<(String, Value), Error> {
    let mut reader = Reader::new(entry);
    let (mut key, mut value) = (String::new(), None);
    while let Some((number, wire)) = reader.field()? {
        match number {
            1 => {
                key = decode_value(key_type, wire, depth)?
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            }
            2 => value = Some(decode_value(value_type, wire, depth)?),
            _ => {}
        }
    }
    let empty = match value_type {
        FieldType::Bytes | FieldType::String => json!(""),
        _ => json!({}),
    };
    Ok((key, value.unwrap_or(empty)))
}

fn string_field(bytes: &[u8], wanted: u32) -> Result<Option<String>, Error> {
    let mut reader = Reader::new(bytes);
    let mut found = None;
    while let Some((number, value)) = reader.field()? {
        if let (true, WireValue::Bytes(text)) = (number == wanted, value) {
            found = Some(String::from_utf8_lossy(text).into_owned());
        }
    }
    Ok(found)
}

fn varints(bytes: &[u8]) -> Result<[i64; 4], Error> {
    let mut values = [0i64; 4];
    let mut reader = Reader::new(bytes);
    while let Some((number, value)) = reader.field()? {
        if let (Some(slot), WireValue::Varint(n)) = (values.get_mut(number as usize), value) {
            *slot = n as i64;
        }
    }
    Ok(values)
}

fn time(bytes: &[u8], micro: bool) -> Result<Value, Error> {
    let [_, seconds, nanos, _] = varints(bytes)?;
    if seconds == 0 && nanos == 0 {
        return Ok(Value::Null);
    }
    let at = jiff::Timestamp::new(seconds, i32::try_from(nanos).unwrap_or(0))
        .map_err(|e| Error::Malformed(format!("invalid time: {e}")))?;
    let format = if micro {
        "%Y-%m-%dT%H:%M:%S.%6fZ"
    } else {
        "%Y-%m-%dT%H:%M:%SZ"
    };
    Ok(json!(at.strftime(format).to_string()))
}

fn duration(bytes: &[u8]) -> Result<Value, Error> {
    let [_, nanoseconds, _, _] = varints(bytes)?;
    Ok(json!(format!("{}s", nanoseconds / 1_000_000_000)))
}

fn int_or_string(bytes: &[u8]) -> Result<Value, Error> {
    let [_, kind, number, _] = varints(bytes)?;
    if kind == 1 {
        return Ok(json!(string_field(bytes, 3)?.unwrap_or_default()));
    }
    Ok(json!(number))
}

fn raw_json(bytes: &[u8]) -> Result<Value, Error> {
    let mut reader = Reader::new(bytes);
    while let Some((number, value)) = reader.field()? {
        if let (1, WireValue::Bytes(raw)) = (number, value) {
            return serde_json::from_slice(raw)
                .map_err(|e| Error::Malformed(format!("embedded object is not JSON: {e}")));
        }
    }
    Ok(Value::Null)
}
