//! Prompt history for Up/Down recall: earlier prompts kept across sessions in a JSONL file
//! (`{"ts": "...", "prompt": "..."}` per line), and a cursor that walks them.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::paths;

/// How many prompts are kept when no other capacity is configured.
pub const DEFAULT_CAPACITY: usize = 1000;

/// The file is rewritten with only the kept entries once it holds this many times more lines.
const COMPACT_FACTOR: usize = 2;

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("cannot read prompt history {}: {source}", .path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write prompt history {}: {source}", .path.display())]
    Write { path: PathBuf, source: io::Error },
}

#[derive(Deserialize)]
struct StoredPrompt {
    prompt: String,
}

/// The most recent prompts, oldest first, mirrored to an append-only file.
#[derive(Debug, Clone)]
pub struct PromptHistory {
    path: PathBuf,
    capacity: usize,
    entries: Vec<String>,
    skipped_lines: usize,
    /// The file ends inside a line (an interrupted write): the next append starts a new one.
    ends_mid_line: bool,
}

impl PromptHistory {
    /// Loads the last `capacity` prompts of `path`; a missing file is an empty history and
    /// malformed lines are skipped with a warning.
    pub fn open(path: impl Into<PathBuf>, capacity: usize) -> Result<Self, HistoryError> {
        let path = path.into();
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(source) => return Err(HistoryError::Read { path, source }),
        };
        let mut history = Self {
            path,
            capacity,
            entries: Vec::new(),
            skipped_lines: 0,
            ends_mid_line: bytes.last().is_some_and(|byte| *byte != b'\n'),
        };
        let mut kept_lines: Vec<&[u8]> = Vec::new();
        let lines = bytes
            .split(|byte| *byte == b'\n')
            .enumerate()
            .filter(|(_, line)| !line.trim_ascii().is_empty());
        for (index, line) in lines {
            match serde_json::from_slice::<StoredPrompt>(line) {
                Ok(stored) => {
                    if history.remember(stored.prompt) {
                        kept_lines.push(line);
                    }
                }
                Err(error) => {
                    history.skipped_lines += 1;
                    tracing::warn!(path = %history.path.display(), line = index + 1, %error, "skipping malformed prompt history line");
                }
            }
        }
        let total_lines = kept_lines.len() + history.skipped_lines;
        history.drop_oldest_beyond_capacity();
        if total_lines > history.capacity.saturating_mul(COMPACT_FACTOR) {
            let kept = &kept_lines[kept_lines.len() - history.entries.len()..];
            if history.compact(kept) {
                history.ends_mid_line = false;
            }
        }
        Ok(history)
    }

    /// Prompts oldest first.
    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// Lines of the file that could not be read as a prompt when it was opened.
    pub fn skipped_lines(&self) -> usize {
        self.skipped_lines
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records a sent prompt in memory and in the file (created 0600, directory 0700).
    /// Blank prompts and a repeat of the newest entry are not stored.
    pub fn push(&mut self, prompt: &str) -> Result<(), HistoryError> {
        if !self.remember(prompt.to_owned()) {
            return Ok(());
        }
        self.drop_oldest_beyond_capacity();
        let timestamp = jiff::Timestamp::now().to_string();
        let mut line = String::new();
        if self.ends_mid_line {
            line.push('\n');
        }
        line.push_str(&serde_json::json!({ "ts": timestamp, "prompt": prompt }).to_string());
        line.push('\n');
        paths::open_private_append(&self.path)
            .and_then(|mut file| file.write_all(line.as_bytes()))
            .map_err(|source| HistoryError::Write {
                path: self.path.clone(),
                source,
            })?;
        self.ends_mid_line = false;
        Ok(())
    }

    /// Appends to memory unless blank or equal to the newest entry; says whether it did.
    fn remember(&mut self, prompt: String) -> bool {
        if prompt.trim().is_empty() || self.entries.last() == Some(&prompt) {
            return false;
        }
        self.entries.push(prompt);
        true
    }

    fn drop_oldest_beyond_capacity(&mut self) {
        let excess = self.entries.len().saturating_sub(self.capacity);
        self.entries.drain(..excess);
    }

    /// Rewrites the file with only `kept_lines`; says whether it did.
    fn compact(&self, kept_lines: &[&[u8]]) -> bool {
        let mut contents = Vec::new();
        for line in kept_lines {
            contents.extend_from_slice(line);
            contents.push(b'\n');
        }
        let result = paths::replace_private_file(&self.path, &contents);
        if let Err(error) = &result {
            tracing::warn!(path = %self.path.display(), %error, "could not compact the prompt history");
        }
        result.is_ok()
    }
}

/// Where Up/Down recall stands: `None` while editing a fresh draft.
///
/// The draft the user was typing is kept when recall starts and given back when they move
/// past the newest entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryCursor {
    position: Option<usize>,
    draft: String,
}

impl HistoryCursor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether an entry from history is being shown instead of the draft.
    pub fn is_recalling(&self) -> bool {
        self.position.is_some()
    }

    /// The next older entry, or `None` when there is none (leave the input as it is).
    pub fn prev<'a>(&mut self, entries: &'a [String], current_draft: &str) -> Option<&'a str> {
        let position = match self.position {
            None => {
                let newest = entries.len().checked_sub(1)?;
                self.draft = current_draft.to_owned();
                newest
            }
            Some(position) => position.min(entries.len()).checked_sub(1)?,
        };
        self.position = Some(position);
        entries.get(position).map(String::as_str)
    }

    /// The next newer entry; past the newest, the saved draft. `None` when not recalling.
    pub fn next<'a>(&'a mut self, entries: &'a [String]) -> Option<&'a str> {
        let newer = self.position? + 1;
        if newer < entries.len() {
            self.position = Some(newer);
            return entries.get(newer).map(String::as_str);
        }
        self.position = None;
        Some(&self.draft)
    }

    /// Back to editing a fresh draft, e.g. after the prompt was sent.
    pub fn reset(&mut self) {
        self.position = None;
        self.draft.clear();
    }
}
