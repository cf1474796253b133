//! Replacements of byte ranges in a text, applied in one pass.

use std::ops::Range;

#[derive(Debug)]
pub(crate) struct Edit {
    pub range: Range<usize>,
    pub replacement: String,
    /// Secrets this edit removes (0 for a deletion that only tidies up).
    pub count: usize,
}

/// Applies `edits` to `text` and returns the text and the secrets removed. Where two
/// overlap, the one that starts first wins: a deleted block swallows the edits inside it.
pub(crate) fn apply(text: &str, mut edits: Vec<Edit>) -> (String, usize) {
    edits.sort_by_key(|edit| (edit.range.start, std::cmp::Reverse(edit.range.end)));
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut count = 0;
    for edit in edits {
        if edit.range.start < copied {
            continue;
        }
        out.push_str(&text[copied..edit.range.start]);
        out.push_str(&edit.replacement);
        copied = edit.range.end;
        count += edit.count;
    }
    out.push_str(&text[copied..]);
    (out, count)
}
