//! The store's incremental sort and filter index against a naive model: after any sequence
//! of lists, applies and deletes, under any sort column, direction and filter, the visible
//! rows are exactly the model's rows filtered and sorted from scratch.
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
];
const NAMESPACES: &[&str] = &["shop", "kube-system", "web"];
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
        name: format!("x-{id}").into(),
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
        1 => proptest::collection::vec(fields, 0..30).prop_map(Op::Relist),
        1 => (0..COLUMNS.len(), any::<bool>()).prop_map(|(column, descending)| Op::Sort { column, descending }),
        1 => (0..FILTERS.len()).prop_map(Op::Filter),
    ]
}

/// The visible rows computed from scratch.
fn naive(model: &BTreeMap<String, Row>, sort: Sort, filter: &Option<Filter>) -> Vec<String> {
    let mut rows: Vec<&Row> = model
        .values()
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
        let mut model: BTreeMap<String, Row> = BTreeMap::new();
        let mut filter: Option<Filter> = None;
        for op in ops {
            match op {
                Op::Apply { id, status, restarts, age } => {
                    let r = row(id, status, restarts, age);
                    model.insert(r.uid.to_string(), r.clone());
                    store.apply(Change::Apply(r));
                }
                Op::Delete { id } => {
                    let uid = format!("uid-{id}");
                    model.remove(&uid);
                    store.apply(Change::Delete(uid.into()));
                }
                Op::Relist(rows) => {
                    store.apply(Change::Init);
                    model.clear();
                    for (id, status, restarts, age) in rows {
                        let r = row(id, status, restarts, age);
                        model.insert(r.uid.to_string(), r.clone());
                        store.apply(Change::InitRow(r));
                    }
                    store.apply(Change::InitDone);
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
            prop_assert_eq!(store.counts().total, model.len());
            prop_assert_eq!(store.counts().shown, expected.len());
            prop_assert_eq!(store.counts().good, model.values().filter(|r| r.tone == Tone::Good).count());
            if let Some(middle) = expected.get(expected.len() / 2) {
                prop_assert_eq!(store.position_of(middle), Some(expected.len() / 2));
            }
        }
    }
}

#[test]
fn rows_of_a_relist_appear_only_when_it_is_done() {
    let mut store = Store::new("pods", Some("shop".into()), &[column("STATUS", 10)]);
    store.apply_all([Change::Init, Change::InitRow(row(1, 0, 0, 0))]);
    assert_eq!(store.visible_len(), 0);
    assert_eq!(store.state(), &SyncState::Syncing);
    store.apply(Change::InitDone);
    assert_eq!(store.visible_len(), 1);
    // A relist keeps showing the old rows until it is done, then replaces them.
    store.apply_all([Change::Init, Change::InitRow(row(2, 0, 0, 0))]);
    let shown: Vec<String> = store.visible(0, 9).map(|r| r.name.to_string()).collect();
    assert_eq!(shown, ["x-1"]);
    store.apply(Change::InitDone);
    let shown: Vec<String> = store.visible(0, 9).map(|r| r.name.to_string()).collect();
    assert_eq!(shown, ["x-2"]);
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
