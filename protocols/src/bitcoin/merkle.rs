//! Merkle roots as Bitcoin computes them: pair hashes level by level,
//! pairing the last hash with itself when a level has an odd count.
//!
//! That duplication makes different lists share a root: `[a, b, c]` and
//! `[a, b, c, c]` hash alike (CVE-2012-2459). Bitcoin Core therefore marks a
//! tree "mutated" when any level holds two equal hashes side by side in a
//! real pair, and rejects such a block; [`MerkleRoot::mutated`] is that flag.

use super::hash::{sha256d_64, Hash256};
use serde::Serialize;

/// A computed merkle root.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MerkleRoot {
    /// The root.
    pub root: Hash256,
    /// Two equal sibling hashes were paired somewhere: the list could be a
    /// duplicated copy of a shorter one with the same root (CVE-2012-2459).
    pub mutated: bool,
}

/// Double SHA-256 of two hashes side by side: a merkle tree's inner node.
#[inline]
pub fn hash_pair(left: &Hash256, right: &Hash256) -> Hash256 {
    let mut both = [0u8; 64];
    both[..32].copy_from_slice(&left.0);
    both[32..].copy_from_slice(&right.0);
    sha256d_64(&both)
}

/// The merkle root of `leaves` (`None` for no leaves).
pub fn merkle_root(leaves: &[Hash256]) -> Option<MerkleRoot> {
    let mut level = leaves.to_vec();
    merkle_root_in_place(&mut level)
}

/// [`merkle_root`] reusing `level` as scratch space (its contents are lost).
pub fn merkle_root_in_place(level: &mut [Hash256]) -> Option<MerkleRoot> {
    let mut mutated = false;
    let mut len = level.len();
    if len == 0 {
        return None;
    }
    while len > 1 {
        let mut next = 0;
        let mut i = 0;
        while i < len {
            let left = level[i];
            let right = match level.get(i + 1) {
                Some(right) if i + 1 < len => {
                    mutated |= left == *right;
                    *right
                }
                _ => left,
            };
            level[next] = hash_pair(&left, &right);
            next += 1;
            i += 2;
        }
        len = next;
    }
    Some(MerkleRoot {
        root: level[0],
        mutated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bitcoin::hash::sha256d;

    fn leaf(n: u8) -> Hash256 {
        sha256d(&[n])
    }

    #[test]
    fn one_leaf_is_its_own_root_and_odd_levels_duplicate() {
        assert_eq!(merkle_root(&[]), None);
        let a = leaf(1);
        assert_eq!(
            merkle_root(&[a]),
            Some(MerkleRoot {
                root: a,
                mutated: false
            })
        );
        let (b, c) = (leaf(2), leaf(3));
        let expected = hash_pair(&hash_pair(&a, &b), &hash_pair(&c, &c));
        let three = merkle_root(&[a, b, c]).unwrap();
        assert_eq!(three.root, expected);
        assert!(!three.mutated);
    }

    #[test]
    fn duplicated_subtrees_share_the_root_and_are_flagged() {
        let l: Vec<Hash256> = (0..6).map(leaf).collect();
        let honest = merkle_root(&l).unwrap();
        assert!(!honest.mutated);
        // Six leaves: the third level has an odd count (3), so duplicating
        // the last pair of leaves gives the same root (CVE-2012-2459).
        let mut forged = l.clone();
        forged.extend_from_slice(&l[4..6]);
        let forged = merkle_root(&forged).unwrap();
        assert_eq!(forged.root, honest.root);
        assert!(forged.mutated);
        let mut last_twice = l[..5].to_vec();
        last_twice.push(l[4]);
        assert!(merkle_root(&last_twice).unwrap().mutated);
        assert_eq!(
            merkle_root(&last_twice).unwrap().root,
            merkle_root(&l[..5]).unwrap().root
        );
    }
}
