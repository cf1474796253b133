//! Secrets found by the structure of YAML output (`kubectl get -o yaml`, kubeconfigs), read
//! line by line without a YAML parser so that everything else stays byte for byte:
//!
//! - the values under `data` and `stringData` of a mapping with `kind: Secret` (or a Secret
//!   `type` such as `Opaque`), and the `last-applied-configuration` annotation inside it;
//! - `value` next to a `name` that looks like a credential (`- name: DB_PASSWORD`);
//! - block scalars (`key: |` and the lines under it) under a credential name;
//! - a sequence item after a credential flag item (`- --token` then `- abc`).
//!
//! Values on one line under a credential name are left to the patterns, which see them in
//! any text.

use std::ops::Range;

use super::edits::Edit;
use super::keys::{is_benign_value, is_block_indicator, is_credential_name, is_secret_type};
use super::{LAST_APPLIED, MARKER};

/// One `key: value` line.
struct Entry<'a> {
    key: &'a str,
    value: &'a str,
    value_range: Range<usize>,
    /// Lines under a block scalar, from the start of the first to the end of the last.
    block: Option<Range<usize>>,
    mapping: usize,
}

struct Mapping {
    parent_entry: Option<usize>,
    entries: Vec<usize>,
}

/// A `- value` line.
struct SequenceItem<'a> {
    column: usize,
    value: &'a str,
    value_range: Range<usize>,
}

#[derive(Default)]
struct Document<'a> {
    entries: Vec<Entry<'a>>,
    mappings: Vec<Mapping>,
    items: Vec<SequenceItem<'a>>,
}

pub(crate) fn structural_edits(text: &str) -> Vec<Edit> {
    let document = Document::read(text);
    let mut edits = Vec::new();
    document.secret_edits(&mut edits);
    document.credential_edits(&mut edits);
    document.sequence_edits(&mut edits);
    edits
}

/// The line holding `offset`'s content: start, end without the line break, and indent.
struct Line<'a> {
    start: usize,
    content: &'a str,
    indent: usize,
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut start = 0;
    text.split_inclusive('\n')
        .map(|raw| {
            let content = raw.trim_end_matches(['\n', '\r']);
            let indent = content.len() - content.trim_start_matches(' ').len();
            let line = Line {
                start,
                content,
                indent,
            };
            start += raw.len();
            line
        })
        .collect()
}

impl<'a> Document<'a> {
    fn read(text: &'a str) -> Self {
        let lines = lines(text);
        let mut document = Document::default();
        // (column, mapping) from the outermost mapping in.
        let mut open: Vec<(usize, usize)> = Vec::new();
        let mut index = 0;
        while index < lines.len() {
            let line = &lines[index];
            index += 1;
            let mut column = line.indent;
            let mut rest = &line.content[column..];
            let mut item = false;
            while let Some(after) = rest.strip_prefix("- ") {
                item = true;
                let spaces = after.len() - after.trim_start_matches(' ').len();
                column += 2 + spaces;
                rest = &after[spaces..];
            }
            if rest.is_empty() || rest.starts_with('#') {
                continue;
            }
            let Some((key, value, value_offset)) = split_entry(rest) else {
                if item {
                    let start = line.start + column;
                    document.items.push(SequenceItem {
                        column,
                        value: rest,
                        value_range: start..start + rest.len(),
                    });
                }
                continue;
            };
            while open.last().is_some_and(|&(open_column, _)| {
                open_column > column || (item && open_column == column)
            }) {
                open.pop();
            }
            let mapping = match open.last() {
                Some(&(open_column, mapping)) if open_column == column => mapping,
                _ => {
                    let parent_entry = open.last().and_then(|&(_, mapping)| {
                        document.mappings[mapping].entries.last().copied()
                    });
                    document.mappings.push(Mapping {
                        parent_entry,
                        entries: Vec::new(),
                    });
                    open.push((column, document.mappings.len() - 1));
                    document.mappings.len() - 1
                }
            };
            let value_start = line.start + column + value_offset;
            let block = if is_block_indicator(value) {
                let (block, next) = block_lines(&lines, index, column);
                index = next;
                block
            } else {
                None
            };
            document.mappings[mapping]
                .entries
                .push(document.entries.len());
            document.entries.push(Entry {
                key,
                value,
                value_range: value_start..value_start + value.len(),
                block,
                mapping,
            });
        }
        document
    }

    fn is_secret(&self, mapping: usize) -> bool {
        let value_of = |key: &str| {
            self.mappings[mapping]
                .entries
                .iter()
                .map(|&entry| &self.entries[entry])
                .find(|entry| entry.key == key)
                .map(|entry| unquote(entry.value))
        };
        match value_of("kind") {
            Some(kind) => kind == "Secret",
            None => {
                value_of("type").is_some_and(is_secret_type)
                    && (value_of("data").is_some() || value_of("stringData").is_some())
            }
        }
    }

    fn within_secret(&self, mut mapping: usize) -> bool {
        loop {
            if self.is_secret(mapping) {
                return true;
            }
            match self.mappings[mapping].parent_entry {
                Some(entry) => mapping = self.entries[entry].mapping,
                None => return false,
            }
        }
    }

    /// Every value under `data`/`stringData` of a Secret, and its last-applied annotation.
    fn secret_edits(&self, edits: &mut Vec<Edit>) {
        for (index, mapping) in self.mappings.iter().enumerate() {
            let Some(parent) = mapping.parent_entry.map(|entry| &self.entries[entry]) else {
                continue;
            };
            if matches!(parent.key, "data" | "stringData") && self.is_secret(parent.mapping) {
                for &entry in &self.mappings[index].entries {
                    redact_secret_value(&self.entries[entry], edits);
                }
            }
        }
        for entry in &self.entries {
            let inline_data = matches!(entry.key, "data" | "stringData")
                && !matches!(entry.value, "" | "{}")
                && self.is_secret(entry.mapping);
            let annotation = entry.key == LAST_APPLIED && self.within_secret(entry.mapping);
            if inline_data || annotation {
                redact_secret_value(entry, edits);
            }
        }
    }

    /// `value` beside a credential `name`, and block scalars under credential names.
    fn credential_edits(&self, edits: &mut Vec<Edit>) {
        for mapping in &self.mappings {
            let entries = || mapping.entries.iter().map(|&entry| &self.entries[entry]);
            let credential_name = entries()
                .any(|entry| entry.key == "name" && is_credential_name(unquote(entry.value)));
            if credential_name && let Some(value) = entries().find(|entry| entry.key == "value") {
                redact_entry(value, edits);
            }
        }
        for entry in &self.entries {
            if entry.block.is_some() && is_credential_name(entry.key) {
                redact_entry(entry, edits);
            }
        }
    }

    /// `- --token` followed by `- abc` at the same column.
    fn sequence_edits(&self, edits: &mut Vec<Edit>) {
        for pair in self.items.windows(2) {
            let (flag, value) = (&pair[0], &pair[1]);
            let flag_name = unquote(flag.value);
            if flag.column == value.column
                && flag_name.starts_with('-')
                && !flag_name.contains('=')
                && is_credential_name(flag_name)
                && !is_benign_value(value.value)
            {
                edits.push(Edit {
                    range: value.value_range.clone(),
                    replacement: MARKER.to_owned(),
                    count: 1,
                });
            }
        }
    }
}

/// A value under a credential name, unless it is a placeholder or a reference.
fn redact_entry(entry: &Entry<'_>, edits: &mut Vec<Edit>) {
    if entry.block.is_none() && is_benign_value(entry.value) {
        return;
    }
    replace_value(entry, edits);
}

/// A Secret's value: anything but an empty one is redacted.
fn redact_secret_value(entry: &Entry<'_>, edits: &mut Vec<Edit>) {
    if entry.block.is_none() && matches!(unquote(entry.value), "" | MARKER) {
        return;
    }
    replace_value(entry, edits);
}

fn replace_value(entry: &Entry<'_>, edits: &mut Vec<Edit>) {
    edits.push(Edit {
        range: entry.value_range.clone(),
        replacement: MARKER.to_owned(),
        count: 1,
    });
    if let Some(block) = &entry.block {
        edits.push(Edit {
            range: block.clone(),
            replacement: String::new(),
            count: 0,
        });
    }
}

/// `key: value` or `key:` with the value's offset in `rest`; `None` for other lines.
fn split_entry(rest: &str) -> Option<(&str, &str, usize)> {
    let (key, after) =
        if let Some(quoted) = rest.strip_prefix('"').or_else(|| rest.strip_prefix('\'')) {
            let quote = &rest[..1];
            let end = quoted.find(quote)?;
            let after = quoted[end + 1..].strip_prefix(':')?;
            (&quoted[..end], after)
        } else {
            let colon = rest
                .find(": ")
                .or_else(|| rest.strip_suffix(':').map(str::len))?;
            (&rest[..colon], &rest[colon + 1..])
        };
    if key.is_empty() || key.starts_with(['{', '[', '-']) {
        return None;
    }
    let trimmed = after.trim();
    let offset = rest.len() - after.len() + (after.len() - after.trim_start().len());
    Some((key, trimmed, offset))
}

/// The lines of a block scalar after `index`: non-blank lines indented past `column`, with
/// blank lines between them; trailing blank lines stay outside.
fn block_lines(lines: &[Line<'_>], index: usize, column: usize) -> (Option<Range<usize>>, usize) {
    let mut last = None;
    let mut next = index;
    while let Some(line) = lines.get(next) {
        if line.content.trim().is_empty() {
            next += 1;
            continue;
        }
        if line.indent <= column {
            break;
        }
        last = Some(next);
        next += 1;
    }
    let Some(last) = last else {
        return (None, index);
    };
    let start = lines[index].start;
    let end_line = &lines[last];
    let end = lines
        .get(last + 1)
        .map_or(end_line.start + end_line.content.len(), |line| line.start);
    (Some(start..end), last + 1)
}

fn unquote(value: &str) -> &str {
    value.trim_matches(|c| c == '"' || c == '\'')
}
