//! A small YAML reader for the recipes in `deploy/`: block mappings and
//! sequences, plain and quoted scalars, flow sequences of scalars (`[1, 2]`),
//! literal (`|`) and folded (`>`, `>-`) block scalars, comments and `---`
//! documents. Anything else is an error, so a recipe that strays from this
//! subset fails its test instead of being misread.

/// A YAML value (every scalar is kept as text).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A mapping, in order.
    Map(Vec<(String, Value)>),
    /// A sequence.
    Seq(Vec<Value>),
    /// A scalar.
    Str(String),
}

impl Value {
    /// The value at `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Follows a path of keys and sequence indices (`spec.template.containers.0`).
    pub fn at(&self, path: &str) -> &Value {
        path.split('.').fold(self, |v, part| {
            let next = match (v, part.parse::<usize>()) {
                (Value::Seq(items), Ok(i)) => items.get(i),
                _ => v.get(part),
            };
            next.unwrap_or_else(|| panic!("no `{part}` in {path}: {v:?}"))
        })
    }

    /// The scalar text.
    pub fn str(&self) -> &str {
        match self {
            Value::Str(s) => s,
            other => panic!("not a scalar: {other:?}"),
        }
    }

    /// The items of a sequence.
    pub fn seq(&self) -> &[Value] {
        match self {
            Value::Seq(items) => items,
            other => panic!("not a sequence: {other:?}"),
        }
    }
}

struct Line<'a> {
    indent: usize,
    text: &'a str,
}

/// Parses every document of `text`.
pub fn parse_documents(text: &str) -> Result<Vec<Value>, String> {
    let mut docs = Vec::new();
    let mut current = Vec::new();
    for raw in text.lines() {
        if raw.trim_end() == "---" {
            docs.push(std::mem::take(&mut current));
        } else {
            current.push(raw);
        }
    }
    docs.push(current);
    docs.into_iter()
        .filter(|lines| lines.iter().any(|l| significant(l)))
        .map(|lines| {
            let lines: Vec<Line> = lines
                .iter()
                .map(|l| Line {
                    indent: l.len() - l.trim_start().len(),
                    text: l.trim_start(),
                })
                .collect();
            let mut i = 0;
            let mut p = Parser {
                lines,
                rewritten: None,
            };
            let v = p.block(&mut i, 0)?;
            p.skip(&mut i);
            match p.lines.get(i) {
                Some(l) => Err(format!("unexpected line `{}`", l.text)),
                None => Ok(v),
            }
        })
        .collect()
}

fn significant(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && !t.starts_with('#')
}

struct Parser<'a> {
    lines: Vec<Line<'a>>,
    /// A sequence item's first line, re-read as a mapping line at a deeper indent.
    rewritten: Option<(usize, usize, String)>,
}

impl Parser<'_> {
    fn skip(&self, i: &mut usize) {
        while *i < self.lines.len()
            && self.rewritten.as_ref().is_none_or(|r| r.0 != *i)
            && !significant(self.lines[*i].text)
        {
            *i += 1;
        }
    }

    fn line(&self, i: usize) -> Option<(usize, String)> {
        match &self.rewritten {
            Some((at, indent, text)) if *at == i => Some((*indent, text.clone())),
            _ => self.lines.get(i).map(|l| (l.indent, l.text.to_string())),
        }
    }

    fn block(&mut self, i: &mut usize, min_indent: usize) -> Result<Value, String> {
        self.skip(i);
        let Some((indent, text)) = self.line(*i) else {
            return Ok(Value::Str(String::new()));
        };
        if indent < min_indent {
            return Ok(Value::Str(String::new()));
        }
        if text == "-" || text.starts_with("- ") {
            self.sequence(i, indent)
        } else {
            self.mapping(i, indent)
        }
    }

    fn sequence(&mut self, i: &mut usize, indent: usize) -> Result<Value, String> {
        let mut items = Vec::new();
        loop {
            self.skip(i);
            let Some((at, text)) = self.line(*i) else {
                break;
            };
            if at != indent || !(text == "-" || text.starts_with("- ")) {
                break;
            }
            let rest = text[1..].trim_start().to_string();
            if rest.is_empty() {
                *i += 1;
                items.push(self.block(i, indent + 1)?);
            } else if is_key_line(&rest) {
                self.rewritten = Some((*i, indent + 2, rest));
                items.push(self.mapping(i, indent + 2)?);
            } else {
                *i += 1;
                items.push(self.scalar_value(i, indent, &rest)?);
            }
        }
        Ok(Value::Seq(items))
    }

    fn mapping(&mut self, i: &mut usize, indent: usize) -> Result<Value, String> {
        let mut entries: Vec<(String, Value)> = Vec::new();
        loop {
            self.skip(i);
            let Some((at, text)) = self.line(*i) else {
                break;
            };
            if at != indent {
                if at > indent {
                    return Err(format!("line `{text}` is indented more than its mapping"));
                }
                break;
            }
            if self.rewritten.as_ref().is_some_and(|r| r.0 == *i) {
                self.rewritten = None;
            }
            let (key, rest) =
                split_key(&text).ok_or_else(|| format!("`{text}` is not `key: value`"))?;
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(format!("duplicate key `{key}`"));
            }
            *i += 1;
            let rest = strip_comment(&rest);
            let value = if rest.is_empty() {
                self.skip(i);
                match self.line(*i) {
                    Some((next, t)) if next == indent && (t == "-" || t.starts_with("- ")) => {
                        self.sequence(i, indent)?
                    }
                    Some((next, _)) if next > indent => self.block(i, indent + 1)?,
                    _ => Value::Str(String::new()),
                }
            } else {
                self.scalar_value(i, indent, &rest)?
            };
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    }

    /// A value written after `key:` or `- ` on a line of `indent`.
    fn scalar_value(&mut self, i: &mut usize, indent: usize, rest: &str) -> Result<Value, String> {
        let rest = strip_comment(rest);
        match rest.as_str() {
            "|" | "|-" | ">" | ">-" => {
                let mut body: Vec<&str> = Vec::new();
                let mut block_indent = None;
                while let Some(l) = self.lines.get(*i) {
                    if l.text.is_empty() {
                        body.push("");
                    } else if l.indent > indent {
                        let b = *block_indent.get_or_insert(l.indent);
                        if l.indent < b {
                            return Err(format!(
                                "block line `{}` is indented less than the block",
                                l.text
                            ));
                        }
                        body.push(l.text);
                    } else {
                        break;
                    }
                    *i += 1;
                }
                while body.last() == Some(&"") {
                    body.pop();
                }
                let folded = rest.starts_with('>');
                let mut text = body.join(if folded { " " } else { "\n" });
                if !rest.ends_with('-') {
                    text.push('\n');
                }
                Ok(Value::Str(text))
            }
            r if r.starts_with('[') => {
                let inner = r
                    .strip_prefix('[')
                    .and_then(|r| r.strip_suffix(']'))
                    .ok_or_else(|| format!("unclosed flow sequence `{r}`"))?;
                Ok(Value::Seq(
                    inner
                        .split(',')
                        .map(|x| x.trim())
                        .filter(|x| !x.is_empty())
                        .map(|x| Value::Str(unquote(x)))
                        .collect(),
                ))
            }
            r if r.starts_with('{') => Err(format!("flow mappings are not supported: `{r}`")),
            r => Ok(Value::Str(unquote(r))),
        }
    }
}

fn is_key_line(text: &str) -> bool {
    split_key(text).is_some() && !text.starts_with('"') && !text.starts_with('\'')
}

fn split_key(text: &str) -> Option<(String, String)> {
    if let Some(stripped) = text.strip_prefix('"') {
        let end = stripped.find('"')?;
        let rest = stripped[end + 1..].strip_prefix(':')?;
        return Some((stripped[..end].to_string(), rest.trim().to_string()));
    }
    let colon = text
        .find(": ")
        .or_else(|| text.strip_suffix(':').map(|t| t.len()))?;
    let key = &text[..colon];
    if key.contains(['{', '[', '"', '\'']) || key.is_empty() {
        return None;
    }
    Some((key.to_string(), text[colon + 1..].trim().to_string()))
}

fn strip_comment(text: &str) -> String {
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (c, quote) {
            ('"' | '\'', None) => quote = Some(c),
            (q, Some(open)) if q == open => quote = None,
            ('#', None) if i == 0 || text[..i].ends_with(' ') => {
                return text[..i].trim_end().to_string()
            }
            _ => {}
        }
    }
    text.trim().to_string()
}

fn unquote(text: &str) -> String {
    let t = text.trim();
    for q in ['"', '\''] {
        if t.len() >= 2 && t.starts_with(q) && t.ends_with(q) {
            return t[1..t.len() - 1].to_string();
        }
    }
    t.to_string()
}
