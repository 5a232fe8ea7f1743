//! 200 random values pickled by CPython (`testdata/gen_corpus.py`): each
//! decodes, re-encodes to exactly Python's bytes, and frames as one message.

use crate::pickle::{decode, encode, frame_len};

const CORPUS: &[u8] = include_bytes!("../testdata/random_corpus.bin");

/// The pickles in the corpus.
fn pickles() -> Vec<&'static [u8]> {
    let mut out = Vec::new();
    let mut rest = CORPUS;
    while let Some((len, tail)) = rest.split_first_chunk::<4>() {
        let (pickle, tail) = tail.split_at(u32::from_le_bytes(*len) as usize);
        out.push(pickle);
        rest = tail;
    }
    out
}

#[test]
fn the_corpus_is_complete() {
    let pickles = pickles();
    assert_eq!(pickles.len(), 200);
    assert_eq!(
        pickles.iter().map(|p| p.len() + 4).sum::<usize>(),
        CORPUS.len()
    );
}

#[test]
fn python_pickles_decode_and_reencode_byte_for_byte() {
    for (i, python) in pickles().into_iter().enumerate() {
        assert_eq!(frame_len(python), Ok(Some(python.len())), "#{i}");
        let value = decode(python).unwrap_or_else(|e| panic!("#{i}: {e}"));
        assert_eq!(encode(&value).unwrap(), python, "#{i}: {value}");
    }
}
