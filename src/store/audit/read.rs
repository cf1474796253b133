//! Reading the audit log back: the days that have a file, and one day's records, tolerant of
//! lines an interrupted write left behind.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::AUDIT_DIR;
use super::record::AuditRecord;

const EXTENSION: &str = "jsonl";

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("cannot read the audit log {}: {source}", .path.display())]
    Read { path: PathBuf, source: io::Error },
}

/// One day's records and the lines that could not be read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayRead {
    pub records: Vec<AuditRecord>,
    /// One message per skipped line, naming the file and line.
    pub problems: Vec<String>,
}

/// `<data_dir>/audit/YYYY-MM-DD.jsonl`.
pub fn day_file(data_dir: &Path, date: Date) -> PathBuf {
    data_dir
        .join(AUDIT_DIR)
        .join(format!("{}.{EXTENSION}", date.strftime("%Y-%m-%d")))
}

/// The days that have an audit file, oldest first; none when the directory does not exist.
pub fn days(data_dir: &Path) -> Result<Vec<Date>, AuditError> {
    let dir = data_dir.join(AUDIT_DIR);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(AuditError::Read { path: dir, source }),
    };
    let mut days: Vec<Date> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name();
            let stem = name
                .to_str()?
                .strip_suffix(&format!(".{EXTENSION}"))?
                .to_owned();
            stem.parse().ok()
        })
        .collect();
    days.sort();
    Ok(days)
}

/// The records of `date`, in file order; a missing file is no records. Lines that cannot be
/// read (a torn last line after a crash) are skipped with a warning in the log.
pub fn read_day(data_dir: &Path, date: Date) -> Result<Vec<AuditRecord>, AuditError> {
    let read = read_day_report(data_dir, date)?;
    for problem in &read.problems {
        tracing::warn!("{problem}");
    }
    Ok(read.records)
}

/// [`read_day`] with the skipped lines reported to the caller.
pub fn read_day_report(data_dir: &Path, date: Date) -> Result<DayRead, AuditError> {
    let path = day_file(data_dir, date);
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(DayRead::default()),
        Err(source) => return Err(AuditError::Read { path, source }),
    };
    let ends_mid_line = bytes.last().is_some_and(|byte| *byte != b'\n');
    let lines: Vec<&[u8]> = bytes.split(|byte| *byte == b'\n').collect();
    let last_index = lines.len().saturating_sub(1);
    let mut read = DayRead::default();
    for (index, line) in lines.iter().enumerate() {
        if line.trim_ascii().is_empty() {
            continue;
        }
        match serde_json::from_slice::<AuditRecord>(line) {
            Ok(record) => read.records.push(record),
            Err(error) => {
                let what = if ends_mid_line && index == last_index {
                    "an incomplete last line (an interrupted write)"
                } else {
                    "an unreadable line"
                };
                read.problems.push(format!(
                    "{}:{}: skipped {what}: {error}",
                    path.display(),
                    index + 1
                ));
            }
        }
    }
    Ok(read)
}
