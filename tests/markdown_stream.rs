//! Streaming a message in arbitrary pieces must end in exactly the lines of rendering it whole.
#![allow(clippy::unwrap_used)]

use kubevibe::ui::markdown::MarkdownDoc;
use ratatui::text::Line;

/// xorshift64*: a fixed seed keeps every run identical and failures reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

const DOCUMENTS: &[&str] = &[
    "# Rollout status\n\nThe deployment `web` is *progressing*.\n\n```yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n\nspec:\n  replicas: 3\n```\nAfter the fence, text.\n",
    "- tight item one\n- tight item two\n  - nested ünïcödé item\n    that continues lazily\n- three\n\n1. loose\n\n2. list\n\n   with a second paragraph\n3) other delimiter\n",
    "> quoted **bold** text\n> - a list in a quote\n>\n> ```sh\n> kubectl get pods\n> ```\n\nafter the quote\n",
    "日本語のテキストはスペースなしで続きます。🚀 emoji and Größe ✓\n\n中文段落，包含很多很多的字符。\n",
    "Windows line endings\r\nsecond line\r\n\r\n```json\r\n{\"a\": 1}\r\n```\r\n\r\n- item\r\n",
    "text directly before a fence\n```python\ndef f():\n\treturn \"\u{1b}[31m\"\n\n\n    # blank lines inside\n```\n~~~\ntilde fence with ``` inside\n~~~\n",
    "- item with code\n  ```bash\n  echo one\n\n  echo two\n  ```\n- next item\n\nunclosed fence follows\n\n````rust\nfn main() {\n    println!(\"never closed\");\n",
    "Title\n=====\n\nSubtitle\n--------\n\n***\n\n[ref]: https://example.com\n\nSee [the docs][ref] and ![a chart](https://x.io/c.png).\n\n  ```\n  indented fence\n    keeps relative indent\n  ```\n",
    "    indented code block\n\n    still code\nparagraph\n\n- [ ] task\n- [x] done task\n\n<div>\nhtml block\n</div>\n",
    "| pod | status | restarts |\n|:---|:---:|---:|\n| web-1 | `Running` | 0 |\n| db-0 | **CrashLoop** | 12 |\n\nafter the table\n",
    "no trailing newline at all, a single long paragraph that will wrap many times at small widths",
];

const FRAGMENTS: &[&str] = &[
    "A paragraph with *emphasis*, **strong** text and `inline code`.",
    "- bullet one\n- bullet two\n  - nested bullet",
    "1. first\n2. second\n10. tenth",
    "```yaml\nkey: value\nlist:\n  - a\n```",
    "```sh\nkubectl rollout status deploy/web\n\nkubectl get events\n```",
    "```\nunterminated",
    "> a quote\nlazily continued",
    "## Heading with ümlaut",
    "---",
    "Ünïcödé ✓ 日本語 🚀 text that wraps",
    "line with\ttab and \u{1b}[2J escape",
    "",
    "   ",
    "[link](https://kubernetes.io) <https://example.com>",
    "| a | b |\n|---|---|\n| 1 | 日本 |",
];

fn generated_documents(rng: &mut Rng, count: usize) -> Vec<String> {
    (0..count)
        .map(|_| {
            let parts = 1 + rng.below(12);
            let mut doc = String::new();
            for _ in 0..parts {
                doc.push_str(rng.pick(FRAGMENTS));
                doc.push_str(rng.pick(&["\n", "\n\n", "\n\n\n"]));
            }
            doc
        })
        .collect()
}

/// Byte offsets at which `text` may be cut: every char boundary.
fn boundaries(text: &str) -> Vec<usize> {
    (1..text.len())
        .filter(|&i| text.is_char_boundary(i))
        .collect()
}

/// Cut points: either a few random ones or many small token-sized pieces.
fn random_cuts(rng: &mut Rng, text: &str) -> Vec<usize> {
    let candidates = boundaries(text);
    if candidates.is_empty() {
        return Vec::new();
    }
    let mut cuts: Vec<usize> = if rng.below(2) == 0 {
        let count = 1 + rng.below(candidates.len().min(30));
        (0..count).map(|_| rng.pick(&candidates)).collect()
    } else {
        let mut cuts = Vec::new();
        let mut at = 0;
        loop {
            at += 1 + rng.below(6);
            if at >= text.len() {
                break cuts;
            }
            while !text.is_char_boundary(at) {
                at += 1;
            }
            cuts.push(at);
        }
    };
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

fn whole(text: &str, width: u16) -> Vec<Line<'static>> {
    let mut doc = MarkdownDoc::from_text(text);
    doc.layout(width);
    doc.lines(0..doc.height()).to_vec()
}

/// Streams `text` cut at `cuts`, laying out after every piece at the width `width_for` gives.
fn streamed(text: &str, cuts: &[usize], mut width_for: impl FnMut() -> u16) -> MarkdownDoc {
    let mut doc = MarkdownDoc::new();
    let mut from = 0;
    for &cut in cuts.iter().chain(std::iter::once(&text.len())) {
        doc.push_str(&text[from..cut]);
        doc.layout(width_for());
        from = cut;
    }
    doc.finish();
    doc
}

fn all_documents() -> Vec<String> {
    let mut rng = Rng(0x5eed_0fc0_ffee);
    let mut documents: Vec<String> = DOCUMENTS.iter().map(|doc| doc.to_string()).collect();
    documents.extend(generated_documents(&mut rng, 40));
    documents
}

#[test]
fn streaming_in_random_pieces_matches_rendering_whole() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for text in all_documents() {
        let expected = whole(&text, 24);
        for _ in 0..40 {
            let cuts = random_cuts(&mut rng, &text);
            let mut doc = streamed(&text, &cuts, || 24);
            doc.layout(24);
            assert_eq!(doc.text(), text);
            assert_eq!(
                doc.lines(0..doc.height()),
                expected.as_slice(),
                "{text:?} cut at {cuts:?}"
            );
        }
    }
}

#[test]
fn changing_width_mid_stream_matches_rendering_whole() {
    let mut rng = Rng(0xfeed_beef_0000_0001);
    let widths = [1, 2, 7, 16, 24, 33, 80, 200];
    for text in all_documents() {
        for _ in 0..20 {
            let cuts = random_cuts(&mut rng, &text);
            let mut width_rng = Rng(rng.next() | 1);
            let mut doc = streamed(&text, &cuts, || width_rng.pick(&widths));
            let width = rng.pick(&widths);
            doc.layout(width);
            assert_eq!(
                doc.lines(0..doc.height()),
                whole(&text, width).as_slice(),
                "{text:?} cut at {cuts:?}, final width {width}"
            );
        }
    }
}

#[test]
fn more_text_after_finish_renders_as_one_message() {
    let mut doc = MarkdownDoc::from_text("```sh\nls");
    doc.layout(20);
    doc.push_str("\npwd\n```\ndone\n");
    doc.layout(20);
    doc.finish();
    doc.layout(20);
    assert_eq!(
        doc.lines(0..doc.height()),
        whole("```sh\nls\npwd\n```\ndone\n", 20).as_slice()
    );
}

#[test]
fn streaming_code_block_highlights_each_line_once() {
    let lines = 5_000;
    let mut text = String::from("```rust\n");
    for i in 0..lines {
        text.push_str(&format!("let value_{i} = compute({i}); // step\n"));
    }
    text.push_str("```\n");
    let mut doc = MarkdownDoc::new();
    let mut longest_partial = 0;
    let mut layouts = 0;
    for token in text.split_inclusive(' ') {
        doc.push_str(token);
        doc.layout(60);
        layouts += 1;
        longest_partial = longest_partial.max(token.len());
    }
    doc.finish();
    doc.layout(60);
    let stats = doc.stats();
    assert_eq!(stats.code_lines_highlighted, lines);
    let longest_line = text.lines().map(str::len).max().unwrap();
    assert!(stats.tail_bytes_rendered <= layouts * longest_line);
    assert_eq!(doc.lines(0..doc.height()), whole(&text, 60).as_slice());
}

#[test]
fn streaming_prose_renders_each_finished_block_once() {
    let paragraphs = 300;
    let text: String = (0..paragraphs)
        .map(|i| format!("Paragraph {i} says the pod *web-{i}* restarted.\n\n"))
        .collect();
    let mut doc = MarkdownDoc::new();
    let mut layouts = 0;
    for token in text.split_inclusive(' ') {
        doc.push_str(token);
        doc.layout(40);
        layouts += 1;
    }
    doc.finish();
    doc.layout(40);
    let stats = doc.stats();
    assert_eq!(stats.blocks_rendered, paragraphs);
    let longest_block = text.split("\n\n").map(str::len).max().unwrap() + 2;
    assert!(stats.tail_bytes_rendered <= layouts * longest_block);
}
