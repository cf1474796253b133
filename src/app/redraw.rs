//! When the screen next changes by time alone: the AGE (and last-restart) texts of the rows in
//! view and the length of an outage shown in the watch pane. The run loop sleeps until then
//! instead of ticking, so an idle cockpit draws only when one of those texts changes.

use std::time::{Duration, Instant};

use crate::app::model::{Model, Pane};
use crate::live::age::next_change;
use crate::live::row::Cell;
use crate::live::store::SyncState;

impl Model {
    /// The next instant at which something on screen changes with no event, as the
    /// monotonic clock reads it; `wall` is the wall clock at `mono`. `None`: nothing shown
    /// depends on time.
    pub fn next_redraw_at(&self, wall: jiff::Timestamp, mono: Instant) -> Option<Instant> {
        let watch = self.watch.as_ref()?;
        if watch.yaml.is_some() {
            return None;
        }
        let pane = self.layout().pane(Pane::Watch);
        // The pane's border and the table's two header lines; the input takes one more.
        let input = u16::from(watch.input.is_some());
        let height = usize::from(pane.height.saturating_sub(4 + input));
        let store = &watch.store;
        let view = watch.view.follow(store.visible_len(), height);
        // Whole wall seconds, as the table renders them, and how far into the second we are.
        let now = wall.as_second();
        let into_second = Duration::from_nanos(u64::from(wall.subsec_nanosecond().unsigned_abs()));
        let at_wall = |second: i64| {
            let ahead = u64::try_from(second - now).unwrap_or(0);
            (mono + Duration::from_secs(ahead)).checked_sub(into_second)
        };
        let mut next: Option<Instant> = None;
        let mut keep = |at: Option<Instant>| {
            if let Some(at) = at {
                next = Some(next.map_or(at, |n| n.min(at)));
            }
        };
        let mut earliest_second: Option<i64> = None;
        for row in store.visible(view.offset, height) {
            for cell in row.cells.iter() {
                let since = match cell {
                    Cell::Age(Some(at)) => *at,
                    Cell::Restarts {
                        count,
                        last: Some(at),
                    } if *count > 0 => *at,
                    _ => continue,
                };
                let second = since + next_change(now - since);
                earliest_second = Some(earliest_second.map_or(second, |e| e.min(second)));
            }
        }
        if let Some(second) = earliest_second {
            keep(at_wall(second));
        }
        if let SyncState::Reconnecting { since, .. } = store.state() {
            let down = mono.saturating_duration_since(*since).as_secs() as i64;
            keep(Some(*since + Duration::from_secs(next_change(down) as u64)));
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::model::{ClusterInfo, ModelInit};
    use crate::live::row::{Row, Tone};
    use crate::live::store::Change;

    const NOW: i64 = 1_767_268_800;

    fn pod(name: &str, created: i64, restarted: Option<i64>) -> Row {
        Row {
            uid: name.into(),
            namespace: "default".into(),
            name: name.into(),
            labels: [].into(),
            owners: [].into(),
            cells: Box::new([
                Cell::Ratio(1, 1),
                Cell::text("Running"),
                Cell::Restarts {
                    count: u32::from(restarted.is_some()),
                    last: restarted,
                },
                Cell::Age(Some(created)),
                Cell::text("node-1"),
                Cell::text("10.0.0.1"),
            ]),
            tone: Tone::Good,
        }
    }

    fn model(rows: Vec<Row>) -> Model {
        let cluster = ClusterInfo {
            context: Some("test".into()),
            namespace: "default".into(),
            demo: false,
        };
        let mut model = Model::new(ModelInit::new("test", cluster, 120, 40), Instant::now());
        let store = &mut model.watch.as_mut().expect("a watch pane").store;
        store.apply(Change::Init);
        for row in rows {
            store.apply(Change::InitRow(row));
        }
        store.apply(Change::InitDone);
        model
    }

    fn wall(second: i64, millis: i64) -> jiff::Timestamp {
        jiff::Timestamp::from_millisecond(second * 1000 + millis).expect("a valid time")
    }

    #[test]
    fn the_youngest_age_in_view_decides() {
        let mono = Instant::now();
        // 59.25 s into "59s": "1m" is 0.75 s away; the older pod changes in minutes.
        let m = model(vec![
            pod("young", NOW - 59, None),
            pod("old", NOW - 4000, None),
        ]);
        assert_eq!(
            m.next_redraw_at(wall(NOW, 250), mono),
            Some(mono + Duration::from_millis(750))
        );
        // "1h6m40s" ago reads "66m" until 67 minutes: 20 s away.
        let m = model(vec![pod("old", NOW - 4000, None)]);
        assert_eq!(
            m.next_redraw_at(wall(NOW, 0), mono),
            Some(mono + Duration::from_secs(20))
        );
    }

    #[test]
    fn a_last_restart_counts_and_nothing_timed_means_no_redraw() {
        let mono = Instant::now();
        // Ten days old (daily), restarted 5h10m ago (every minute): the restart decides.
        let m = model(vec![pod(
            "p",
            NOW - 10 * 86_400,
            Some(NOW - 5 * 3600 - 600),
        )]);
        assert_eq!(
            m.next_redraw_at(wall(NOW, 0), mono),
            Some(mono + Duration::from_secs(60))
        );
        assert_eq!(model(Vec::new()).next_redraw_at(wall(NOW, 0), mono), None);
        let mut yaml = model(vec![pod("p", NOW - 5, None)]);
        if let Some(watch) = yaml.watch.as_mut() {
            watch.yaml = Some(crate::app::watch::YamlView {
                title: "p".into(),
                text: String::new(),
                top: 0,
            });
        }
        assert_eq!(
            yaml.next_redraw_at(wall(NOW, 0), mono),
            None,
            "the table is covered"
        );
    }

    #[test]
    fn rows_out_of_view_do_not_count() {
        let mono = Instant::now();
        // Names sort the old pods first; the young one is far below the window.
        let mut rows: Vec<Row> = (0..200)
            .map(|i| pod(&format!("a-{i:03}"), NOW - 10 * 86_400, None))
            .collect();
        rows.push(pod("z-young", NOW - 5, None));
        let m = model(rows);
        let next = m.next_redraw_at(wall(NOW, 0), mono).expect("ages in view");
        assert!(
            next >= mono + Duration::from_secs(3600),
            "{:?}",
            next - mono
        );
    }

    #[test]
    fn an_outage_redraws_when_its_length_text_changes() {
        let mono = Instant::now();
        let since = mono
            .checked_sub(Duration::from_millis(59_500))
            .expect("uptime");
        let mut m = model(Vec::new());
        m.watch
            .as_mut()
            .expect("a watch pane")
            .store
            .apply(Change::Down {
                error: "refused".into(),
                at: since,
            });
        assert_eq!(
            m.next_redraw_at(wall(NOW, 0), mono),
            Some(since + Duration::from_secs(60))
        );
    }
}
