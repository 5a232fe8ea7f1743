//! Pickle bytes to a [`Value`]: a small stack machine over the opcodes of
//! protocols 2–5 that plain data uses. It never constructs anything but a
//! [`Value`]: `GLOBAL`, `REDUCE` and friends are [`Error::UnsupportedOpcode`].
//!
//! Objects live in an arena while the stack machine runs, so a memo entry is
//! a reference (as in Python): a list memoized when empty and filled later is
//! seen filled by a later `BINGET`. The tree is copied out at `STOP`, within a
//! depth limit (which also catches self-containing lists) and a size budget
//! (which stops a small pickle that references one big string many times).

use super::error::Error;
use super::frame::check_protocol;
use super::opcodes::*;
use super::tokens::{next_op, Op, Step};
use super::value::Value;
use std::collections::BTreeMap;

/// Bounds on what a decoder accepts; every field is a hard limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest message in bytes (also the stream frame limit).
    pub max_message: usize,
    /// Deepest container nesting.
    pub max_depth: usize,
    /// Most memo entries.
    pub max_memo: usize,
    /// Largest decoded value, in bytes as estimated by its node count times
    /// the size of a [`Value`] plus its str and bytes payloads.
    pub max_value_bytes: usize,
}

impl Default for Limits {
    /// 1 MiB messages (the course peers read 1–4 KiB), 100 levels, 100 000
    /// memo entries, 32 MiB decoded.
    fn default() -> Limits {
        Limits {
            max_message: 1 << 20,
            max_depth: 100,
            max_memo: 100_000,
            max_value_bytes: 32 << 20,
        }
    }
}

/// Decodes the one pickle that fills `bytes` exactly, with [`Limits::default`].
pub fn decode(bytes: &[u8]) -> Result<Value, Error> {
    decode_with(bytes, &Limits::default())
}

/// Decodes the one pickle that fills `bytes` exactly.
pub fn decode_with(bytes: &[u8], limits: &Limits) -> Result<Value, Error> {
    match bytes.first() {
        None => return Err(Error::Truncated { needed: 1, have: 0 }),
        Some(&PROTO) => {}
        Some(_) => return Err(Error::not_pickle(bytes)),
    }
    if bytes.len() > limits.max_message {
        return Err(Error::TooLarge {
            what: "pickle message",
            claimed: bytes.len() as u64,
            max: limits.max_message as u64,
        });
    }
    let mut machine = Machine::default();
    let mut pos = 0;
    loop {
        let op = match next_op(bytes, pos, limits.max_message)? {
            Step::Op(op) => op,
            Step::NeedMore { needed } => {
                return Err(Error::Truncated {
                    needed,
                    have: bytes.len(),
                })
            }
        };
        if op.code == STOP {
            let root = machine.finish(&op)?;
            if op.end != bytes.len() {
                return Err(Error::TrailingBytes { offset: op.end });
            }
            let mut budget = limits.max_value_bytes;
            return machine.build(root, limits.max_depth, &mut budget, limits);
        }
        if op.code == FRAME {
            let claimed = frame_claim(&op, limits)?;
            if claimed > (bytes.len() - op.end) as u64 {
                return Err(Error::Truncated {
                    needed: op.end + claimed as usize,
                    have: bytes.len(),
                });
            }
        }
        machine.step(&op, limits)?;
        pos = op.end;
    }
}

/// An object under construction.
enum Node {
    /// A value without children.
    Leaf(Value),
    /// A tuple of arena indices.
    Tuple(Vec<usize>),
    /// A list of arena indices.
    List(Vec<usize>),
    /// A dict of arena index pairs.
    Dict(Vec<(usize, usize)>),
}

/// The unpickler's state: the arena, the stack, the marks and the memo.
#[derive(Default)]
struct Machine {
    arena: Vec<Node>,
    /// Whether Python could hash each arena node (a dict key must be hashable).
    hashable: Vec<bool>,
    stack: Vec<usize>,
    marks: Vec<usize>,
    memo: BTreeMap<u32, usize>,
}

fn malformed(op: &Op<'_>, why: impl Into<String>) -> Error {
    Error::Malformed {
        name: op.name,
        offset: op.offset,
        why: why.into(),
    }
}

/// The length a `FRAME` opcode announces, if within the message limit.
pub(crate) fn frame_claim(op: &Op<'_>, limits: &Limits) -> Result<u64, Error> {
    let claimed = le_uint(op.arg);
    if claimed > limits.max_message as u64 {
        return Err(Error::TooLarge {
            what: "frame length",
            claimed,
            max: limits.max_message as u64,
        });
    }
    Ok(claimed)
}

/// The little-endian unsigned integer in `bytes` (at most 8 of them).
fn le_uint(bytes: &[u8]) -> u64 {
    let mut le = [0u8; 8];
    le[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(le)
}

/// The little-endian two's-complement integer in `bytes`, if it fits in i64.
fn le_signed(bytes: &[u8]) -> Option<i64> {
    let negative = bytes.last().is_some_and(|b| b & 0x80 != 0);
    let fill = if negative { 0xff } else { 0 };
    let (low, high) = bytes.split_at(bytes.len().min(8));
    if high.iter().any(|&b| b != fill) {
        return None;
    }
    let mut le = [fill; 8];
    le[..low.len()].copy_from_slice(low);
    let value = i64::from_le_bytes(le);
    // With more than 8 bytes, the sign of the low 8 must match the whole.
    (high.is_empty() || (value < 0) == negative).then_some(value)
}

impl Machine {
    fn push(&mut self, node: Node) {
        let hashable = match &node {
            Node::Leaf(_) => true,
            Node::Tuple(ids) => ids.iter().all(|&i| self.hashable[i]),
            Node::List(_) | Node::Dict(_) => false,
        };
        self.hashable.push(hashable);
        self.arena.push(node);
        self.stack.push(self.arena.len() - 1);
    }

    fn pop(&mut self, op: &Op<'_>) -> Result<usize, Error> {
        if self.marks.last().is_some_and(|&m| m >= self.stack.len()) {
            return Err(malformed(op, "stack underflow (reached a mark)"));
        }
        self.stack
            .pop()
            .ok_or_else(|| malformed(op, "stack underflow"))
    }

    fn top(&self, op: &Op<'_>) -> Result<usize, Error> {
        if self.marks.last().is_some_and(|&m| m >= self.stack.len()) {
            return Err(malformed(op, "stack underflow (reached a mark)"));
        }
        self.stack
            .last()
            .copied()
            .ok_or_else(|| malformed(op, "stack underflow"))
    }

    /// Pops everything above the top mark, and the mark.
    fn pop_mark(&mut self, op: &Op<'_>) -> Result<Vec<usize>, Error> {
        let mark = self
            .marks
            .pop()
            .ok_or_else(|| malformed(op, "no mark on the stack"))?;
        Ok(self.stack.split_off(mark))
    }

    fn memo_put(&mut self, index: u32, op: &Op<'_>, limits: &Limits) -> Result<(), Error> {
        let top = self.top(op)?;
        if self.memo.len() >= limits.max_memo && !self.memo.contains_key(&index) {
            return Err(Error::TooLarge {
                what: "memo entry count",
                claimed: self.memo.len() as u64 + 1,
                max: limits.max_memo as u64,
            });
        }
        self.memo.insert(index, top);
        Ok(())
    }

    fn memo_get(&mut self, index: u32, op: &Op<'_>) -> Result<(), Error> {
        let id = *self
            .memo
            .get(&index)
            .ok_or_else(|| malformed(op, format!("memo index {index} was never stored")))?;
        self.stack.push(id);
        Ok(())
    }

    fn list_mut(&mut self, id: usize, op: &Op<'_>) -> Result<&mut Vec<usize>, Error> {
        match &mut self.arena[id] {
            Node::List(items) => Ok(items),
            _ => Err(malformed(op, "target is not a list")),
        }
    }

    fn dict_mut(&mut self, id: usize, op: &Op<'_>) -> Result<&mut Vec<(usize, usize)>, Error> {
        match &mut self.arena[id] {
            Node::Dict(pairs) => Ok(pairs),
            _ => Err(malformed(op, "target is not a dict")),
        }
    }

    fn check_key(&self, key: usize, op: &Op<'_>) -> Result<(), Error> {
        if self.hashable[key] {
            return Ok(());
        }
        let kind = match self.arena[key] {
            Node::List(_) => "list",
            Node::Dict(_) => "dict",
            _ => "tuple holding a list or dict",
        };
        Err(malformed(op, format!("unhashable dict key of type {kind}")))
    }

    /// Pairs up the items above a mark as dict (key, value) pairs.
    fn pairs_of(&self, items: &[usize], op: &Op<'_>) -> Result<Vec<(usize, usize)>, Error> {
        if !items.len().is_multiple_of(2) {
            return Err(malformed(op, "odd number of items for a dict"));
        }
        let pairs: Vec<_> = items.chunks_exact(2).map(|kv| (kv[0], kv[1])).collect();
        for &(key, _) in &pairs {
            self.check_key(key, op)?;
        }
        Ok(pairs)
    }

    fn text(op: &Op<'_>) -> Result<Value, Error> {
        std::str::from_utf8(op.arg)
            .map(|s| Value::Str(s.to_owned()))
            .map_err(|e| malformed(op, format!("invalid UTF-8: {e}")))
    }

    /// Executes one opcode other than `STOP`.
    fn step(&mut self, op: &Op<'_>, limits: &Limits) -> Result<(), Error> {
        let arg = op.arg;
        match op.code {
            PROTO => check_protocol(arg[0], op.offset)?,
            FRAME => {}
            MARK => self.marks.push(self.stack.len()),
            POP => {
                self.pop(op)?;
            }
            POP_MARK => {
                self.pop_mark(op)?;
            }
            DUP => {
                let top = self.top(op)?;
                self.stack.push(top);
            }
            NONE => self.push(Node::Leaf(Value::None)),
            NEWTRUE => self.push(Node::Leaf(Value::Bool(true))),
            NEWFALSE => self.push(Node::Leaf(Value::Bool(false))),
            BININT1 | BININT2 => self.push(Node::Leaf(Value::Int(le_uint(arg) as i64))),
            BININT => {
                let i = i32::from_le_bytes([arg[0], arg[1], arg[2], arg[3]]);
                self.push(Node::Leaf(Value::Int(i64::from(i))));
            }
            LONG1 | LONG4 => {
                let i = le_signed(arg)
                    .ok_or_else(|| malformed(op, "integer does not fit in 64 bits"))?;
                self.push(Node::Leaf(Value::Int(i)));
            }
            BINFLOAT => {
                let bits = u64::from_be_bytes(arg.try_into().unwrap_or_default());
                self.push(Node::Leaf(Value::Float(f64::from_bits(bits))));
            }
            SHORT_BINUNICODE | BINUNICODE | BINUNICODE8 => {
                let s = Self::text(op)?;
                self.push(Node::Leaf(s));
            }
            SHORT_BINBYTES | BINBYTES | BINBYTES8 => {
                self.push(Node::Leaf(Value::Bytes(arg.to_vec())))
            }
            EMPTY_TUPLE => self.push(Node::Tuple(Vec::new())),
            TUPLE1 | TUPLE2 | TUPLE3 => {
                let n = usize::from(op.code - TUPLE1 + 1);
                let mut items = vec![0; n];
                for slot in items.iter_mut().rev() {
                    *slot = self.pop(op)?;
                }
                self.push(Node::Tuple(items));
            }
            TUPLE => {
                let items = self.pop_mark(op)?;
                self.push(Node::Tuple(items));
            }
            EMPTY_LIST => self.push(Node::List(Vec::new())),
            LIST => {
                let items = self.pop_mark(op)?;
                self.push(Node::List(items));
            }
            APPEND => {
                let item = self.pop(op)?;
                let list = self.top(op)?;
                self.list_mut(list, op)?.push(item);
            }
            APPENDS => {
                let items = self.pop_mark(op)?;
                let list = self.top(op)?;
                self.list_mut(list, op)?.extend(items);
            }
            EMPTY_DICT => self.push(Node::Dict(Vec::new())),
            DICT => {
                let items = self.pop_mark(op)?;
                let pairs = self.pairs_of(&items, op)?;
                self.push(Node::Dict(pairs));
            }
            SETITEM => {
                let value = self.pop(op)?;
                let key = self.pop(op)?;
                self.check_key(key, op)?;
                let dict = self.top(op)?;
                self.dict_mut(dict, op)?.push((key, value));
            }
            SETITEMS => {
                let items = self.pop_mark(op)?;
                let pairs = self.pairs_of(&items, op)?;
                let dict = self.top(op)?;
                self.dict_mut(dict, op)?.extend(pairs);
            }
            MEMOIZE => {
                let index = u32::try_from(self.memo.len()).unwrap_or(u32::MAX);
                self.memo_put(index, op, limits)?;
            }
            BINPUT | LONG_BINPUT => self.memo_put(le_uint(arg) as u32, op, limits)?,
            BINGET | LONG_BINGET => self.memo_get(le_uint(arg) as u32, op)?,
            _ => {
                return Err(Error::UnsupportedOpcode {
                    name: op.name,
                    offset: op.offset,
                })
            }
        }
        Ok(())
    }

    /// The one object left on the stack at `STOP`.
    fn finish(&mut self, op: &Op<'_>) -> Result<usize, Error> {
        match (self.stack.as_slice(), self.marks.is_empty()) {
            ([root], true) => Ok(*root),
            ([], _) => Err(malformed(op, "nothing on the stack")),
            (_, false) => Err(malformed(op, "a mark was never closed")),
            (items, _) => Err(malformed(
                op,
                format!("{} objects left on the stack", items.len()),
            )),
        }
    }

    /// Copies node `id` out of the arena as a [`Value`], spending `budget`.
    fn build(
        &self,
        id: usize,
        depth: usize,
        budget: &mut usize,
        limits: &Limits,
    ) -> Result<Value, Error> {
        let node = &self.arena[id];
        let payload = match node {
            Node::Leaf(Value::Str(s)) => s.len(),
            Node::Leaf(Value::Bytes(b)) => b.len(),
            _ => 0,
        };
        *budget = budget
            .checked_sub(std::mem::size_of::<Value>() + payload)
            .ok_or(Error::TooLarge {
                what: "decoded value (bytes)",
                claimed: limits.max_value_bytes as u64 + 1,
                max: limits.max_value_bytes as u64,
            })?;
        let inner = || {
            depth.checked_sub(1).ok_or(Error::TooDeep {
                max: limits.max_depth,
            })
        };
        Ok(match node {
            Node::Leaf(v) => v.clone(),
            Node::Tuple(ids) => Value::Tuple(self.build_all(ids, inner()?, budget, limits)?),
            Node::List(ids) => Value::List(self.build_all(ids, inner()?, budget, limits)?),
            Node::Dict(pairs) => {
                let depth = inner()?;
                let mut out = Vec::with_capacity(pairs.len());
                for &(k, v) in pairs {
                    let key = self.build(k, depth, budget, limits)?;
                    out.push((key, self.build(v, depth, budget, limits)?));
                }
                Value::Dict(out)
            }
        })
    }

    fn build_all(
        &self,
        ids: &[usize],
        depth: usize,
        budget: &mut usize,
        limits: &Limits,
    ) -> Result<Vec<Value>, Error> {
        ids.iter()
            .map(|&i| self.build(i, depth, budget, limits))
            .collect()
    }
}
