#!/usr/bin/env python3
"""Writes gguf_py_blocks.bin: blocks of random bytes of every type Tunebench dequantises,
each followed by gguf-py's reference dequantisation (llama.cpp's gguf-py/gguf/quants.py).

    python3 make_golden.py /path/to/llama.cpp/gguf-py   (needs numpy)

Layout, little-endian, repeated per type: u32 ggml_type, u32 block count, the blocks' bytes,
then block count * block size float32 values."""
import sys

import numpy as np

sys.path.insert(0, sys.argv[1])
from gguf import quants  # noqa: E402
from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType as T  # noqa: E402

# Byte offsets of each block's float16 fields: random bits there could be inf or NaN.
HALF_FIELDS = {T.Q4_0: [0], T.Q4_1: [0, 2], T.Q5_0: [0], T.Q5_1: [0, 2], T.Q8_0: [0],
               T.Q2_K: [80, 82], T.Q3_K: [108], T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208]}
BLOCKS = 8

rng = np.random.default_rng(2026)
with open("gguf_py_blocks.bin", "wb") as out:
    for qt, fields in HALF_FIELDS.items():
        block_size, type_size = GGML_QUANT_SIZES[qt]
        raw = rng.integers(0, 256, size=(BLOCKS, type_size), dtype=np.uint8)
        for off in fields:
            h = (rng.standard_normal(BLOCKS) * 0.01).astype(np.float16)
            h[0] = np.uint16(0x0003).view(np.float16)  # a subnormal
            h[1] = -abs(h[1])
            raw[:, off:off + 2] = h.view(np.uint8).reshape(BLOCKS, 2)
        values = quants.dequantize(raw.reshape(-1), qt).astype(np.float32)
        assert values.size == BLOCKS * block_size
        out.write(np.array([int(qt), BLOCKS], dtype="<u4").tobytes())
        out.write(raw.tobytes())
        out.write(values.astype("<f4").tobytes())
