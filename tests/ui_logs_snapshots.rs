//! Snapshots of the logs and events views at 80x24 and 160x48: two pods merged with
//! prefixes, timestamps on, a filter highlighting matches, and events aggregated with warnings.
//! Times are pinned (fixed timestamps, a fixed "now").
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Instant;

use kubevibe::app::logs::LogFilter;
use kubevibe::app::model::{ClusterInfo, Model, ModelInit};
use kubevibe::live::events::{EventChange, EventItem, EventsTarget};
use kubevibe::live::logs::{LogLine, LogRequest, LogSource};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::widgets::Block;

/// 2026-01-01T12:00:00Z.
const NOW: i64 = 1_767_268_800;

fn model() -> Model {
    let cluster = ClusterInfo {
        context: Some("dev".into()),
        namespace: "shop".into(),
        demo: false,
    };
    Model::new(ModelInit::new("test", cluster, 120, 40), Instant::now())
}

fn logs_model() -> Model {
    let mut model = model();
    model.logs.request = Some(LogRequest::new(LogSource::Deployment {
        namespace: "shop".into(),
        name: "checkout".into(),
    }));
    let pods = ["checkout-7d9f-x2k4p", "checkout-7d9f-m8qzt"];
    let mut lines = Vec::new();
    for i in 0..30 {
        let pod = pods[i % 2];
        let text = if i % 5 == 4 {
            format!(
                "ERROR request {i} failed: connection refused to postgres:5432 (retrying in 2s)"
            )
        } else {
            format!("GET /api/cart/{i} 200 in {}ms", 3 + i)
        };
        lines.push(LogLine {
            pod: Arc::from(pod),
            container: Arc::from("app"),
            text,
            timestamp: jiff::Timestamp::from_second(NOW - 60 + i64::try_from(i).unwrap()).ok(),
        });
    }
    model.logs.push_lines(lines);
    model.logs.timestamps = true;
    model
}

fn events_model() -> Model {
    let mut model = model();
    let event = |uid: &str,
                 type_: &str,
                 reason: &str,
                 object: &str,
                 message: &str,
                 count: u32,
                 ago: i64| {
        EventChange::Apply(EventItem {
            uid: uid.into(),
            type_: type_.into(),
            reason: reason.into(),
            object: object.into(),
            message: message.into(),
            count,
            first_seen: jiff::Timestamp::from_second(NOW - ago - 600).ok(),
            last_seen: jiff::Timestamp::from_second(NOW - ago).ok(),
        })
    };
    model.events.id = 1;
    model.events.target = Some(EventsTarget {
        namespace: "shop".into(),
        object: None,
    });
    let changes = vec![
        EventChange::Reset,
        event(
            "a",
            "Warning",
            "BackOff",
            "pod/checkout-7d9f-x2k4p",
            "Back-off restarting failed container app",
            12,
            20,
        ),
        event(
            "b",
            "Warning",
            "BackOff",
            "pod/checkout-7d9f-x2k4p",
            "Back-off restarting failed container app",
            3,
            90,
        ),
        event(
            "c",
            "Normal",
            "Pulled",
            "pod/checkout-7d9f-x2k4p",
            "Container image \"shop/checkout:1.4\" already present on machine",
            1,
            200,
        ),
        event(
            "d",
            "Normal",
            "ScalingReplicaSet",
            "deployment/checkout",
            "Scaled up replica set checkout-7d9f to 2",
            1,
            900,
        ),
        EventChange::Synced,
    ];
    kubevibe::app::events::on_changes(&mut model, 1, changes);
    model
}

fn draw(width: u16, height: u16, view: &str, model: &Model) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| {
            let block = Block::bordered().title(view);
            let area = frame.area();
            if view == "logs" {
                kubevibe::ui::logs::draw(frame, model, true, block, area);
            } else {
                kubevibe::ui::events::draw_at(frame, model, true, block, area, NOW);
            }
        })
        .unwrap();
    format!("{}", terminal.backend())
}

#[test]
fn logs_view() {
    let mut model = logs_model();
    insta::assert_snapshot!("logs_merged_160x48", draw(160, 48, "logs", &model));
    model.logs.set_filter(LogFilter::parse("ERROR").unwrap());
    model.logs.timestamps = false;
    insta::assert_snapshot!("logs_filtered_80x24", draw(80, 24, "logs", &model));
}

#[test]
fn events_view() {
    let model = events_model();
    insta::assert_snapshot!("events_80x24", draw(80, 24, "events", &model));
    insta::assert_snapshot!("events_160x48", draw(160, 48, "events", &model));
}
