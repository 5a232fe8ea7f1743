//! "Did you mean ...?": the closest known name to a misspelt one.

/// The known name closest to `input` by edit distance, if it is close
/// enough to be a likely typo (at most a third of the longer name, and at
/// least one edit allowed).
pub fn closest<'a>(input: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (edit_distance(input, k), k))
        .filter(|(d, k)| *d <= (input.chars().count().max(k.chars().count()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// ` (did you mean `x`?)`, or nothing.
pub fn did_you_mean<'a>(input: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    closest(input, known).map_or(String::new(), |k| format!(" (did you mean `{k}`?)"))
}

/// Levenshtein distance over characters, in O(len(a)·len(b)) time and
/// O(len(b)) memory.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_name_and_strangers_find_none() {
        let known = ["hot-potato", "hot-potato-faults", "bully-startup"];
        assert_eq!(closest("hotpotatoe", known), Some("hot-potato"));
        assert_eq!(closest("bully-startp", known), Some("bully-startup"));
        assert_eq!(closest("chord", known), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(
            did_you_mean("all-retires", ["all-retire"]),
            " (did you mean `all-retire`?)"
        );
    }
}
