#![allow(clippy::unwrap_used)]
//! Properties of redaction: a value planted under a Secret's `data` never survives, in YAML
//! or JSON, alone or in a list; benign text comes back unchanged with a count of 0.

use kubevibe::agent::redact::{MARKER, redact_json, redact_text};
use proptest::prelude::*;
use serde_json::json;

fn secret_yaml(key: &str, value: &str) -> String {
    format!(
        "apiVersion: v1\ndata:\n  {key}: {value}\nkind: Secret\nmetadata:\n  name: app\n  namespace: shop\ntype: Opaque\n"
    )
}

fn secret_json(key: &str, value: &str) -> serde_json::Value {
    json!({
        "apiVersion": "v1",
        "data": { key: value },
        "kind": "Secret",
        "metadata": { "name": "app", "namespace": "shop" },
        "type": "Opaque"
    })
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_value_under_secret_data_in_yaml_never_survives(
        key in "[a-z][a-z0-9_.-]{0,15}",
        value in "[A-Za-z0-9+/]{12,60}={0,2}",
    ) {
        let redacted = redact_text(&secret_yaml(&key, &value));
        prop_assert!(!redacted.text.contains(&value), "{}", redacted.text);
        let expected_line = format!("  {key}: {MARKER}\n");
        prop_assert!(redacted.text.contains(&expected_line));
        prop_assert_eq!(redacted.count, 1);
    }

    #[test]
    fn a_value_under_secret_data_in_json_never_survives(
        key in "[a-z][a-z0-9_.-]{0,15}",
        value in "[A-Za-z0-9+/]{12,60}={0,2}",
        pretty in any::<bool>(),
        in_a_list in any::<bool>(),
    ) {
        let secret = secret_json(&key, &value);
        let document = if in_a_list {
            json!({ "apiVersion": "v1", "items": [secret], "kind": "List" })
        } else {
            secret
        };
        let text = if pretty {
            serde_json::to_string_pretty(&document).unwrap()
        } else {
            serde_json::to_string(&document).unwrap()
        };
        let redacted = redact_text(&text);
        prop_assert!(!redacted.text.contains(&value), "{}", redacted.text);
        prop_assert_eq!(redacted.count, 1);
        let mut object = document.clone();
        prop_assert_eq!(redact_json(&mut object), 1);
        prop_assert!(!object.to_string().contains(&value));
    }

    #[test]
    fn pod_tables_come_back_unchanged(
        rows in prop::collection::vec(("[a-z][a-z0-9-]{2,20}", 0u8..4, 0u32..50, "[0-9]{1,2}[smhd]"), 1..20),
    ) {
        let mut table = String::from("NAME                     READY   STATUS    RESTARTS   AGE\n");
        for (name, ready, restarts, age) in rows {
            let status = ["Running", "Pending", "CrashLoopBackOff", "Completed"][usize::from(ready)];
            table.push_str(&format!("{name:<24} {ready}/1     {status:<9} {restarts:<10} {age}\n"));
        }
        let redacted = redact_text(&table);
        prop_assert_eq!(redacted.count, 0);
        prop_assert_eq!(redacted.text, table);
    }

    #[test]
    fn arbitrary_text_never_panics_and_redaction_is_stable(text in "(?s).{0,200}") {
        let once = redact_text(&text);
        let twice = redact_text(&once.text);
        prop_assert_eq!(twice.text, once.text);
    }
}
