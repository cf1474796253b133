//! Model prices in USD per million tokens: a built-in table, overridable from the config file.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

use crate::llm::Usage;

const BUILTIN_PRICES: &str = include_str!("../assets/pricing.toml");

/// Digits a model-name suffix needs to count as a dated snapshot (`-2025-04-14`, `-20250929`).
const MIN_SNAPSHOT_DIGITS: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    #[serde(rename = "input")]
    pub input_per_mtok: f64,
    #[serde(rename = "output")]
    pub output_per_mtok: f64,
}

impl fmt::Display for Price {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "${:.2} in / ${:.2} out per million tokens",
            self.input_per_mtok, self.output_per_mtok
        )
    }
}

impl Price {
    /// Why this price cannot be used, if it cannot.
    pub fn problem(&self) -> Option<&'static str> {
        let valid = |per_mtok: f64| per_mtok.is_finite() && per_mtok >= 0.0;
        (!valid(self.input_per_mtok) || !valid(self.output_per_mtok))
            .then_some("prices must be zero or more")
    }
}

/// What a request with this usage cost, in USD.
pub fn cost(price: Price, usage: Usage) -> f64 {
    let input = usage.input_tokens as f64 * price.input_per_mtok;
    let output = usage.output_tokens as f64 * price.output_per_mtok;
    (input + output) / 1_000_000.0
}

#[derive(Debug, thiserror::Error)]
pub enum PricingError {
    #[error("invalid price table: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("invalid price for `{spec}`: {problem}")]
    Invalid { spec: String, problem: &'static str },
}

/// Prices keyed by `provider:model`; `provider:*` prices every model of a provider.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PriceTable {
    prices: BTreeMap<String, Price>,
}

impl PriceTable {
    /// The table shipped in `assets/pricing.toml`.
    pub fn builtin() -> Self {
        Self::parse(BUILTIN_PRICES).expect("assets/pricing.toml is valid (checked by a unit test)")
    }

    /// Parses `["provider:model"] input = 2.0, output = 8.0` tables.
    pub fn parse(text: &str) -> Result<Self, PricingError> {
        let prices: BTreeMap<String, Price> = toml::from_str(text)?;
        if let Some((spec, problem)) = prices
            .iter()
            .find_map(|(spec, price)| price.problem().map(|problem| (spec, problem)))
        {
            return Err(PricingError::Invalid {
                spec: spec.clone(),
                problem,
            });
        }
        Ok(Self { prices })
    }

    /// Adds or replaces the price of `provider:model` (or `provider:*`).
    pub fn insert(&mut self, spec: impl Into<String>, price: Price) {
        self.prices.insert(spec.into(), price);
    }

    /// Entries of `overrides` replace this table's entries with the same spec.
    pub fn merge(&mut self, overrides: PriceTable) {
        self.prices.extend(overrides.prices);
    }

    pub fn len(&self) -> usize {
        self.prices.len()
    }

    pub fn is_empty(&self) -> bool {
        self.prices.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, Price)> {
        self.prices
            .iter()
            .map(|(spec, price)| (spec.as_str(), *price))
    }

    /// The price of `provider:model`: an exact entry, else the entry the model is a dated
    /// snapshot of (`gpt-4.1-2025-04-14` → `gpt-4.1`), else the provider's `*` entry.
    pub fn lookup(&self, provider: &str, model: &str) -> Option<Price> {
        self.find(provider, model).map(|(_, price)| price)
    }

    /// Like [`Self::lookup`], with the spec of the entry that matched.
    pub fn find(&self, provider: &str, model: &str) -> Option<(&str, Price)> {
        let entry = |spec: &str| {
            self.prices
                .get_key_value(spec)
                .map(|(spec, price)| (spec.as_str(), *price))
        };
        entry(&format!("{provider}:{model}"))
            .or_else(|| self.snapshot_base(provider, model))
            .or_else(|| entry(&format!("{provider}:*")))
    }

    /// The entry stored under exactly `spec`.
    pub fn get(&self, spec: &str) -> Option<Price> {
        self.prices.get(spec).copied()
    }

    fn snapshot_base(&self, provider: &str, model: &str) -> Option<(&str, Price)> {
        let prefix = format!("{provider}:");
        self.prices
            .iter()
            .filter_map(|(spec, price)| {
                let base = spec.strip_prefix(&prefix)?;
                let suffix = model.strip_prefix(base)?.strip_prefix('-')?;
                is_snapshot_suffix(suffix).then_some((spec.as_str(), *price))
            })
            .max_by_key(|(spec, _)| spec.len())
    }
}

fn is_snapshot_suffix(suffix: &str) -> bool {
    let digits = suffix.chars().filter(char::is_ascii_digit).count();
    digits >= MIN_SNAPSHOT_DIGITS && suffix.chars().all(|c| c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn price(input: f64, output: f64) -> Price {
        Price {
            input_per_mtok: input,
            output_per_mtok: output,
        }
    }

    #[test]
    fn builtin_table_parses_and_prices_the_default_model() {
        let table = PriceTable::parse(BUILTIN_PRICES).expect("built-in prices parse");
        assert_eq!(table.lookup("openai", "gpt-4.1"), Some(price(2.0, 8.0)));
        assert_eq!(
            table.lookup("anthropic", "claude-sonnet-4-5"),
            Some(price(3.0, 15.0))
        );
    }

    #[test]
    fn local_providers_are_free_through_their_wildcard() {
        let table = PriceTable::builtin();
        for provider in ["ollama", "lmstudio", "vllm", "llamacpp", "replay"] {
            assert_eq!(
                table.lookup(provider, "anything:7b"),
                Some(price(0.0, 0.0)),
                "{provider}"
            );
        }
    }

    #[test]
    fn dated_snapshots_use_their_base_price_but_other_variants_do_not() {
        let mut table = PriceTable::default();
        table.insert("anthropic:claude-sonnet-4-5", price(3.0, 15.0));
        table.insert("openai:gpt-4o", price(2.5, 10.0));
        table.insert("openai:gpt-4o-mini", price(0.15, 0.6));
        assert_eq!(
            table.lookup("anthropic", "claude-sonnet-4-5-20250929"),
            Some(price(3.0, 15.0))
        );
        assert_eq!(
            table.lookup("openai", "gpt-4o-mini-2024-07-18"),
            Some(price(0.15, 0.6))
        );
        assert_eq!(table.lookup("openai", "gpt-4o-nano"), None);
        assert_eq!(table.lookup("openai", "gpt-4o-2"), None);
        assert_eq!(table.lookup("anthropic", "gpt-4o"), None);
    }

    #[test]
    fn an_exact_entry_beats_the_wildcard() {
        let mut table = PriceTable::default();
        table.insert("ollama:*", price(0.0, 0.0));
        table.insert("ollama:big", price(1.0, 1.0));
        assert_eq!(table.lookup("ollama", "big"), Some(price(1.0, 1.0)));
        assert_eq!(table.lookup("ollama", "small"), Some(price(0.0, 0.0)));
    }

    #[test]
    fn overrides_replace_matching_entries_and_keep_the_rest() {
        let mut table = PriceTable::builtin();
        let before = table.len();
        let mut overrides = PriceTable::default();
        overrides.insert("openai:gpt-4.1", price(1.0, 4.0));
        overrides.insert("openai:my-finetune", price(5.0, 6.0));
        table.merge(overrides);
        assert_eq!(table.lookup("openai", "gpt-4.1"), Some(price(1.0, 4.0)));
        assert_eq!(table.lookup("openai", "my-finetune"), Some(price(5.0, 6.0)));
        assert_eq!(table.lookup("openai", "gpt-4o"), Some(price(2.5, 10.0)));
        assert_eq!(table.len(), before + 1);
    }

    #[test]
    fn cost_is_tokens_times_price_per_million() {
        let usage = Usage {
            input_tokens: 1_500_000,
            output_tokens: 250_000,
        };
        let dollars = cost(price(2.0, 8.0), usage);
        assert!((dollars - 5.0).abs() < 1e-9, "{dollars}");
        assert_eq!(cost(price(2.0, 8.0), Usage::default()), 0.0);
    }

    #[test]
    fn negative_prices_are_rejected() {
        let error = PriceTable::parse("[\"openai:x\"]\ninput = -1.0\noutput = 1.0\n")
            .expect_err("negative price");
        assert_eq!(
            error.to_string(),
            "invalid price for `openai:x`: prices must be zero or more"
        );
    }
}
