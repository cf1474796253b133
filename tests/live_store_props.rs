//! The store's incremental sort and filter index against a naive model: after any sequence
//! of lists (finished, interrupted or restarted), applies and deletes, under any sort column,
//! direction and filter, the visible rows are exactly the model's rows filtered and sorted
//! from scratch — during a relist too, where rows listed so far replace their old versions
//! and the others stay until the list ends.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use kubevibe::live::row::{Cell, ColumnId, Row, Tone, column};
use kubevibe::live::store::{Change, Filter, Sort, Store, SyncState};
use proptest::prelude::*;

const STATUSES: &[&str] = &[
    "Running",
    "Pending",
    "CrashLoopBackOff",
    "Completed",
    "OOMKilled",
    // Share their first 7 bytes (the sort key) with each other.
    "ContainerCreating",
    "ContainerCannotRun",
];
// Longer than 8 bytes and sharing their first 8: their cached keys tie.
const NAMESPACES: &[&str] = &["shop", "kube-system", "web", "kube-systems"];
const FILTERS: &[&str] = &["", "run", "~^crash|oom", "!pend", "!~^w", "shop", "x-1"];

#[derive(Clone, Debug)]
enum Op {
    Apply {
        id: u8,
        status: usize,
        restarts: u8,
        age: u8,
    },
    Delete {
        id: u8,
    },
    Relist(Vec<(u8, usize, u8, u8)>),
    /// The parts of a list on their own, so lists can be cut, restarted and mixed with
    /// events.
    Init,
    InitRow(u8, usize, u8, u8),
    InitDone,
    Sort {
        column: usize,
        descending: bool,
    },
    Filter(usize),
}

fn row(id: u8, status: usize, restarts: u8, age: u8) -> Row {
    Row {
        uid: format!("uid-{id}").into(),
        namespace: NAMESPACES[id as usize % NAMESPACES.len()].into(),
        // Short names have exact cached keys; the long ones share their first 8 bytes.
        name: if id.is_multiple_of(2) {
            format!("x-{id}")
        } else {
            format!("pod-with-a-long-name-{id}")
        }
        .into(),
        labels: [].into(),
        owners: [].into(),
        cells: Box::new([
            Cell::text(STATUSES[status]),
            Cell::Restarts {
                count: restarts.into(),
                last: None,
            },
            Cell::Age(Some(i64::from(age))),
        ]),
        tone: if status == 0 { Tone::Good } else { Tone::Bad },
    }
}

const COLUMNS: [ColumnId; 5] = [
    ColumnId::Namespace,
    ColumnId::Name,
    ColumnId::Cell(0),
    ColumnId::Cell(1),
    ColumnId::Cell(2),
];

fn op() -> impl Strategy<Value = Op> {
    let fields = (0u8..40, 0..STATUSES.len(), 0u8..5, 0u8..10);
    prop_oneof![
        8 => fields.clone().prop_map(|(id, status, restarts, age)| Op::Apply { id, status, restarts, age }),
        3 => (0u8..40).prop_map(|id| Op::Delete { id }),
        1 => proptest::collection::vec(fields.clone(), 0..30).prop_map(Op::Relist),
        1 => (0..COLUMNS.len(), any::<bool>()).prop_map(|(column, descending)| Op::Sort { column, descending }),
        1 => (0..FILTERS.len()).prop_map(Op::Filter),
        1 => Just(Op::Init),
        3 => fields.clone().prop_map(|(id, status, restarts, age)| Op::InitRow(id, status, restarts, age)),
        1 => Just(Op::InitDone),
    ]
}

/// The rows the store should hold, by uid, each with the generation of the list that last
/// named it (or of the list in progress when an event set it).
#[derive(Default)]
struct Model {
    rows: BTreeMap<String, (Row, u32)>,
    generation: u32,
    listing: bool,
}

impl Model {
    fn start_list(&mut self) {
        self.generation += 1;
        self.listing = true;
    }

    fn put(&mut self, row: Row) {
        self.rows
            .insert(row.uid.to_string(), (row, self.generation));
    }

    fn list_row(&mut self, row: Row) {
        if !self.listing {
            self.start_list();
        }
        self.put(row);
    }

    fn finish_list(&mut self) {
        if !self.listing {
            self.start_list();
        }
        let generation = self.generation;
        self.rows.retain(|_, (_, seen)| *seen == generation);
        self.listing = false;
    }
}

/// The visible rows computed from scratch.
fn naive(model: &Model, sort: Sort, filter: &Option<Filter>) -> Vec<String> {
    let mut rows: Vec<&Row> = model
        .rows
        .values()
        .map(|(row, _)| row)
        .filter(|r| filter.as_ref().is_none_or(|f| f.matches(r)))
        .collect();
    rows.sort_by(|a, b| {
        let order = a.compare(b, sort.column);
        if sort.descending {
            order.reverse()
        } else {
            order
        }
    });
    rows.iter().map(|r| r.uid.to_string()).collect()
}

proptest! {
    #[test]
    fn visible_rows_match_a_naive_filter_and_sort(ops in proptest::collection::vec(op(), 1..200)) {
        let columns = [column("STATUS", 10), column("RESTARTS", 8), column("AGE", 5)];
        let mut store = Store::new("pods", None, &columns);
        store.apply_all([Change::Init, Change::InitDone]);
        let mut model = Model::default();
        model.finish_list();
        let mut filter: Option<Filter> = None;
        for op in ops {
            match op {
                Op::Apply { id, status, restarts, age } => {
                    let r = row(id, status, restarts, age);
                    model.put(r.clone());
                    store.apply(Change::Apply(r));
                }
                Op::Delete { id } => {
                    let uid = format!("uid-{id}");
                    model.rows.remove(&uid);
                    store.apply(Change::Delete(uid.into()));
                }
                Op::Relist(rows) => {
                    store.apply(Change::Init);
                    model.start_list();
                    for (id, status, restarts, age) in rows {
                        let r = row(id, status, restarts, age);
                        model.list_row(r.clone());
                        store.apply(Change::InitRow(r));
                        // Mid-list: listed rows replaced their old versions, nothing twice.
                        let expected = naive(&model, store.sort(), &filter);
                        let shown: Vec<String> = store.visible(0, usize::MAX).map(|r| r.uid.to_string()).collect();
                        prop_assert_eq!(&shown, &expected);
                        prop_assert_eq!(store.state(), &SyncState::Syncing);
                    }
                    store.apply(Change::InitDone);
                    model.finish_list();
                    prop_assert_eq!(store.state(), &SyncState::Live);
                }
                Op::Init => {
                    store.apply(Change::Init);
                    model.start_list();
                    prop_assert_eq!(store.state(), &SyncState::Syncing);
                }
                Op::InitRow(id, status, restarts, age) => {
                    let r = row(id, status, restarts, age);
                    model.list_row(r.clone());
                    store.apply(Change::InitRow(r));
                }
                Op::InitDone => {
                    store.apply(Change::InitDone);
                    model.finish_list();
                    prop_assert_eq!(store.state(), &SyncState::Live);
                }
                Op::Sort { column, descending } => {
                    store.set_sort(Sort { column: COLUMNS[column], descending });
                }
                Op::Filter(i) => {
                    filter = Filter::parse(FILTERS[i]).unwrap();
                    store.set_filter(filter.clone());
                }
            }
            let expected = naive(&model, store.sort(), &filter);
            let shown: Vec<String> = store.visible(0, usize::MAX).map(|r| r.uid.to_string()).collect();
            prop_assert_eq!(&shown, &expected);
            prop_assert_eq!(store.counts().total, model.rows.len());
            prop_assert_eq!(store.counts().shown, expected.len());
            prop_assert_eq!(store.counts().good, model.rows.values().filter(|(r, _)| r.tone == Tone::Good).count());
            for (uid, (r, _)) in &model.rows {
                prop_assert_eq!(store.get(uid), Some(r));
            }
            if let Some(middle) = expected.get(expected.len() / 2) {
                prop_assert_eq!(store.position_of(middle), Some(expected.len() / 2));
            }
        }
    }
}

#[test]
fn a_relist_updates_rows_in_place_and_drops_the_unlisted_at_its_end() {
    let mut store = Store::new("pods", Some("shop".into()), &[column("STATUS", 10)]);
    // The first list shows its rows as they arrive.
    store.apply_all([Change::Init, Change::InitRow(row(1, 0, 0, 0))]);
    assert_eq!(store.visible_len(), 1);
    assert_eq!(store.state(), &SyncState::Syncing);
    assert!(!store.relisting(), "a first list holds no older rows");
    store.apply_all([Change::InitRow(row(3, 0, 0, 0)), Change::InitDone]);
    assert_eq!(store.visible_len(), 2);
    assert_eq!(store.state(), &SyncState::Live);
    // A relist: a listed row replaces its old version at once, a new one is added, and the
    // row it does not name stays (the pane says it is syncing) until the list is done.
    store.apply_all([
        Change::Init,
        Change::InitRow(row(1, 2, 4, 0)),
        Change::InitRow(row(2, 0, 0, 0)),
    ]);
    assert_eq!(store.state(), &SyncState::Syncing);
    assert!(store.relisting(), "the pane says rows may be stale");
    let shown: Vec<String> = store.visible(0, 9).map(|r| r.uid.to_string()).collect();
    assert_eq!(shown, ["uid-1", "uid-3", "uid-2"]);
    assert_eq!(store.get("uid-1"), Some(&row(1, 2, 4, 0)));
    store.apply(Change::InitDone);
    assert!(!store.relisting());
    let shown: Vec<String> = store.visible(0, 9).map(|r| r.uid.to_string()).collect();
    assert_eq!(shown, ["uid-1", "uid-2"]);
    assert_eq!(store.counts().total, 2);
}

#[test]
fn a_restarted_relist_drops_what_only_the_cut_one_named() {
    let mut store = Store::new("pods", None, &[column("STATUS", 10)]);
    store.apply_all([
        Change::Init,
        Change::InitRow(row(1, 0, 0, 0)),
        Change::InitRow(row(2, 0, 0, 0)),
        Change::InitDone,
    ]);
    // Cut after one row, then listed again from the start without row 1.
    store.apply_all([
        Change::Init,
        Change::InitRow(row(1, 0, 0, 0)),
        Change::Init,
        Change::InitRow(row(2, 1, 0, 0)),
        Change::InitDone,
    ]);
    let held: Vec<String> = store.visible(0, 9).map(|r| r.uid.to_string()).collect();
    assert_eq!(held, ["uid-2"]);
}

#[test]
fn an_outage_keeps_its_start_and_ends_with_the_next_event() {
    let mut store = Store::new("pods", None, &[]);
    store.apply_all([Change::Init, Change::InitDone]);
    let first = std::time::Instant::now();
    let later = first + std::time::Duration::from_secs(5);
    store.apply(Change::Down {
        error: "connection refused".into(),
        at: first,
    });
    store.apply(Change::Down {
        error: "timed out".into(),
        at: later,
    });
    assert_eq!(
        store.state(),
        &SyncState::Reconnecting {
            since: first,
            error: "timed out".into()
        }
    );
    store.apply(Change::Apply(row(1, 0, 0, 0)));
    assert_eq!(store.state(), &SyncState::Live);
}
