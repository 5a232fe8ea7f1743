//! [`Value`]: the Python objects a course message is made of.

use super::error::Error;
use std::hash::{Hash, Hasher};

/// A Python object of the kinds the course's messages use.
///
/// Dicts keep their pairs in insertion order (as Python dicts do), so a value
/// encodes to the same bytes every time. Equality and hashing are structural,
/// with floats compared by their bits (so `NaN == NaN`, `0.0 != -0.0`), which
/// makes `Value` usable as a map key. Unlike Python, `1`, `1.0` and `True` are
/// three different values.
#[derive(Clone, Debug)]
pub enum Value {
    /// `None`.
    None,
    /// `True` / `False`.
    Bool(bool),
    /// An `int` that fits in 64 bits.
    Int(i64),
    /// A `float`.
    Float(f64),
    /// A `str`.
    Str(String),
    /// A `bytes`.
    Bytes(Vec<u8>),
    /// A `tuple`.
    Tuple(Vec<Value>),
    /// A `list`.
    List(Vec<Value>),
    /// A `dict`, as its (key, value) pairs in insertion order.
    Dict(Vec<(Value, Value)>),
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (None, None) => true,
            (Bool(a), Bool(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            (Float(a), Float(b)) => a.to_bits() == b.to_bits(),
            (Str(a), Str(b)) => a == b,
            (Bytes(a), Bytes(b)) => a == b,
            (Tuple(a), Tuple(b)) | (List(a), List(b)) => a == b,
            (Dict(a), Dict(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Value {}

impl Hash for Value {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            Value::None => {}
            Value::Bool(b) => b.hash(state),
            Value::Int(i) => i.hash(state),
            Value::Float(f) => f.to_bits().hash(state),
            Value::Str(s) => s.hash(state),
            Value::Bytes(b) => b.hash(state),
            Value::Tuple(items) | Value::List(items) => items.hash(state),
            Value::Dict(pairs) => pairs.hash(state),
        }
    }
}

/// The shared `None` returned by [`Value::message_parts`] for a bare name.
static NONE: Value = Value::None;

impl Value {
    /// A `str` value.
    pub fn str(s: impl Into<String>) -> Value {
        Value::Str(s.into())
    }

    /// A `tuple` of the given items.
    pub fn tuple(items: impl IntoIterator<Item = Value>) -> Value {
        Value::Tuple(items.into_iter().collect())
    }

    /// A `list` of the given items.
    pub fn list(items: impl IntoIterator<Item = Value>) -> Value {
        Value::List(items.into_iter().collect())
    }

    /// A `dict` of the given pairs, in that order.
    pub fn dict(pairs: impl IntoIterator<Item = (Value, Value)>) -> Value {
        Value::Dict(pairs.into_iter().collect())
    }

    /// Python's name for this value's type (`'str'`, `'tuple'`, ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Bytes(_) => "bytes",
            Value::Tuple(_) => "tuple",
            Value::List(_) => "list",
            Value::Dict(_) => "dict",
        }
    }

    /// Whether Python could use this value as a dict key (no list or dict in it).
    pub fn is_hashable(&self) -> bool {
        match self {
            Value::List(_) | Value::Dict(_) => false,
            Value::Tuple(items) => items.iter().all(Value::is_hashable),
            _ => true,
        }
    }

    /// Whether this is `None`.
    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }

    /// The bool, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => Option::None,
        }
    }

    /// The int, if this is one.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => Option::None,
        }
    }

    /// The float, if this is one.
    pub fn as_float(&self) -> Option<f64> {
        match self {
            Value::Float(f) => Some(*f),
            _ => Option::None,
        }
    }

    /// The str, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => Option::None,
        }
    }

    /// The bytes, if this is a `bytes`.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => Option::None,
        }
    }

    /// The items, if this is a tuple.
    pub fn as_tuple(&self) -> Option<&[Value]> {
        match self {
            Value::Tuple(items) => Some(items),
            _ => Option::None,
        }
    }

    /// The items, if this is a list.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => Option::None,
        }
    }

    /// The pairs, if this is a dict.
    pub fn as_dict(&self) -> Option<&[(Value, Value)]> {
        match self {
            Value::Dict(pairs) => Some(pairs),
            _ => Option::None,
        }
    }

    /// The value stored under `key`, if this is a dict holding it. If the
    /// pairs repeat a key, the last one wins, as when Python loads them.
    pub fn get(&self, key: &Value) -> Option<&Value> {
        self.as_dict()?
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// [`Value::get`] with a str key, e.g. `member.get_str("port")`.
    pub fn get_str(&self, key: &str) -> Option<&Value> {
        self.as_dict()?
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// A [`Error::Shape`] saying that `context` expected `expected` but found
    /// this value (shown as Python would print it, shortened if long).
    pub fn unexpected(&self, context: &str, expected: &str) -> Error {
        let mut shown = self.to_string();
        if shown.len() > 80 {
            let cut = (0..=77)
                .rev()
                .find(|&i| shown.is_char_boundary(i))
                .unwrap_or(0);
            shown.truncate(cut);
            shown.push_str("...");
        }
        Error::shape(context, expected, format!("{} {shown}", self.type_name()))
    }

    /// The str, or a [`Error::Shape`] naming `context`.
    pub fn expect_str(&self, context: &str) -> Result<&str, Error> {
        self.as_str()
            .ok_or_else(|| self.unexpected(context, "a str"))
    }

    /// The int, or a [`Error::Shape`] naming `context`.
    pub fn expect_int(&self, context: &str) -> Result<i64, Error> {
        self.as_int()
            .ok_or_else(|| self.unexpected(context, "an int"))
    }

    /// The int converted to `T` (e.g. `u16` for a port), or a
    /// [`Error::Shape`] naming `context` if it is no int or out of `T`'s range.
    pub fn expect_int_as<T: TryFrom<i64>>(&self, context: &str) -> Result<T, Error> {
        let i = self.expect_int(context)?;
        T::try_from(i).map_err(|_| {
            self.unexpected(
                context,
                &format!("an int in range of {}", std::any::type_name::<T>()),
            )
        })
    }

    /// The items of a tuple of exactly `N` items, as an array to destructure:
    /// `let [pid, addr] = data.expect_tuple("JOIN data")?;`
    pub fn expect_tuple<const N: usize>(&self, context: &str) -> Result<&[Value; N], Error> {
        self.as_tuple()
            .and_then(|items| items.try_into().ok())
            .ok_or_else(|| self.unexpected(context, &format!("a {N}-tuple")))
    }

    /// The items of a list, or a [`Error::Shape`].
    pub fn expect_list(&self, context: &str) -> Result<&[Value], Error> {
        self.as_list()
            .ok_or_else(|| self.unexpected(context, "a list"))
    }

    /// The pairs of a dict, or a [`Error::Shape`].
    pub fn expect_dict(&self, context: &str) -> Result<&[(Value, Value)], Error> {
        self.as_dict()
            .ok_or_else(|| self.unexpected(context, "a dict"))
    }

    /// Splits a course message into its name and data. Messages are pickled
    /// `(name, data)` pairs, and a bare pickled str `name` means
    /// `(name, None)` (the reference bully treats replies this way).
    pub fn message_parts(&self) -> Result<(&str, &Value), Error> {
        match self {
            Value::Str(name) => Ok((name, &NONE)),
            Value::Tuple(items) => match items.as_slice() {
                [Value::Str(name), data] => Ok((name, data)),
                _ => Err(self.unexpected("message", "a (name, data) pair or a str")),
            },
            _ => Err(self.unexpected("message", "a (name, data) pair or a str")),
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(i: $t) -> Value {
                Value::Int(i64::from(i))
            }
        }
    )*};
}
from_int!(i8, i16, i32, i64, u8, u16, u32);

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(s)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Value {
        o.map_or(Value::None, Into::into)
    }
}

impl<A: Into<Value>> From<(A,)> for Value {
    fn from((a,): (A,)) -> Value {
        Value::Tuple(vec![a.into()])
    }
}

impl<A: Into<Value>, B: Into<Value>> From<(A, B)> for Value {
    fn from((a, b): (A, B)) -> Value {
        Value::Tuple(vec![a.into(), b.into()])
    }
}

impl<A: Into<Value>, B: Into<Value>, C: Into<Value>> From<(A, B, C)> for Value {
    fn from((a, b, c): (A, B, C)) -> Value {
        Value::Tuple(vec![a.into(), b.into(), c.into()])
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    /// A `list` (use [`Value::Bytes`] for `bytes`).
    fn from(items: Vec<T>) -> Value {
        Value::List(items.into_iter().map(Into::into).collect())
    }
}
