//! Markdown rendering costs: streaming tokens into a message, laying out a finished message,
//! and reading the visible window of a long chat history.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use kubevibe::ui::markdown::{MarkdownDoc, warm_up};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

const SECTION: &str = r#"## Step {n}: check the rollout of `web-{n}`

The deployment **web-{n}** has *3 replicas*; one pod is in `CrashLoopBackOff`. See the
[troubleshooting guide](https://kubernetes.io/docs/tasks/debug/) for details.

- the liveness probe fails after 5 s
  - the app needs about 40 s to warm its cache
- the image `registry.example.com/web:{n}` is pulled fine

```sh
kubectl -n prod get pods -l app=web-{n} -o wide
kubectl -n prod describe pod web-{n}-7d9f | tail -20
```

```yaml
livenessProbe:
  httpGet:
    path: /healthz
    port: 8080
  initialDelaySeconds: 45
  periodSeconds: 10
```

> Changing the probe rolls every replica; expect a short capacity dip.

"#;

/// Model-like tokens: words and spaces, long words cut into pieces of at most four bytes.
fn tokens(count: usize) -> Vec<String> {
    let mut tokens = Vec::with_capacity(count);
    let mut section = 0;
    while tokens.len() < count {
        let text = SECTION.replace("{n}", &section.to_string());
        for word in text.split_inclusive([' ', '\n']) {
            let mut piece = String::new();
            for c in word.chars() {
                if piece.len() >= 4 {
                    tokens.push(std::mem::take(&mut piece));
                }
                piece.push(c);
            }
            tokens.push(piece);
        }
        section += 1;
    }
    tokens.truncate(count);
    tokens
}

fn message_of_lines(lines: usize) -> String {
    let mut text = String::new();
    let mut section = 0;
    while text.lines().count() < lines {
        text.push_str(&SECTION.replace("{n}", &section.to_string()));
        section += 1;
    }
    text.lines().take(lines).collect::<Vec<_>>().join("\n")
}

fn streaming(c: &mut Criterion) {
    let tokens = tokens(100_000);
    let mut group = c.benchmark_group("stream");
    group.sample_size(10);
    group.bench_function("100k tokens, layout every 1k", |b| {
        b.iter(|| {
            let mut doc = MarkdownDoc::new();
            for chunk in tokens.chunks(1_000) {
                for token in chunk {
                    doc.push_str(token);
                }
                doc.layout(100);
            }
            doc.finish();
            doc.layout(100);
            black_box(doc.height())
        });
    });
    group.bench_function("push_str only, 100k tokens", |b| {
        b.iter(|| {
            let mut doc = MarkdownDoc::new();
            for token in &tokens {
                doc.push_str(token);
            }
            black_box(doc.text().len())
        });
    });
    // One frame's work late in a long stream: 1 000 new tokens, then layout.
    let (head, tail) = tokens.split_at(99_000);
    group.bench_function("layout after 1k tokens at 99k", |b| {
        b.iter_batched(
            || {
                let mut doc = MarkdownDoc::new();
                for chunk in head.chunks(1_000) {
                    chunk.iter().for_each(|token| doc.push_str(token));
                    doc.layout(100);
                }
                tail.iter().for_each(|token| doc.push_str(token));
                doc
            },
            |mut doc| {
                doc.layout(100);
                doc
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

fn finished_message(c: &mut Criterion) {
    let text = message_of_lines(1_000);
    let mut group = c.benchmark_group("finished 1000-line message");
    group.bench_function("first layout (parse, highlight, wrap)", |b| {
        b.iter_batched(
            || MarkdownDoc::from_text(&text),
            |mut doc| {
                doc.layout(100);
                doc
            },
            BatchSize::LargeInput,
        );
    });
    let mut doc = MarkdownDoc::from_text(&text);
    doc.layout(100);
    let mut width = 100;
    group.bench_function("layout at a new width (re-wrap)", |b| {
        b.iter(|| {
            width = if width == 100 { 99 } else { 100 };
            doc.layout(width);
            black_box(doc.height())
        });
    });
    group.bench_function("layout with nothing changed", |b| {
        b.iter(|| {
            doc.layout(width);
            black_box(doc.height())
        });
    });
    group.finish();
}

fn visible_window(c: &mut Criterion) {
    let history: Vec<MarkdownDoc> = (0..1_000)
        .map(|i| {
            let mut doc = MarkdownDoc::from_text(&SECTION.replace("{n}", &i.to_string()));
            doc.layout(120);
            doc
        })
        .collect();
    let long = {
        let mut doc = MarkdownDoc::from_text(&message_of_lines(1_000));
        doc.layout(120);
        doc
    };
    let mut group = c.benchmark_group("window");
    group.bench_function("lines() of 50 rows in a 1000-line message", |b| {
        let start = long.height() / 2;
        b.iter(|| black_box(long.lines(black_box(start..start + 50)).len()));
    });
    let area = Rect::new(0, 0, 120, 50);
    let mut buffer = Buffer::empty(area);
    group.bench_function("draw 120x50 from the end of a 1000-message history", |b| {
        b.iter(|| {
            let mut rows_left = usize::from(area.height);
            let mut y = area.height;
            for doc in history.iter().rev() {
                let take = rows_left.min(doc.height());
                let lines = doc.lines(doc.height() - take..doc.height());
                for line in lines.iter().rev() {
                    y -= 1;
                    buffer.set_line(0, y, line, area.width);
                }
                rows_left -= take;
                if rows_left == 0 {
                    break;
                }
            }
            black_box(&buffer);
        });
    });
    group.finish();
}

fn setup(c: &mut Criterion) {
    warm_up();
    streaming(c);
    finished_message(c);
    visible_window(c);
}

criterion_group!(benches, setup);
criterion_main!(benches);
