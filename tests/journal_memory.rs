//! The per-context memory: the cap and where it cuts, private files, atomic replacement, the
//! paused flag and file names made from context names.

use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;

use kubevibe::store::memory::{DEFAULT_MAX_CHARS, MemoryStore, cap, file_stem};
use tempfile::TempDir;

fn mode_of(path: &std::path::Path) -> u32 {
    fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

#[test]
fn missing_notes_are_empty_and_saved_notes_come_back() {
    let dir = TempDir::new().expect("temp dir");
    let store = MemoryStore::new(dir.path(), "kind-kind");
    assert_eq!(store.load().expect("load"), "");
    assert_eq!(store.path(), dir.path().join("memory/kind-kind.md"));

    let kept = store
        .save("checkout crashloops since 14:00\n\n")
        .expect("save");
    assert_eq!(kept, "checkout crashloops since 14:00");
    assert_eq!(store.load().expect("load"), kept);
    assert_eq!(store.max_chars(), DEFAULT_MAX_CHARS);

    store.clear().expect("clear");
    assert_eq!(store.load().expect("load"), "");
    assert!(!store.path().exists());
    store.clear().expect("clearing twice is fine");
}

#[test]
fn the_cap_prefers_a_line_then_a_word_boundary() {
    let lines = "first line of notes\nsecond line here\nthird line that runs past the cap";
    // 40 characters end inside the third line; the last line break keeps 36 characters.
    assert_eq!(cap(lines, 40), "first line of notes\nsecond line here");

    let words = "alpha beta gamma delta epsilon";
    assert_eq!(cap(words, 20), "alpha beta gamma");

    // A boundary that would keep less than half of the cap is not worth it: cut mid-word.
    let early_space = "a bcdefghijklmnopqrstuvwxyz";
    assert_eq!(cap(early_space, 10), "a bcdefghi");

    assert_eq!(cap("short", 10), "short");
    assert_eq!(cap("exactly ten", 11), "exactly ten");
}

#[test]
fn the_cap_counts_characters_and_cuts_on_a_char_boundary() {
    let text = "é".repeat(30) + &"🚀".repeat(30);
    let kept = cap(&text, 45);
    assert_eq!(kept.chars().count(), 45);
    assert_eq!(kept, "é".repeat(30) + &"🚀".repeat(15));

    let dir = TempDir::new().expect("temp dir");
    let store = MemoryStore::new(dir.path(), "prod").with_max_chars(7);
    assert_eq!(store.save("überall ünd").expect("save"), "überall");
    assert_eq!(fs::read_to_string(store.path()).expect("read"), "überall");

    let default_store = MemoryStore::new(dir.path(), "staging");
    let long = "word ".repeat(200);
    let kept = default_store.save(&long).expect("save");
    assert!(kept.chars().count() <= DEFAULT_MAX_CHARS, "{}", kept.len());
    assert!(
        kept.chars().count() >= DEFAULT_MAX_CHARS - 5,
        "{}",
        kept.len()
    );
    assert!(kept.ends_with("word"), "{kept:?}");
}

#[test]
fn notes_are_private_files_in_a_private_directory() {
    let dir = TempDir::new().expect("temp dir");
    let store = MemoryStore::new(dir.path(), "prod");
    store.save("db is on the old version").expect("save");
    assert_eq!(mode_of(store.path()), 0o600);
    assert_eq!(mode_of(&dir.path().join("memory")), 0o700);
    store.set_paused(true).expect("pause");
    let flag = dir.path().join("memory/prod.paused");
    assert_eq!(mode_of(&flag), 0o600);
}

#[test]
fn saving_replaces_the_file_whole_and_leaves_no_temporary_file() {
    let dir = TempDir::new().expect("temp dir");
    let store = MemoryStore::new(dir.path(), "prod");
    store.save("old notes").expect("save");
    let mut reader = fs::File::open(store.path()).expect("open");

    store
        .save("new notes, longer than the old ones")
        .expect("save");

    // A reader that opened the old file keeps seeing all of it: the new one was renamed over it.
    let mut seen = String::new();
    reader.read_to_string(&mut seen).expect("read");
    assert_eq!(seen, "old notes");
    assert_eq!(
        fs::read_to_string(store.path()).expect("read"),
        "new notes, longer than the old ones"
    );
    let names: Vec<String> = fs::read_dir(dir.path().join("memory"))
        .expect("list")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(names, ["prod.md"]);
}

#[test]
fn the_paused_flag_outlives_the_store() {
    let dir = TempDir::new().expect("temp dir");
    let store = MemoryStore::new(dir.path(), "prod");
    assert!(!store.is_paused());
    store.set_paused(true).expect("pause");
    assert!(MemoryStore::new(dir.path(), "prod").is_paused());
    assert!(!MemoryStore::new(dir.path(), "staging").is_paused());
    store.set_paused(false).expect("resume");
    assert!(!MemoryStore::new(dir.path(), "prod").is_paused());
    store.set_paused(false).expect("resuming twice is fine");
}

#[test]
fn context_names_become_safe_distinct_file_names() {
    let dir = TempDir::new().expect("temp dir");
    let memory_dir = dir.path().join("memory");
    let names = [
        "arn:aws:eks:eu-west-1:123456789012:cluster/prod",
        "arn_aws_eks_eu-west-1_123456789012_cluster_prod",
        "../../etc/passwd",
        "",
        ".hidden",
        "gke_project_europe-west1_shop",
        "ünïcode ctx",
    ];
    let mut paths = Vec::new();
    for name in names {
        let store = MemoryStore::new(dir.path(), name);
        let path = store.path().to_path_buf();
        assert_eq!(path.parent(), Some(memory_dir.as_path()), "{name:?}");
        let file = path
            .file_name()
            .expect("name")
            .to_str()
            .expect("utf-8")
            .to_owned();
        assert!(
            file.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')),
            "{file}"
        );
        assert!(!file.starts_with('.'), "{file}");
        store.save(name).expect("save");
        paths.push(path);
    }
    let mut unique = paths.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), paths.len(), "{paths:?}");
    for (name, path) in names.iter().zip(&paths) {
        assert_eq!(fs::read_to_string(path).expect("read"), *name);
    }
    assert_eq!(file_stem("kind-kind"), "kind-kind");
    assert_eq!(file_stem("a/b"), file_stem("a/b"));
    assert!(file_stem(&"x".repeat(500)).len() < 120);
}
