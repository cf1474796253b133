//! The gutter that enclosing containers (block quotes, list items) draw left of each line: a
//! quote bar, an item's marker on its first line and blank space of the same width below it.

use ratatui::text::Span;

use super::style;
use crate::ui::wrap::display_width;

enum Container {
    Quote,
    Item {
        marker: String,
        marker_pending: bool,
    },
}

/// The containers open at the current point of a block, outermost first.
#[derive(Default)]
pub struct Containers(Vec<Container>);

/// What a line draws before its first row and before each continuation row.
pub struct LineGutters {
    pub first: Vec<Span<'static>>,
    pub rest: Vec<Span<'static>>,
}

impl Containers {
    pub fn push_quote(&mut self) {
        self.0.push(Container::Quote);
    }

    pub fn push_item(&mut self, marker: String) {
        self.0.push(Container::Item {
            marker,
            marker_pending: true,
        });
    }

    pub fn pop(&mut self) {
        self.0.pop();
    }

    pub fn innermost_is_item(&self) -> bool {
        matches!(self.0.last(), Some(Container::Item { .. }))
    }

    /// The innermost item has shown no line yet (its marker is still to be drawn).
    pub fn item_is_empty(&self) -> bool {
        matches!(
            self.0.last(),
            Some(Container::Item {
                marker_pending: true,
                ..
            })
        )
    }

    /// Gutters for the next line; item markers not yet drawn go on its first row.
    pub fn next_line(&mut self) -> LineGutters {
        let mut first = Vec::with_capacity(self.0.len());
        let mut rest = Vec::with_capacity(self.0.len());
        for container in &mut self.0 {
            let continuation = continuation_span(container);
            match container {
                Container::Item {
                    marker,
                    marker_pending: pending @ true,
                } => {
                    *pending = false;
                    first.push(Span::styled(marker.clone(), style::LIST_MARKER));
                }
                _ => first.push(continuation.clone()),
            }
            rest.push(continuation);
        }
        LineGutters { first, rest }
    }

    /// The gutter of a blank line between blocks: quote bars stay, indentation goes.
    pub fn blank_line(&self) -> Vec<Span<'static>> {
        let mut gutter: Vec<Span<'static>> = self.0.iter().map(continuation_span).collect();
        while let Some(last) = gutter.last_mut() {
            let trimmed = last.content.trim_end().len();
            if trimmed > 0 {
                last.content.to_mut().truncate(trimmed);
                break;
            }
            gutter.pop();
        }
        gutter
    }
}

fn continuation_span(container: &Container) -> Span<'static> {
    match container {
        Container::Quote => Span::styled(style::QUOTE_PREFIX, style::QUOTE_GUTTER),
        Container::Item { marker, .. } => Span::raw(" ".repeat(display_width(marker))),
    }
}
