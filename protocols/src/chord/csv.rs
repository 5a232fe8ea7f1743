//! The course's data file, `Career_Stats_Passing.csv` (NFL passing
//! statistics), loaded the way `chord_populate` stores it.
//!
//! - The first line is the header; every other non-empty line is a row with
//!   exactly as many fields as the header.
//! - **Key** = column 0 (`Player Id`) followed by column 3 (`Year`), no
//!   separator: `tomfarris/2513861` + `1948` = `tomfarris/25138611948`.
//! - **Value** = the whole row as an ordered map, column name to text, in
//!   the file's column order.
//! - **Duplicates**: a later row with the same key replaces the earlier one
//!   (8,525 rows give 8,296 keys in the course's file).
//!
//! Fields follow RFC 4180 within a line: a field may be quoted (`"Farris,
//! Tom"`, `"1,050"`), and `""` inside quotes is one quote. A quoted field
//! may not span lines. Lines end in LF or CRLF; blank lines are skipped.
//! Anything else is a [`CsvError`] naming the 1-based line. Lines longer
//! than [`MAX_LINE`] bytes are refused, so memory stays bounded by the
//! data kept.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, BufRead, Read};
use std::path::Path;
use std::sync::Arc;

/// The longest line accepted, in bytes (without its line ending).
pub const MAX_LINE: usize = 64 * 1024;
/// The key columns (0-based): Player Id and Year.
pub const KEY_COLUMNS: [usize; 2] = [0, 3];

/// Why the file could not be loaded.
#[derive(Debug)]
pub enum CsvError {
    /// Reading failed after `line` lines.
    Io {
        /// Lines read before the failure.
        line: usize,
        /// The underlying error.
        error: io::Error,
    },
    /// The input has no header line.
    NoHeader,
    /// The header has fewer columns than the key needs.
    TooFewColumns {
        /// Columns found.
        found: usize,
    },
    /// Two header columns have the same name.
    DuplicateColumn {
        /// The repeated name.
        name: String,
    },
    /// A line is longer than [`MAX_LINE`].
    LineTooLong {
        /// 1-based line number.
        line: usize,
    },
    /// A line is not UTF-8.
    NotUtf8 {
        /// 1-based line number.
        line: usize,
    },
    /// A quoted field is not closed before the end of the line.
    UnterminatedQuote {
        /// 1-based line number.
        line: usize,
    },
    /// A quote inside an unquoted field, or text after a closing quote.
    BadQuote {
        /// 1-based line number.
        line: usize,
        /// 1-based field number.
        field: usize,
    },
    /// A row with a different number of fields from the header.
    FieldCount {
        /// 1-based line number.
        line: usize,
        /// Fields in the header.
        expected: usize,
        /// Fields in this row.
        found: usize,
    },
    /// A row whose Player Id or Year is empty.
    EmptyKey {
        /// 1-based line number.
        line: usize,
    },
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CsvError::Io { line, error } => write!(f, "read error after line {line}: {error}"),
            CsvError::NoHeader => write!(f, "no header line"),
            CsvError::TooFewColumns { found } => write!(
                f,
                "header has {found} columns; the key needs Player Id (column 1) and Year (column 4)"
            ),
            CsvError::DuplicateColumn { name } => write!(f, "header repeats column {name:?}"),
            CsvError::LineTooLong { line } => {
                write!(f, "line {line}: longer than {MAX_LINE} bytes")
            }
            CsvError::NotUtf8 { line } => write!(f, "line {line}: not UTF-8"),
            CsvError::UnterminatedQuote { line } => {
                write!(f, "line {line}: quoted field not closed")
            }
            CsvError::BadQuote { line, field } => {
                write!(f, "line {line}: misplaced quote in field {field}")
            }
            CsvError::FieldCount {
                line,
                expected,
                found,
            } => write!(f, "line {line}: {found} fields, expected {expected}"),
            CsvError::EmptyKey { line } => write!(f, "line {line}: empty Player Id or Year"),
        }
    }
}

impl std::error::Error for CsvError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CsvError::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// One row: column name to value, in column order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    columns: Arc<[String]>,
    values: Vec<String>,
}

impl Record {
    /// The value of `column`, if the file has that column.
    pub fn get(&self, column: &str) -> Option<&str> {
        let i = self.columns.iter().position(|c| c == column)?;
        self.values.get(i).map(String::as_str)
    }

    /// `(column, value)` pairs in column order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.columns
            .iter()
            .map(String::as_str)
            .zip(self.values.iter().map(String::as_str))
    }

    /// The values in column order.
    pub fn values(&self) -> &[String] {
        &self.values
    }
}

/// The loaded file: key to the last row with that key, in key order.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    columns: Vec<String>,
    records: BTreeMap<String, Record>,
    rows: usize,
}

impl Dataset {
    /// The header's column names.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Data rows read (duplicates included).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Distinct keys.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The row stored under `key`.
    pub fn get(&self, key: &str) -> Option<&Record> {
        self.records.get(key)
    }

    /// `(key, row)` pairs in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Record)> {
        self.records.iter().map(|(k, r)| (k.as_str(), r))
    }
}

/// The key of a row: Player Id followed by Year.
pub fn row_key(fields: &[String]) -> Option<String> {
    let [id, year] = KEY_COLUMNS.map(|c| fields.get(c).map(String::as_str).unwrap_or(""));
    (!id.is_empty() && !year.is_empty()).then(|| format!("{id}{year}"))
}

/// Loads the file at `path`.
pub fn load_path(path: &Path) -> Result<Dataset, CsvError> {
    let file = std::fs::File::open(path).map_err(|error| CsvError::Io { line: 0, error })?;
    load(io::BufReader::new(file))
}

/// Loads a file from `reader` (see the module docs for the rules).
pub fn load<R: BufRead>(mut reader: R) -> Result<Dataset, CsvError> {
    let mut buf = Vec::new();
    let mut line = 0;
    let mut columns: Option<Arc<[String]>> = None;
    let mut data = Dataset::default();
    loop {
        buf.clear();
        let read = (&mut reader)
            .take(MAX_LINE as u64 + 2)
            .read_until(b'\n', &mut buf)
            .map_err(|error| CsvError::Io { line, error })?;
        if read == 0 {
            break;
        }
        line += 1;
        if buf.last() == Some(&b'\n') {
            buf.pop();
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
        }
        if buf.len() > MAX_LINE {
            return Err(CsvError::LineTooLong { line });
        }
        if buf.is_empty() {
            continue;
        }
        let text = std::str::from_utf8(&buf).map_err(|_| CsvError::NotUtf8 { line })?;
        let fields = split(text, line)?;
        let Some(header) = &columns else {
            columns = Some(header_of(fields)?);
            continue;
        };
        if fields.len() != header.len() {
            return Err(CsvError::FieldCount {
                line,
                expected: header.len(),
                found: fields.len(),
            });
        }
        let key = row_key(&fields).ok_or(CsvError::EmptyKey { line })?;
        data.rows += 1;
        data.records.insert(
            key,
            Record {
                columns: Arc::clone(header),
                values: fields,
            },
        );
    }
    let header = columns.ok_or(CsvError::NoHeader)?;
    data.columns = header.to_vec();
    Ok(data)
}

fn header_of(fields: Vec<String>) -> Result<Arc<[String]>, CsvError> {
    let needed = KEY_COLUMNS.iter().max().map_or(0, |m| m + 1);
    if fields.len() < needed {
        return Err(CsvError::TooFewColumns {
            found: fields.len(),
        });
    }
    let mut seen = std::collections::BTreeSet::new();
    if let Some(name) = fields.iter().find(|name| !seen.insert(name.as_str())) {
        return Err(CsvError::DuplicateColumn { name: name.clone() });
    }
    Ok(fields.into())
}

/// Splits one line into fields (RFC 4180 quoting, no embedded line breaks).
fn split(text: &str, line: usize) -> Result<Vec<String>, CsvError> {
    #[derive(PartialEq)]
    enum State {
        FieldStart,
        Bare,
        Quoted,
        QuoteInQuoted,
    }
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut state = State::FieldStart;
    for c in text.chars() {
        let bad = |fields: &Vec<String>| CsvError::BadQuote {
            line,
            field: fields.len() + 1,
        };
        state = match (state, c) {
            (State::FieldStart | State::Bare | State::QuoteInQuoted, ',') => {
                fields.push(std::mem::take(&mut field));
                State::FieldStart
            }
            (State::FieldStart, '"') => State::Quoted,
            (State::FieldStart | State::Bare, c) if c != '"' => {
                field.push(c);
                State::Bare
            }
            (State::Quoted, '"') => State::QuoteInQuoted,
            (State::Quoted, c) => {
                field.push(c);
                State::Quoted
            }
            (State::QuoteInQuoted, '"') => {
                field.push('"');
                State::Quoted
            }
            _ => return Err(bad(&fields)),
        };
    }
    if state == State::Quoted {
        return Err(CsvError::UnterminatedQuote { line });
    }
    fields.push(field);
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REAL: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/chord/Career_Stats_Passing.csv"
    );

    fn parse(text: &str) -> Result<Dataset, CsvError> {
        load(text.as_bytes())
    }

    #[test]
    fn the_course_file_has_8525_rows_and_8296_keys() {
        let data = load_path(Path::new(REAL)).unwrap();
        assert_eq!(data.rows(), 8525);
        assert_eq!(data.len(), 8296);
        assert_eq!(data.columns().len(), 23);
        assert_eq!(data.columns()[0], "Player Id");
        assert_eq!(data.columns()[22], "Passer Rating");
        // The README's first row, with a quoted name.
        let first = data.get("tomfarris/25138611948").unwrap();
        assert_eq!(first.get("Name"), Some("Farris, Tom"));
        assert_eq!(first.get("Team"), Some("Chicago Rockets"));
        assert_eq!(first.get("Position"), Some(""));
        assert_eq!(first.get("Passes Attempted"), Some("--"));
        assert_eq!(first.get("No Such Column"), None);
        let cols: Vec<&str> = first.iter().map(|(c, _)| c).collect();
        assert_eq!(cols, data.columns());
    }

    #[test]
    fn the_last_row_wins() {
        let data = load_path(Path::new(REAL)).unwrap();
        // Two 1962 rows (Eagles, then Browns): the Browns row is kept.
        let r = data.get("hopalongcassady/25112571962").unwrap();
        assert_eq!(r.get("Team"), Some("Cleveland Browns"));
        assert_eq!(r.values().len(), 23);
    }

    #[test]
    fn thousands_in_quotes_stay_one_field() {
        let data = load_path(Path::new(REAL)).unwrap();
        let quoted = data
            .iter()
            .filter(|(_, r)| r.get("Passing Yards").is_some_and(|v| v.contains(',')))
            .count();
        assert!(quoted > 0);
    }

    #[test]
    fn quoting_rules() {
        let data = parse("a,b,c,d\nx,\"say \"\"hi\"\", ok\",,2000\r\n\n").unwrap();
        let r = data.get("x2000").unwrap();
        assert_eq!(r.get("b"), Some("say \"hi\", ok"));
        assert_eq!(r.get("c"), Some(""));
        assert_eq!(data.rows(), 1);
        // No trailing newline on the last row.
        assert_eq!(parse("a,b,c,d\nx,,,1").unwrap().len(), 1);
    }

    #[test]
    fn broken_rows_name_their_line() {
        let head = "a,b,c,d\n";
        type Check = fn(&CsvError) -> bool;
        let cases: [(&str, Check); 6] = [
            ("x,1,2,3\nx,1,2\n", |e| {
                matches!(
                    e,
                    CsvError::FieldCount {
                        line: 3,
                        expected: 4,
                        found: 3
                    }
                )
            }),
            ("x,\"open,2,3\n", |e| {
                matches!(e, CsvError::UnterminatedQuote { line: 2 })
            }),
            ("x,1,2,3\nx,a\"b,2,3\n", |e| {
                matches!(e, CsvError::BadQuote { line: 3, field: 2 })
            }),
            ("x,\"q\"z,2,3\n", |e| {
                matches!(e, CsvError::BadQuote { line: 2, field: 2 })
            }),
            ("x,1,2,\n", |e| matches!(e, CsvError::EmptyKey { line: 2 })),
            ("x,1,2,3\n\n,1,2,3\n", |e| {
                matches!(e, CsvError::EmptyKey { line: 4 })
            }),
        ];
        for (body, check) in cases {
            let err = parse(&format!("{head}{body}")).unwrap_err();
            assert!(check(&err), "{body:?}: {err:?}");
            assert!(err.to_string().starts_with("line "), "{err}");
        }
    }

    #[test]
    fn bad_headers_and_bytes() {
        assert!(matches!(parse(""), Err(CsvError::NoHeader)));
        assert!(matches!(
            parse("a,b,c\n"),
            Err(CsvError::TooFewColumns { found: 3 })
        ));
        assert!(matches!(
            parse("a,b,a,d\n"),
            Err(CsvError::DuplicateColumn { name }) if name == "a"
        ));
        let mut bytes = b"a,b,c,d\nx,\xff,1,2\n".to_vec();
        assert!(matches!(
            load(&bytes[..]),
            Err(CsvError::NotUtf8 { line: 2 })
        ));
        bytes = b"a,b,c,d\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', MAX_LINE + 10));
        assert!(matches!(
            load(&bytes[..]),
            Err(CsvError::LineTooLong { line: 2 })
        ));
        // Exactly MAX_LINE bytes is fine.
        let mut ok = b"a,b,c,d\nk,,,".to_vec();
        ok.extend(std::iter::repeat_n(b'7', MAX_LINE - 4));
        ok.push(b'\n');
        assert_eq!(load(&ok[..]).unwrap().len(), 1);
    }
}
