//! Vector clocks, sparse: only the hosts a clock has heard of take room, so a
//! run of many nodes that talk to few others stays small.

/// A vector clock: `(host, count)` pairs sorted by host, counts above zero.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VectorClock {
    entries: Vec<(usize, u64)>,
}

impl VectorClock {
    /// The count of `host` (zero if the clock has not heard of it).
    pub fn get(&self, host: usize) -> u64 {
        self.entries
            .binary_search_by_key(&host, |&(h, _)| h)
            .map_or(0, |i| self.entries[i].1)
    }

    /// One more event at `host`.
    pub fn tick(&mut self, host: usize) {
        match self.entries.binary_search_by_key(&host, |&(h, _)| h) {
            Ok(i) => self.entries[i].1 += 1,
            Err(i) => self.entries.insert(i, (host, 1)),
        }
    }

    /// Takes the larger count of each host from `other` (a receive).
    pub fn join(&mut self, other: &VectorClock) {
        let mut merged = Vec::with_capacity(self.entries.len().max(other.entries.len()));
        let (mut a, mut b) = (
            self.entries.iter().peekable(),
            other.entries.iter().peekable(),
        );
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(&&(ha, ca)), Some(&&(hb, cb))) => match ha.cmp(&hb) {
                    std::cmp::Ordering::Less => {
                        a.next();
                        (ha, ca)
                    }
                    std::cmp::Ordering::Greater => {
                        b.next();
                        (hb, cb)
                    }
                    std::cmp::Ordering::Equal => {
                        a.next();
                        b.next();
                        (ha, ca.max(cb))
                    }
                },
                (Some(&&e), None) => {
                    a.next();
                    e
                }
                (None, Some(&&e)) => {
                    b.next();
                    e
                }
                (None, None) => break,
            };
            merged.push(next);
        }
        self.entries = merged;
    }

    /// The `(host, count)` pairs, by host.
    pub fn entries(&self) -> &[(usize, u64)] {
        &self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(pairs: &[(usize, u64)]) -> VectorClock {
        let mut c = VectorClock::default();
        for &(h, n) in pairs {
            for _ in 0..n {
                c.tick(h);
            }
        }
        c
    }

    #[test]
    fn join_takes_the_larger_count_of_every_host() {
        let mut a = clock(&[(0, 3), (4, 1)]);
        a.join(&clock(&[(0, 1), (2, 5), (4, 2), (9, 1)]));
        assert_eq!(a.entries(), [(0, 3), (2, 5), (4, 2), (9, 1)]);
        assert_eq!((a.get(2), a.get(3)), (5, 0));
        a.join(&VectorClock::default());
        assert_eq!(a.entries().len(), 4);
    }
}
