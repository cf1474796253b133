//! The arithmetic of a rolling update, as the deployment controller does it: how far the new
//! ReplicaSet may grow (`maxSurge`) and how far the old ones may shrink (`maxUnavailable`).

use serde_json::Value;

/// An int-or-percent (`3`, `"25%"`) of `total`; percentages round up for surge, down for
/// unavailable.
pub fn scaled_value(value: Option<&Value>, total: i64, round_up: bool, default: &str) -> i64 {
    let text = match value {
        Some(Value::Number(n)) => return n.as_i64().unwrap_or(0).max(0),
        Some(Value::String(s)) => s.as_str(),
        _ => default,
    };
    let Some(percent) = text.strip_suffix('%') else {
        return text.parse::<i64>().unwrap_or(0).max(0);
    };
    let percent = percent.parse::<i64>().unwrap_or(0).max(0);
    let product = percent * total;
    if round_up {
        (product + 99) / 100
    } else {
        product / 100
    }
}

/// `(maxSurge, maxUnavailable)` for `desired` replicas; never both zero.
pub fn surge_and_unavailable(strategy: &Value, desired: i64) -> (i64, i64) {
    let rolling = strategy.get("rollingUpdate");
    let surge = scaled_value(
        rolling.and_then(|r| r.get("maxSurge")),
        desired,
        true,
        "25%",
    );
    let unavailable = scaled_value(
        rolling.and_then(|r| r.get("maxUnavailable")),
        desired,
        false,
        "25%",
    );
    if surge == 0 && unavailable == 0 {
        return (0, 1);
    }
    (surge, unavailable)
}

/// A ReplicaSet as the rolling update sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Replicas {
    /// `spec.replicas`.
    pub wanted: i64,
    /// `status.availableReplicas`.
    pub available: i64,
}

/// The new ReplicaSet's next size: up to `desired`, without the total exceeding
/// `desired + surge`.
pub fn next_new_size(desired: i64, surge: i64, new: Replicas, all_wanted: i64) -> i64 {
    if new.wanted > desired {
        return desired;
    }
    let max_total = desired + surge;
    if all_wanted >= max_total {
        return new.wanted;
    }
    let grow = (max_total - all_wanted).min(desired - new.wanted);
    new.wanted + grow.max(0)
}

/// The old ReplicaSets' next sizes (oldest first): first drop their unavailable pods, then
/// available ones while at least `desired - unavailable` stay available.
pub fn next_old_sizes(
    desired: i64,
    unavailable: i64,
    new: Replicas,
    olds: &[Replicas],
) -> Vec<i64> {
    let mut sizes: Vec<i64> = olds.iter().map(|rs| rs.wanted).collect();
    let old_wanted: i64 = sizes.iter().sum();
    if old_wanted == 0 {
        return sizes;
    }
    let all_wanted = old_wanted + new.wanted;
    let min_available = desired - unavailable;
    let new_unavailable = new.wanted - new.available;
    let max_scaled_down = all_wanted - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return sizes;
    }
    let mut cleaned = 0;
    for (size, rs) in sizes.iter_mut().zip(olds) {
        if cleaned >= max_scaled_down {
            break;
        }
        if *size == 0 || *size <= rs.available {
            continue;
        }
        let down = (max_scaled_down - cleaned).min(*size - rs.available);
        *size -= down;
        cleaned += down;
    }
    let available: i64 = olds.iter().map(|rs| rs.available).sum::<i64>() + new.available;
    if available <= min_available {
        return sizes;
    }
    let total_down = available - min_available;
    let mut scaled = 0;
    for size in sizes.iter_mut() {
        if scaled >= total_down {
            break;
        }
        if *size == 0 {
            continue;
        }
        let down = (*size).min(total_down - scaled);
        *size -= down;
        scaled += down;
    }
    sizes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn percentages_round_like_the_controller() {
        assert_eq!(surge_and_unavailable(&json!({}), 10), (3, 2));
        assert_eq!(surge_and_unavailable(&json!({}), 1), (1, 0));
        let strict = json!({ "rollingUpdate": { "maxSurge": 0, "maxUnavailable": "0%" } });
        assert_eq!(surge_and_unavailable(&strict, 4), (0, 1));
        let ints = json!({ "rollingUpdate": { "maxSurge": 2, "maxUnavailable": 1 } });
        assert_eq!(surge_and_unavailable(&ints, 4), (2, 1));
    }

    /// Runs a whole rollout with pods that become available at once, checking the limits.
    fn ladder(desired: i64, surge: i64, unavailable: i64) -> usize {
        let mut new = Replicas::default();
        let mut old = vec![Replicas {
            wanted: desired,
            available: desired,
        }];
        let mut steps = 0;
        while !(new.available == desired && old.iter().all(|rs| rs.wanted == 0)) {
            steps += 1;
            assert!(steps < 100, "rollout did not finish");
            let all: i64 = new.wanted + old.iter().map(|rs| rs.wanted).sum::<i64>();
            new.wanted = next_new_size(desired, surge, new, all);
            let sizes = next_old_sizes(desired, unavailable, new, &old);
            for (rs, size) in old.iter_mut().zip(sizes) {
                rs.wanted = size;
                rs.available = rs.available.min(size);
            }
            let total: i64 = new.wanted + old.iter().map(|rs| rs.wanted).sum::<i64>();
            let available: i64 = new.available + old.iter().map(|rs| rs.available).sum::<i64>();
            assert!(total <= desired + surge, "surge exceeded: {total}");
            assert!(
                available >= desired - unavailable,
                "too few available: {available}"
            );
            new.available = new.wanted;
        }
        steps
    }

    #[test]
    fn rollouts_respect_surge_and_unavailable_at_every_step() {
        for desired in [1, 2, 3, 4, 10, 25] {
            let (surge, unavailable) = surge_and_unavailable(&json!({}), desired);
            ladder(desired, surge, unavailable);
            ladder(desired, 1, 0);
            ladder(desired, 0, 1);
        }
        assert!(ladder(10, 1, 0) >= 10);
    }
}
