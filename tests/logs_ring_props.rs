//! The logs ring buffer under arbitrary pushes and clears: never above capacity, order kept,
//! drops counted, sequence numbers lead back to the right lines.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use kubevibe::app::logs::Ring;
use kubevibe::live::logs::LogLine;
use proptest::prelude::*;

fn line(n: u32) -> LogLine {
    LogLine {
        pod: Arc::from("p"),
        container: Arc::from("c"),
        text: n.to_string(),
        timestamp: None,
    }
}

proptest! {
    #[test]
    fn never_above_capacity_and_in_order(capacity in 1usize..50, ops in proptest::collection::vec(0u32..1000, 0..400)) {
        let mut ring = Ring::new(capacity);
        let mut model: std::collections::VecDeque<u32> = Default::default();
        let mut dropped = 0u64;
        for (i, op) in ops.iter().enumerate() {
            if *op == 0 {
                ring.clear();
                model.clear();
                dropped = 0;
                continue;
            }
            let n = u32::try_from(i).unwrap();
            let seq = ring.push(line(n));
            prop_assert_eq!(&ring.get(seq).unwrap().text, &n.to_string());
            model.push_back(n);
            if model.len() > capacity {
                model.pop_front();
                dropped += 1;
            }
            prop_assert!(ring.len() <= capacity);
        }
        let held: Vec<String> = ring.iter().map(|(_, l)| l.text.clone()).collect();
        let expected: Vec<String> = model.iter().map(u32::to_string).collect();
        prop_assert_eq!(held, expected);
        prop_assert_eq!(ring.dropped, dropped);
        prop_assert_eq!(ring.end_seq() - ring.first_seq(), ring.len() as u64);
    }
}
