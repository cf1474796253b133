//! Fenced code blocks as lines: a dim language label, then each code line highlighted, with
//! tabs expanded and controls made visible. Shared by top-level blocks (highlighted as they
//! stream) and code nested in lists or quotes (highlighted when their block is rendered).

use ratatui::text::Span;

use super::clean::{clean_prose, push_code};
use super::style;
use crate::ui::highlight::{LineHighlighter, StyledRanges};

const UNLABELLED: &str = "code";

/// The language named by a fence's info string: its first word (`rust,ignore` → `rust`).
pub fn language_token(info: &str) -> Option<&str> {
    info.split(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .find(|word| !word.is_empty())
}

pub fn label(language: Option<&str>) -> Vec<Span<'static>> {
    let name = clean_prose(language.unwrap_or(UNLABELLED)).into_owned();
    vec![Span::styled(name, style::CODE_LABEL)]
}

/// Spans for one code line (without its line ending) styled by `ranges`.
pub fn line_spans(line: &str, ranges: &StyledRanges) -> Vec<Span<'static>> {
    let mut spans: Vec<Span<'static>> = Vec::with_capacity(ranges.len());
    let mut column = 0;
    for (style, range) in ranges {
        let Some(piece) = line.get(range.clone()) else {
            continue;
        };
        match spans.last_mut() {
            Some(last) if last.style == *style => {
                push_code(piece, &mut column, last.content.to_mut())
            }
            _ => {
                let mut text = String::with_capacity(piece.len());
                push_code(piece, &mut column, &mut text);
                spans.push(Span::styled(text, *style));
            }
        }
    }
    spans
}

/// Highlights a whole block at once; yields the content of each line.
pub fn block_spans(language: Option<&str>, code: &str) -> Vec<Vec<Span<'static>>> {
    let mut highlighter = LineHighlighter::new(language);
    code.lines()
        .map(|line| line_spans(line, &highlighter.highlight(line)))
        .collect()
}

/// The content of a line, without `\n` or `\r\n`.
pub fn without_line_ending(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}
