//! A rendered line before wrapping: its content, the gutter its containers draw (quote bars,
//! list markers) and how it may be broken. Wrapping it for a width is the only
//! width-dependent step, so a resize re-wraps cached lines without parsing again.

use ratatui::text::{Line, Span};

use super::style;
use crate::ui::wrap::{Gutter, WrapMode, spans_width, wrap_spans_into};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Prose,
    Code,
    /// A horizontal rule, drawn across whatever width the line is wrapped to.
    Rule,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StyledLine {
    /// Drawn before the first row.
    pub prefix: Vec<Span<'static>>,
    /// Drawn before every continuation row.
    pub continuation: Vec<Span<'static>>,
    pub content: Vec<Span<'static>>,
    pub kind: LineKind,
}

impl StyledLine {
    pub fn blank() -> Self {
        Self::unprefixed(Vec::new(), LineKind::Prose)
    }

    pub fn unprefixed(content: Vec<Span<'static>>, kind: LineKind) -> Self {
        Self {
            prefix: Vec::new(),
            continuation: Vec::new(),
            content,
            kind,
        }
    }

    /// Appends the rows this line occupies at `width` columns.
    pub fn wrap_into(&self, width: u16, out: &mut Vec<Line<'static>>) {
        let gutter = Gutter {
            first: &self.prefix,
            rest: &self.continuation,
        };
        match self.kind {
            LineKind::Prose => wrap_spans_into(&self.content, width, WrapMode::Words, gutter, out),
            LineKind::Code => wrap_spans_into(&self.content, width, WrapMode::Chars, gutter, out),
            LineKind::Rule => {
                let length = usize::from(width)
                    .saturating_sub(spans_width(&self.prefix))
                    .max(1);
                let rule: String = std::iter::repeat_n(style::RULE_CHAR, length).collect();
                let mut row = self.prefix.clone();
                row.push(Span::styled(rule, style::RULE));
                out.push(Line::from(row));
            }
        }
    }
}
