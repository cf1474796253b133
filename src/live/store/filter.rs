//! The pane's row filter: a case-insensitive substring, or a regex after `~`; a leading `!`
//! inverts either. It looks at the namespace, the name and every text cell of a row.

use regex::{Regex, RegexBuilder};

use crate::live::row::Row;

#[derive(Clone, Debug)]
enum Matcher {
    /// Lower-cased needle.
    Substring(String),
    Regex(Regex),
}

#[derive(Clone, Debug)]
pub struct Filter {
    matcher: Matcher,
    invert: bool,
    source: String,
}

/// A filter that cannot be used, with the reason and what to type instead.
#[derive(Debug, thiserror::Error)]
#[error(
    "the filter {input:?} is not a valid regex ({cause}); fix the pattern or drop the leading `~` to match it as plain text"
)]
pub struct FilterError {
    input: String,
    cause: String,
}

impl Filter {
    /// Parses what the user typed: `text`, `~regex`, `!text`, `!~regex`. An empty pattern
    /// means no filter (`None`).
    pub fn parse(input: &str) -> Result<Option<Filter>, FilterError> {
        let (invert, rest) = match input.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, input),
        };
        let matcher = match rest.strip_prefix('~') {
            Some(pattern) if !pattern.is_empty() => Matcher::Regex(
                RegexBuilder::new(pattern)
                    .case_insensitive(true)
                    .size_limit(1 << 20)
                    .build()
                    .map_err(|e| FilterError {
                        input: input.to_string(),
                        cause: e.to_string(),
                    })?,
            ),
            Some(_) => return Ok(None),
            None if rest.is_empty() => return Ok(None),
            None => Matcher::Substring(rest.to_lowercase()),
        };
        Ok(Some(Filter {
            matcher,
            invert,
            source: input.to_string(),
        }))
    }

    /// The text the filter was parsed from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether `text` alone matches (before inversion).
    fn hit(&self, text: &str) -> bool {
        match &self.matcher {
            Matcher::Substring(needle) => contains_ignore_case(text, needle),
            Matcher::Regex(re) => re.is_match(text),
        }
    }

    pub fn matches(&self, row: &Row) -> bool {
        let texts = [&*row.namespace, &*row.name]
            .into_iter()
            .chain(row.cells.iter().filter_map(|c| c.filter_text()));
        let mut hit = false;
        for text in texts {
            if self.hit(text) {
                hit = true;
                break;
            }
        }
        hit != self.invert
    }
}

/// Whether `haystack` contains the lower-case `needle`, ignoring ASCII case without
/// allocating; non-ASCII text falls back to a lower-cased copy.
fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if !haystack.is_ascii() || !needle.is_ascii() {
        return haystack.to_lowercase().contains(needle);
    }
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    h.windows(n.len())
        .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::row::{Cell, Tone};

    fn row(name: &str, status: &str) -> Row {
        Row {
            uid: name.into(),
            namespace: "shop".into(),
            name: name.into(),
            labels: [].into(),
            owners: [].into(),
            cells: Box::new([Cell::text(status), Cell::Int(42)]),
            tone: Tone::Normal,
        }
    }

    fn keeps(filter: &str, row: &Row) -> bool {
        Filter::parse(filter)
            .expect("a valid filter")
            .is_none_or(|f| f.matches(row))
    }

    #[test]
    fn substring_regex_and_inversion() {
        let crash = row("web-1", "CrashLoopBackOff");
        let fine = row("web-2", "Running");
        assert!(keeps("crash", &crash) && !keeps("crash", &fine));
        assert!(keeps("SHOP", &fine), "namespace, any case");
        assert!(!keeps("42", &fine), "numbers are not text");
        assert!(keeps("~^web-[12]$", &fine));
        assert!(!keeps("~^web-3$", &fine));
        assert!(keeps("!crash", &fine) && !keeps("!crash", &crash));
        assert!(keeps("!~backoff$", &fine) && !keeps("!~backoff$", &crash));
        assert!(keeps("", &crash) && keeps("!", &crash) && keeps("~", &crash));
    }

    #[test]
    fn a_broken_regex_says_how_to_fix_it() {
        let error = Filter::parse("~web-(").expect_err("an unclosed group");
        let message = error.to_string();
        assert!(message.contains("not a valid regex"), "{message}");
        assert!(message.contains("drop the leading `~`"), "{message}");
    }
}
