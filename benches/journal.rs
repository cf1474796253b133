//! The journal must stay out of the cockpit's way: appending a record (redaction, JSON, one
//! write) costs well under a millisecond, and reading back or rendering a busy day of 5 000
//! records takes milliseconds.

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use kubevibe::agent::mode::Mode;
use kubevibe::store::audit::{AuditEvent, AuditLog, AuditRecord, read_day, render_markdown};
use kubevibe::store::memory::MemoryStore;
use serde_json::json;

const DAY_RECORDS: usize = 5_000;

fn argv(words: &str) -> Vec<String> {
    words.split(' ').map(str::to_owned).collect()
}

/// A realistic mix: requests, plans, approvals, runs and answers, one second apart.
fn records(count: usize) -> Vec<AuditRecord> {
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000);
    (0..count)
        .map(|i| {
            let event = match i % 5 {
                0 => AuditEvent::Request {
                    text: format!("why is checkout-{i} crashlooping in namespace shop?"),
                },
                1 => AuditEvent::Plan {
                    thought: Some("Look at the pods, then the events.".into()),
                    actions: vec![
                        json!({"action_type": "command", "argv": ["kubectl", "get", "pods", "-n", "shop"], "explanation": "list pods"}),
                        json!({"action_type": "command", "argv": ["kubectl", "get", "events", "-n", "shop"], "explanation": "recent events"}),
                    ],
                    layer: "strict".into(),
                },
                2 => AuditEvent::Approved {
                    argv: argv("kubectl get pods -n shop -o wide"),
                    risk: "read".into(),
                    note: None,
                },
                3 => AuditEvent::Executed {
                    argv: argv("kubectl get pods -n shop -o wide"),
                    exit_code: Some(0),
                    duration_ms: 412,
                    timed_out: false,
                    cancelled: false,
                    lines: 12,
                },
                _ => AuditEvent::Answer {
                    text: "The checkout pods run out of memory at 256Mi.\nRaise the limit to 512Mi and watch the rollout.".into(),
                },
            };
            AuditRecord::new(format!("s-{}", i / 50), event)
                .at(start + Duration::from_secs(i as u64))
                .context(Some("kind-shop".into()))
                .namespace(Some("shop".into()))
                .mode(Some(Mode::Confirm))
        })
        .collect()
}

fn append(c: &mut Criterion) {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let log = AuditLog::new(dir.path());
    let sample = records(5);
    let mut group = c.benchmark_group("audit append");
    group.throughput(Throughput::Elements(1));
    for record in &sample {
        group.bench_function(record.event.name(), |b| {
            b.iter(|| log.append(black_box(record)).expect("append"));
        });
    }
    group.finish();
}

fn read_and_render(c: &mut Criterion) {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let log = AuditLog::new(dir.path());
    let day = records(DAY_RECORDS);
    for record in &day {
        log.append(record).expect("append");
    }
    let date = day[0].day();
    let mut group = c.benchmark_group("audit day of 5 000 records");
    group.throughput(Throughput::Elements(DAY_RECORDS as u64));
    group.bench_function("read_day", |b| {
        b.iter(|| read_day(black_box(dir.path()), date).expect("read"));
    });
    group.bench_function("render_markdown", |b| {
        b.iter(|| render_markdown(black_box(&day)));
    });
    group.finish();
}

fn memory_save(c: &mut Criterion) {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let store = MemoryStore::new(dir.path(), "arn:aws:eks:eu-west-1:1:cluster/prod");
    let notes = "checkout OOMs at 256Mi; the limit was raised to 512Mi.\n".repeat(20);
    c.bench_function("memory save (capped, atomic)", |b| {
        b.iter_batched(
            || notes.clone(),
            |notes| store.save(&notes).expect("save"),
            BatchSize::SmallInput,
        );
    });
}

criterion_group!(benches, append, read_and_render, memory_save);
criterion_main!(benches);
