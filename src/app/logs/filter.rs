//! The logs filter: `text` (substring), `~regex`, either inverted with a leading `!`; it
//! says whether a line shows and where its matches are, for highlighting.

use regex::Regex;

#[derive(Debug, Clone)]
pub struct LogFilter {
    /// As typed.
    pub text: String,
    invert: bool,
    matcher: Matcher,
}

#[derive(Debug, Clone)]
enum Matcher {
    Substring(String),
    Regex(Regex),
}

impl LogFilter {
    /// Parses the typed filter; `None` for an empty one, an error for a bad regex.
    pub fn parse(text: &str) -> Result<Option<Self>, String> {
        let (invert, rest) = match text.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        if rest.is_empty() {
            return Ok(None);
        }
        let matcher = match rest.strip_prefix('~') {
            Some(pattern) => Matcher::Regex(Regex::new(pattern).map_err(|error| {
                format!("logs: bad filter regex {pattern:?}: {error} (fix it, or drop the ~ for a plain substring)")
            })?),
            None => Matcher::Substring(rest.to_string()),
        };
        Ok(Some(Self {
            text: text.to_string(),
            invert,
            matcher,
        }))
    }

    pub fn matches(&self, line: &str) -> bool {
        let found = match &self.matcher {
            Matcher::Substring(needle) => line.contains(needle.as_str()),
            Matcher::Regex(regex) => regex.is_match(line),
        };
        found != self.invert
    }

    /// Byte ranges to highlight in `line` (none for an inverted filter).
    pub fn highlights(&self, line: &str) -> Vec<(usize, usize)> {
        if self.invert {
            return Vec::new();
        }
        match &self.matcher {
            Matcher::Substring(needle) => line
                .match_indices(needle.as_str())
                .map(|(at, found)| (at, at + found.len()))
                .collect(),
            Matcher::Regex(regex) => regex
                .find_iter(line)
                .filter(|m| !m.is_empty())
                .map(|m| (m.start(), m.end()))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(text: &str) -> LogFilter {
        LogFilter::parse(text).expect("valid").expect("not empty")
    }

    #[test]
    fn substring_regex_and_inverted() {
        assert!(filter("err").matches("an error"));
        assert!(!filter("!err").matches("an error"));
        assert!(filter("~^an e").matches("an error"));
        assert!(filter("!~^x").matches("an error"));
        assert_eq!(filter("o").highlights("foo"), [(1, 2), (2, 3)]);
        assert!(LogFilter::parse("~(").is_err());
        assert!(LogFilter::parse("!").expect("valid").is_none());
    }
}
