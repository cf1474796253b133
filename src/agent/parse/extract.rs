//! Layer (b)'s search: the pieces of a reply that may hold the plan.
//!
//! Candidates, in this order, each once: the whole reply when it starts with `[` (a bare array
//! of actions); the body of every fenced code block (fenced with backticks or tildes, any
//! info string) that starts with `{` or `[`, including a fence left open at the end
//! of the reply; then every balanced `{…}` found anywhere in the text (strings respected); then
//! a `{` that never closes, from there to the end (a truncated reply). Which candidate wins is
//! not decided here: the caller keeps those that are valid plans, and several different valid
//! plans mean the reply is ambiguous — the first or the last block is never guessed.

/// Most candidates looked at in one reply; a reply with more braces than this is not a plan.
const MAX_CANDIDATES: usize = 16;

/// The candidate texts of `reply`, without duplicates.
pub fn candidates(reply: &str) -> Vec<&str> {
    let mut found: Vec<&str> = Vec::new();
    let whole_array = Some(reply.trim()).filter(|text| text.starts_with('['));
    let texts = whole_array
        .into_iter()
        .chain(fenced_blocks(reply))
        .chain(brace_objects(reply));
    for text in texts {
        let text = text.trim();
        if found.len() < MAX_CANDIDATES && !found.contains(&text) {
            found.push(text);
        }
    }
    found
}

/// Bodies of fenced code blocks that start like JSON.
fn fenced_blocks(reply: &str) -> Vec<&str> {
    let mut blocks = Vec::new();
    let mut open: Option<(&str, usize)> = None;
    let mut offset = 0;
    for line in reply.split_inclusive('\n') {
        let fence = fence_marker(line);
        match (open, fence) {
            (None, Some(marker)) => open = Some((marker, offset + line.len())),
            (Some((marker, start)), Some(closing)) if closing == marker && is_bare_fence(line) => {
                blocks.push(&reply[start..offset]);
                open = None;
            }
            _ => {}
        }
        offset += line.len();
    }
    if let Some((_, start)) = open {
        blocks.push(&reply[start..]);
    }
    blocks.retain(|body| body.trim_start().starts_with(['{', '[']));
    blocks
}

/// "```" or "~~~" when the line opens or closes a fence (up to three spaces of indent).
fn fence_marker(line: &str) -> Option<&'static str> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    if indent > 3 {
        return None;
    }
    ["```", "~~~"]
        .into_iter()
        .find(|marker| rest.starts_with(marker))
}

fn is_bare_fence(line: &str) -> bool {
    line.trim().chars().all(|c| c == '`' || c == '~')
}

/// Every balanced `{…}` in the text, then a `{` that never closes, to the end. An unclosed
/// `{` that opens like JSON (`{"`, `{'`, `{key:`) is a truncated object: the objects nested
/// in it are its parts, not candidates of their own. Any other unclosed `{` is prose.
fn brace_objects(text: &str) -> Vec<&str> {
    let mut objects = Vec::new();
    let mut search_from = 0;
    let mut unclosed_prose = 0;
    while let Some(found) = text[search_from..].find('{') {
        let start = search_from + found;
        match balanced_end(&text[start..]) {
            Some(len) => {
                objects.push(&text[start..start + len]);
                search_from = start + len;
            }
            None if opens_like_json(&text[start + 1..]) => {
                objects.push(&text[start..]);
                break;
            }
            None => {
                unclosed_prose += 1;
                search_from = start + 1;
            }
        }
        if objects.len() >= MAX_CANDIDATES || unclosed_prose >= MAX_CANDIDATES {
            break;
        }
    }
    objects
}

/// Whether the text after a `{` starts an object's first key (or closes an empty object).
fn opens_like_json(after_brace: &str) -> bool {
    let rest = after_brace.trim_start();
    let Some(first) = rest.chars().next() else {
        return true;
    };
    if matches!(first, '"' | '\'' | '}' | '\u{201c}' | '\u{2018}') {
        return true;
    }
    let word_len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    word_len > 0 && rest[word_len..].trim_start().starts_with(':')
}

/// Length in bytes of the balanced object `text` starts with, if it closes.
fn balanced_end(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (index, c) in text.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return (c == '}').then_some(index + 1);
                }
            }
            _ => {}
        }
    }
    None
}
