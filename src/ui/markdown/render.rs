//! Rendering one markdown block (parsed by pulldown-cmark) into styled, unwrapped lines.
//!
//! Containers (quotes, list items) become the gutter of each line: the quote bar, the item's
//! marker on its first line and matching blank space below it, so wrapped rows line up under
//! the item text. Sibling blocks are separated by one blank line; items of a tight list are not.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use ratatui::style::Style;
use ratatui::text::Span;

use super::clean::clean_prose;
use super::code;
use super::gutter::{Containers, LineGutters};
use super::style;
use super::styled::{LineKind, StyledLine};
use super::table::Table;

/// Appends the lines of `source` to `out`.
pub fn render_markdown(source: &str, out: &mut Vec<StyledLine>) {
    let options =
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS | Options::ENABLE_TABLES;
    let mut renderer = Renderer::new(out);
    for event in Parser::new_ext(source, options) {
        renderer.event(event);
    }
    renderer.flush_line();
}

struct LinkTarget {
    url: String,
    text: String,
}

struct CodeCapture {
    language: Option<String>,
    text: String,
}

struct Renderer<'o> {
    out: &'o mut Vec<StyledLine>,
    emitted: bool,
    pending_gap: bool,
    containers: Containers,
    /// The next number of each open list; `None` for bullet lists.
    lists: Vec<Option<u64>>,
    styles: Vec<Style>,
    spans: Vec<Span<'static>>,
    heading_marks: Option<&'static str>,
    links: Vec<LinkTarget>,
    code: Option<CodeCapture>,
    table: Option<Table>,
}

impl<'o> Renderer<'o> {
    fn new(out: &'o mut Vec<StyledLine>) -> Self {
        Self {
            out,
            emitted: false,
            pending_gap: false,
            containers: Containers::default(),
            lists: Vec::new(),
            styles: Vec::new(),
            spans: Vec::new(),
            heading_marks: None,
            links: Vec::new(),
            code: None,
            table: None,
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => match self.code.as_mut() {
                Some(capture) => capture.text.push_str(&text),
                None => self.push_text(&text, self.current_style()),
            },
            Event::Code(text) => {
                self.push_text(&text, self.current_style().patch(style::INLINE_CODE));
            }
            Event::Html(html) => {
                for piece in html.split_inclusive('\n') {
                    self.push_text(piece.trim_end_matches(['\n', '\r']), style::HTML);
                    if piece.ends_with('\n') {
                        self.flush_line();
                    }
                }
            }
            Event::InlineHtml(html) => self.push_text(&html, style::HTML),
            Event::SoftBreak => self.push_text(" ", self.current_style()),
            Event::HardBreak => self.flush_line(),
            Event::Rule => {
                self.begin_block();
                self.emit(Vec::new(), LineKind::Rule);
                self.pending_gap = true;
            }
            Event::TaskListMarker(done) => {
                let marker = if done { "[x] " } else { "[ ] " };
                self.push_text(marker, style::LIST_MARKER);
            }
            Event::FootnoteReference(text) | Event::InlineMath(text) | Event::DisplayMath(text) => {
                self.push_text(&text, self.current_style())
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph | Tag::HtmlBlock => self.begin_block(),
            Tag::Heading { level, .. } => {
                self.begin_block();
                self.heading_marks = Some(style::heading_marks(level));
                self.push_style(style::heading(level));
            }
            Tag::BlockQuote(_) => {
                self.begin_block();
                self.containers.push_quote();
            }
            Tag::CodeBlock(kind) => {
                self.begin_block();
                let language = match &kind {
                    CodeBlockKind::Fenced(info) => code::language_token(info).map(str::to_owned),
                    CodeBlockKind::Indented => None,
                };
                self.code = Some(CodeCapture {
                    language,
                    text: String::new(),
                });
            }
            Tag::List(first_number) => {
                self.begin_block();
                self.lists.push(first_number);
            }
            Tag::Item => {
                self.flush_line();
                let marker = match self.lists.last_mut() {
                    Some(Some(number)) => {
                        let marker = format!("{number}. ");
                        *number += 1;
                        marker
                    }
                    _ => style::BULLET.to_owned(),
                };
                self.containers.push_item(marker);
            }
            Tag::Emphasis => self.push_style(style::EMPHASIS),
            Tag::Strong => self.push_style(style::STRONG),
            Tag::Strikethrough => self.push_style(style::STRIKETHROUGH),
            Tag::Link { dest_url, .. } => {
                self.push_style(style::LINK);
                self.links.push(LinkTarget {
                    url: dest_url.into_string(),
                    text: String::new(),
                });
            }
            Tag::Image { dest_url, .. } => {
                self.push_style(style::EMPHASIS);
                self.push_text("[image: ", self.current_style());
                self.links.push(LinkTarget {
                    url: dest_url.into_string(),
                    text: String::new(),
                });
            }
            Tag::Table(alignments) => {
                self.begin_block();
                self.table = Some(Table::new(alignments));
            }
            // Cells collect their spans; the rows are laid out when the table ends.
            Tag::TableHead | Tag::TableRow | Tag::TableCell => {}
            // Not enabled in the parser options; their text still flows as prose.
            Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript
            | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::HtmlBlock => self.end_block(),
            TagEnd::Heading(_) => {
                self.end_block();
                self.heading_marks = None;
                self.styles.pop();
            }
            TagEnd::BlockQuote(_) => {
                self.end_block();
                self.containers.pop();
            }
            TagEnd::CodeBlock => self.end_code_block(),
            TagEnd::List(_) => {
                self.flush_line();
                self.lists.pop();
                // A list nested in a tight item is part of that item, not a block of its own.
                self.pending_gap |= !self.containers.innermost_is_item();
            }
            TagEnd::Item => {
                self.flush_line();
                if self.containers.item_is_empty() {
                    self.emit(Vec::new(), LineKind::Prose);
                }
                self.containers.pop();
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                self.styles.pop();
            }
            TagEnd::Link => {
                self.styles.pop();
                self.end_link();
            }
            TagEnd::Image => {
                self.push_text("]", self.current_style());
                self.styles.pop();
                self.end_link();
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.spans);
                if let Some(table) = self.table.as_mut() {
                    table.push_cell(cell);
                }
            }
            TagEnd::TableHead => self.table.iter_mut().for_each(Table::end_header),
            TagEnd::TableRow => self.table.iter_mut().for_each(Table::end_row),
            TagEnd::Table => self.end_table(),
            TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::MetadataBlock(_) => {}
        }
    }

    fn begin_block(&mut self) {
        self.flush_line();
        if self.pending_gap && self.emitted {
            self.emit_gap();
        }
        self.pending_gap = false;
    }

    fn end_block(&mut self) {
        self.flush_line();
        self.pending_gap = true;
    }

    fn end_code_block(&mut self) {
        let Some(capture) = self.code.take() else {
            return;
        };
        let language = capture.language.as_deref();
        self.emit(code::label(language), LineKind::Code);
        for content in code::block_spans(language, &capture.text) {
            self.emit(content, LineKind::Code);
        }
        self.pending_gap = true;
    }

    fn end_table(&mut self) {
        let Some(table) = self.table.take() else {
            return;
        };
        for content in table.into_lines() {
            self.emit(content, LineKind::Code);
        }
        self.pending_gap = true;
    }

    fn end_link(&mut self) {
        let Some(link) = self.links.pop() else {
            return;
        };
        let same_as_text =
            link.url == link.text || link.url.strip_prefix("mailto:") == Some(link.text.as_str());
        if !link.url.is_empty() && !same_as_text {
            self.push_text(&format!(" ({})", link.url), style::DIM);
        }
    }

    fn current_style(&self) -> Style {
        self.styles.last().copied().unwrap_or_default()
    }

    fn push_style(&mut self, style: Style) {
        self.styles.push(self.current_style().patch(style));
    }

    fn push_text(&mut self, text: &str, style: Style) {
        let text = clean_prose(text);
        if let Some(link) = self.links.last_mut() {
            link.text.push_str(&text);
        }
        match self.spans.last_mut() {
            Some(last) if last.style == style => last.content.to_mut().push_str(&text),
            _ => self.spans.push(Span::styled(text.into_owned(), style)),
        }
    }

    fn flush_line(&mut self) {
        if !self.spans.is_empty() {
            let content = std::mem::take(&mut self.spans);
            self.emit(content, LineKind::Prose);
        }
    }

    fn emit(&mut self, content: Vec<Span<'static>>, kind: LineKind) {
        let LineGutters {
            first: mut prefix,
            rest: mut continuation,
        } = self.containers.next_line();
        if let Some(marks) = self.heading_marks {
            prefix.push(Span::styled(marks, style::DIM));
            continuation.push(Span::raw(" ".repeat(marks.len())));
        }
        self.out.push(StyledLine {
            prefix,
            continuation,
            content,
            kind,
        });
        self.emitted = true;
    }

    fn emit_gap(&mut self) {
        let gutter = self.containers.blank_line();
        self.out.push(StyledLine {
            prefix: gutter.clone(),
            continuation: gutter,
            content: Vec::new(),
            kind: LineKind::Prose,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::HeadingLevel;

    fn rendered(source: &str) -> Vec<String> {
        let mut out = Vec::new();
        render_markdown(source, &mut out);
        out.iter()
            .map(|line| {
                line.prefix
                    .iter()
                    .chain(&line.content)
                    .map(|span| span.content.as_ref())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn tight_nested_list_has_no_gaps() {
        assert_eq!(rendered("- a\n  - b\n- c\n"), vec!["• a", "  • b", "• c"]);
    }

    #[test]
    fn loose_list_items_are_separated() {
        assert_eq!(rendered("1. a\n\n2. b\n"), vec!["1. a", "", "2. b"]);
    }

    #[test]
    fn quote_keeps_its_bar_between_paragraphs() {
        assert_eq!(rendered("> a\n>\n> b\n"), vec!["│ a", "│", "│ b"]);
    }

    #[test]
    fn table_columns_are_aligned() {
        assert_eq!(
            rendered("| pod | restarts |\n|---|---:|\n| web-1 | 3 |\n| db | 12 |\n"),
            vec![
                "pod   │ restarts",
                "──────┼─────────",
                "web-1 │        3",
                "db    │       12",
            ]
        );
    }

    #[test]
    fn heading_level_shows_in_marks() {
        let mut out = Vec::new();
        render_markdown("### Pods\n", &mut out);
        assert_eq!(out[0].prefix[0].content, "### ");
        assert_eq!(out[0].content[0].style, style::heading(HeadingLevel::H3));
    }
}
