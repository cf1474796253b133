//! Resource quantities (`500m`, `1.5`, `128Mi`, `1G`, `2e3`) as the scheduler compares them.

/// CPU in millicores; `None` when the text is not a quantity.
pub fn cpu_millis(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Some(millis) = text.strip_suffix('m') {
        return millis.parse::<f64>().ok().map(|m| m.ceil() as i64);
    }
    amount(text).map(|cores| (cores * 1000.0).ceil() as i64)
}

/// Memory (or any byte quantity) in bytes; `None` when the text is not a quantity.
pub fn bytes(text: &str) -> Option<i64> {
    amount(text.trim()).map(|value| value.ceil() as i64)
}

fn amount(text: &str) -> Option<f64> {
    const SUFFIXES: [(&str, f64); 13] = [
        ("Ki", 1024.0),
        ("Mi", 1_048_576.0),
        ("Gi", 1_073_741_824.0),
        ("Ti", 1_099_511_627_776.0),
        ("Pi", 1_125_899_906_842_624.0),
        ("Ei", 1_152_921_504_606_846_976.0),
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
    ];
    for (suffix, factor) in SUFFIXES {
        if let Some(number) = text.strip_suffix(suffix) {
            return number.parse::<f64>().ok().map(|n| n * factor);
        }
    }
    if let Some(number) = text.strip_suffix('P') {
        return number.parse::<f64>().ok().map(|n| n * 1e15);
    }
    if let Some(number) = text.strip_suffix('E') {
        return number.parse::<f64>().ok().map(|n| n * 1e18);
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cpu_and_memory() {
        assert_eq!(cpu_millis("250m"), Some(250));
        assert_eq!(cpu_millis("1.5"), Some(1500));
        assert_eq!(cpu_millis("2"), Some(2000));
        assert_eq!(bytes("128Mi"), Some(134_217_728));
        assert_eq!(bytes("1G"), Some(1_000_000_000));
        assert_eq!(bytes("2e3"), Some(2000));
        assert_eq!(bytes("lots"), None);
    }
}
