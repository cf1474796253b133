//! Label selectors in the query-string syntax: `=`, `==`, `!=`, `in`, `notin`, `key`, `!key`, `>`, `<`.

use std::collections::BTreeSet;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operator {
    Equals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    pub operator: Operator,
    pub values: BTreeSet<String>,
}

/// A parsed label selector; all requirements must hold. The empty selector matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSelector {
    pub requirements: Vec<Requirement>,
}

impl Requirement {
    fn matches(&self, labels: &[(impl AsRef<str>, impl AsRef<str>)]) -> bool {
        let value = labels
            .iter()
            .find(|(k, _)| k.as_ref() == self.key)
            .map(|(_, v)| v.as_ref());
        match self.operator {
            Operator::Equals | Operator::In => value.is_some_and(|v| self.values.contains(v)),
            Operator::NotEquals | Operator::NotIn => value.is_none_or(|v| !self.values.contains(v)),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let (Some(actual), Some(bound)) = (
                    value.and_then(|v| v.parse::<i64>().ok()),
                    self.values
                        .iter()
                        .next()
                        .and_then(|v| v.parse::<i64>().ok()),
                ) else {
                    return false;
                };
                if self.operator == Operator::GreaterThan {
                    actual > bound
                } else {
                    actual < bound
                }
            }
        }
    }
}

impl LabelSelector {
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    pub fn matches(&self, labels: &[(impl AsRef<str>, impl AsRef<str>)]) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }

    /// The selector a `LabelSelector` object (`matchLabels`, `matchExpressions`) describes.
    /// An unknown operator yields a selector that matches nothing, as the API server treats it.
    pub fn from_object(selector: &serde_json::Value) -> Self {
        let mut requirements = Vec::new();
        if let Some(labels) = selector
            .get("matchLabels")
            .and_then(serde_json::Value::as_object)
        {
            for (key, value) in labels {
                let value = value.as_str().unwrap_or("").to_string();
                requirements.push(Requirement {
                    key: key.clone(),
                    operator: Operator::Equals,
                    values: [value].into(),
                });
            }
        }
        let expressions = selector
            .get("matchExpressions")
            .and_then(serde_json::Value::as_array);
        for expression in expressions.into_iter().flatten() {
            let key = expression["key"].as_str().unwrap_or("").to_string();
            let values: BTreeSet<String> = expression["values"]
                .as_array()
                .map(|v| {
                    v.iter()
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let operator = match expression["operator"].as_str().unwrap_or("") {
                "In" => Operator::In,
                "NotIn" => Operator::NotIn,
                "Exists" => Operator::Exists,
                "DoesNotExist" => Operator::DoesNotExist,
                _ => {
                    requirements.push(Requirement {
                        key,
                        operator: Operator::In,
                        values: BTreeSet::new(),
                    });
                    continue;
                }
            };
            requirements.push(Requirement {
                key,
                operator,
                values,
            });
        }
        Self { requirements }
    }

    /// Parses the `labelSelector` query parameter. The error is the message for a 400.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut requirements = Vec::new();
        for part in split_top_level(text) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            requirements.push(parse_requirement(part)?);
        }
        Ok(Self { requirements })
    }
}

/// Splits on commas that are not inside a `(...)` value set.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn parse_requirement(part: &str) -> Result<Requirement, String> {
    let invalid = |why: &str| format!("unable to parse requirement: {part:?}: {why}");
    if let Some(key) = part.strip_prefix('!') {
        return requirement(key.trim(), Operator::DoesNotExist, Vec::new())
            .map_err(|e| invalid(&e));
    }
    for (token, operator) in [
        ("!=", Operator::NotEquals),
        ("==", Operator::Equals),
        ("=", Operator::Equals),
        (">", Operator::GreaterThan),
        ("<", Operator::LessThan),
    ] {
        if let Some((key, value)) = part.split_once(token) {
            let value = value.trim();
            if matches!(operator, Operator::GreaterThan | Operator::LessThan)
                && value.parse::<i64>().is_err()
            {
                return Err(invalid(
                    "for 'Gt', 'Lt' operators, the value must be an integer",
                ));
            }
            return requirement(key.trim(), operator, vec![value.to_string()])
                .map_err(|e| invalid(&e));
        }
    }
    let mut words = part.splitn(2, char::is_whitespace);
    let key = words.next().unwrap_or("").trim();
    let rest = words.next().unwrap_or("").trim();
    if rest.is_empty() {
        return requirement(key, Operator::Exists, Vec::new()).map_err(|e| invalid(&e));
    }
    let (operator, set) = if let Some(set) = rest.strip_prefix("notin") {
        (Operator::NotIn, set)
    } else if let Some(set) = rest.strip_prefix("in") {
        (Operator::In, set)
    } else {
        return Err(invalid(
            "found unexpected operator, expected one of: 'in', 'notin', '=', '==', '!='",
        ));
    };
    let set = set.trim();
    let inner = set
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .ok_or_else(|| invalid("expected a parenthesised set of values"))?;
    let values: Vec<String> = inner.split(',').map(|v| v.trim().to_string()).collect();
    requirement(key, operator, values).map_err(|e| invalid(&e))
}

fn requirement(key: &str, operator: Operator, values: Vec<String>) -> Result<Requirement, String> {
    if let Some(problem) = label_key_problem(key) {
        return Err(problem);
    }
    for value in &values {
        if let Some(problem) = label_value_problem(value) {
            return Err(problem);
        }
    }
    Ok(Requirement {
        key: key.to_string(),
        operator,
        values: values.into_iter().collect(),
    })
}

/// Why `key` is not a valid label key (`[prefix/]name`), if it is not.
pub fn label_key_problem(key: &str) -> Option<String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix
        && (prefix.is_empty()
            || prefix.len() > 253
            || !crate::sim::validate::is_dns_subdomain(prefix))
    {
        return Some(format!("prefix part of {key:?} must be a DNS subdomain"));
    }
    if name.is_empty() || name.len() > 63 || !is_qualified_name(name) {
        return Some(format!(
            "name part of {key:?} must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
        ));
    }
    None
}

/// Why `value` is not a valid label value, if it is not. The empty value is valid.
pub fn label_value_problem(value: &str) -> Option<String> {
    if value.is_empty() || (value.len() <= 63 && is_qualified_name(value)) {
        None
    } else {
        Some(format!(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (value {value:?})"
        ))
    }
}

fn is_qualified_name(text: &str) -> bool {
    let bytes = text.as_bytes();
    let edge_ok = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphanumeric);
    edge_ok(bytes.first())
        && edge_ok(bytes.last())
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn matches(selector: &str, pairs: &[(&str, &str)]) -> bool {
        LabelSelector::parse(selector)
            .expect("selector parses")
            .matches(&labels(pairs))
    }

    #[test]
    fn equality_operators() {
        assert!(matches("app=web", &[("app", "web")]));
        assert!(matches("app==web", &[("app", "web")]));
        assert!(!matches("app=web", &[("app", "db")]));
        assert!(matches("app!=web", &[("app", "db")]));
        assert!(matches("app!=web", &[]));
    }

    #[test]
    fn set_operators_and_existence() {
        assert!(matches(
            "tier in (a, b),app",
            &[("tier", "b"), ("app", "x")]
        ));
        assert!(!matches("tier in (a,b)", &[("tier", "c")]));
        assert!(matches("tier notin (a,b)", &[("tier", "c")]));
        assert!(matches("tier notin (a,b)", &[]));
        assert!(matches("!canary", &[("app", "x")]));
        assert!(!matches("!canary", &[("canary", "")]));
        assert!(matches("app", &[("app", "")]));
    }

    #[test]
    fn numeric_comparisons() {
        assert!(matches("gen>2", &[("gen", "3")]));
        assert!(!matches("gen<2", &[("gen", "3")]));
        assert!(LabelSelector::parse("gen>x").is_err());
    }

    #[test]
    fn malformed_selectors_are_rejected() {
        assert!(LabelSelector::parse("a b c").is_err());
        assert!(LabelSelector::parse("tier in a,b").is_err());
        assert!(LabelSelector::parse("-bad=x").is_err());
        assert!(LabelSelector::parse("app=has space").is_err());
        assert!(LabelSelector::parse("").expect("empty parses").is_empty());
    }
}
