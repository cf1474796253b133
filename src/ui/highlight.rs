//! Syntax highlighting of code lines with syntect, one line at a time.
//!
//! A [`LineHighlighter`] keeps syntect's parse and highlight state after the last line it was
//! given, so a code block that streams in is highlighted line by line, never from its start
//! again; [`LineHighlighter::preview`] colours a partial trailing line without advancing.

use std::ops::Range;
use std::sync::OnceLock;

use ratatui::style::{Color, Modifier, Style};
use syntect::highlighting::{
    FontStyle, HighlightState, Highlighter, RangedHighlightIterator, Theme, ThemeSet,
};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};

const THEME: &str = "base16-ocean.dark";
const PLAIN_CODE: Style = Style::new().fg(Color::Rgb(0xc0, 0xc5, 0xce));

struct Assets {
    syntaxes: SyntaxSet,
    theme: Theme,
}

fn assets() -> &'static Assets {
    static ASSETS: OnceLock<Assets> = OnceLock::new();
    ASSETS.get_or_init(|| {
        let mut themes = ThemeSet::load_defaults().themes;
        Assets {
            syntaxes: SyntaxSet::load_defaults_newlines(),
            theme: themes.remove(THEME).unwrap_or_default(),
        }
    })
}

/// Loads the syntaxes and the theme (tens of milliseconds) and compiles the patterns the most
/// common answers need, which syntect otherwise compiles on first use. Blocks the calling
/// thread, so the app runs it on a background thread at startup.
pub fn warm_up() {
    const SAMPLES: [(&str, &str); 3] = [
        ("yaml", "metadata: {name: web} # comment"),
        ("json", r#"{"replicas": 3, "ready": true}"#),
        ("bash", r#"kubectl get pods -n "$NS" | grep -v Running"#),
    ];
    for (language, line) in SAMPLES {
        LineHighlighter::new(Some(language)).highlight(line);
    }
}

/// The style of code in a language we cannot highlight.
pub fn plain_code_style() -> Style {
    PLAIN_CODE
}

/// Styles of byte ranges of one line, in order, covering the whole line.
pub type StyledRanges = Vec<(Style, Range<usize>)>;

/// Highlights the lines of one code block in order.
#[derive(Debug)]
pub struct LineHighlighter {
    engine: Option<Engine>,
    line_buf: String,
}

#[derive(Debug)]
struct Engine {
    syntaxes: &'static SyntaxSet,
    highlighter: Highlighter<'static>,
    parse: ParseState,
    highlight: HighlightState,
}

impl LineHighlighter {
    /// A highlighter for a fence's language token (`rust`, `yml`, `shell`, ...); unknown or
    /// missing languages give plain code.
    pub fn new(language: Option<&str>) -> Self {
        let assets = assets();
        let engine = language
            .and_then(|language| syntax_for(&assets.syntaxes, language))
            .map(|syntax| {
                let highlighter = Highlighter::new(&assets.theme);
                let highlight = HighlightState::new(&highlighter, ScopeStack::new());
                Engine {
                    syntaxes: &assets.syntaxes,
                    highlighter,
                    parse: ParseState::new(syntax),
                    highlight,
                }
            });
        Self {
            engine,
            line_buf: String::new(),
        }
    }

    /// Highlights the next complete line (given without its line ending).
    pub fn highlight(&mut self, line: &str) -> StyledRanges {
        let Some(engine) = self.engine.as_mut() else {
            return plain(line);
        };
        fill_line_buf(&mut self.line_buf, line);
        match highlight_with(
            engine.syntaxes,
            &engine.highlighter,
            &mut engine.parse,
            &mut engine.highlight,
            &self.line_buf,
            line.len(),
        ) {
            Some(ranges) => ranges,
            None => {
                // The grammar failed on this input: the rest of the block is shown plain.
                self.engine = None;
                plain(line)
            }
        }
    }

    /// Highlights a line that may still grow, leaving the state where it was.
    pub fn preview(&self, line: &str) -> StyledRanges {
        let Some(engine) = self.engine.as_ref() else {
            return plain(line);
        };
        let mut line_buf = String::with_capacity(line.len() + 1);
        fill_line_buf(&mut line_buf, line);
        let mut parse = engine.parse.clone();
        let mut highlight = engine.highlight.clone();
        highlight_with(
            engine.syntaxes,
            &engine.highlighter,
            &mut parse,
            &mut highlight,
            &line_buf,
            line.len(),
        )
        .unwrap_or_else(|| plain(line))
    }
}

fn fill_line_buf(line_buf: &mut String, line: &str) {
    line_buf.clear();
    line_buf.push_str(line);
    line_buf.push('\n');
}

fn highlight_with(
    syntaxes: &SyntaxSet,
    highlighter: &Highlighter<'_>,
    parse: &mut ParseState,
    highlight: &mut HighlightState,
    line_with_newline: &str,
    content_len: usize,
) -> Option<StyledRanges> {
    let ops = parse.parse_line(line_with_newline, syntaxes).ok()?;
    let ranges = RangedHighlightIterator::new(highlight, &ops, line_with_newline, highlighter)
        .filter(|(_, _, range)| range.start < content_len)
        .map(|(style, _, range)| (to_ratatui(style), range.start..range.end.min(content_len)))
        .collect();
    Some(ranges)
}

fn plain(line: &str) -> StyledRanges {
    vec![(PLAIN_CODE, 0..line.len())]
}

fn to_ratatui(style: syntect::highlighting::Style) -> Style {
    let fg = style.foreground;
    let mut converted = Style::new().fg(Color::Rgb(fg.r, fg.g, fg.b));
    if style.font_style.contains(FontStyle::BOLD) {
        converted = converted.add_modifier(Modifier::BOLD);
    }
    if style.font_style.contains(FontStyle::ITALIC) {
        converted = converted.add_modifier(Modifier::ITALIC);
    }
    if style.font_style.contains(FontStyle::UNDERLINE) {
        converted = converted.add_modifier(Modifier::UNDERLINED);
    }
    converted
}

/// Finds the grammar for a fence token; names models commonly use that syntect does not know
/// are mapped to the grammar they mean. Plain text counts as no grammar.
fn syntax_for<'a>(syntaxes: &'a SyntaxSet, language: &str) -> Option<&'a SyntaxReference> {
    let token = language.trim().to_ascii_lowercase();
    let token = match token.as_str() {
        "shell" | "console" | "shellsession" | "sh-session" | "terminal" | "zsh" => "bash",
        "golang" => "go",
        "py3" | "python3" => "python",
        "jsonc" | "json5" => "json",
        "k8s" | "kubernetes" | "helm" => "yaml",
        other => other,
    };
    if token.is_empty() {
        return None;
    }
    syntaxes
        .find_syntax_by_token(token)
        .filter(|syntax| syntax.name != "Plain Text")
}
