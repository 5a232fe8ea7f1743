//! A bully identity: `(days until a birthday, student id)`, compared as a tuple.

use std::fmt;

/// A member's identity. The derived order compares `days` first and `id`
/// second, as Python compares the `(days, id)` tuple: the higher identity wins
/// an election.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pid {
    /// Days until the birthday (1..=365).
    pub days: u32,
    /// The seven-digit student id.
    pub id: u32,
}

impl Pid {
    /// The identity `(days, id)`.
    pub fn new(days: u32, id: u32) -> Pid {
        Pid { days, id }
    }

    /// Parses the Python tuple text `"(days, id)"` (spaces optional).
    pub fn parse(text: &str) -> Result<Pid, String> {
        let inner = text
            .trim()
            .strip_prefix('(')
            .and_then(|t| t.strip_suffix(')'))
            .ok_or_else(|| format!("identity `{text}` is not a `(days, id)` tuple"))?;
        let (days, id) = inner
            .split_once(',')
            .ok_or_else(|| format!("identity `{text}` has no comma"))?;
        let number = |part: &str| {
            part.trim()
                .parse::<u32>()
                .map_err(|e| format!("identity `{text}`: `{}`: {e}", part.trim()))
        };
        Ok(Pid::new(number(days)?, number(id)?))
    }
}

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}, {})", self.days, self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_as_a_tuple_days_first() {
        assert!(Pid::new(20, 1_000_000) > Pid::new(19, 9_999_999));
        assert!(Pid::new(20, 1_000_001) > Pid::new(20, 1_000_000));
    }

    #[test]
    fn parses_its_own_display() {
        let p = Pid::new(42, 1234567);
        assert_eq!(Pid::parse(&p.to_string()).unwrap(), p);
        assert!(Pid::parse("(1 2)").is_err());
        assert!(Pid::parse("(-1, 2)").is_err());
        assert!(Pid::parse("1, 2").is_err());
    }
}
