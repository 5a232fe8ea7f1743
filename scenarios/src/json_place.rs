//! Places in JSON text: which field a line and column are in, and where a
//! field (`network.default.loss`, `faults[2].at`) is written. Used to point
//! errors in scenario and failure files at the exact spot.

/// One level of nesting while walking JSON text.
enum Frame {
    /// Inside an object.
    Object,
    /// Inside an array; the index of the current element.
    Array(usize),
}

/// The walk's current place: the open frames and the path they spell,
/// kept up to date in place (each token costs time in its own length only,
/// so a walk is linear in the text at any nesting depth).
#[derive(Default)]
struct Place {
    frames: Vec<Frame>,
    /// For each frame, the length of `path` before its segment.
    marks: Vec<usize>,
    path: String,
}

impl Place {
    fn open(&mut self, frame: Frame) {
        self.marks.push(self.path.len());
        if let Frame::Array(i) = frame {
            self.set_index(i);
        }
        self.frames.push(frame);
    }

    fn close(&mut self) {
        self.frames.pop();
        if let Some(mark) = self.marks.pop() {
            self.path.truncate(mark);
        }
    }

    /// Back to the frame's own start (no key or element chosen).
    fn reset(&mut self) {
        if let Some(&mark) = self.marks.last() {
            self.path.truncate(mark);
        }
    }

    fn set_index(&mut self, i: usize) {
        use std::fmt::Write;
        self.reset();
        let _ = write!(self.path, "[{i}]");
    }

    fn set_key(&mut self, key: &str) {
        self.reset();
        if !self.path.is_empty() {
            self.path.push('.');
        }
        self.path.push_str(key);
    }
}

/// Walks `text`, calling `visit(path, offset)` at every key and every array
/// element, until `visit` returns true or the text (or `limit`) ends. Returns
/// the path at the stop. Tolerates broken JSON (it is used on error paths).
/// Linear in the length of the text.
fn walk(text: &str, limit: usize, mut visit: impl FnMut(&str, usize) -> bool) -> String {
    let bytes = text.as_bytes();
    let mut place = Place::default();
    let mut expect_value = false;
    let mut i = 0;
    while i < bytes.len() && i < limit {
        match bytes[i] {
            b'{' => {
                place.open(Frame::Object);
                expect_value = false;
            }
            b'[' => {
                place.open(Frame::Array(0));
                if visit(&place.path, skip_space(bytes, i + 1)) {
                    return place.path;
                }
                expect_value = true;
            }
            b'}' | b']' => {
                place.close();
                expect_value = false;
            }
            b':' => expect_value = true,
            b',' => match place.frames.last_mut() {
                Some(Frame::Object) => {
                    place.reset();
                    expect_value = false;
                }
                Some(Frame::Array(index)) => {
                    *index += 1;
                    let index = *index;
                    place.set_index(index);
                    if visit(&place.path, skip_space(bytes, i + 1)) {
                        return place.path;
                    }
                    expect_value = true;
                }
                None => {}
            },
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let key_position =
                    !expect_value && matches!(place.frames.last(), Some(Frame::Object));
                if key_position {
                    let key = text.get(start + 1..i.min(bytes.len())).unwrap_or("");
                    place.set_key(key);
                    if visit(&place.path, start) {
                        return place.path;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    place.path
}

/// Checks that `text` nests arrays and objects at most `max` deep; on
/// deeper nesting, returns the byte offset of the first bracket past the
/// limit. Strings are skipped; linear in the text.
pub fn check_depth(text: &str, max: usize) -> Result<(), usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return Err(i);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// Byte offset of a 1-based line and column (as serde_json reports them).
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (n, l) in text.split_inclusive('\n').enumerate() {
        if n + 1 == line {
            return offset + column.saturating_sub(1).min(l.len());
        }
        offset += l.len();
    }
    text.len()
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

/// The field (as a path such as `network.default.latency.min`) that the text
/// at `offset` belongs to; empty at the top level.
pub fn path_at(text: &str, offset: usize) -> String {
    walk(text, offset, |_, _| false)
}

/// Where the field at `path` is written: the 1-based line and column of its
/// key (or of the array element), if the text has it.
pub fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    let mut found = None;
    walk(text, usize::MAX, |p, offset| {
        if p == path {
            found = Some(offset);
            true
        } else {
            false
        }
    });
    found.map(|o| line_col(text, o))
}

/// Locates the longest leading part of `path` that the text has (a
/// validation error may name `faults[0].fault.node` where only `faults[0]` is
/// written as such); returns the part found and its line and column.
pub fn locate_prefix(text: &str, path: &str) -> Option<(String, usize, usize)> {
    let mut cut = path.len();
    loop {
        let candidate = &path[..cut];
        if let Some((line, col)) = locate(text, candidate) {
            return Some((candidate.to_string(), line, col));
        }
        cut = candidate.rfind(['.', '['])?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "{\n  \"a\": {\"b\": [1, {\"c\": \"x\"}]},\n  \"d\": \"y\"\n}";

    #[test]
    fn paths_round_trip_with_positions() {
        assert_eq!(locate(TEXT, "a"), Some((2, 3)));
        assert_eq!(locate(TEXT, "d"), Some((3, 3)));
        let (line, col) = locate(TEXT, "a.b[1].c").unwrap();
        assert_eq!(path_at(TEXT, offset_of(TEXT, line, col + 4)), "a.b[1].c");
        assert_eq!(path_at(TEXT, offset_of(TEXT, 3, 9)), "d");
        assert_eq!(locate(TEXT, "a.z"), None);
        assert_eq!(
            locate_prefix(TEXT, "a.b[1].z"),
            Some(("a.b[1]".to_string(), 2, 18))
        );
    }

    #[test]
    fn deep_nesting_is_walked_in_linear_time() {
        let depth = 200_000;
        let text = format!("{{\"a\": {}{}}}", "[".repeat(depth), "]".repeat(depth));
        assert_eq!(locate(&text, "a.b"), None);
        assert_eq!(path_at(&text, 8), "a[0][0]");
        assert_eq!(check_depth(&text, 64), Err(6 + 63));
    }

    #[test]
    fn broken_text_does_not_panic() {
        for text in ["", "{", "{\"a", "[[[", "}}]]", "{\"a\": \"\\"] {
            let _ = path_at(text, text.len());
            let _ = locate(text, "a");
        }
    }
}
