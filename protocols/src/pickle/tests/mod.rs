//! Tests against byte vectors produced by CPython (see `testdata/gen_vectors.py`).

#[rustfmt::skip]
mod vectors {
    include!("../testdata/vectors.rs");
}

mod cases;
mod codec;
mod corpus;
mod decoding;
mod encoding;
mod errors;
mod framing;
mod props;
mod repr;
