//! Objects made comparable: fields the server changes on every write (managedFields,
//! resourceVersion, generation, timestamps) are dropped, then each object becomes YAML.

use serde_json::Value;

/// Keys dropped wherever they appear.
const NOISE: &[&str] = &[
    "managedFields",
    "resourceVersion",
    "generation",
    "observedGeneration",
    "kubectl.kubernetes.io/last-applied-configuration",
];

/// Removes the noise fields from `value`, recursively.
pub(crate) fn drop_noise(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|key, _| !is_noise(key));
            map.values_mut().for_each(drop_noise);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_noise),
        _ => {}
    }
}

fn is_noise(key: &str) -> bool {
    NOISE.contains(&key)
        || key.ends_with("Timestamp")
        || (key.starts_with("last") && key.ends_with("Time"))
}

/// The objects in kubectl's JSON output: one object, a `List`, or several documents.
pub(crate) fn objects(json: &str) -> Result<Vec<Value>, String> {
    let mut objects = Vec::new();
    for document in serde_json::Deserializer::from_str(json).into_iter::<Value>() {
        let document =
            document.map_err(|error| format!("kubectl's JSON did not parse: {error}"))?;
        match document {
            Value::Object(ref map) if map.get("kind").and_then(Value::as_str) == Some("List") => {
                if let Some(Value::Array(items)) = map.get("items") {
                    objects.extend(items.iter().cloned());
                }
            }
            Value::Object(_) => objects.push(document),
            _ => {}
        }
    }
    Ok(objects)
}

/// `kind/namespace/name`, how objects from two outputs are matched.
pub(crate) fn key(object: &Value) -> String {
    let text = |pointer: &str| {
        object
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    format!(
        "{}/{}/{}",
        text("/kind"),
        text("/metadata/namespace"),
        text("/metadata/name")
    )
}

/// `object` without noise, as YAML.
pub(crate) fn to_yaml(object: &Value) -> String {
    let mut object = object.clone();
    drop_noise(&mut object);
    serde_saphyr::to_string(&object)
        .unwrap_or_else(|_| serde_json::to_string_pretty(&object).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn noise_goes_and_the_rest_stays() {
        let mut object = json!({
            "metadata": {
                "name": "web",
                "resourceVersion": "7",
                "generation": 3,
                "creationTimestamp": "2026-01-01T00:00:00Z",
                "managedFields": [{ "manager": "kubectl" }],
                "annotations": { "kubectl.kubernetes.io/last-applied-configuration": "{}", "team": "a" }
            },
            "spec": { "replicas": 2 },
            "status": { "conditions": [{ "type": "Ready", "lastTransitionTime": "x" }] }
        });
        drop_noise(&mut object);
        assert_eq!(
            object,
            json!({
                "metadata": { "name": "web", "annotations": { "team": "a" } },
                "spec": { "replicas": 2 },
                "status": { "conditions": [{ "type": "Ready" }] }
            })
        );
    }

    #[test]
    fn lists_and_streams_of_objects_are_flattened() {
        let json = r#"{"kind":"List","items":[{"kind":"Pod"},{"kind":"Service"}]}
{"kind":"Deployment"}"#;
        let kinds: Vec<String> = objects(json)
            .expect("parses")
            .iter()
            .map(|object| object["kind"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(kinds, ["Pod", "Service", "Deployment"]);
        assert!(objects("not json").is_err());
    }
}
