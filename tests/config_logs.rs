//! `[logs] ring_lines`: the default, a value from the file shown by `kubevibe config show`,
//! out-of-range values and typos refused with the file and line, and the logs view sized by it.

mod config_support;

use std::sync::Arc;

use config_support::Fixture;
use kubevibe::app::logs::{DEFAULT_RING_LINES, LogsState};
use kubevibe::config::{MAX_RING_LINES, MIN_RING_LINES, Source};
use kubevibe::live::logs::LogLine;

#[test]
fn the_default_is_ten_thousand_lines() {
    let config = Fixture::new().load_ok();
    assert_eq!(config.logs.ring_lines, DEFAULT_RING_LINES);
    assert_eq!(DEFAULT_RING_LINES, 10_000);
    assert_eq!(config.logs.ring_lines_source, Source::Default);
    assert!(
        config
            .show()
            .lines()
            .any(|line| line == "log lines        10000 (default)"),
        "{}",
        config.show()
    );
}

#[test]
fn the_file_sets_the_ring_size_and_show_says_where_from() {
    let fixture = Fixture::new();
    let path = fixture.write_config("[logs]\nring_lines = 50000\n");
    let config = fixture.load_ok();
    assert_eq!(config.logs.ring_lines, 50_000);
    let line = format!("log lines        50000 (from {})", path.display());
    assert!(
        config.show().lines().any(|shown| shown == line),
        "missing {line:?} in\n{}",
        config.show()
    );
}

#[test]
fn sizes_out_of_range_and_typos_are_refused_with_the_line() {
    let fixture = Fixture::new();
    let path = fixture.write_config("[logs]\n\nring_lines = 5\n");
    assert_eq!(
        fixture.load_err(),
        format!(
            "`logs.ring_lines` in {} line 3: must be between {MIN_RING_LINES} and {MAX_RING_LINES} (default 10000)",
            path.display()
        )
    );
    fixture.write_config("[logs]\nring_lines = 2000000\n");
    assert!(fixture.load_err().contains("must be between"));
    fixture.write_config("[logs]\nring_line = 500\n");
    assert_eq!(
        fixture.load_err(),
        format!(
            "unknown key `logs.ring_line` in {} line 2; did you mean `ring_lines`?",
            path.display()
        )
    );
}

#[test]
fn a_view_sized_by_the_setting_keeps_that_many_lines() {
    let mut state = LogsState::with_capacity(MIN_RING_LINES);
    let pod: Arc<str> = Arc::from("web-1");
    let container: Arc<str> = Arc::from("app");
    let lines = (0..MIN_RING_LINES * 3)
        .map(|n| LogLine {
            pod: Arc::clone(&pod),
            container: Arc::clone(&container),
            text: format!("line {n}"),
            timestamp: None,
        })
        .collect();
    state.push_lines(lines);
    assert_eq!(state.ring.len(), MIN_RING_LINES);
    let newest = state.ring.iter().last().map(|(_, line)| line.text.clone());
    assert_eq!(
        newest.as_deref(),
        Some(format!("line {}", MIN_RING_LINES * 3 - 1).as_str())
    );
}
