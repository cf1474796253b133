#![allow(clippy::unwrap_used)]
//! Redaction of objects in place: Secrets (also as raw `SecretList` items without a kind),
//! credentials under telling names, env pairs, args, and last-applied annotations.

use kubevibe::agent::redact::{redact_json, redact_text};
use serde_json::json;

#[test]
fn secret_data_and_string_data_are_replaced_keeping_keys() {
    let mut secret = json!({
        "kind": "Secret",
        "data": { "password": "aHVudGVy", "empty": "" },
        "stringData": { "token": "abc" },
        "metadata": {
            "name": "db",
            "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"password\":\"aHVudGVy\"}}"
            }
        }
    });
    assert_eq!(redact_json(&mut secret), 3);
    assert_eq!(
        secret,
        json!({
            "kind": "Secret",
            "data": { "password": "<redacted>", "empty": "" },
            "stringData": { "token": "<redacted>" },
            "metadata": {
                "name": "db",
                "annotations": {
                    "kubectl.kubernetes.io/last-applied-configuration": "<redacted>"
                }
            }
        })
    );
}

#[test]
fn raw_secret_list_items_have_no_kind_but_are_secrets() {
    let mut list = json!({
        "kind": "SecretList",
        "items": [{ "metadata": { "name": "a" }, "data": { "k": "dmFsdWU=" } }]
    });
    assert_eq!(redact_json(&mut list), 1);
    assert_eq!(list["items"][0]["data"]["k"], "<redacted>");
}

#[test]
fn configmap_data_stays_unless_a_key_names_a_credential() {
    let mut config = json!({
        "kind": "ConfigMap",
        "data": { "LOG_LEVEL": "info", "DB_PASSWORD": "hunter2", "TOKEN_FILE": "/run/token" }
    });
    assert_eq!(redact_json(&mut config), 1);
    assert_eq!(
        config["data"],
        json!({ "LOG_LEVEL": "info", "DB_PASSWORD": "<redacted>", "TOKEN_FILE": "/run/token" })
    );
}

#[test]
fn env_pairs_args_and_annotations_of_workloads() {
    let mut pod = json!({
        "kind": "Pod",
        "metadata": { "annotations": {
            "kubectl.kubernetes.io/last-applied-configuration":
                "{\"kind\":\"Pod\",\"spec\":{\"containers\":[{\"env\":[{\"name\":\"API_KEY\",\"value\":\"k-123456\"}]}]}}\n"
        }},
        "spec": { "containers": [{
            "args": ["--token", "t-123456", "--password=p-123456", "--port", "8080"],
            "env": [
                { "name": "API_KEY", "value": "k-123456" },
                { "name": "MODE", "value": "fast" },
                { "name": "DB_PASSWORD", "valueFrom": { "secretKeyRef": { "name": "db", "key": "password" } } }
            ],
            "command": ["sh", "-c", "curl -H 'Authorization: Bearer abcdefghijklmnopqrstu' http://x"]
        }]}
    });
    let count = redact_json(&mut pod);
    let text = pod.to_string();
    for secret in ["t-123456", "p-123456", "k-123456", "abcdefghijklmnopqrstu"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert_eq!(count, 5);
    let container = &pod["spec"]["containers"][0];
    assert_eq!(
        container["args"],
        json!([
            "--token",
            "<redacted>",
            "--password=<redacted>",
            "--port",
            "8080"
        ])
    );
    assert_eq!(
        container["env"][1],
        json!({ "name": "MODE", "value": "fast" })
    );
    assert_eq!(
        container["env"][2]["valueFrom"]["secretKeyRef"]["key"],
        "password"
    );
    assert!(
        pod["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
            .as_str()
            .unwrap()
            .ends_with("\"value\":\"<redacted>\"}]}]}}\n")
    );
}

#[test]
fn json_text_keeps_its_formatting_outside_the_redacted_values() {
    let text = "{\n    \"kind\": \"Secret\",\n    \"data\": {\"a\":   \"c2VjcmV0\"},\n    \"note\": \"caf\\u00e9 \\\"quoted\\\"\"\n}\n";
    let redacted = redact_text(text);
    assert_eq!(
        redacted.text,
        "{\n    \"kind\": \"Secret\",\n    \"data\": {\"a\":   \"<redacted>\"},\n    \"note\": \"caf\\u00e9 \\\"quoted\\\"\"\n}\n"
    );
}

#[test]
fn a_watch_stream_of_json_objects_is_redacted_object_by_object() {
    let text = "{\"kind\":\"Secret\",\"data\":{\"a\":\"eA==\"}}\n{\"kind\":\"Secret\",\"data\":{\"b\":\"eQ==\"}}\n";
    let redacted = redact_text(text);
    assert_eq!(redacted.count, 2);
    assert!(!redacted.text.contains("eA==") && !redacted.text.contains("eQ=="));
}

#[test]
fn multi_line_secret_values_in_yaml_lose_their_lines() {
    let text = "kind: Secret\nstringData:\n  id_rsa: |\n    -----BEGIN OPENSSH PRIVATE KEY-----\n    b3BlbnNzaC1rZXktdjEAAAAA\n    -----END OPENSSH PRIVATE KEY-----\n\n  user: git\ntype: Opaque\n";
    let redacted = redact_text(text);
    assert_eq!(
        redacted.text,
        "kind: Secret\nstringData:\n  id_rsa: <redacted>\n\n  user: <redacted>\ntype: Opaque\n"
    );
    assert_eq!(redacted.count, 2);
}

#[test]
fn a_one_megabyte_log_is_redacted_whole() {
    let line = "2024-05-01T10:00:00Z INFO GET /api/orders 200 1.2ms user=alice token=abcdef123456 trace=9f8e7d\n";
    let large: String = line.repeat(20_000);
    assert!(large.len() > 1_000_000);
    let large_result = redact_text(&large);
    assert_eq!(large_result.count, 20_000);
    assert!(!large_result.text.contains("abcdef123456"));
    assert_eq!(large_result.text.lines().count(), 20_000);
}
