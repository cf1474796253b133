//! The audit log: append and read back, private files, redaction of secrets, torn lines,
//! one file per UTC day, and the Markdown timeline.

mod journal_support;

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;

use jiff::civil::date;
use journal_support::{args, at, incident};
use kubevibe::store::audit::{
    AuditEvent, AuditLog, AuditRecord, day_file, days, read_day, read_day_report, render_line,
    render_markdown,
};
use tempfile::TempDir;

fn append_all(log: &AuditLog, records: &[AuditRecord]) {
    for record in records {
        log.append(record).expect("append");
    }
}

#[test]
fn records_round_trip_through_a_private_day_file() {
    let dir = TempDir::new().expect("temp dir");
    let log = AuditLog::new(dir.path());
    let records = incident();
    append_all(&log, &records);

    let path = day_file(dir.path(), date(2026, 11, 21));
    assert_eq!(path, dir.path().join("audit/2026-11-21.jsonl"));
    assert_eq!(
        read_day(dir.path(), date(2026, 11, 21)).expect("read"),
        records
    );
    let text = fs::read_to_string(&path).expect("read file");
    assert_eq!(text.lines().count(), records.len());
    let first: serde_json::Value =
        serde_json::from_str(text.lines().next().expect("a line")).expect("json");
    assert_eq!(first["event"], "request");
    assert_eq!(first["at"], "2026-11-21T14:02:03Z");
    assert_eq!(first["mode"], "confirm");

    let mode =
        |path: &std::path::Path| fs::metadata(path).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&dir.path().join("audit")), 0o700);

    let now = AuditRecord::new(
        "s-3",
        AuditEvent::Stopped {
            reason: "quit".into(),
        },
    );
    log.append(&now).expect("append");
    let today = read_day(dir.path(), now.day()).expect("read");
    assert_eq!(today.last(), Some(&now));
}

#[test]
fn secrets_are_redacted_before_they_are_written() {
    let dir = TempDir::new().expect("temp dir");
    let log = AuditLog::new(dir.path());
    let secret_yaml = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: c3VwZXItc2VjcmV0LXB3\n";
    let bearer = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA";
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiIsImlhdCI6MTUxNjIzOTAyMn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    let at_noon = at("2026-11-21T12:00:00Z");
    let records = [
        AuditRecord::new("s-1", AuditEvent::Answer { text: secret_yaml.into() }).at(at_noon),
        AuditRecord::new(
            "s-1",
            AuditEvent::Executed {
                argv: args(&["curl", "-H", &format!("Authorization: Bearer {bearer}"), "https://api"]),
                exit_code: Some(0),
                duration_ms: 5,
                timed_out: false,
                cancelled: false,
                lines: 1,
            },
        )
        .at(at_noon),
        AuditRecord::new("s-1", AuditEvent::Request { text: format!("is this token valid? {jwt}") }).at(at_noon),
        AuditRecord::new(
            "s-1",
            AuditEvent::Approved {
                argv: args(&["kubectl", "--token", bearer, "get", "pods"]),
                risk: "read".into(),
                note: Some(format!("used {jwt}")),
            },
        )
        .at(at_noon),
        AuditRecord::new(
            "s-1",
            AuditEvent::Plan {
                thought: None,
                actions: vec![serde_json::json!({"action_type": "command", "argv": ["kubectl", "get", "secret", "db"], "explanation": format!("decode {jwt}")})],
                layer: "strict".into(),
            },
        )
        .at(at_noon),
    ];
    append_all(&log, &records);

    let text = fs::read_to_string(day_file(dir.path(), date(2026, 11, 21))).expect("read");
    for secret in ["c3VwZXItc2VjcmV0LXB3", bearer, jwt, "eyJhbGciOiJIUzI1NiJ9"] {
        assert!(!text.contains(secret), "{secret} leaked into:\n{text}");
    }
    assert!(text.matches("<redacted>").count() >= 6, "{text}");
    let read = read_day(dir.path(), date(2026, 11, 21)).expect("read back");
    assert_eq!(read.len(), records.len());
    let AuditEvent::Approved { argv, .. } = &read[3].event else {
        panic!("not approved: {:?}", read[3]);
    };
    assert_eq!(
        argv,
        &args(&["kubectl", "--token", "<redacted>", "get", "pods"])
    );
    let AuditEvent::Answer { text } = &read[0].event else {
        panic!("not an answer");
    };
    assert!(
        text.contains("kind: Secret") && text.contains("password: <redacted>"),
        "{text}"
    );
}

#[test]
fn a_torn_last_line_is_reported_and_the_rest_kept() {
    let dir = TempDir::new().expect("temp dir");
    let log = AuditLog::new(dir.path());
    let records = incident();
    append_all(&log, &records[..3]);
    let day = date(2026, 11, 21);
    let path = day_file(dir.path(), day);
    let mut file = fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .expect("open");
    file.write_all(br#"{"at":"2026-11-21T14:02:09Z","session":"s-1","event":"ans"#)
        .expect("write torn line");
    drop(file);

    let read = read_day_report(dir.path(), day).expect("read");
    assert_eq!(read.records, records[..3]);
    assert_eq!(read.problems.len(), 1, "{:?}", read.problems);
    assert!(
        read.problems[0].contains(":4: skipped an incomplete last line"),
        "{:?}",
        read.problems
    );
    assert_eq!(read_day(dir.path(), day).expect("read"), records[..3]);

    // The next record starts on a line of its own; the torn line stays skipped.
    log.append(&records[3]).expect("append after the torn line");
    let read = read_day_report(dir.path(), day).expect("read");
    assert_eq!(read.records, records[..4]);
    assert_eq!(read.problems.len(), 1);
    assert!(
        read.problems[0].contains(":4: skipped an unreadable line"),
        "{:?}",
        read.problems
    );
}

#[test]
fn each_utc_day_has_its_own_file() {
    let dir = TempDir::new().expect("temp dir");
    assert_eq!(days(dir.path()).expect("days"), []);
    assert_eq!(read_day(dir.path(), date(2026, 11, 21)).expect("read"), []);

    let log = AuditLog::new(dir.path());
    let request = |time: &str| {
        AuditRecord::new("s-1", AuditEvent::Request { text: time.into() }).at(at(time))
    };
    let late = request("2026-11-21T23:59:59.999Z");
    let early = request("2026-11-22T00:00:00Z");
    // At UTC+02:00 this is the 22nd already; the file follows the UTC day, the 21st.
    let offset = AuditRecord::new(
        "s-1",
        AuditEvent::Request {
            text: "offset".into(),
        },
    )
    .at(at("2026-11-22T01:30:00+02:00"));
    append_all(&log, &[late.clone(), early.clone(), offset.clone()]);
    fs::write(dir.path().join("audit/notes.txt"), "not a day").expect("write");

    assert_eq!(
        days(dir.path()).expect("days"),
        [date(2026, 11, 21), date(2026, 11, 22)]
    );
    assert_eq!(
        read_day(dir.path(), date(2026, 11, 21)).expect("read"),
        [late, offset]
    );
    assert_eq!(
        read_day(dir.path(), date(2026, 11, 22)).expect("read"),
        [early]
    );
}

#[test]
fn the_markdown_timeline_groups_sessions_in_order() {
    insta::assert_snapshot!(render_markdown(&incident()));
}

#[test]
fn an_empty_day_renders_a_short_timeline() {
    assert_eq!(render_markdown(&[]), "# Audit timeline\n\nNo records.\n");
}

#[test]
fn each_record_reads_as_one_line() {
    let lines: Vec<String> = incident().iter().map(render_line).collect();
    assert_eq!(
        lines[3],
        "14:02:08  s-1  kind-shop/shop  executed       `kubectl get pods -n shop` → exit 0 in 412 ms, 12 lines"
    );
    assert_eq!(
        lines[6],
        "14:03:31  s-1  kind-shop/shop  rejected       `kubectl delete pod checkout-7d9f` (mode confirm) — note: restart instead"
    );
    assert_eq!(
        lines[4],
        "14:03:00  s-2  prod-eu  request        list nodes"
    );
    assert!(lines.iter().all(|line| !line.contains('\n')));
}
