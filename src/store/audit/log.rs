//! Appending records: one JSON line per record, redacted, in the file of the record's UTC day.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::paths;

use super::AUDIT_DIR;
use super::read::day_file;
use super::record::AuditRecord;
use super::redact::redacted;

/// The append-only audit log under a data directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLog {
    data_dir: PathBuf,
}

impl AuditLog {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            data_dir: data_dir.to_path_buf(),
        }
    }

    /// `<data_dir>/audit`.
    pub fn dir(&self) -> PathBuf {
        self.data_dir.join(AUDIT_DIR)
    }

    /// Redacts every text field of `record` and appends it as one line to the file of its UTC
    /// day (created 0600, directory 0700). A file left ending mid-line by an interrupted
    /// write gets a line break first, so the new record stays readable.
    pub fn append(&self, record: &AuditRecord) -> io::Result<()> {
        let path = day_file(&self.data_dir, record.day());
        let mut line = serde_json::to_string(&redacted(record)).map_err(io::Error::other)?;
        line.push('\n');
        if ends_mid_line(&path)? {
            line.insert(0, '\n');
        }
        let mut file = paths::open_private_append(&path)?;
        file.write_all(line.as_bytes())?;
        file.flush()
    }
}

fn ends_mid_line(path: &Path) -> io::Result<bool> {
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(error) => return Err(error),
    };
    let length = file.metadata()?.len();
    if length == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::Start(length - 1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}
