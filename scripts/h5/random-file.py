# Writes one HDF5 file with h5py whose features are drawn from a seed, and the JSON of what h5py
# sees in it (h5json.py): the test suite runs it at test time, so the TypeScript reader is checked
# against h5py itself, on files no one chose by hand. Needs Debian's python3-h5py.
#
#   /usr/bin/python3 scripts/h5/random-file.py SEED OUT.h5 OUT.expected.json

import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h5json  # noqa: E402

DTYPES = ["<i1", "<u1", "<i2", ">i2", "<u2", "<i4", ">u4", "<i8", ">i8", "<u8", "<f2", "<f4", ">f4", "<f8", ">f8", "?"]


def main(seed, out, expected):
    rng = np.random.default_rng(seed)
    libver = ["earliest", "v108", "latest"][rng.integers(3)]
    with h5py.File(out, "w", libver=libver) as f:
        f.attrs["seed"] = seed
        for i in range(int(rng.integers(2, 6))):
            g = f.require_group("/".join(f"g{rng.integers(3)}" for _ in range(int(rng.integers(1, 3)))))
            dt = np.dtype(DTYPES[rng.integers(len(DTYPES))])
            rank = int(rng.integers(0, 4))
            shape = tuple(int(rng.integers(0 if rank else 1, 9 if rank == 3 else 40)) for _ in range(rank))
            n = int(np.prod(shape)) if shape else 1
            data = (rng.standard_normal(n) * 100).astype(dt) if dt.kind != "b" else rng.integers(0, 2, n).astype(bool)
            data = data.reshape(shape)
            kw = {}
            if rank and n and rng.random() < 0.7:
                kw["chunks"] = tuple(int(rng.integers(1, max(2, s + 1))) for s in shape)
                if rng.random() < 0.3:
                    kw["maxshape"] = tuple(None if rng.random() < 0.5 else s for s in shape)
                if rng.random() < 0.6:
                    kw["compression"] = "gzip"
                    kw["compression_opts"] = int(rng.integers(1, 9))
                kw["shuffle"] = bool(rng.random() < 0.5)
                kw["fletcher32"] = bool(rng.random() < 0.3)
            elif rank and n and rng.random() < 0.3 and data.nbytes < 60000:
                dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
                dcpl.set_layout(h5py.h5d.COMPACT)
                space = h5py.h5s.create_simple(shape)
                name = f"d{i}".encode()
                dsid = h5py.h5d.create(g.id, name, h5py.h5t.py_create(dt), space, dcpl=dcpl)
                dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, np.ascontiguousarray(data))
                continue
            if rng.random() < 0.2:
                data = np.array([f"s{k}" * int(rng.integers(0, 4)) for k in range(n)], dtype=object if rng.random() < 0.5 else "S12").reshape(shape)
                if data.dtype == object:
                    kw.pop("fletcher32", None)
                    data = data.astype(h5py.string_dtype())
            elif rng.random() < 0.15:
                cdt = np.dtype([("a", "<i4"), ("b", ">f8"), ("c", "S3")])
                data = np.zeros(shape, dtype=cdt)
                data["a"] = rng.integers(-5, 5, shape)
                data["b"] = rng.standard_normal(shape)
            ds = g.create_dataset(f"d{i}", data=data, **kw)
            ds.attrs["note"] = f"dataset {i}"
            for k in range(int(rng.integers(0, 12 if libver == "latest" else 4))):
                ds.attrs[f"a{k}"] = [1.5, -2, "text", np.arange(k + 1), np.int64(2**62 + k)][k % 5]
            if "maxshape" in kw and rank and rng.random() < 0.5:
                grow = tuple(s + int(rng.integers(0, 5)) if m is None else s for s, m in zip(shape, kw["maxshape"]))
                ds.resize(grow)
    h5json.write(out, expected)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3])
