//! `--shard K/N`: over all K the shards cover every seed of the range exactly once.

use proptest::prelude::*;
use scenarios::shard::{SeedRange, Shard};

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn shards_cover_every_seed_exactly_once(
        start in prop_oneof![0u64..1_000, (u64::MAX - 1_000)..u64::MAX],
        len in 1u64..400,
        count in 1u64..40,
    ) {
        let end = start.saturating_add(len);
        prop_assume!(start < end);
        let range = SeedRange { start, end };
        let mut seen = vec![0u32; (end - start) as usize];
        for index in 1..=count {
            let shard = Shard { index, count };
            let seeds: Vec<u64> = shard.seeds(range).collect();
            prop_assert_eq!(seeds.len() as u64, shard.len(range));
            prop_assert!(seeds.windows(2).all(|w| w[0] < w[1]));
            for s in seeds {
                prop_assert!(shard.contains(range, s));
                seen[(s - start) as usize] += 1;
            }
        }
        prop_assert!(seen.iter().all(|&n| n == 1), "{:?}", seen);
    }

    #[test]
    fn shard_text_round_trips(count in 1u64..1000, k in 0u64..1000) {
        let shard = Shard { index: k % count + 1, count };
        prop_assert_eq!(shard.to_string().parse::<Shard>(), Ok(shard));
    }
}
