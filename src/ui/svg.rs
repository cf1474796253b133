//! Turns a rendered ratatui `Buffer` into an SVG picture, colors included, for `screenshots/`.

use std::fmt::Write;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

const CELL_W: f32 = 8.4;
const CELL_H: f32 = 17.0;
const BACKGROUND: &str = "#16161e";
const FOREGROUND: &str = "#c0caf5";

/// An SVG of the buffer as a terminal would show it.
pub fn buffer_to_svg(buffer: &Buffer) -> String {
    let area = buffer.area;
    let (width, height) = (
        f32::from(area.width) * CELL_W,
        f32::from(area.height) * CELL_H,
    );
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.1} {height:.1}" font-family="'DejaVu Sans Mono','Menlo','Consolas',monospace" font-size="14px">"#
    );
    let _ = write!(
        svg,
        r#"<rect width="100%" height="100%" fill="{BACKGROUND}"/>"#
    );
    for y in 0..area.height {
        write_row(&mut svg, buffer, y);
    }
    svg.push_str("</svg>\n");
    svg
}

fn write_row(svg: &mut String, buffer: &Buffer, y: u16) {
    let area = buffer.area;
    let top = f32::from(y) * CELL_H;
    let mut x = 0;
    while x < area.width {
        let cell = &buffer[(area.x + x, area.y + y)];
        let reversed = cell.modifier.contains(Modifier::REVERSED);
        let (fg, bg) = if reversed {
            (cell.bg, cell.fg)
        } else {
            (cell.fg, cell.bg)
        };
        if let Some(fill) = color(bg) {
            let _ = write!(
                svg,
                r#"<rect x="{:.1}" y="{top:.1}" width="{:.1}" height="{CELL_H:.1}" fill="{fill}"/>"#,
                f32::from(x) * CELL_W,
                CELL_W + 0.5
            );
        }
        let symbol = cell.symbol();
        if !symbol.trim().is_empty() {
            let fill = color(fg).unwrap_or_else(|| FOREGROUND.to_string());
            let weight = if cell.modifier.contains(Modifier::BOLD) {
                r#" font-weight="bold""#
            } else {
                ""
            };
            let style = if cell.modifier.contains(Modifier::ITALIC) {
                r#" font-style="italic""#
            } else {
                ""
            };
            let underline = if cell.modifier.contains(Modifier::UNDERLINED) {
                r#" text-decoration="underline""#
            } else {
                ""
            };
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" fill="{fill}"{weight}{style}{underline}>{}</text>"#,
                f32::from(x) * CELL_W,
                top + CELL_H * 0.78,
                escape(symbol)
            );
        }
        x += 1;
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A CSS color for a ratatui color; `None` keeps the default.
fn color(color: Color) -> Option<String> {
    const ANSI: [&str; 16] = [
        "#15161e", "#f7768e", "#9ece6a", "#e0af68", "#7aa2f7", "#bb9af7", "#7dcfff", "#a9b1d6",
        "#414868", "#ff7a93", "#b9f27c", "#ff9e64", "#7da6ff", "#bb9af7", "#0db9d7", "#c0caf5",
    ];
    let index = match color {
        Color::Reset => return None,
        Color::Rgb(r, g, b) => return Some(format!("#{r:02x}{g:02x}{b:02x}")),
        Color::Indexed(i) => return Some(indexed(i, &ANSI)),
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
    };
    Some(ANSI[index].to_string())
}

/// The xterm 256-color palette.
fn indexed(i: u8, ansi: &[&str; 16]) -> String {
    let (r, g, b) = match i {
        0..=15 => return ansi[usize::from(i)].to_string(),
        16..=231 => {
            let i = i - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            (level(i / 36), level((i / 6) % 6), level(i % 6))
        }
        _ => {
            let v = 8 + (i - 232) * 10;
            (v, v, v)
        }
    };
    format!("#{r:02x}{g:02x}{b:02x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    #[test]
    fn cells_become_text_and_colored_rects() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 4, 1));
        buffer.set_string(
            0,
            0,
            "a<b",
            Style::default().fg(Color::Rgb(1, 2, 3)).bg(Color::Red),
        );
        let svg = buffer_to_svg(&buffer);
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains(r##"fill="#010203">a</text>"##), "{svg}");
        assert!(svg.contains("&lt;"));
        assert_eq!(
            svg.matches(r##"fill="#f7768e""##).count(),
            3,
            "three red backgrounds"
        );
    }
}
