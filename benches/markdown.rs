//! Markdown rendering costs: streaming tokens into a message, laying out a finished message,
//! and reading the visible window of a long chat history.
//!
//! Times are the benchmark thread's own CPU time, not wall time: the machine's cores are
//! shared, and wall time would mostly measure what else was running.

use std::hint::black_box;

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use kubevibe::ui::highlight::LineHighlighter;
use kubevibe::ui::markdown::{MarkdownDoc, warm_up};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// A typical troubleshooting answer; about half of its content lines are code.
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

/// `SECTION` without its code blocks.
fn prose_section() -> String {
    let mut prose = String::new();
    let mut in_code = false;
    for line in SECTION.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        } else if !in_code {
            prose.push_str(line);
            prose.push('\n');
        }
    }
    prose
}

/// Model-like tokens: words and spaces, long words cut into pieces of at most four bytes.
fn tokens(section_template: &str, count: usize) -> Vec<String> {
    let mut tokens = Vec::with_capacity(count);
    let mut section = 0;
    while tokens.len() < count {
        let text = section_template.replace("{n}", &section.to_string());
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

fn stream_all(tokens: &[String]) -> usize {
    let mut doc = MarkdownDoc::new();
    for chunk in tokens.chunks(1_000) {
        for token in chunk {
            doc.push_str(token);
        }
        doc.layout(100);
    }
    doc.finish();
    doc.layout(100);
    doc.height()
}

fn streaming(c: &mut Criterion<ThreadCpuTime>) {
    let mixed = tokens(SECTION, 100_000);
    let prose = tokens(&prose_section(), 100_000);
    let mut group = c.benchmark_group("stream");
    group.sample_size(10);
    group.throughput(Throughput::Elements(100_000));
    group.bench_function("100k tokens with code, layout every 1k", |b| {
        b.iter(|| black_box(stream_all(&mixed)));
    });
    group.bench_function("100k tokens, no code, layout every 1k", |b| {
        b.iter(|| black_box(stream_all(&prose)));
    });
    group.bench_function("push_str only, 100k tokens", |b| {
        b.iter(|| {
            let mut doc = MarkdownDoc::new();
            for token in &mixed {
                doc.push_str(token);
            }
            black_box(doc.text().len())
        });
    });
    // One frame's work late in a long stream: 1 000 new tokens, then layout.
    group.throughput(Throughput::Elements(1_000));
    let (head, tail) = mixed.split_at(99_000);
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

fn finished_message(c: &mut Criterion<ThreadCpuTime>) {
    let text = message_of_lines(1_000);
    let mut group = c.benchmark_group("finished 1000-line message");
    group.bench_function("from_text + first layout (parse, highlight, wrap)", |b| {
        b.iter(|| {
            let mut doc = MarkdownDoc::from_text(&text);
            doc.layout(100);
            doc
        });
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

fn visible_window(c: &mut Criterion<ThreadCpuTime>) {
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

/// syntect's cost per line for the languages answers use most: the floor under streaming code.
fn highlighting(c: &mut Criterion<ThreadCpuTime>) {
    let samples = [
        (
            "yaml",
            "  initialDelaySeconds: 45 # was 5, the app needs time",
        ),
        (
            "sh",
            "kubectl -n prod get pods -l app=web -o wide | grep -v Running",
        ),
        (
            "json",
            r#"{"name": "web", "replicas": 3, "ready": true, "labels": {"app": "web"}}"#,
        ),
        (
            "rust",
            "let pods = api.list(&ListParams::default().labels(\"app=web\")).await?;",
        ),
        (
            "go",
            "pods, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})",
        ),
        (
            "python",
            "pods = v1.list_namespaced_pod(namespace=\"prod\", label_selector=\"app=web\")",
        ),
    ];
    let mut group = c.benchmark_group("highlight 100 lines");
    group.throughput(Throughput::Elements(100));
    for (language, line) in samples {
        group.bench_function(language, |b| {
            b.iter(|| {
                let mut highlighter = LineHighlighter::new(Some(language));
                for _ in 0..100 {
                    black_box(highlighter.highlight(line));
                }
            });
        });
    }
    group.finish();
}

fn setup(c: &mut Criterion<ThreadCpuTime>) {
    warm_up();
    highlighting(c);
    streaming(c);
    finished_message(c);
    visible_window(c);
}

/// CPU time of the current thread in nanoseconds, from the scheduler's accounting (Linux).
fn thread_cpu_nanos() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|stat| stat.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

struct ThreadCpuTime;

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_nanos()
    }

    fn end(&self, start: u64) -> u64 {
        thread_cpu_nanos().saturating_sub(start)
    }

    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }

    fn zero(&self) -> u64 {
        0
    }

    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        &NanosFormatter
    }
}

struct NanosFormatter;

impl ValueFormatter for NanosFormatter {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = match typical {
            t if t < 1e3 => (1.0, "ns"),
            t if t < 1e6 => (1e-3, "µs"),
            t if t < 1e9 => (1e-6, "ms"),
            _ => (1e-9, "s"),
        };
        values.iter_mut().for_each(|value| *value *= factor);
        unit
    }

    fn scale_throughputs(
        &self,
        _typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let per_iteration = match throughput {
            Throughput::Elements(n)
            | Throughput::Bytes(n)
            | Throughput::BytesDecimal(n)
            | Throughput::Bits(n) => *n as f64,
        };
        for value in values.iter_mut() {
            *value = per_iteration * 1e9 / *value / 1e3;
        }
        "thousand/s"
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

fn cpu_time_criterion() -> Criterion<ThreadCpuTime> {
    Criterion::default().with_measurement(ThreadCpuTime)
}

criterion_group! {
    name = benches;
    config = cpu_time_criterion();
    targets = setup
}
criterion_main!(benches);
