//! The look of rendered markdown: one place for every colour and modifier it uses.

use pulldown_cmark::HeadingLevel;
use ratatui::style::{Color, Modifier, Style};

pub const DIM: Style = Style::new().fg(Color::DarkGray);
pub const INLINE_CODE: Style = Style::new()
    .fg(Color::Rgb(0xeb, 0xcb, 0x8b))
    .bg(Color::Rgb(0x34, 0x3d, 0x46));
pub const LINK: Style = Style::new()
    .fg(Color::LightBlue)
    .add_modifier(Modifier::UNDERLINED);
pub const EMPHASIS: Style = Style::new().add_modifier(Modifier::ITALIC);
pub const STRONG: Style = Style::new().add_modifier(Modifier::BOLD);
pub const STRIKETHROUGH: Style = Style::new().add_modifier(Modifier::CROSSED_OUT);
pub const LIST_MARKER: Style = Style::new().fg(Color::Yellow);
pub const QUOTE_GUTTER: Style = Style::new().fg(Color::DarkGray);
pub const RULE: Style = Style::new().fg(Color::DarkGray);
pub const CODE_LABEL: Style = Style::new()
    .fg(Color::DarkGray)
    .add_modifier(Modifier::ITALIC);
pub const HTML: Style = Style::new().fg(Color::Gray);

pub const QUOTE_PREFIX: &str = "│ ";
pub const BULLET: &str = "• ";
pub const RULE_CHAR: char = '─';

/// Heading text: bold everywhere, colour and underline tell the levels apart.
pub fn heading(level: HeadingLevel) -> Style {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    match level {
        HeadingLevel::H1 => bold.fg(Color::LightCyan).add_modifier(Modifier::UNDERLINED),
        HeadingLevel::H2 => bold.fg(Color::LightCyan),
        HeadingLevel::H3 => bold.fg(Color::LightGreen),
        _ => bold.fg(Color::LightMagenta),
    }
}

/// The dim `#` marks shown before a heading, as many as its level.
pub fn heading_marks(level: HeadingLevel) -> &'static str {
    match level {
        HeadingLevel::H1 => "# ",
        HeadingLevel::H2 => "## ",
        HeadingLevel::H3 => "### ",
        HeadingLevel::H4 => "#### ",
        HeadingLevel::H5 => "##### ",
        HeadingLevel::H6 => "###### ",
    }
}
