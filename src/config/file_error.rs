//! Turns `toml` errors into one-line [`ConfigError`]s naming the file, line and key.
//!
//! Messages are rebuilt from the error's span and the document's key tree instead of being
//! passed through, because serde's messages quote the offending value, which may be a key.

use std::ops::Range;
use std::path::Path;

use toml::de::{DeTable, DeValue};

use super::ConfigError;
use super::file::KEY_SPEC_EXPECTING;
use super::suggest::closest;

/// 1-based line and column (in characters) of a byte offset into `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..floor_char_boundary(text, offset)];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

pub(crate) fn syntax_error(path: &Path, text: &str, error: &toml::de::Error) -> ConfigError {
    let (line, column) = line_column(text, error.span().map_or(0, |span| span.start));
    ConfigError::Syntax {
        path: path.to_path_buf(),
        line,
        column,
        message: error.message().to_owned(),
    }
}

pub(crate) fn schema_error(
    path: &Path,
    text: &str,
    document: &DeTable<'_>,
    error: &toml::de::Error,
) -> ConfigError {
    let span = error.span().unwrap_or(0..0);
    let line = line_column(text, span.start).0;
    let located = locate(document, &span);
    let key = located
        .as_ref()
        .map_or_else(|| "(top level)".to_owned(), |found| found.key_path());
    let path = path.to_path_buf();
    let message = error.message();

    if message.starts_with("unknown field `") {
        // serde writes "unknown field `x`, expected one of `a`, `b`".
        let names = backquoted(message);
        let suggestion = names.split_first().and_then(|(unknown, valid)| {
            closest(unknown, valid.iter().map(String::as_str)).map(str::to_owned)
        });
        return ConfigError::UnknownKey {
            key,
            path,
            line,
            suggestion,
        };
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let missing = rest.split('`').next().unwrap_or_default().to_owned();
        return ConfigError::MissingKey {
            key,
            path,
            line,
            missing,
        };
    }
    let found = located.as_ref().map_or("nothing", |found| found.type_name);
    let wrong_type = |expected: &str, found: String| ConfigError::WrongType {
        key: key.clone(),
        path: path.clone(),
        line,
        expected: describe_expected(expected),
        found,
    };
    if message == KEY_SPEC_EXPECTING {
        return wrong_type(KEY_SPEC_EXPECTING, with_article(found));
    }
    if let Some((_, expected)) = message.rsplit_once(", expected ") {
        if message.starts_with("invalid type") {
            return wrong_type(expected, with_article(found));
        }
        if message.starts_with("invalid value") {
            return wrong_type(expected, format!("{} out of range", with_article(found)));
        }
    }
    ConfigError::InvalidInFile {
        key,
        path,
        line,
        problem: message.to_owned(),
    }
}

/// The deepest key whose name or value covers the error's span.
struct Located {
    segments: Vec<String>,
    type_name: &'static str,
}

impl Located {
    fn key_path(&self) -> String {
        let quoted: Vec<String> = self
            .segments
            .iter()
            .map(|segment| quote_key(segment))
            .collect();
        quoted.join(".")
    }
}

fn locate(table: &DeTable<'_>, span: &Range<usize>) -> Option<Located> {
    let covers = |outer: Range<usize>| outer.start <= span.start && span.end <= outer.end;
    let mut best: Option<Located> = None;
    for (key, value) in table {
        let deeper = match value.get_ref() {
            DeValue::Table(inner) => locate(inner, span),
            _ => None,
        };
        let here = (covers(key.span()) || covers(value.span())).then(|| Located {
            segments: Vec::new(),
            type_name: value.get_ref().type_str(),
        });
        let Some(mut found) = deeper.or(here) else {
            continue;
        };
        found.segments.insert(0, key.get_ref().to_string());
        if best
            .as_ref()
            .is_none_or(|best| found.segments.len() > best.segments.len())
        {
            best = Some(found);
        }
    }
    best
}

fn quote_key(segment: &str) -> String {
    let bare = !segment.is_empty()
        && segment
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        segment.to_owned()
    } else {
        format!("{segment:?}")
    }
}

fn backquoted(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

fn describe_expected(serde_expected: &str) -> String {
    let described = match serde_expected {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a non-negative integer",
        "i8" | "i16" | "i32" | "i64" | "isize" => "an integer",
        "f32" | "f64" => "a number",
        "a map" => "a table",
        "a sequence" => "an array",
        other if other.starts_with("struct ") => "a table",
        other => other,
    };
    described.to_owned()
}

fn with_article(type_name: &str) -> String {
    match type_name.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {type_name}"),
        _ => format!("a {type_name}"),
    }
}
