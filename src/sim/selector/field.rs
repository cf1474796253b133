//! Field selectors: `field=value`, `field==value`, `field!=value`, with `\,` `\=` `\\` escapes.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRequirement {
    pub field: String,
    pub value: String,
    pub negated: bool,
}

/// A parsed field selector; all requirements must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSelector {
    pub requirements: Vec<FieldRequirement>,
}

impl FieldSelector {
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// `value_of` gives the object's value for a field; missing fields compare as "".
    pub fn matches<'a>(&self, value_of: impl Fn(&str) -> Option<&'a str>) -> bool {
        self.requirements.iter().all(|r| {
            let actual = value_of(&r.field).unwrap_or("");
            (actual == r.value) != r.negated
        })
    }

    /// The value this selector pins `field` to with `=`, if any (used for `metadata.name`).
    pub fn exact(&self, field: &str) -> Option<&str> {
        self.requirements
            .iter()
            .find(|r| r.field == field && !r.negated)
            .map(|r| r.value.as_str())
    }

    /// Parses the `fieldSelector` query parameter. The error is the message for a 400.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut requirements = Vec::new();
        for term in split_unescaped(text, ',') {
            if term.trim().is_empty() {
                continue;
            }
            requirements.push(parse_term(&term)?);
        }
        Ok(Self { requirements })
    }
}

fn parse_term(term: &str) -> Result<FieldRequirement, String> {
    for (token, negated) in [("!=", true), ("==", false), ("=", false)] {
        if let Some(at) = find_unescaped(term, token) {
            let field = term[..at].trim().to_string();
            let value = unescape(&term[at + token.len()..])?;
            return Ok(FieldRequirement {
                field,
                value,
                negated,
            });
        }
    }
    Err(format!(
        "invalid selector: '{term}'; can't understand '{term}'"
    ))
}

fn split_unescaped(text: &str, separator: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in text.chars() {
        if escaped {
            current.push('\\');
            current.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == separator {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    if escaped {
        current.push('\\');
    }
    parts.push(current);
    parts
}

fn find_unescaped(text: &str, token: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        if c == '\\' {
            escaped = true;
            continue;
        }
        if text[i..].starts_with(token) {
            return Some(i);
        }
    }
    None
}

fn unescape(text: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(next @ ('\\' | ',' | '=')) => out.push(next),
            Some(other) => {
                return Err(format!(
                    "invalid field selector: invalid escape sequence: \\{other}"
                ));
            }
            None => return Err("invalid field selector: unterminated escape sequence".to_string()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_and_inequality() {
        let selector =
            FieldSelector::parse("status.phase!=Running,spec.nodeName==node-1").expect("parses");
        let pending = |f: &str| match f {
            "status.phase" => Some("Pending"),
            "spec.nodeName" => Some("node-1"),
            _ => None,
        };
        assert!(selector.matches(pending));
        let running = |f: &str| {
            if f == "status.phase" {
                Some("Running")
            } else {
                Some("node-1")
            }
        };
        assert!(!selector.matches(running));
    }

    #[test]
    fn escapes_and_errors() {
        let selector = FieldSelector::parse(r"metadata.name=a\,b\=c").expect("parses");
        assert_eq!(selector.exact("metadata.name"), Some("a,b=c"));
        assert!(FieldSelector::parse("nonsense").is_err());
        assert!(FieldSelector::parse(r"a=b\x").is_err());
    }
}
