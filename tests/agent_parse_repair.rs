#![allow(clippy::unwrap_used)]
//! The JSON repairer: each breakage on its own, the path of a cut, and what it refuses.

use kubevibe::agent::parse::repair::{PathSegment, Repair, repair};
use serde_json::{Value, json};

fn repaired(text: &str) -> (Value, Vec<Repair>) {
    let result = repair(text).unwrap_or_else(|| panic!("not repaired: {text}"));
    let value = serde_json::from_str(&result.json)
        .unwrap_or_else(|error| panic!("{text} -> {} is not JSON: {error}", result.json));
    (value, result.repairs)
}

#[test]
fn each_breakage_is_fixed_and_named() {
    let cases: Vec<(&str, Value, Vec<Repair>)> = vec![
        (
            r#"{"a": [1, 2,],}"#,
            json!({"a": [1, 2]}),
            vec![Repair::StrayComma],
        ),
        (
            r#"{"a": [1,, 2]}"#,
            json!({"a": [1, 2]}),
            vec![Repair::StrayComma],
        ),
        (
            r#"{"a": 1 "b": [1 2]}"#,
            json!({"a": 1, "b": [1, 2]}),
            vec![Repair::MissingComma],
        ),
        (r#"{"a" 1}"#, json!({"a": 1}), vec![Repair::MissingColon]),
        (
            "{'a': 'it''s'}",
            json!({"a": "it''s"}),
            vec![Repair::SingleQuotes],
        ),
        (
            "{'a': 'the pod's logs'}",
            json!({"a": "the pod's logs"}),
            vec![Repair::SingleQuotes],
        ),
        (
            "{'a': 'say \"hi\"'}",
            json!({"a": "say \"hi\""}),
            vec![Repair::SingleQuotes],
        ),
        (
            "{\u{201c}a\u{201d}: \u{201c}b\u{201d}}",
            json!({"a": "b"}),
            vec![Repair::SmartQuotes],
        ),
        (
            "{\u{2018}a\u{2019}: \u{2018}it\u{2019}s\u{2019}}",
            json!({"a": "it\u{2019}s"}),
            vec![Repair::SmartQuotes],
        ),
        (
            r#"{"a": "“quoted” stays"}"#,
            json!({"a": "“quoted” stays"}),
            vec![],
        ),
        (
            "{a: 1, b_2: 2}",
            json!({"a": 1, "b_2": 2}),
            vec![Repair::UnquotedKey],
        ),
        (
            "{\"t\": command}",
            json!({"t": "command"}),
            vec![Repair::UnquotedString],
        ),
        (
            "{\"a\": True, \"b\": False, \"c\": None, \"d\": undefined}",
            json!({"a": true, "b": false, "c": null, "d": null}),
            vec![Repair::NonJsonLiteral],
        ),
        (
            "{\"a\": \"x\ny\tz\u{1}\"}",
            json!({"a": "x\ny\tz\u{1}"}),
            vec![Repair::ControlCharacter],
        ),
        (
            r#"{"a": "C:\dir \'x\' \u00e9"}"#,
            json!({"a": "C:\\dir 'x' é"}),
            vec![Repair::InvalidEscape],
        ),
        ("{\"a\": +5}", json!({"a": 5}), vec![Repair::NumberSign]),
        (
            "{\n // note\n \"a\": 1, /* inline */ \"b\": 2 # trailing\n}",
            json!({"a": 1, "b": 2}),
            vec![Repair::Comment],
        ),
        ("\u{feff}{\"a\":\u{a0}1}", json!({"a": 1}), vec![]),
        (
            r#"{"a": 1} and then some prose {"b": 2}"#,
            json!({"a": 1}),
            vec![],
        ),
    ];
    for (text, expected, repairs) in cases {
        let (value, found) = repaired(text);
        assert_eq!(value, expected, "{text}");
        assert_eq!(found, repairs, "{text}");
    }
}

#[test]
fn a_cut_text_is_closed_and_the_cut_located() {
    let actions = || PathSegment::Key("actions".into());
    let cases: Vec<(&str, Value, Vec<PathSegment>)> = vec![
        (
            r#"{"actions": [{"argv": ["kubectl", "get"#,
            json!({"actions": [{"argv": ["kubectl", "get"]}]}),
            vec![
                actions(),
                PathSegment::Index(0),
                PathSegment::Key("argv".into()),
                PathSegment::Index(1),
            ],
        ),
        (
            r#"{"actions": [{"a": 1}, {"seconds": 6"#,
            json!({"actions": [{"a": 1}, {"seconds": 6}]}),
            vec![
                actions(),
                PathSegment::Index(1),
                PathSegment::Key("seconds".into()),
            ],
        ),
        (
            r#"{"actions": [{"a": 1}, {"b""#,
            json!({"actions": [{"a": 1}, {"b": null}]}),
            vec![actions(), PathSegment::Index(1)],
        ),
        (
            r#"{"actions": [{"a": 1}, {"b":"#,
            json!({"actions": [{"a": 1}, {"b": null}]}),
            vec![actions(), PathSegment::Index(1)],
        ),
        (
            r#"{"actions": [{"a": 1},"#,
            json!({"actions": [{"a": 1}]}),
            vec![actions()],
        ),
        (
            r#"{"thought": "abc"#,
            json!({"thought": "abc"}),
            vec![PathSegment::Key("thought".into())],
        ),
        (
            r#"{"a": tr"#,
            json!({"a": "tr"}),
            vec![PathSegment::Key("a".into())],
        ),
        (
            r#"[{"a": 1.5e"#,
            json!([{"a": 1.5}]),
            vec![PathSegment::Index(0), PathSegment::Key("a".into())],
        ),
        (
            r#"{"a": "x\"#,
            json!({"a": "x"}),
            vec![PathSegment::Key("a".into())],
        ),
        (r#"{"a": 1, "#, json!({"a": 1}), vec![]),
    ];
    for (text, expected, cut_at) in cases {
        let result = repair(text).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&result.json).unwrap(),
            expected,
            "{text}"
        );
        assert_eq!(result.cut_at, Some(cut_at), "{text}");
        assert!(result.repairs.contains(&Repair::Truncated), "{text}");
    }
}

#[test]
fn a_complete_document_has_no_cut() {
    let result = repair(r#"{"a": [1, 2]} trailing"#).unwrap();
    assert_eq!(result.cut_at, None);
    assert!(result.repairs.is_empty());
}

#[test]
fn what_cannot_be_told_apart_is_refused() {
    for text in [
        "",
        "kubectl get pods",
        "{.items[*].metadata.name}",
        r#"{"a": 1]"#,
        r#"{"a": }"#,
        r#"{"a": 01.2.3}"#,
        "{\"a\": @}",
    ] {
        assert_eq!(repair(text), None, "{text}");
    }
}

#[test]
fn an_unescaped_double_quote_inside_a_string_is_not_guessed() {
    for text in [
        r#"{"a": "the "web" pods", "b": 1}"#,
        r#"{"argv": ["kubectl", "get", "pods", "-l", "app="web""]}"#,
        r#"{"explanation": List the pods}"#,
    ] {
        assert_eq!(repair(text), None, "{text}");
    }
}

#[test]
fn deep_nesting_is_refused_not_followed() {
    let text = "[".repeat(100);
    assert_eq!(repair(&text), None);
}
