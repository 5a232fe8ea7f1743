#!/usr/bin/env python3
"""Regenerates random_corpus.bin: 200 random values pickled by CPython.

Run from this directory: python3 gen_corpus.py > random_corpus.bin
Each record is a 4-byte little-endian length and pickle.dumps(value, 4).
Equal strs, bytes and tuples are made one object, as constants are (see
the encode module docs), so re-encoding the decoded value must give back
exactly these bytes.
"""
import pickle
import random
import struct
import sys

random.seed(5520)
interned = {}


def one_object(o):
    return interned.setdefault((type(o), repr(o)), o)


def scalar():
    r = random.random()
    if r < 0.1:
        return None
    if r < 0.2:
        return random.choice([True, False])
    if r < 0.45:
        return random.choice([0, 1, 255, 256, 65535, 65536, -1, -129, 2**31 - 1, -(2**31),
                              2**31, -(2**31) - 1, 2**63 - 1, -(2**63),
                              random.randint(-(2**63), 2**63 - 1), random.randint(-300, 70000)])
    if r < 0.55:
        return random.choice([0.0, -0.0, 1.5, 1e300, -2.5e-300, float("inf"), random.random()])
    if r < 0.85:
        return one_object(random.choice(["", "a", "host", "port", "\u00e9", "\u65e5\u672c",
                                         "x" * random.randint(0, 40), "y" * 256]))
    return one_object(random.choice([b"", b"ab", bytes(range(256)), b"z" * random.randint(0, 40)]))


def key(depth):
    if depth <= 0 or random.random() < 0.6:
        while True:
            s = scalar()
            if not (isinstance(s, float) and s != s):
                return s
    return one_object(tuple(key(depth - 1) for _ in range(random.randint(0, 4))))


def value(depth):
    if depth <= 0 or random.random() < 0.35:
        return scalar()
    r = random.random()
    n = random.choice([0, 1, 2, 3, 4, 5, random.randint(0, 8)])
    if r < 0.33:
        return one_object(tuple(value(depth - 1) for _ in range(n)))
    if r < 0.66:
        return [value(depth - 1) for _ in range(n)]
    return {key(2): value(depth - 1) for _ in range(n)}


out = sys.stdout.buffer
for _ in range(200):
    data = pickle.dumps(value(4), protocol=4)
    out.write(struct.pack("<I", len(data)) + data)
