//! Up/Down recall through the prompt history keeps the unsent draft.

use kubevibe::store::HistoryCursor;

fn entries() -> Vec<String> {
    ["oldest", "middle", "newest"].map(str::to_owned).to_vec()
}

#[test]
fn up_walks_back_from_the_newest_and_stops_at_the_oldest() {
    let entries = entries();
    let mut cursor = HistoryCursor::new();
    assert!(!cursor.is_recalling());
    assert_eq!(cursor.prev(&entries, "half-typed"), Some("newest"));
    assert!(cursor.is_recalling());
    assert_eq!(cursor.prev(&entries, "newest"), Some("middle"));
    assert_eq!(cursor.prev(&entries, "middle"), Some("oldest"));
    assert_eq!(cursor.prev(&entries, "oldest"), None);
    assert_eq!(cursor.next(&entries), Some("middle"));
}

#[test]
fn down_past_the_newest_gives_the_draft_back() {
    let entries = entries();
    let mut cursor = HistoryCursor::new();
    cursor.prev(&entries, "kubectl get po");
    cursor.prev(&entries, "newest");
    assert_eq!(cursor.next(&entries), Some("newest"));
    assert_eq!(cursor.next(&entries), Some("kubectl get po"));
    assert!(!cursor.is_recalling());
    assert_eq!(cursor.next(&entries), None);
}

#[test]
fn down_without_recall_does_nothing() {
    let entries = entries();
    let mut cursor = HistoryCursor::new();
    assert_eq!(cursor.next(&entries), None);
}

#[test]
fn empty_history_leaves_the_draft_alone() {
    let mut cursor = HistoryCursor::new();
    assert_eq!(cursor.prev(&[], "draft"), None);
    assert!(!cursor.is_recalling());
    assert_eq!(cursor.next(&[]), None);
}

#[test]
fn a_new_recall_saves_the_new_draft() {
    let entries = entries();
    let mut cursor = HistoryCursor::new();
    cursor.prev(&entries, "first draft");
    assert_eq!(cursor.next(&entries), Some("first draft"));
    cursor.prev(&entries, "second draft");
    assert_eq!(cursor.next(&entries), Some("second draft"));
}

#[test]
fn reset_forgets_the_position_and_the_draft() {
    let entries = entries();
    let mut cursor = HistoryCursor::new();
    cursor.prev(&entries, "sent prompt");
    cursor.prev(&entries, "newest");
    cursor.reset();
    assert!(!cursor.is_recalling());
    assert_eq!(cursor.next(&entries), None);
    assert_eq!(cursor.prev(&entries, ""), Some("newest"));
}

#[test]
fn entries_shrinking_while_recalling_is_safe() {
    let mut entries = entries();
    let mut cursor = HistoryCursor::new();
    cursor.prev(&entries, "draft");
    entries.truncate(1);
    assert_eq!(cursor.prev(&entries, "newest"), Some("oldest"));
    assert_eq!(cursor.next(&entries), Some("draft"));
}
