# Small shims that let LINDI 0.4.5 run on Debian 12's numcodecs 0.11 (imported by
# make-fixtures.py and check-with-lindi.py before they use LINDI). Nothing of LINDI is copied here.
#
# numcodecs.Fletcher32 appeared in numcodecs 0.12; LINDI's h5_filters_to_codecs calls it for
# datasets with HDF5's fletcher32 filter. This stand-in has the same codec id and config
# ({"id": "fletcher32"}); decoding checks and strips the 4-byte checksum HDF5 appends.

import numcodecs
import numpy as np
from numcodecs.abc import Codec


def _fletcher32(data: bytes) -> int:
    # HDF5's H5_checksum_fletcher32: 16-bit big-endian words, odd trailing byte padded
    b = bytes(data)
    if len(b) % 2:
        b += b"\0"
    words = np.frombuffer(b, dtype=">u2").astype(np.uint64)
    s1 = s2 = 0
    for i in range(0, len(words), 360):
        block = words[i:i + 360]
        s1c = np.cumsum(block) + s1
        s2 = int((s2 + int(s1c.sum())) % 65535)
        s1 = int(s1c[-1] % 65535)
    return (s2 << 16) | s1


class Fletcher32(Codec):
    codec_id = "fletcher32"

    def encode(self, buf):
        b = bytes(memoryview(buf).cast("B"))
        return b + _fletcher32(b).to_bytes(4, "little")

    def decode(self, buf, out=None):
        b = bytes(memoryview(buf).cast("B"))
        body, stored = b[:-4], int.from_bytes(b[-4:], "little")
        if _fletcher32(body) != stored:
            raise RuntimeError("fletcher32 checksum mismatch")
        if out is not None:
            memoryview(out).cast("B")[:] = body
            return out
        return body


if not hasattr(numcodecs, "Fletcher32"):
    numcodecs.Fletcher32 = Fletcher32
    numcodecs.register_codec(Fletcher32)
