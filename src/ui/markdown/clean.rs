//! Making model text safe to hand to the terminal: control characters become visible symbols,
//! tabs become spaces.
//!
//! Everything the model writes is data. An escape sequence reaching the terminal could move the
//! cursor, retitle the window or worse, so C0/C1 controls, DEL and the bidirectional overrides
//! that reorder what is displayed are replaced before text becomes a span.

use std::borrow::Cow;

use unicode_width::UnicodeWidthChar;

const PROSE_TAB: &str = "    ";
pub const TAB_STOP: usize = 4;

/// Cleans a piece of prose (no line structure): tabs become four spaces.
pub fn clean_prose(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_cleaning) {
        return Cow::Borrowed(text);
    }
    let mut cleaned = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' => cleaned.push_str(PROSE_TAB),
            '\n' => cleaned.push(' '),
            c => cleaned.push(visible(c)),
        }
    }
    Cow::Owned(cleaned)
}

/// Appends a piece of a code line, expanding tabs to the next stop; `column` is the display
/// column the piece starts at and is advanced past it.
pub fn push_code(piece: &str, column: &mut usize, out: &mut String) {
    for c in piece.chars() {
        if c == '\t' {
            let spaces = TAB_STOP - *column % TAB_STOP;
            out.extend(std::iter::repeat_n(' ', spaces));
            *column += spaces;
            continue;
        }
        let shown = visible(c);
        out.push(shown);
        *column += shown.width().unwrap_or(0);
    }
}

fn needs_cleaning(c: char) -> bool {
    c == '\t' || c == '\n' || visible(c) != c
}

/// The character to display for `c`: itself, or a visible stand-in for a control.
fn visible(c: char) -> char {
    match c {
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => '\u{fffd}',
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible() {
        assert_eq!(clean_prose("a\u{1b}[2Jb"), "a\u{241b}[2Jb");
        assert_eq!(clean_prose("bell\u{7}"), "bell\u{2407}");
        assert_eq!(clean_prose("c1\u{9b}31m"), "c1\u{fffd}31m");
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(clean_prose("plain ascii"), Cow::Borrowed(_)));
    }

    #[test]
    fn code_tabs_stop_every_four_columns() {
        let mut out = String::new();
        let mut column = 0;
        push_code("ab\tc", &mut column, &mut out);
        push_code("\td", &mut column, &mut out);
        assert_eq!(out, "ab  c   d");
        assert_eq!(column, 9);
    }
}
