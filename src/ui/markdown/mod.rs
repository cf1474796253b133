//! Markdown chat messages rendered incrementally as they stream in, wrapped and cached per
//! width so that drawing is a slice of ready-made lines.
//!
//! A message is cut into top-level blocks ([`split`]). Finished blocks are parsed, styled and
//! kept; a top-level code block is highlighted line by line as its lines complete. Only the
//! open tail is rendered again on each [`MarkdownDoc::layout`].

mod clean;
mod code;
mod gutter;
mod render;
mod split;
mod style;
mod styled;
mod table;
mod view;

use std::ops::Range;

use ratatui::text::Line;

use crate::ui::highlight::LineHighlighter;
pub use crate::ui::highlight::warm_up;
use render::render_markdown;
use split::{Boundary, OpenBlock, Splitter, is_blank};
use styled::{LineKind, StyledLine};
use view::WrappedView;

/// Counters of the rendering work a message has cost, for tests and diagnostics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderStats {
    /// Finished blocks parsed and styled: each once, unless text arrives after `finish`.
    pub blocks_rendered: usize,
    /// Lines of top-level code blocks highlighted (each exactly once).
    pub code_lines_highlighted: usize,
    /// Bytes of the open tail rendered again, summed over every layout.
    pub tail_bytes_rendered: usize,
}

/// One chat message as markdown: the text received so far and its rendering.
#[derive(Debug, Default)]
pub struct MarkdownDoc {
    text: String,
    /// Start of the first line not yet fed to the splitter.
    fed: usize,
    /// Where to look for the next line ending (the partial line before it has no `\n`).
    newline_search: usize,
    splitter: Splitter,
    boundaries: Vec<Boundary>,
    /// Highlighter of the top-level code block being streamed.
    open_code: Option<LineHighlighter>,
    /// Lines of finished blocks and of completed lines of the open code block.
    final_lines: Vec<StyledLine>,
    /// Lines of the open tail, rendered again whenever text arrives.
    tail_lines: Vec<StyledLine>,
    tail_dirty: bool,
    finished: bool,
    view: WrappedView,
    /// Row count while the wrapped rows are released to save memory (see `park`).
    parked: Option<usize>,
    stats: RenderStats,
}

impl MarkdownDoc {
    pub fn new() -> Self {
        Self::default()
    }

    /// A message that is already complete.
    pub fn from_text(text: &str) -> Self {
        let mut doc = Self::new();
        doc.push_str(text);
        doc.finish();
        doc
    }

    /// Appends streamed text. Rendering waits for the next [`layout`](Self::layout).
    pub fn push_str(&mut self, delta: &str) {
        if delta.is_empty() {
            return;
        }
        if self.finished {
            // Finishing closed the last line and block; more text means starting over.
            let text = std::mem::take(&mut self.text);
            let stats = self.stats;
            *self = Self::new();
            self.text = text;
            self.stats = stats;
        }
        self.text.push_str(delta);
        self.tail_dirty = true;
    }

    /// The stream ended: the last line and any open block (an unclosed fence too) are final.
    pub fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.feed_complete_lines();
        let end = self.text.len();
        if self.fed < end {
            self.splitter
                .feed(&self.text, self.fed..end, &mut self.boundaries);
            self.fed = end;
            self.newline_search = end;
        }
        self.splitter.finish(end, &mut self.boundaries);
        self.apply_boundaries();
        self.tail_lines.clear();
        self.finished = true;
        self.tail_dirty = true;
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Brings the wrapped lines up to date for `width` columns, doing work in proportion to
    /// the text received since the last call (or re-wrapping everything for a new width).
    pub fn layout(&mut self, width: u16) {
        let width = width.max(1);
        let same_width = self.view.width() == Some(width);
        if same_width && !self.tail_dirty && self.parked.is_none() {
            return;
        }
        self.parked = None;
        self.view.set_width(width);
        if self.tail_dirty {
            self.feed_complete_lines();
            self.render_tail();
            self.tail_dirty = false;
        }
        self.view.sync(&self.final_lines, &self.tail_lines);
    }

    /// Number of wrapped lines at the width of the last layout.
    pub fn height(&self) -> usize {
        self.parked.unwrap_or_else(|| self.view.rows().len())
    }

    /// Release the wrapped rows of a finished, laid-out message that is far from view; its
    /// height stays known and the next `layout` wraps it again from the styled lines.
    pub fn park(&mut self) {
        if self.finished && self.parked.is_none() && self.view.width().is_some() {
            self.parked = Some(self.view.release());
        }
    }

    pub fn is_parked(&self) -> bool {
        self.parked.is_some()
    }

    /// The wrapped lines in `range`, clamped to [`height`](Self::height).
    pub fn lines(&self, range: Range<usize>) -> &[Line<'static>] {
        let rows = self.view.rows();
        let end = range.end.min(rows.len());
        let start = range.start.min(end);
        &rows[start..end]
    }

    pub fn stats(&self) -> RenderStats {
        self.stats
    }

    fn feed_complete_lines(&mut self) {
        while let Some(offset) = self.text[self.newline_search..].find('\n') {
            let end = self.newline_search + offset + 1;
            self.splitter
                .feed(&self.text, self.fed..end, &mut self.boundaries);
            self.fed = end;
            self.newline_search = end;
            self.apply_boundaries();
        }
        self.newline_search = self.text.len();
        self.splitter
            .feed_partial(&self.text, self.fed, &mut self.boundaries);
        self.apply_boundaries();
    }

    fn apply_boundaries(&mut self) {
        for boundary in self.boundaries.drain(..) {
            match boundary {
                Boundary::TextClosed { range, joins_list } => {
                    let mut lines = Vec::new();
                    render_markdown(&self.text[range], &mut lines);
                    self.stats.blocks_rendered += 1;
                    append_block(&mut self.final_lines, lines, joins_list);
                }
                Boundary::CodeOpened { language } => {
                    let label =
                        StyledLine::unprefixed(code::label(language.as_deref()), LineKind::Code);
                    append_block(&mut self.final_lines, vec![label], false);
                    self.open_code = Some(LineHighlighter::new(language.as_deref()));
                }
                Boundary::CodeLine(range) => {
                    let line = &self.text[range];
                    let highlighter = self
                        .open_code
                        .get_or_insert_with(|| LineHighlighter::new(None));
                    let content = code::line_spans(line, &highlighter.highlight(line));
                    self.stats.code_lines_highlighted += 1;
                    self.final_lines
                        .push(StyledLine::unprefixed(content, LineKind::Code));
                }
                Boundary::CodeClosed => self.open_code = None,
            }
        }
    }

    fn render_tail(&mut self) {
        self.tail_lines.clear();
        if self.finished {
            return;
        }
        let partial = &self.text[self.fed..];
        match self.splitter.open_block() {
            OpenBlock::Text { start, joins_list } => {
                let mut lines = Vec::new();
                render_markdown(&self.text[start..], &mut lines);
                self.stats.tail_bytes_rendered += self.text.len() - start;
                self.push_tail_block(lines, joins_list);
            }
            OpenBlock::None { joins_list } if !is_blank(partial) => {
                let mut lines = Vec::new();
                render_markdown(partial, &mut lines);
                self.stats.tail_bytes_rendered += partial.len();
                self.push_tail_block(lines, joins_list);
            }
            OpenBlock::None { .. } => {}
            OpenBlock::Code => {
                if partial.is_empty() || self.splitter.partial_may_close_code(partial) {
                    return;
                }
                let line = code::without_line_ending(partial);
                let ranges = match &self.open_code {
                    Some(highlighter) => highlighter.preview(line),
                    None => LineHighlighter::new(None).preview(line),
                };
                self.stats.tail_bytes_rendered += partial.len();
                let content = code::line_spans(line, &ranges);
                self.tail_lines
                    .push(StyledLine::unprefixed(content, LineKind::Code));
            }
        }
    }

    fn push_tail_block(&mut self, lines: Vec<StyledLine>, joins_list: bool) {
        if lines.is_empty() {
            return;
        }
        if !self.final_lines.is_empty() && !joins_list {
            self.tail_lines.push(StyledLine::blank());
        }
        self.tail_lines.extend(lines);
    }
}

/// Appends a block's lines, a blank line apart from what came before unless it continues a
/// list. A block that renders nothing (a link definition) leaves no gap.
fn append_block(lines: &mut Vec<StyledLine>, block: Vec<StyledLine>, joins_list: bool) {
    if block.is_empty() {
        return;
    }
    if !lines.is_empty() && !joins_list {
        lines.push(StyledLine::blank());
    }
    lines.extend(block);
}
