//! The protobuf field table (`schema.txt`), parsed once.

use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldType {
    String,
    Bool,
    Integer,
    Bytes,
    Message(String),
    Map(Box<FieldType>, Box<FieldType>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub kind: FieldType,
    pub repeated: bool,
}

pub type Message = HashMap<u32, Field>;

fn parse_type(text: &str) -> Option<FieldType> {
    if let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        let (key, value) = inner.split_once(':')?;
        return Some(FieldType::Map(
            Box::new(parse_type(key)?),
            Box::new(parse_type(value)?),
        ));
    }
    Some(match text {
        "s" => FieldType::String,
        "b" => FieldType::Bool,
        "i" => FieldType::Integer,
        "y" => FieldType::Bytes,
        name if name.contains('.') => FieldType::Message(name.to_string()),
        _ => return None,
    })
}

fn parse_field(text: &str) -> Option<(u32, Field)> {
    let mut parts = text.splitn(3, ':');
    let number = parts.next()?.parse().ok()?;
    let name = parts.next()?.to_string();
    let kind = parts.next()?;
    let (kind, repeated) = match kind.strip_suffix('*') {
        Some(kind) => (kind, true),
        None => (kind, false),
    };
    Some((
        number,
        Field {
            name,
            kind: parse_type(kind)?,
            repeated,
        },
    ))
}

fn parse(text: &str) -> HashMap<String, Message> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let mut words = line.split(' ');
            let name = words.next()?.to_string();
            Some((name, words.filter_map(parse_field).collect()))
        })
        .collect()
}

pub fn messages() -> &'static HashMap<String, Message> {
    static SCHEMA: OnceLock<HashMap<String, Message>> = OnceLock::new();
    SCHEMA.get_or_init(|| parse(include_str!("schema.txt")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn referenced(kind: &FieldType, out: &mut Vec<String>) {
        match kind {
            FieldType::Message(name) => out.push(name.clone()),
            FieldType::Map(key, value) => {
                referenced(key, out);
                referenced(value, out);
            }
            _ => {}
        }
    }

    #[test]
    fn every_referenced_message_is_defined() {
        let schema = messages();
        assert!(schema.len() > 200);
        let mut names = Vec::new();
        for message in schema.values() {
            for field in message.values() {
                referenced(&field.kind, &mut names);
            }
        }
        let missing: Vec<&String> = names.iter().filter(|n| !schema.contains_key(*n)).collect();
        assert!(missing.is_empty(), "undefined messages: {missing:?}");
        let container = &schema["core.v1.Container"];
        assert_eq!(
            container[&2],
            Field {
                name: "image".into(),
                kind: FieldType::String,
                repeated: false
            }
        );
    }
}
