//! A node's key store: items by key id, with the ring-order range reads
//! that hand-off and replication need. Keys whose ids collide (likely at
//! small `M`) share a bucket and stay distinct.

use super::id::Id;
use super::interval::Interval;
use super::msg::{Item, Key, Value};
use std::collections::BTreeMap;
use std::ops::Bound;

/// Items held by a node (owned and replicas), by key id.
#[derive(Clone, Debug, Default)]
pub struct Store {
    items: BTreeMap<Id, Vec<Item>>,
    len: usize,
}

impl Store {
    /// Adds or replaces a key.
    pub fn insert(&mut self, id: Id, key: Key, value: Value) {
        let bucket = self.items.entry(id).or_default();
        match bucket.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => {
                bucket.push((key, value));
                self.len += 1;
            }
        }
    }

    /// The value of `key` (whose id is `id`).
    pub fn get(&self, id: Id, key: &str) -> Option<&Value> {
        self.items
            .get(&id)?
            .iter()
            .find(|(k, _)| &**k == key)
            .map(|(_, v)| v)
    }

    /// Whether `key` (whose id is `id`) is held.
    pub fn contains(&self, id: Id, key: &str) -> bool {
        self.get(id, key).is_some()
    }

    /// Removes `key` (whose id is `id`).
    pub fn remove(&mut self, id: Id, key: &str) {
        if let Some(bucket) = self.items.get_mut(&id) {
            let before = bucket.len();
            bucket.retain(|(k, _)| &**k != key);
            self.len -= before - bucket.len();
            if bucket.is_empty() {
                self.items.remove(&id);
            }
        }
    }

    /// Keys held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Every item.
    pub fn all(&self) -> Vec<Item> {
        self.items.values().flatten().cloned().collect()
    }

    /// Ids in `(lo, hi]` in ring order (clockwise from `lo`).
    fn ids_in(&self, lo: Id, hi: Id) -> impl Iterator<Item = (&Id, &Vec<Item>)> {
        // (lo, hi] without wrap is one range; with wrap (lo >= hi) it is
        // (lo, max] then [0, hi].
        let (first, second) = if lo < hi {
            (
                self.items.range((Bound::Excluded(lo), Bound::Included(hi))),
                None,
            )
        } else {
            (
                self.items.range((Bound::Excluded(lo), Bound::Unbounded)),
                Some(self.items.range((Bound::Unbounded, Bound::Included(hi)))),
            )
        };
        first.chain(second.into_iter().flatten())
    }

    /// About `limit` items (whole buckets) with ids in `(lo, hi]`, in ring
    /// order, after `after` (exclusive) when given; the second value is the
    /// last id returned when more remain.
    pub fn range(
        &self,
        lo: Id,
        hi: Id,
        after: Option<Id>,
        limit: usize,
    ) -> (Vec<Item>, Option<Id>) {
        let start = after.unwrap_or(lo);
        if after.is_some() && !Interval::open_closed(lo, hi).contains(start) {
            return (Vec::new(), None);
        }
        let mut out = Vec::new();
        let mut last = None;
        let mut iter = self.ids_in(start, hi);
        for (id, bucket) in iter.by_ref() {
            out.extend(bucket.iter().cloned());
            last = Some(*id);
            if out.len() >= limit {
                break;
            }
        }
        let more = iter.next().is_some();
        (out, if more { last } else { None })
    }

    /// Every item with an id in `(lo, hi]`.
    pub fn range_all(&self, lo: Id, hi: Id) -> Vec<Item> {
        self.ids_in(lo, hi)
            .flat_map(|(_, bucket)| bucket.iter().cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn store(ids: &[u128]) -> Store {
        let mut s = Store::default();
        for &i in ids {
            let v = Value(Arc::from(vec![("v".to_string(), i.to_string())]));
            s.insert(Id::from_u128(i), Arc::from(i.to_string()), v);
        }
        s
    }

    fn keys(items: &[Item]) -> Vec<String> {
        items.iter().map(|(k, _)| k.to_string()).collect()
    }

    #[test]
    fn ring_ranges_wrap_and_resume() {
        let s = store(&[1, 3, 5, 7]);
        let n = Id::from_u128;
        assert_eq!(keys(&s.range_all(n(3), n(7))), ["5", "7"]);
        assert_eq!(keys(&s.range_all(n(5), n(3))), ["7", "1", "3"]);
        assert_eq!(keys(&s.range_all(n(3), n(3))).len(), 4);
        let (a, more) = s.range(n(5), n(3), None, 2);
        assert_eq!((keys(&a), more), (vec!["7".into(), "1".into()], Some(n(1))));
        let (b, more) = s.range(n(5), n(3), more, 2);
        assert_eq!((keys(&b), more), (vec!["3".to_string()], None));
        assert!(s.range(n(5), n(3), Some(n(4)), 2).0.is_empty());
    }

    #[test]
    fn colliding_ids_keep_both_keys() {
        let mut s = store(&[]);
        let v = |x: &str| Value(Arc::from(vec![("v".to_string(), x.to_string())]));
        let id = Id::from_u128(5);
        s.insert(id, Arc::from("a"), v("1"));
        s.insert(id, Arc::from("b"), v("2"));
        s.insert(id, Arc::from("a"), v("3"));
        assert_eq!(s.len(), 2);
        assert_eq!(s.get(id, "a"), Some(&v("3")));
        s.remove(id, "a");
        assert_eq!(
            (s.len(), s.contains(id, "b"), s.contains(id, "a")),
            (1, true, false)
        );
    }
}
