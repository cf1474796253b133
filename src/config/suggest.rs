//! "Did you mean" suggestions for misspelled names.

/// How similar (Jaro-Winkler, 0..=1) a candidate must be to be worth suggesting.
const MIN_SIMILARITY: f64 = 0.8;

/// The candidate most similar to `name`, if any is similar enough.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(name, candidate), candidate))
        .filter(|(similarity, _)| *similarity >= MIN_SIMILARITY)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_the_most_similar_candidate() {
        let keys = ["connect_timeout_secs", "idle_timeout_secs", "max_retries"];
        assert_eq!(closest("idle_timeout", keys), Some("idle_timeout_secs"));
        assert_eq!(closest("max_retry", keys), Some("max_retries"));
    }

    #[test]
    fn stays_quiet_when_nothing_is_close() {
        assert_eq!(
            closest("colour", ["connect_timeout_secs", "max_retries"]),
            None
        );
        assert_eq!(closest("anything", []), None);
    }
}
