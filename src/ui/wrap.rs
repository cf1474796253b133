//! Wrapping styled spans into terminal rows measured in display columns.
//!
//! Widths come from `unicode-width` per grapheme, the way ratatui's buffer measures them, so a
//! wrapped row never overflows the area it is drawn into. Prose breaks at spaces and between wide
//! (CJK, emoji) characters; a word wider than the row is broken. Code breaks anywhere.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Where a line may be broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrapMode {
    /// Break at spaces and around wide characters; keep words whole unless wider than a row.
    Words,
    /// Break at the column limit, whatever is there (code, logs).
    Chars,
}

/// What is drawn before the content: `first` on the first row, `rest` on continuation rows.
#[derive(Debug, Clone, Copy)]
pub struct Gutter<'a> {
    pub first: &'a [Span<'a>],
    pub rest: &'a [Span<'a>],
}

impl Gutter<'_> {
    pub const NONE: Gutter<'static> = Gutter {
        first: &[],
        rest: &[],
    };
}

/// Word-wraps `line` to `width` columns; continuation rows are indented by
/// `continuation_indent` spaces. Styles carry across the breaks.
pub fn wrap_line(line: &Line<'_>, width: u16, continuation_indent: u16) -> Vec<Line<'static>> {
    let indent = [Span::raw(" ".repeat(usize::from(continuation_indent)))];
    let gutter = Gutter {
        first: &[],
        rest: &indent,
    };
    let mut out = Vec::new();
    wrap_spans_into(&line.spans, width, WrapMode::Words, gutter, &mut out);
    apply_line_style(line, &mut out);
    out
}

/// Breaks `line` every `width` columns without looking for word boundaries.
pub fn hard_wrap_line(line: &Line<'_>, width: u16) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    wrap_spans_into(&line.spans, width, WrapMode::Chars, Gutter::NONE, &mut out);
    apply_line_style(line, &mut out);
    out
}

fn apply_line_style(line: &Line<'_>, out: &mut [Line<'static>]) {
    for row in out {
        row.style = line.style;
        row.alignment = line.alignment;
    }
}

/// Display width of `text` as the terminal buffer will lay it out.
pub fn display_width(text: &str) -> usize {
    if text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return text.len();
    }
    text.graphemes(true).map(UnicodeWidthStr::width).sum()
}

pub fn spans_width(spans: &[Span<'_>]) -> usize {
    spans.iter().map(|span| display_width(&span.content)).sum()
}

/// Wraps `spans` into rows of at most `width` columns (gutter included) and appends them to
/// `out`. Always appends at least one row. The gutter is never broken; when it leaves no room,
/// each row still carries one column of content.
pub fn wrap_spans_into(
    spans: &[Span<'_>],
    width: u16,
    mode: WrapMode,
    gutter: Gutter<'_>,
    out: &mut Vec<Line<'static>>,
) {
    let width = usize::from(width);
    let first_cap = width.saturating_sub(spans_width(gutter.first)).max(1);
    let rest_cap = width.saturating_sub(spans_width(gutter.rest)).max(1);
    if spans_width(spans) <= first_cap {
        let mut row: Vec<Span<'static>> = owned(gutter.first);
        row.extend(spans.iter().map(owned_span));
        out.push(Line::from(row));
        return;
    }
    let graphemes = split_graphemes(spans);
    let mut rows = RowBuilder::new(gutter, first_cap, rest_cap, out);
    match mode {
        WrapMode::Chars => {
            for grapheme in &graphemes {
                rows.place_breaking(grapheme);
            }
        }
        WrapMode::Words => wrap_words(&graphemes, &mut rows),
    }
    rows.finish();
}

fn wrap_words(graphemes: &[Grapheme<'_>], rows: &mut RowBuilder<'_, '_>) {
    let mut index = 0;
    // Leading spaces are indentation: kept on the first row as far as they fit.
    while let Some(grapheme) = graphemes.get(index).filter(|g| g.class == Class::Space) {
        if rows.fits(grapheme.width) {
            rows.place(grapheme);
        }
        index += 1;
    }
    let mut pending_space = 0..0;
    while index < graphemes.len() {
        let start = index;
        if graphemes[index].class == Class::Space {
            while index < graphemes.len() && graphemes[index].class == Class::Space {
                index += 1;
            }
            pending_space = start..index;
            continue;
        }
        index = word_end(graphemes, index);
        let word = &graphemes[start..index];
        let space = &graphemes[pending_space.clone()];
        let word_width: usize = word.iter().map(|g| g.width).sum();
        let space_width: usize = space.iter().map(|g| g.width).sum();
        if rows.is_row_empty() {
            rows.place_word(word, word_width);
        } else if rows.fits(space_width + word_width) {
            space.iter().for_each(|g| rows.place(g));
            rows.place_word(word, word_width);
        } else {
            rows.break_row();
            rows.place_word(word, word_width);
        }
        pending_space = index..index;
    }
    // Trailing spaces stay when they fit, as they would on the fast path.
    let trailing = &graphemes[pending_space];
    if rows.fits(trailing.iter().map(|g| g.width).sum()) {
        trailing.iter().for_each(|g| rows.place(g));
    }
}

/// A word is a run of narrow non-space graphemes, or a single wide grapheme (CJK text has no
/// spaces, so a break is allowed around each wide character).
fn word_end(graphemes: &[Grapheme<'_>], start: usize) -> usize {
    if graphemes[start].class == Class::Wide {
        return start + 1;
    }
    graphemes[start..]
        .iter()
        .position(|g| g.class != Class::Narrow)
        .map_or(graphemes.len(), |offset| start + offset)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Space,
    Narrow,
    Wide,
}

struct Grapheme<'a> {
    text: &'a str,
    style: Style,
    width: usize,
    class: Class,
}

fn split_graphemes<'a>(spans: &'a [Span<'_>]) -> Vec<Grapheme<'a>> {
    let mut graphemes = Vec::new();
    for span in spans {
        for text in span.content.graphemes(true) {
            let width = text.width();
            let class = if text == " " || text == "\t" {
                Class::Space
            } else if width >= 2 {
                Class::Wide
            } else {
                Class::Narrow
            };
            graphemes.push(Grapheme {
                text,
                style: span.style,
                width,
                class,
            });
        }
    }
    graphemes
}

/// Accumulates graphemes into rows, merging neighbours of the same style into one span.
struct RowBuilder<'g, 'o> {
    gutter: Gutter<'g>,
    cap: usize,
    rest_cap: usize,
    used: usize,
    has_content: bool,
    has_word: bool,
    gutter_spans: usize,
    spans: Vec<Span<'static>>,
    out: &'o mut Vec<Line<'static>>,
}

impl<'g, 'o> RowBuilder<'g, 'o> {
    fn new(
        gutter: Gutter<'g>,
        first_cap: usize,
        rest_cap: usize,
        out: &'o mut Vec<Line<'static>>,
    ) -> Self {
        let spans = owned(gutter.first);
        Self {
            gutter,
            cap: first_cap,
            rest_cap,
            used: 0,
            has_content: false,
            has_word: false,
            gutter_spans: spans.len(),
            spans,
            out,
        }
    }

    fn fits(&self, width: usize) -> bool {
        self.used + width <= self.cap
    }

    /// No word on this row yet (leading indentation does not count).
    fn is_row_empty(&self) -> bool {
        !self.has_word
    }

    fn place_word(&mut self, word: &[Grapheme<'_>], width: usize) {
        if self.fits(width) {
            word.iter().for_each(|g| self.place(g));
        } else {
            word.iter().for_each(|g| self.place_breaking(g));
        }
        self.has_word = true;
    }

    /// Places a grapheme, starting a new row first if it would overflow this one. A grapheme
    /// wider than a whole row still gets a row of its own.
    fn place_breaking(&mut self, grapheme: &Grapheme<'_>) {
        if !self.fits(grapheme.width) && self.has_content {
            self.break_row();
        }
        self.place(grapheme);
    }

    fn place(&mut self, grapheme: &Grapheme<'_>) {
        self.used += grapheme.width;
        self.has_content = true;
        let after_content = self.spans.len() > self.gutter_spans;
        match self.spans.last_mut() {
            Some(last) if after_content && last.style == grapheme.style => {
                last.content.to_mut().push_str(grapheme.text);
            }
            _ => self
                .spans
                .push(Span::styled(grapheme.text.to_owned(), grapheme.style)),
        }
    }

    fn break_row(&mut self) {
        let row = std::mem::replace(&mut self.spans, owned(self.gutter.rest));
        self.out.push(Line::from(row));
        self.gutter_spans = self.spans.len();
        self.cap = self.rest_cap;
        self.used = 0;
        self.has_content = false;
        self.has_word = false;
    }

    fn finish(self) {
        self.out.push(Line::from(self.spans));
    }
}

fn owned(spans: &[Span<'_>]) -> Vec<Span<'static>> {
    spans
        .iter()
        .filter(|span| !span.content.is_empty())
        .map(owned_span)
        .collect()
}

fn owned_span(span: &Span<'_>) -> Span<'static> {
    Span::styled(span.content.clone().into_owned(), span.style)
}
