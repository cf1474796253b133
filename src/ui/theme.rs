//! The cockpit's colors and styles, in one place.

use ratatui::style::{Color, Modifier, Style};

pub const ACCENT: Color = Color::Rgb(0x7a, 0xa2, 0xf7);
pub const USER: Color = Color::Rgb(0x9e, 0xce, 0x6a);
pub const ASSISTANT: Color = Color::Rgb(0x7d, 0xcf, 0xff);
pub const ERROR: Color = Color::Rgb(0xf7, 0x76, 0x8e);
pub const WARN: Color = Color::Rgb(0xe0, 0xaf, 0x68);
pub const OK: Color = Color::Rgb(0x9e, 0xce, 0x6a);
pub const DIM: Color = Color::Rgb(0x73, 0x7a, 0xa2);
pub const TEXT: Color = Color::Rgb(0xc0, 0xca, 0xf5);
pub const BORDER: Color = Color::Rgb(0x3b, 0x42, 0x61);
pub const STATUS_BG: Color = Color::Rgb(0x1f, 0x23, 0x35);

pub fn border(focused: bool) -> Style {
    if focused {
        Style::default().fg(ACCENT)
    } else {
        Style::default().fg(BORDER)
    }
}

pub fn title(focused: bool) -> Style {
    let style = Style::default().fg(if focused { ACCENT } else { DIM });
    if focused {
        style.add_modifier(Modifier::BOLD)
    } else {
        style
    }
}

pub fn dim() -> Style {
    Style::default().fg(DIM)
}
