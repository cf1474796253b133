//! The live slot in the pure `update`: `]` / `[` switch its view, `:` words show a view, `z`
//! zooms the focused pane and back, and the tab strip fits a narrow pane.
#![allow(clippy::unwrap_used)]

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use kubevibe::app::live_view::LiveView;
use kubevibe::app::model::{ClusterInfo, Model, ModelInit, Pane};
use kubevibe::app::msg::Msg;
use kubevibe::app::update::update;

fn model() -> Model {
    let cluster = ClusterInfo {
        context: Some("dev".into()),
        namespace: "shop".into(),
        demo: false,
    };
    let mut model = Model::new(ModelInit::new("test", cluster, 120, 40), Instant::now());
    model.focus = Pane::Watch;
    model
}

fn press(model: &mut Model, code: KeyCode) {
    let key = KeyEvent::new(code, KeyModifiers::NONE);
    update(model, Msg::Key(key), Instant::now());
}

fn command(model: &mut Model, line: &str) {
    press(model, KeyCode::Char(':'));
    for c in line.chars() {
        press(model, KeyCode::Char(c));
    }
    press(model, KeyCode::Enter);
}

#[test]
fn brackets_cycle_the_live_views_both_ways() {
    let mut model = model();
    assert_eq!(model.live_view, LiveView::Resources);
    press(&mut model, KeyCode::Char(']'));
    assert_eq!(model.live_view, LiveView::Rollouts);
    press(&mut model, KeyCode::Char(']'));
    assert_eq!(model.live_view, LiveView::Forwards);
    press(&mut model, KeyCode::Char('['));
    press(&mut model, KeyCode::Char('['));
    press(&mut model, KeyCode::Char('['));
    assert_eq!(model.live_view, LiveView::Events);
}

#[test]
fn command_words_show_views_and_kinds_go_back_to_the_table() {
    let mut model = model();
    command(&mut model, "logs");
    assert_eq!(model.live_view, LiveView::Logs);
    // `:` from another view opens the command bar on the resource table.
    command(&mut model, "rollouts");
    assert_eq!(model.live_view, LiveView::Rollouts);
    command(&mut model, "deploy");
    assert_eq!(model.live_view, LiveView::Resources);
    assert_eq!(
        model.watch.as_ref().unwrap().target.kind,
        kubevibe::app::watch::WatchKind::Deployments
    );
}

#[test]
fn z_zooms_the_focused_pane_and_back() {
    let mut model = model();
    assert!(!model.layout().single);
    press(&mut model, KeyCode::Char('z'));
    assert!(model.zoomed);
    let layout = model.layout();
    assert!(layout.single);
    assert_eq!(layout.watch.width, 120);
    assert_eq!(layout.chat.area(), 0);
    press(&mut model, KeyCode::Char('z'));
    assert!(!model.layout().single);
}
