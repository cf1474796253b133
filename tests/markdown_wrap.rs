//! Wrapping styled lines by display width, for the markdown renderer and any other pane.
#![allow(clippy::unwrap_used)]

use kubevibe::ui::wrap::{
    Gutter, WrapMode, display_width, hard_wrap_line, wrap_line, wrap_spans_into,
};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};

fn texts(lines: &[Line<'_>]) -> Vec<String> {
    lines
        .iter()
        .map(|line| {
            line.spans
                .iter()
                .map(|span| span.content.as_ref())
                .collect()
        })
        .collect()
}

#[test]
fn words_move_to_the_next_row_whole() {
    let line = Line::from("the quick brown fox jumps");
    assert_eq!(
        texts(&wrap_line(&line, 10, 0)),
        vec!["the quick", "brown fox", "jumps"]
    );
}

#[test]
fn continuation_rows_are_indented_and_narrower() {
    let line = Line::from("- one two three four five");
    assert_eq!(
        texts(&wrap_line(&line, 10, 2)),
        vec!["- one two", "  three", "  four", "  five"]
    );
}

#[test]
fn styles_survive_a_break_inside_a_styled_run() {
    let line = Line::from(vec![
        Span::raw("plain "),
        Span::styled("red words here", Style::new().fg(Color::Red)),
    ]);
    let rows = wrap_line(&line, 11, 0);
    assert_eq!(texts(&rows), vec!["plain red", "words here"]);
    assert_eq!(
        rows[0].spans[1],
        Span::styled("red", Style::new().fg(Color::Red))
    );
    assert_eq!(
        rows[1].spans,
        vec![Span::styled("words here", Style::new().fg(Color::Red))]
    );
}

#[test]
fn a_word_spanning_styles_is_kept_together() {
    let line = Line::from(vec![Span::raw("aa bb"), "cc".bold(), Span::raw(" dd")]);
    let rows = wrap_line(&line, 5, 0);
    assert_eq!(texts(&rows), vec!["aa", "bbcc", "dd"]);
    assert_eq!(rows[1].spans, vec![Span::raw("bb"), "cc".bold()]);
}

#[test]
fn a_word_longer_than_the_row_is_broken() {
    let line = Line::from("see supercalifragilistic");
    assert_eq!(
        texts(&wrap_line(&line, 8, 0)),
        vec!["see", "supercal", "ifragili", "stic"]
    );
}

#[test]
fn wide_characters_count_two_columns_and_may_break_between() {
    let line = Line::from("状态正常吗 ok");
    let rows = wrap_line(&line, 5, 0);
    assert_eq!(texts(&rows), vec!["状态", "正常", "吗 ok"]);
    for row in texts(&rows) {
        assert!(display_width(&row) <= 5);
    }
}

#[test]
fn emoji_are_not_split() {
    let rows = hard_wrap_line(&Line::from("🚀🚀🚀"), 3);
    assert_eq!(texts(&rows), vec!["🚀", "🚀", "🚀"]);
}

#[test]
fn hard_wrap_keeps_spaces_and_breaks_anywhere() {
    let rows = hard_wrap_line(&Line::from("  ab  cd"), 3);
    assert_eq!(texts(&rows), vec!["  a", "b  ", "cd"]);
}

#[test]
fn leading_indentation_is_kept() {
    let rows = wrap_line(&Line::from("    indented text"), 12, 4);
    assert_eq!(texts(&rows), vec!["    indented", "    text"]);
}

#[test]
fn a_line_that_fits_is_one_row_and_empty_is_one_empty_row() {
    assert_eq!(texts(&wrap_line(&Line::from("fits"), 4, 0)), vec!["fits"]);
    assert_eq!(texts(&wrap_line(&Line::default(), 4, 0)), vec![""]);
}

#[test]
fn zero_width_still_makes_progress() {
    let rows = wrap_line(&Line::from("ab"), 0, 0);
    assert_eq!(texts(&rows), vec!["a", "b"]);
}

#[test]
fn line_style_is_kept_on_every_row() {
    let line = Line::from("one two").style(Style::new().bg(Color::Blue));
    for row in wrap_line(&line, 4, 0) {
        assert_eq!(row.style, Style::new().bg(Color::Blue));
    }
}

#[test]
fn gutters_are_drawn_on_first_and_continuation_rows() {
    let first = [Span::raw("│ "), Span::raw("• ")];
    let rest = [Span::raw("│ "), Span::raw("  ")];
    let mut out = Vec::new();
    let content = [Span::raw("alpha beta gamma")];
    let gutter = Gutter {
        first: &first,
        rest: &rest,
    };
    wrap_spans_into(&content, 10, WrapMode::Words, gutter, &mut out);
    assert_eq!(texts(&out), vec!["│ • alpha", "│   beta", "│   gamma"]);
}
