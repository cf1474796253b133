//! Secrets found by the structure of JSON objects: the same rules as for YAML (Secret data,
//! the last-applied annotation of Secrets, `value` beside a credential `name`, values under
//! credential keys, the item after a credential flag in `args`), and every other string run
//! through the text rules. The plan is a list of paths with their new strings, so it can be
//! applied to a `Value` or, by position, to the JSON text it came from.

use serde_json::{Map, Value};

use super::keys::{is_benign_value, is_credential_name, is_secret_type};
use super::{LAST_APPLIED, MARKER};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Segment {
    Key(String),
    Index(usize),
}

#[derive(Debug)]
pub(crate) struct Replacement {
    pub path: Vec<Segment>,
    pub value: String,
    pub count: usize,
}

pub(crate) fn plan(value: &Value) -> Vec<Replacement> {
    let mut planner = Planner::default();
    planner.value(value, false, false);
    planner.replacements
}

/// Applies a plan to the value it was made from; returns the secrets removed.
pub(crate) fn apply(value: &mut Value, replacements: Vec<Replacement>) -> usize {
    let mut count = 0;
    for replacement in replacements {
        if let Some(target) = lookup(value, &replacement.path) {
            *target = Value::String(replacement.value);
            count += replacement.count;
        }
    }
    count
}

fn lookup<'v>(mut value: &'v mut Value, path: &[Segment]) -> Option<&'v mut Value> {
    for segment in path {
        value = match segment {
            Segment::Key(key) => value.get_mut(key.as_str())?,
            Segment::Index(index) => value.get_mut(*index)?,
        };
    }
    Some(value)
}

#[derive(Default)]
struct Planner {
    path: Vec<Segment>,
    replacements: Vec<Replacement>,
}

impl Planner {
    fn value(&mut self, value: &Value, within_secret: bool, secret_item: bool) {
        match value {
            Value::Object(object) => self.object(object, within_secret, secret_item),
            Value::Array(items) => self.array(items, within_secret),
            Value::String(text) => self.text(text),
            _ => {}
        }
    }

    fn replace(&mut self, key: Segment, value: String, count: usize) {
        let mut path = self.path.clone();
        path.push(key);
        self.replacements.push(Replacement { path, value, count });
    }

    fn object(&mut self, object: &Map<String, Value>, within_secret: bool, secret_item: bool) {
        let kind = object.get("kind").and_then(Value::as_str);
        let is_secret = secret_item
            || kind == Some("Secret")
            || (kind.is_none()
                && object
                    .get("type")
                    .and_then(Value::as_str)
                    .is_some_and(is_secret_type)
                && (object.contains_key("data") || object.contains_key("stringData")));
        let secret_list = kind.is_some_and(|kind| kind.ends_with("SecretList"));
        let credential_name = object
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(is_credential_name);
        for (key, child) in object {
            let segment = Segment::Key(key.clone());
            match child {
                Value::Object(data) if is_secret && (key == "data" || key == "stringData") => {
                    self.path.push(segment);
                    for (name, secret) in data {
                        if secret
                            .as_str()
                            .is_some_and(|s| !s.is_empty() && s != MARKER)
                        {
                            self.replace(Segment::Key(name.clone()), MARKER.to_owned(), 1);
                        }
                    }
                    self.path.pop();
                }
                Value::String(text) if key == LAST_APPLIED && text != MARKER => {
                    if within_secret || is_secret {
                        self.replace(segment, MARKER.to_owned(), 1);
                    } else if let Some((redacted, count)) = redact_embedded_json(text) {
                        self.replace(segment, redacted, count);
                    }
                }
                Value::String(text)
                    if (is_credential_name(key) || (credential_name && key == "value"))
                        && !is_benign_value(text) =>
                {
                    self.replace(segment, MARKER.to_owned(), 1);
                }
                _ => {
                    let item_is_secret = secret_list && key == "items";
                    self.path.push(segment);
                    if item_is_secret && let Value::Array(items) = child {
                        for (index, item) in items.iter().enumerate() {
                            self.path.push(Segment::Index(index));
                            self.value(item, true, true);
                            self.path.pop();
                        }
                    } else {
                        self.value(child, within_secret || is_secret, false);
                    }
                    self.path.pop();
                }
            }
        }
    }

    fn array(&mut self, items: &[Value], within_secret: bool) {
        let mut after_credential_flag = false;
        for (index, item) in items.iter().enumerate() {
            match item {
                Value::String(text) if after_credential_flag && !is_benign_value(text) => {
                    self.replace(Segment::Index(index), MARKER.to_owned(), 1);
                }
                _ => {
                    self.path.push(Segment::Index(index));
                    self.value(item, within_secret, false);
                    self.path.pop();
                }
            }
            after_credential_flag = item.as_str().is_some_and(|text| {
                text.starts_with('-') && !text.contains('=') && is_credential_name(text)
            });
        }
    }

    /// A string anywhere: the text rules (keys, tokens, keys in URLs, embedded documents).
    fn text(&mut self, text: &str) {
        let redacted = super::redact_text(text);
        if redacted.count > 0 {
            self.replacements.push(Replacement {
                path: self.path.clone(),
                value: redacted.text,
                count: redacted.count,
            });
        }
    }
}

/// A last-applied annotation of another kind: the manifest inside, redacted and written back
/// compactly (as kubectl writes it), if anything in it was secret.
fn redact_embedded_json(text: &str) -> Option<(String, usize)> {
    let mut manifest: Value = serde_json::from_str(text).ok()?;
    let replacements = plan(&manifest);
    if replacements.is_empty() {
        return None;
    }
    let count = apply(&mut manifest, replacements);
    let mut written = serde_json::to_string(&manifest).ok()?;
    if text.ends_with('\n') {
        written.push('\n');
    }
    Some((written, count))
}
