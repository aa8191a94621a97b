# The fixtures of the less common HDF5 features (see make-fixtures.py): third-party filters
# (blosc, zstd), region references and virtual datasets. Each writes <name>.h5 and its
# <name>.expected.json (h5json.py plus what h5json cannot say on its own).
#
#   /usr/bin/python3 scripts/h5/make-fixtures.py filters regions vds

import json
import os

import h5py
import hdf5plugin  # noqa: F401  (registers Debian's blosc plugin with h5py)
import numcodecs
import numpy as np

import h5json

ZSTD = 32015


def write_expected(path, extra=None, values=None):
    """h5json's description, plus extra top-level keys and values h5py could not read itself."""
    out = path[:-3] + ".expected.json"
    d = h5json.describe(path)
    for p, v in (values or {}).items():
        d["objects"][p].pop("valuesError", None)
        d["objects"][p]["values"] = v
    d.update(extra or {})
    with open(out, "w") as fh:
        json.dump(d, fh, indent=1, sort_keys=True)
        fh.write("\n")


def zstd_direct(f, name, data, chunks, level):
    """A dataset whose chunks numcodecs' Zstd compressed, stored as-is under filter 32015."""
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_chunk(chunks)
    # optional: the library has no zstd filter to check the pipeline with; the data is written raw
    dcpl.set_filter(ZSTD, h5py.h5z.FLAG_OPTIONAL, (level,))
    sid = h5py.h5s.create_simple(data.shape)
    ds = h5py.h5d.create(f.id, name.encode(), h5py.h5t.py_create(data.dtype), sid, dcpl=dcpl)
    codec = numcodecs.Zstd(level=level)
    grid = [range(0, s, c) for s, c in zip(data.shape, chunks)]
    for offset in np.ndindex(*[len(g) for g in grid]):
        start = tuple(o * c for o, c in zip(offset, chunks))
        chunk = np.zeros(chunks, dtype=data.dtype)
        part = data[tuple(slice(s, s + c) for s, c in zip(start, chunks))]
        chunk[tuple(slice(0, n) for n in part.shape)] = part
        ds.write_direct_chunk(start, codec.encode(chunk.tobytes()), 0)


def zstd_values(f, name):
    """What the zstd dataset holds, from its stored chunks as numcodecs decodes them."""
    ds = f[name]
    out = np.zeros(ds.shape, dtype=ds.dtype)
    for i in range(ds.id.get_num_chunks()):
        info = ds.id.get_chunk_info(i)
        raw = numcodecs.Zstd().decode(ds.id.read_direct_chunk(info.chunk_offset)[1])
        chunk = np.frombuffer(raw, dtype=ds.dtype).reshape(ds.chunks)
        start = info.chunk_offset
        region = tuple(slice(s, min(s + c, n)) for s, c, n in zip(start, ds.chunks, ds.shape))
        out[region] = chunk[tuple(slice(0, r.stop - r.start) for r in region)]
    return h5json.jsonable(out, f)


def make_filters(out):
    p = os.path.join(out, "filters.h5")
    x = np.arange(30 * 30, dtype="<i4").reshape(30, 30) * 3 - 500
    y = np.sin(np.arange(1000, dtype="<f8") / 10)
    with h5py.File(p, "w") as f:
        B = hdf5plugin.Blosc
        f.create_dataset("blosc_lz4", data=x, chunks=(16, 8), **B(cname="lz4", clevel=5, shuffle=B.SHUFFLE))
        f.create_dataset("blosc_zstd_bitshuffle", data=y, chunks=(300,), **B(cname="zstd", clevel=3, shuffle=B.BITSHUFFLE))
        f.create_dataset("blosc_zlib_noshuffle", data=x.astype("<i2"), chunks=(30, 30), **B(cname="zlib", clevel=9, shuffle=B.NOSHUFFLE))
        f.create_dataset("blosc_blosclz", data=y.astype("<f4"), chunks=(128,), **B(cname="blosclz", clevel=1, shuffle=B.SHUFFLE))
        f.create_dataset("blosc_lz4hc_hdf5_shuffle", data=x, chunks=(7, 30), shuffle=True, **B(cname="lz4hc", clevel=9, shuffle=B.NOSHUFFLE))
        f.create_dataset("lz4", data=x, chunks=(16, 8), **hdf5plugin.LZ4(nbytes=256))
        f.create_dataset("lz4_incompressible", data=np.random.default_rng(5).integers(0, 2**31, 700, dtype="<i4"), chunks=(700,), **hdf5plugin.LZ4())
        zstd_direct(f, "zstd", x, (16, 8), 3)
        zstd_direct(f, "zstd_float", y, (300,), 19)
    values = {}
    with h5py.File(p, "r") as f:
        for name in ("zstd", "zstd_float"):
            values["/" + name] = zstd_values(f, name)
    write_expected(p, values=values)
    write_streams(out)
    return p


def write_streams(out):
    """numcodecs.json: chunks as Python's numcodecs encodes them, for LINDI's codecs (base64)."""
    import base64

    raw = (np.arange(3000, dtype="<i4") % 251).tobytes()
    configs = [
        {"id": "zstd", "level": 5},
        {"id": "lz4", "acceleration": 1},
        {"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0},
        {"id": "blosc", "cname": "zstd", "clevel": 9, "shuffle": 2, "blocksize": 0},
        {"id": "blosc", "cname": "zlib", "clevel": 1, "shuffle": 0, "blocksize": 0},
        {"id": "gzip", "level": 6},
        {"id": "zlib", "level": 1},
    ]
    streams = []
    for cfg in configs:
        codec = numcodecs.get_codec(dict(cfg))
        streams.append({"config": cfg, "encoded": base64.b64encode(codec.encode(raw)).decode()})
    with open(os.path.join(out, "numcodecs.json"), "w") as fh:
        json.dump({"raw": base64.b64encode(raw).decode(), "streams": streams}, fh, indent=1)
        fh.write("\n")


def selection_json(space):
    t = space.get_select_type()
    if t == h5py.h5s.SEL_NONE:
        return {"kind": "none"}
    if t == h5py.h5s.SEL_ALL:
        return {"kind": "all"}
    if t == h5py.h5s.SEL_POINTS:
        return {"kind": "points", "points": space.get_select_elem_pointlist().tolist()}
    blocks = space.get_select_hyper_blocklist().tolist()
    return {"kind": "hyperslab", "blocks": [{"start": b[0], "end": b[1]} for b in blocks]}


def make_regions(out):
    p = os.path.join(out, "regions.h5")
    with h5py.File(p, "w") as f:
        d = f.create_dataset("data", data=np.arange(60, dtype="<i4").reshape(6, 10))
        g = f.create_group("g")
        v = g.create_dataset("vec", data=np.arange(20, dtype="<f8"))
        refs = f.create_dataset("regions", shape=(6,), dtype=h5py.regionref_dtype)
        refs[0] = d.regionref[1:3, 2:5]
        refs[1] = d.regionref[::2, 1]
        refs[2] = d.regionref[...]
        sp = d.id.get_space()
        sp.select_elements([(0, 0), (5, 9), (2, 3)])
        refs[3] = h5py.h5r.create(d.id, b".", h5py.h5r.DATASET_REGION, sp)
        sp = d.id.get_space()
        sp.select_none()
        refs[4] = h5py.h5r.create(d.id, b".", h5py.h5r.DATASET_REGION, sp)
        refs[5] = v.regionref[3:17:4]
        f.attrs["region"] = d.regionref[0:2, 0:2]
        g.attrs["regions"] = np.array([v.regionref[1:3], d.regionref[4, :]], dtype=h5py.regionref_dtype)
        f.create_dataset("region_scalar", data=v.regionref[5:6], dtype=h5py.regionref_dtype)
    sel = {}
    with h5py.File(p, "r") as f:
        def add(key, r):
            target = f[r]
            sel[key] = {"target": target.name, **selection_json(h5py.h5r.get_region(r, target.id))}
        for i, r in enumerate(f["regions"][()]):
            add(f"/regions[{i}]", r)
        add("/@region", f.attrs["region"])
        for i, r in enumerate(f["g"].attrs["regions"]):
            add(f"/g@regions[{i}]", r)
        add("/region_scalar", f["region_scalar"][()])
    write_expected(p, extra={"regionSelections": sel})
    return p


def make_vds(out):
    src = os.path.join(out, "vds-source.h5")
    with h5py.File(src, "w") as f:
        f.create_dataset("src", data=np.arange(100, 112, dtype="<i4"))
        f.create_dataset("grid", data=np.arange(4 * 5, dtype="<f4").reshape(4, 5) + 0.5)
    p = os.path.join(out, "vds.h5")
    cwd = os.getcwd()
    os.chdir(out)  # source file names are stored as given: relative, so the pair can move
    try:
        with h5py.File("vds.h5", "w", libver="latest") as f:
            f.create_dataset("a", data=np.arange(10, dtype="<i4"))
            f.create_dataset("b", data=np.arange(10, 20, dtype="<i4") * -1)
            lay = h5py.VirtualLayout(shape=(30,), dtype="<i4")
            lay[0:10] = h5py.VirtualSource(".", "/a", shape=(10,))
            lay[10:20:2] = h5py.VirtualSource(".", "/b", shape=(10,))[0:10:2]
            lay[21:27] = h5py.VirtualSource("vds-source.h5", "/src", shape=(12,))[3:9]
            f.create_virtual_dataset("mixed", lay, fillvalue=-7)
            lay2 = h5py.VirtualLayout(shape=(6, 7), dtype="<f4")
            lay2[1:5, 0:5] = h5py.VirtualSource("vds-source.h5", "/grid", shape=(4, 5))
            lay2[0, 2:7] = h5py.VirtualSource("vds-source.h5", "/grid", shape=(4, 5))[3, :]
            f.create_virtual_dataset("grid", lay2, fillvalue=np.nan)
            lay3 = h5py.VirtualLayout(shape=(2, 10), dtype="<i4")
            lay3[0] = h5py.VirtualSource(".", "/a", shape=(10,))
            lay3[1] = h5py.VirtualSource(".", "/b", shape=(10,))
            f.create_virtual_dataset("stacked", lay3)
            lay4 = h5py.VirtualLayout(shape=(4,), dtype="<i4")
            lay4[0:4] = h5py.VirtualSource("missing.h5", "/nothing", shape=(4,))
            f.create_virtual_dataset("missing_source", lay4, fillvalue=3)
        h5json.write("vds.h5", "vds.expected.json")
        maps = {}
        with h5py.File("vds.h5", "r") as f:
            for name in ("mixed", "grid", "stacked", "missing_source"):
                plist = f[name].id.get_create_plist()
                rows = []
                for i in range(plist.get_virtual_count()):
                    rows.append({
                        "file": plist.get_virtual_filename(i),
                        "dataset": plist.get_virtual_dsetname(i),
                        "source": selection_json(plist.get_virtual_srcspace(i)),
                        "virtual": selection_json(plist.get_virtual_vspace(i)),
                    })
                maps["/" + name] = rows
        with open("vds.expected.json") as fh:
            d = json.load(fh)
        d["virtualMappings"] = maps
        with open("vds.expected.json", "w") as fh:
            json.dump(d, fh, indent=1, sort_keys=True)
            fh.write("\n")
    finally:
        os.chdir(cwd)
    return p
