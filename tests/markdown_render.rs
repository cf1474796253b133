//! Rendering finished messages: text, layout and styles of each markdown construct.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;

use kubevibe::ui::highlight::plain_code_style;
use kubevibe::ui::markdown::MarkdownDoc;
use kubevibe::ui::wrap::display_width;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

fn laid_out(source: &str, width: u16) -> Vec<Line<'static>> {
    let mut doc = MarkdownDoc::from_text(source);
    doc.layout(width);
    doc.lines(0..doc.height()).to_vec()
}

fn row_text(line: &Line<'_>) -> String {
    line.spans
        .iter()
        .map(|span| span.content.as_ref())
        .collect()
}

fn rows(source: &str, width: u16) -> Vec<String> {
    laid_out(source, width).iter().map(row_text).collect()
}

/// The first span whose text contains `needle`.
fn span_with<'a>(lines: &'a [Line<'static>], needle: &str) -> &'a Span<'static> {
    lines
        .iter()
        .flat_map(|line| &line.spans)
        .find(|span| span.content.contains(needle))
        .unwrap_or_else(|| panic!("no span contains {needle:?}"))
}

fn has(style: Style, modifier: Modifier) -> bool {
    style.add_modifier.contains(modifier)
}

#[test]
fn headings_are_bold_coloured_and_marked_by_level() {
    let lines = laid_out("# Cluster\n\n## Pods\n\ntext\n", 40);
    assert_eq!(
        lines.iter().map(row_text).collect::<Vec<_>>(),
        vec!["# Cluster", "", "## Pods", "", "text"]
    );
    let h1 = span_with(&lines, "Cluster").style;
    let h2 = span_with(&lines, "Pods").style;
    assert!(has(h1, Modifier::BOLD) && has(h2, Modifier::BOLD));
    assert!(h1.fg.is_some());
    assert_ne!(h1, h2);
    assert_eq!(span_with(&lines, "text").style, Style::default());
}

#[test]
fn paragraphs_are_separated_by_one_blank_line() {
    assert_eq!(
        rows("first\nstill first\n\n\n\nsecond\n", 40),
        vec!["first still first", "", "second"]
    );
}

#[test]
fn nested_list_items_wrap_under_their_text() {
    let source =
        "- the deployment has three replicas\n  - one pod is crash looping again\n- done\n";
    assert_eq!(
        rows(source, 20),
        vec![
            "• the deployment has",
            "  three replicas",
            "  • one pod is crash",
            "    looping again",
            "• done",
        ]
    );
}

#[test]
fn numbered_list_continuation_lines_align_with_the_text() {
    let source = "9. scale the deployment down\n10. delete the stuck pod now\n";
    assert_eq!(
        rows(source, 16),
        vec![
            "9. scale the",
            "   deployment",
            "   down",
            "10. delete the",
            "    stuck pod",
            "    now",
        ]
    );
}

#[test]
fn list_markers_are_coloured() {
    let lines = laid_out("- a\n1. b\n", 20);
    assert_eq!(span_with(&lines, "•").style.fg, Some(Color::Yellow));
    assert_eq!(span_with(&lines, "1.").style.fg, Some(Color::Yellow));
}

#[test]
fn inline_code_has_its_own_colours() {
    let lines = laid_out("run `kubectl get pods` now\n", 40);
    let code = span_with(&lines, "kubectl get pods").style;
    assert!(code.fg.is_some() && code.bg.is_some());
    assert_eq!(span_with(&lines, "run").style, Style::default());
    assert_eq!(row_text(&lines[0]), "run kubectl get pods now");
}

#[test]
fn emphasis_strong_and_strikethrough_set_modifiers() {
    let lines = laid_out("*soft* **loud** ~~gone~~ ***both***\n", 40);
    assert!(has(span_with(&lines, "soft").style, Modifier::ITALIC));
    assert!(has(span_with(&lines, "loud").style, Modifier::BOLD));
    assert!(has(span_with(&lines, "gone").style, Modifier::CROSSED_OUT));
    let both = span_with(&lines, "both").style;
    assert!(has(both, Modifier::BOLD) && has(both, Modifier::ITALIC));
}

#[test]
fn links_are_underlined_with_a_dim_url_when_it_differs() {
    let lines = laid_out("[docs](https://k8s.io/docs) and <https://k8s.io>\n", 80);
    assert_eq!(
        row_text(&lines[0]),
        "docs (https://k8s.io/docs) and https://k8s.io"
    );
    assert!(has(span_with(&lines, "docs").style, Modifier::UNDERLINED));
    assert_eq!(
        span_with(&lines, "(https://k8s.io/docs)").style.fg,
        Some(Color::DarkGray)
    );
    let autolink = lines[0].spans.last().unwrap();
    assert_eq!(autolink.content, "https://k8s.io");
    assert!(has(autolink.style, Modifier::UNDERLINED));
}

#[test]
fn block_quotes_carry_their_gutter_onto_wrapped_rows() {
    let source = "> the node is under memory pressure\n>\n> check kubelet\n";
    assert_eq!(
        rows(source, 16),
        vec![
            "│ the node is",
            "│ under memory",
            "│ pressure",
            "│",
            "│ check kubelet",
        ]
    );
}

#[test]
fn horizontal_rule_spans_the_width() {
    assert_eq!(rows("a\n\n---\n\nb\n", 5), vec!["a", "", "─────", "", "b"]);
}

fn code_colours(source: &str) -> HashSet<Option<Color>> {
    let lines = laid_out(source, 80);
    lines[1..]
        .iter()
        .flat_map(|line| &line.spans)
        .filter(|span| !span.content.trim().is_empty())
        .map(|span| span.style.fg)
        .collect()
}

#[test]
fn yaml_json_and_shell_blocks_are_highlighted() {
    let yaml = "```yaml\napiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 3 # more\n```\n";
    let json = "```json\n{\"name\": \"web\", \"replicas\": 3, \"ready\": true}\n```\n";
    let shell = "```sh\nkubectl get pods -n prod | grep -v Running # check\n```\n";
    let console = "```console\n$ export NS=\"prod\"; echo $NS\n```\n";
    for source in [yaml, json, shell, console] {
        let colours = code_colours(source);
        assert!(colours.len() > 1, "{source:?} got colours {colours:?}");
    }
}

#[test]
fn code_block_has_a_dim_language_label_then_its_lines() {
    let lines = laid_out("```rust\nfn main() {}\n```\n", 40);
    assert_eq!(row_text(&lines[0]), "rust");
    assert_eq!(lines[0].spans[0].style.fg, Some(Color::DarkGray));
    assert_eq!(row_text(&lines[1]), "fn main() {}");
    assert_eq!(lines.len(), 2);
}

#[test]
fn unknown_or_missing_language_is_plain_code() {
    for source in [
        "```klingon\nqapla' batlh\n```\n",
        "```\nplain = true\n```\n",
    ] {
        let colours = code_colours(source);
        assert_eq!(
            colours,
            HashSet::from([plain_code_style().fg]),
            "{source:?}"
        );
    }
}

#[test]
fn long_code_lines_are_cut_at_the_width_not_reflowed() {
    assert_eq!(
        rows("```\nabc def ghij\n```\n", 5),
        vec!["code", "abc d", "ef gh", "ij"]
    );
}

#[test]
fn tabs_are_expanded() {
    assert_eq!(
        rows("```\na\tb\n\tc\n```\n\nx\ty\n", 40),
        vec!["code", "a   b", "    c", "", "x    y"]
    );
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let source = "red \u{1b}[31malert\u{1b}[0m\u{7}\n\n```sh\necho \u{1b}]0;title\u{7}\n```\n\n[x](http://a/\u{1b}[2J)\n";
    let lines = laid_out(source, 80);
    for span in lines.iter().flat_map(|line| &line.spans) {
        assert!(
            !span.content.chars().any(|c| c.is_control()),
            "control character in {:?}",
            span.content
        );
    }
    assert_eq!(row_text(&lines[0]), "red ␛[31malert␛[0m␇");
}

#[test]
fn wide_characters_wrap_by_display_width() {
    let lines = rows("日本語のテキスト\n", 6);
    assert_eq!(lines, vec!["日本語", "のテキ", "スト"]);
    let mixed = rows("ok 🚀🚀 done 中文字符\n", 7);
    assert_eq!(mixed, vec!["ok 🚀🚀", "done 中", "文字符"]);
    for row in mixed {
        assert!(display_width(&row) <= 7);
    }
}

#[test]
fn empty_and_blank_messages_have_no_lines() {
    for source in ["", "\n\n", "  \n\t\n"] {
        let mut doc = MarkdownDoc::from_text(source);
        doc.layout(20);
        assert_eq!(doc.height(), 0, "{source:?}");
    }
}

#[test]
fn lines_clamps_its_range() {
    let mut doc = MarkdownDoc::from_text("a\n\nb\n");
    doc.layout(10);
    assert_eq!(doc.height(), 3);
    assert_eq!(doc.lines(2..100).len(), 1);
    assert!(doc.lines(7..9).is_empty());
    assert_eq!(row_text(&doc.lines(0..1)[0]), "a");
}

#[test]
fn relayout_at_another_width_rewraps() {
    let mut doc = MarkdownDoc::from_text("one two three four\n");
    doc.layout(9);
    assert_eq!(doc.height(), 3);
    doc.layout(40);
    assert_eq!(doc.height(), 1);
    assert_eq!(row_text(&doc.lines(0..1)[0]), "one two three four");
}
