//! The API key: handed to request headers, scrubbed from every message, never printed.

use std::fmt;

const REDACTED: &str = "<redacted>";

/// Shortest run of key characters that counts as the key showing through: servers tend to
/// echo a truncated or partly masked key (`sk-proj-abc…`), not the whole of it.
const FRAGMENT_LEN: usize = 8;

#[derive(Clone)]
pub(crate) struct ApiKey(String);

impl ApiKey {
    /// `None` for a missing or blank key, so that no empty credential header is ever sent.
    pub(crate) fn from_setting(key: Option<&str>) -> Option<Self> {
        key.map(str::trim)
            .filter(|key| !key.is_empty())
            .map(|key| Self(key.to_owned()))
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// `text` with the key, and any word sharing a fragment of it, replaced by `<redacted>`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let text = text.replace(self.0.as_str(), REDACTED);
        if self.0.len() < FRAGMENT_LEN {
            return text;
        }
        let mut scrubbed = String::with_capacity(text.len());
        for piece in text.split_inclusive(char::is_whitespace) {
            let word = piece.trim_end();
            if self.shares_fragment(word) {
                scrubbed.push_str(REDACTED);
                scrubbed.push_str(&piece[word.len()..]);
            } else {
                scrubbed.push_str(piece);
            }
        }
        scrubbed
    }

    fn shares_fragment(&self, word: &str) -> bool {
        let word = word.as_bytes();
        self.0
            .as_bytes()
            .windows(FRAGMENT_LEN)
            .any(|fragment| word.windows(FRAGMENT_LEN).any(|part| part == fragment))
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::ApiKey;

    fn key(text: &str) -> ApiKey {
        ApiKey::from_setting(Some(text)).expect("a non-blank key")
    }

    #[test]
    fn blank_keys_are_no_keys() {
        assert!(ApiKey::from_setting(None).is_none());
        assert!(ApiKey::from_setting(Some("  ")).is_none());
    }

    #[test]
    fn scrub_removes_the_whole_key() {
        let key = key("sk-test-0123456789abcdef");
        assert_eq!(
            key.scrub("bad key \"sk-test-0123456789abcdef\", try again"),
            "bad key \"<redacted>\", try again"
        );
    }

    #[test]
    fn scrub_removes_truncated_echoes() {
        let key = key("sk-test-0123456789abcdef");
        assert_eq!(
            key.scrub("Incorrect API key provided: sk-test-0123****cdef. See docs"),
            "Incorrect API key provided: <redacted> See docs"
        );
    }

    #[test]
    fn scrub_keeps_unrelated_text() {
        let key = key("sk-test-0123456789abcdef");
        let text = "model `gpt-4.1` not found at http://127.0.0.1:8080/v1";
        assert_eq!(key.scrub(text), text);
    }

    #[test]
    fn debug_never_shows_the_key() {
        assert_eq!(
            format!("{:?}", key("sk-secret-value")),
            "ApiKey(<redacted>)"
        );
    }
}
