# Writes test/fixtures/lindi/: files made by LINDI 0.4.5 itself (the reference Python
# implementation, github.com/NeurodataWithoutBorders/lindi, BSD-3), which
# src/lindi/reference.test.ts compares trove against. LINDI is only a tool here: its source
# stays outside the repository.
#
#   sudo apt-get install -y python3-zarr python3-numcodecs python3-h5py python3-requests
#   git --git-dir=<lindi mirror> archive HEAD | tar -x -C /tmp/lindi-src     # LINDI 0.4.5 source
#   PYTHONPATH=/tmp/lindi-src /usr/bin/python3 scripts/lindi/make-fixtures.py
#
# Works with Debian 12's zarr 2.13 / numcodecs 0.11 / h5py 3.7 (LINDI asks for zarr >= 2.16, but
# imports and runs); lindi_compat.py adds numcodecs.Fletcher32, which numcodecs 0.11 lacks.
#
# Writes:
#   <h5 name>.lindi.json   LINDI's from_hdf5_file(path, url="https://example.org/<h5 name>") +
#                          write_lindi_file, default LindiH5ZarrStoreOpts, for every
#                          test/fixtures/h5/*.h5, two small shared NWB files and compat.h5.
#                          LINDI raises on some objects of basic/latest/big.h5; those are hidden
#                          from it (h5py iteration monkeypatched, see HIDE) and listed, with the
#                          error LINDI gives for each alone, in manifest.json.
#   compat.h5              an HDF5 file (h5py) using only what LINDI supports
#   compat.small-opts.lindi.json  compat.h5 with num_dataset_chunks_threshold=4,
#                          contiguous_dataset_max_chunk_size=1000 (external links, split datasets)
#   written.lindi.tar / written.lindi.d  made through LINDI's h5py-like API, re-opened "r+" and
#                          grown so lindi.json is trashed and relocated; written.expected.json holds
#                          what LINDI reads back (scripts/h5/h5json.py conventions: 64-bit ints
#                          beyond 2**31 as strings, NaN/Inf as "NaN"/"Inf"/"-Inf", references
#                          as the path they point to).
#   manifest.json          the list of the above, with hidden objects and LINDI's errors.

import json
import os
import shutil
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "h5"))
sys.path.insert(0, HERE)
import h5json  # noqa: E402

import lindi_compat  # noqa: E402,F401  (numcodecs.Fletcher32 on numcodecs 0.11)
from lindi_describe import describe_lindi  # noqa: E402

try:
    import lindi  # noqa: E402
    import numcodecs  # noqa: E402,F401  (LINDI needs them; checked here for a clear message)
    import zarr  # noqa: E402,F401
except ImportError as e:  # pragma: no cover
    sys.exit(f"{e}: put LINDI 0.4.5 on PYTHONPATH and install python3-zarr python3-numcodecs")

OUT = os.path.join(ROOT, "test", "fixtures", "lindi")
H5_DIR = os.path.join(ROOT, "test", "fixtures", "h5")
SHARED = os.environ.get("TROVE_SHARED_FIXTURES", os.path.join(ROOT, "..", "shared", "fixtures"))
NWB = ["1.0.2_nwbfile.nwb", "1.0.2_str_pub.nwb"]
URL = "https://example.org/"
STR = h5py.string_dtype("utf-8")

# Objects / attributes LINDI raises on (trove's fromHdf5 onUnsupported: "skip" leaves them out).
# "/x/*" hides all children of /x (the group itself stays).
HIDE = {
    "basic.h5": {
        "objects": ["/compound", "/ext", "/null", "/opaque", "/vlen_int", "/soft_links/*"],
        "attrs": ["/@empty", "/uses_named_type@typed_attr"],
    },
    "latest.h5": {
        "objects": ["/compound", "/ext", "/null", "/opaque", "/vlen_int"],
        "attrs": ["/@empty", "/uses_named_type@typed_attr"],
    },
    "big.h5": {"objects": ["/wide/*"], "attrs": []},
}

_hidden_objects = set()
_hidden_children = set()
_hidden_attrs = set()
_orig_group_iter = h5py.Group.__iter__
_orig_attr_iter = h5py.AttributeManager.__iter__


def _group_iter(self):
    base = self.name.rstrip("/")
    for k in _orig_group_iter(self):
        if f"{base}/{k}" in _hidden_objects or (base or "/") in _hidden_children:
            continue
        yield k


def _attr_iter(self):
    owner = h5py.h5i.get_name(self._id).decode()
    for k in _orig_attr_iter(self):
        if f"{owner}@{k}" in _hidden_attrs:
            continue
        yield k


h5py.Group.__iter__ = _group_iter
h5py.AttributeManager.__iter__ = _attr_iter


def set_hidden(objects, attrs):
    _hidden_objects.clear()
    _hidden_children.clear()
    _hidden_attrs.clear()
    for o in objects:
        (_hidden_children.add(o[:-2] or "/") if o.endswith("/*") else _hidden_objects.add(o))
    _hidden_attrs.update(attrs)


def lindi_json(h5_path, name, opts=None, out_name=None):
    f = lindi.LindiH5pyFile.from_hdf5_file(h5_path, url=URL + name, zarr_store_opts=opts)
    out = os.path.join(OUT, out_name or name + ".lindi.json")
    f.write_lindi_file(out)
    f.close()
    return out


def make_compat():
    """Everything LINDI's from_hdf5_file supports, in one small file."""
    p = os.path.join(OUT, "compat.h5")
    with h5py.File(p, "w") as f:
        f.attrs["title"] = "trove lindi compat"
        f.attrs["object_id"] = "00000000-0000-0000-0000-000000000001"
        f.attrs["fixed"] = np.bytes_("fixed-len")
        f.attrs["int"] = np.int32(-7)
        f.attrs["big"] = np.int64(2**40 + 3)
        f.attrs["u8"] = np.uint8(200)
        f.attrs["float"] = 2.5
        f.attrs["f32"] = np.float32(0.1)
        f.attrs["nan"] = np.float32("nan")
        f.attrs["inf"] = np.float64("inf")
        f.attrs["ninf"] = np.float64("-inf")
        f.attrs["vec"] = np.array([0.5, np.nan, np.inf, -1], dtype="<f4")
        f.attrs["ints2d"] = np.arange(6, dtype="<i2").reshape(2, 3)
        f.attrs["strs"] = np.array(["a", "bc", "déf"], dtype=STR)
        f.attrs["fixed_strs"] = np.array([b"ab", b"c"], dtype="S2")
        f.attrs["flag"] = True
        f.attrs["bools"] = np.array([True, False])
        f.attrs["unicode"] = "µs ✓"
        g = f.create_group("a/b/c")
        g.attrs["depth"] = 3
        g.attrs["object_id"] = "00000000-0000-0000-0000-0000000000c0"
        f.create_group("a/sibling")
        f.create_group("empty_group")
        x = np.arange(100 * 16, dtype="<i2").reshape(100, 16)
        f.create_dataset("chunked_gzip", data=x, chunks=(10, 16), compression="gzip", compression_opts=4, shuffle=True)
        f.create_dataset("chunked_plain", data=(np.arange(43 * 27) % 250).astype("u1").reshape(43, 27), chunks=(5, 7))
        f.create_dataset("fletcher", data=np.arange(1500, dtype="<i2"), chunks=(400,), fletcher32=True, compression="gzip")
        f.create_dataset("unwritten", shape=(2000,), dtype="<i4", chunks=(500,), fillvalue=-1)
        f.create_dataset("fill_float", shape=(1200,), dtype="<f4", chunks=(600,), fillvalue=np.nan)
        f["fill_float"][:600] = 1.5
        f.create_dataset("contig", data=np.arange(1200, dtype="<i2").reshape(30, 40))
        f.create_dataset("contig_small", data=np.arange(12, dtype="<f8").reshape(3, 4) / 4)
        cid = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        cid.set_layout(h5py.h5d.COMPACT)
        sid = h5py.h5s.create_simple((6,))
        h5py.h5d.create(f.id, b"compact", h5py.h5t.STD_I32LE, sid, dcpl=cid).write(
            h5py.h5s.ALL, h5py.h5s.ALL, np.array([1, -2, 3, -4, 5, -6], dtype="<i4"))
        f.create_dataset("scalar", data=np.float64(3.25))
        f.create_dataset("scalar_int", data=np.int64(-(2**40)))
        f.create_dataset("scalar_bool", data=np.bool_(True))
        f.create_dataset("scalar_str", data="hello ✓", dtype=STR)
        f.create_dataset("scalar_bytes", data=np.bytes_("bytes"))
        f.create_dataset("vlen_str", data=["alpha", "béta", "", "a longer string here"], dtype=STR)
        f.create_dataset("vlen_str_2d", data=np.array([["a", "b"], ["c", "d"]], dtype=object), dtype=STR)
        f.create_dataset("fixed_str", data=np.array([b"ab", b"cde", b"f"], dtype="S4"))
        f.create_dataset("big_ints", data=np.array([-(2**62), 0, 2**62 + 1], dtype="<i8"))
        f.create_dataset("u64", data=np.array([0, 2**63 + 5], dtype="<u8"))
        f.create_dataset("be_float", data=np.array([1.5, -2.25], dtype=">f8"))
        f.create_dataset("be_int_big", data=np.arange(1000, dtype=">i2"))
        f.create_dataset("half", data=np.array([0.5, -1.0, 65504], dtype="<f2"))
        f.create_dataset("bools", data=np.array([True, False, True]))
        f.create_dataset("zero_len", shape=(0,), dtype="<f4")
        f.create_dataset("zero_len_2d", shape=(0, 3), dtype="<i4", chunks=(4, 3), maxshape=(None, 3))
        d = f["contig_small"]
        d.attrs["unit"] = "m"
        d.attrs["object_id"] = "00000000-0000-0000-0000-0000000000d5"
        refs = f.create_dataset("refs", shape=(3,), dtype=h5py.ref_dtype)
        refs[0] = f["contig_small"].ref
        refs[1] = f["a/b/c"].ref
        refs[2] = f["/"].ref
        f.attrs["ref"] = f["contig_small"].ref
        f["a"].attrs["group_ref"] = f["a/b/c"].ref
        comp = np.dtype([("id", "<i4"), ("x", "<f8"), ("ref", h5py.ref_dtype)])
        f.create_dataset("compound", data=np.array([(1, 0.5, f["contig_small"].ref), (2, -1.5, f["a/b/c"].ref)], dtype=comp))
        comp2 = np.dtype([("a", "<u2"), ("b", "<f4")])
        f.create_dataset("compound_num", data=np.array([(1, 0.25), (65535, -2)], dtype=comp2))
        f["soft_group"] = h5py.SoftLink("/a/b/c")
        f["soft_dataset"] = h5py.SoftLink("/contig_small")
        f["a/hard"] = f["contig_small"]
    return p


def write_chunkwise(g, name, data, chunk, **kw):
    """create_dataset, then one assignment per chunk: LINDI 0.4.5's LindiTarStore.setitems returns
    after the first inline (< 1000 bytes) chunk of a batch, so create_dataset(data=...) with
    several small chunks keeps only the first one (see bug_lost_chunks)."""
    ds = g.create_dataset(name, shape=data.shape, dtype=data.dtype, chunks=(chunk,), **kw)
    for i in range(0, len(data), chunk):
        ds[i:i + chunk] = data[i:i + chunk]
    return ds


def make_written(ext):
    """A LINDI tar/dir written through the h5py-like API, then grown in "r+" mode.

    Datasets at the root use LINDI's default compressor (zarr's Blosc/lz4; LINDI always uses it
    for scalars); /plain holds the same data with compression=None."""
    p = os.path.join(OUT, "written" + ext)
    if os.path.isdir(p):
        shutil.rmtree(p)
    elif os.path.exists(p):
        os.remove(p)
    with lindi.LindiH5pyFile.from_lindi_file(p, mode="w") as f:
        f.attrs["title"] = "written by lindi 0.4.5"
        f.attrs["nan"] = float("nan")
        f.attrs["inf"] = float("inf")
        f.attrs["ninf"] = float("-inf")
        f.attrs["floats"] = [1.5, float("nan"), float("-inf")]
        f.attrs["ints"] = [1, 2, 3]
        f.attrs["strs"] = ["x", "yz"]
        f.attrs["flag"] = True
        f.attrs["count"] = 42
        f.attrs["unicode"] = "µV ✓"
        g = f.create_group("group")
        g.attrs["unit"] = "µV"
        sub = g.create_group("sub")
        sub.attrs["depth"] = 2
        data = {
            "int16": np.arange(-50, 50, dtype="<i2"),
            "float32": np.linspace(-1, 1, 30, dtype="<f4").reshape(5, 6),
            "bools": np.array([True, False, False, True]),
            "strings": np.array(["one", "two", "thrée"], dtype=object),
            "fixed_bytes": np.array([b"ab", b"cde"], dtype="S3"),
            "int64": np.array([1, -(2**40), 2**53 + 1], dtype="<i8"),
        }
        plain = f.create_group("plain")
        for name, x in data.items():
            f.create_dataset(name, data=x)
            plain.create_dataset(name, data=x, compression=None)
        # 8 x 5 in 3 x 2 chunks, written one chunk at a time
        ds = plain.create_dataset("float64_2d", shape=(8, 5), dtype="<f8", chunks=(3, 2), compression=None)
        x = (np.arange(40, dtype="<f8") / 4).reshape(8, 5)
        for i in range(0, 8, 3):
            for j in range(0, 5, 2):
                ds[i:i + 3, j:j + 2] = x[i:i + 3, j:j + 2]
        f.create_dataset("scalar", data=3.5)
        f.create_dataset("scalar_int", data=7)
        f.create_dataset("scalar_str", data="a scalar")
        write_chunkwise(f, "gzip", np.arange(2000, dtype="<i4") % 17, 500, compression="gzip", compression_opts=5)
        write_chunkwise(f, "zlib", np.arange(2100, dtype="<f8") / 8, 700, compression="zlib")
        f.create_dataset("blob", data=np.arange(200, dtype="<f8") / 4, chunks=(200,), compression=None)
        f.create_dataset("bug_lost_chunks", data=np.arange(30, dtype="<i4") + 1, chunks=(10,), compression=None)
        # LindiH5pyGroup has no __setitem__ (LINDI 0.4.5), so f[name] = SoftLink goes to h5py.File
        # and fails; its group writer does what __setitem__ would
        f._the_group._writer["link_to_sub"] = h5py.SoftLink("/group/sub")
        f["group"].attrs["ref_to_int16"] = f["int16"].ref
    # grow it: small chunks (< 1000 bytes each, so they stay inline) push lindi.json past its
    # 8 KiB capacity, so LINDI trashes the old copy and appends a new one
    with lindi.LindiH5pyFile.from_lindi_file(p, mode="r+") as f:
        write_chunkwise(f, "added", np.arange(1200, dtype="<f8") / 8 - 50, 100, compression=None)
        f.create_dataset("added_blob", data=np.arange(300, dtype="<u4"), chunks=(300,), compression=None)
        f.attrs["reopened"] = "yes"
    return p


def main():
    os.makedirs(OUT, exist_ok=True)
    for n in os.listdir(OUT):
        if n.endswith(".lindi.json") or n.endswith(".lindi.noblosc.json"):
            os.remove(os.path.join(OUT, n))
    manifest = {"lindi": "0.4.5", "url_prefix": URL, "h5": {}, "written": {}}
    compat = make_compat()
    h5s = [(os.path.join(H5_DIR, n), n, "test/fixtures/h5/" + n) for n in sorted(os.listdir(H5_DIR)) if n.endswith(".h5")]
    h5s += [(os.path.join(SHARED, "nwb", n), n, "shared:nwb/" + n) for n in NWB]
    h5s += [(compat, "compat.h5", "test/fixtures/lindi/compat.h5")]
    for path, name, where in h5s:
        hide = HIDE.get(name, {"objects": [], "attrs": []})
        entry = {"source": where, "hidden": hide, "lindiErrors": {}}
        # LINDI's error for each hidden object alone
        for item in hide["objects"] + hide["attrs"]:
            objs = [o for o in hide["objects"] if o != item]
            ats = [a for a in hide["attrs"] if a != item]
            set_hidden(objs, ats)
            try:
                f = lindi.LindiH5pyFile.from_hdf5_file(path, url=URL + name)
                f.to_reference_file_system()
                f.close()
                entry["lindiErrors"][item] = None
            except Exception as e:
                entry["lindiErrors"][item] = f"{type(e).__name__}: {e}"
        set_hidden(hide["objects"], hide["attrs"])
        manifest["h5"][name] = entry
        try:
            out = lindi_json(path, name)
        except Exception as e:  # a fixture LINDI cannot convert (and no HIDE entry for it)
            entry["lindiError"] = f"{type(e).__name__}: {e}"
            print(name, "-> LINDI fails:", entry["lindiError"])
            continue
        entry["lindiJson"] = os.path.basename(out)
        print(name, "->", os.path.basename(out), os.path.getsize(out), "bytes")
    set_hidden([], [])
    opts = lindi.LindiH5ZarrStoreOpts(num_dataset_chunks_threshold=4, contiguous_dataset_max_chunk_size=1000)
    out = lindi_json(compat, "compat.h5", opts=opts, out_name="compat.small-opts.lindi.json")
    manifest["smallOpts"] = {"file": os.path.basename(out), "num_dataset_chunks_threshold": 4, "contiguous_dataset_max_chunk_size": 1000}
    print("compat.h5 (small opts) ->", os.path.basename(out), os.path.getsize(out), "bytes")

    expected = None
    for ext in (".lindi.tar", ".lindi.d"):
        p = make_written(ext)
        d = describe_lindi(p)
        if expected is None:
            expected = d
        elif json.dumps(d, sort_keys=True) != json.dumps(expected, sort_keys=True):
            raise SystemExit("written.lindi.tar and written.lindi.d read back differently")
        manifest["written"][os.path.basename(p)] = True
    with open(os.path.join(OUT, "written.expected.json"), "w") as fh:
        json.dump(expected, fh, sort_keys=True, separators=(",", ":"))
        fh.write("\n")
    with open(os.path.join(OUT, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1, sort_keys=True)
        fh.write("\n")


if __name__ == "__main__":
    main()
