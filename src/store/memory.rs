//! The cockpit's notes about a cluster and its incident, one Markdown file per kubeconfig
//! context under `<data_dir>/memory/`, capped in size, with a persisted "paused" flag.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::paths;

/// How many characters of notes are kept when no other cap is configured.
pub const DEFAULT_MAX_CHARS: usize = 500;

/// Longest file-name stem made from a context name, before the disambiguating hash.
const MAX_STEM_CHARS: usize = 80;

/// A cut at a line or word boundary is preferred when it keeps at least this share of the cap.
const MIN_SHARE_KEPT_AT_BOUNDARY: usize = 2;

/// The notes for one kubeconfig context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryStore {
    path: PathBuf,
    paused_path: PathBuf,
    max_chars: usize,
}

impl MemoryStore {
    /// The store for `context` under `data_dir`; nothing is created until something is saved.
    pub fn new(data_dir: &Path, context: &str) -> Self {
        let dir = data_dir.join("memory");
        let stem = file_stem(context);
        Self {
            path: dir.join(format!("{stem}.md")),
            paused_path: dir.join(format!("{stem}.paused")),
            max_chars: DEFAULT_MAX_CHARS,
        }
    }

    /// The same store with another cap on the characters kept (at least 1).
    pub fn with_max_chars(mut self, max_chars: usize) -> Self {
        self.max_chars = max_chars.max(1);
        self
    }

    pub fn max_chars(&self) -> usize {
        self.max_chars
    }

    /// The notes file (it may not exist yet).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The notes; a missing file is empty notes.
    pub fn load(&self) -> io::Result<String> {
        match fs::read_to_string(&self.path) {
            Ok(text) => Ok(text),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(String::new()),
            Err(error) => Err(error),
        }
    }

    /// Replaces the notes with `text` cut to the cap, atomically (0600 file, 0700 directory);
    /// returns what was kept.
    pub fn save(&self, text: &str) -> io::Result<String> {
        let kept = cap(text, self.max_chars).to_owned();
        paths::replace_private_file(&self.path, kept.as_bytes())?;
        Ok(kept)
    }

    /// Forgets the notes; clearing notes that do not exist is not an error.
    pub fn clear(&self) -> io::Result<()> {
        remove_if_present(&self.path)
    }

    /// Whether updates to the notes are paused for this context.
    pub fn is_paused(&self) -> bool {
        self.paused_path.exists()
    }

    /// Pauses or resumes updates; the flag is a file next to the notes, so it outlives the
    /// session.
    pub fn set_paused(&self, paused: bool) -> io::Result<()> {
        if paused {
            paths::replace_private_file(&self.paused_path, b"")
        } else {
            remove_if_present(&self.paused_path)
        }
    }
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

/// `text` without trailing whitespace, cut to at most `max_chars` characters: at the last line
/// break, else the last space, when that keeps at least half of the cap; else mid-word.
pub fn cap(text: &str, max_chars: usize) -> &str {
    let text = text.trim_end();
    let Some((hard_end, _)) = text.char_indices().nth(max_chars) else {
        return text;
    };
    let prefix = &text[..hard_end];
    let long_enough =
        |end: usize| prefix[..end].chars().count() * MIN_SHARE_KEPT_AT_BOUNDARY >= max_chars;
    let at_line = prefix.rfind('\n').filter(|end| long_enough(*end));
    let at_word = || {
        prefix
            .rfind(char::is_whitespace)
            .filter(|end| long_enough(*end))
    };
    let end = at_line.or_else(at_word).unwrap_or(hard_end);
    prefix[..end].trim_end()
}

/// A file-name stem for a context name: letters, digits, `.`, `_` and `-` are kept, anything
/// else (and a leading `.`) becomes `_`. When anything changed (or the name is empty, hidden or too long) a hash of
/// the full name is appended, so two contexts never share a file.
pub fn file_stem(context: &str) -> String {
    let safe: String = context
        .chars()
        .enumerate()
        .map(|(index, c)| {
            let hidden = index == 0 && c == '.';
            if !hidden && (c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')) {
                c
            } else {
                '_'
            }
        })
        .take(MAX_STEM_CHARS)
        .collect();
    let unchanged = safe == context && !safe.is_empty();
    if unchanged {
        safe
    } else {
        format!("{safe}-{:016x}", fnv1a(context.as_bytes()))
    }
}

/// 64-bit FNV-1a: small, and stable across releases (file names depend on it).
fn fnv1a(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(PRIME)
    })
}
