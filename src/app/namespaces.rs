//! Several namespaces in one pane (`:ns a,b`): the pane's namespace holds them as one
//! comma-separated name, and the watcher watches every namespace and keeps only their rows.
//!
//! One watcher over all namespaces, filtered on the client, rather than one watcher per
//! namespace: the store replaces its whole row set when a list completes, so two watchers
//! feeding one store would erase each other's rows on every relist (after a 410 or a stall).
//! The cost is that it needs cluster-wide list/watch permission and receives the other
//! namespaces' events; a 403 says so in the pane.

use crate::live::store::Change;

/// `a, b,,a` → `a,b`: names trimmed, empty ones and repeats dropped, order kept.
pub fn normalize(list: &str) -> String {
    let mut names: Vec<&str> = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names.join(",")
}

/// The namespaces of a pane's namespace when it names more than one.
pub fn several(namespace: Option<&str>) -> Option<Vec<String>> {
    let names: Vec<String> = namespace?
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    (names.len() > 1).then_some(names)
}

/// Drops rows of other namespaces from a batch (deletions pass: the store ignores a uid it
/// does not hold).
pub fn keep_only(changes: Vec<Change>, namespaces: &[String]) -> Vec<Change> {
    changes
        .into_iter()
        .filter(|change| match change {
            Change::InitRow(row) | Change::Apply(row) => namespaces
                .iter()
                .any(|ns| ns.as_str() == row.namespace.as_str()),
            _ => true,
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::live::row::{Row, Tone};

    fn row(namespace: &str, name: &str) -> Row {
        Row {
            uid: format!("{namespace}/{name}").into(),
            namespace: namespace.into(),
            name: name.into(),
            labels: [].into(),
            owners: [].into(),
            cells: Box::new([]),
            tone: Tone::Normal,
        }
    }

    #[test]
    fn lists_are_normalized() {
        assert_eq!(normalize(" a, b,,a "), "a,b");
        assert_eq!(normalize("shop"), "shop");
        assert_eq!(several(Some("a,b")), Some(vec!["a".into(), "b".into()]));
        assert_eq!(several(Some("a")), None);
        assert_eq!(several(None), None);
    }

    #[test]
    fn only_the_listed_namespaces_pass() {
        let kept = keep_only(
            vec![
                Change::Init,
                Change::InitRow(row("a", "1")),
                Change::InitRow(row("c", "2")),
                Change::InitDone,
                Change::Apply(row("b", "3")),
                Change::Apply(row("kube-system", "4")),
                Change::Delete("c/2".into()),
            ],
            &["a".into(), "b".into()],
        );
        assert_eq!(
            kept,
            vec![
                Change::Init,
                Change::InitRow(row("a", "1")),
                Change::InitDone,
                Change::Apply(row("b", "3")),
                Change::Delete("c/2".into()),
            ]
        );
    }
}
