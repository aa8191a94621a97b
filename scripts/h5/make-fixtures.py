# Writes the small HDF5 test files of src/h5/ into test/fixtures/h5/, each with a
# <name>.expected.json of what h5py sees in it (see h5json.py). Needs Debian's python3-h5py.
#
#   /usr/bin/python3 scripts/h5/make-fixtures.py
#
# basic.h5   default libver: superblock v0, v1 object headers, symbol-table groups (one with 40
#            links, one with 270 soft links), chunked gzip+shuffle int16,
#            fletcher32, compact, contiguous, scalar, strings,
#            compound, enum/bool, opaque, vlen sequences, a null dataset, a committed datatype,
#            object references, soft and external links
# latest.h5  libver='latest': superblock v3, v2 object headers, compact and dense groups, dense
#            attributes, layout v4 chunk indexes (single chunk, implicit, fixed array,
#            extensible array, v2 B-tree; filtered and not)
# v108.h5    libver v108: superblock v2
# userblock.h5  a 512-byte user block: the superblock and base address at 512
# big.h5     libver='latest': paged fixed array, extensible array with secondary blocks, deeper
#            v2 B-trees, a dense group big enough for fractal-heap indirect blocks
# filters.h5  blosc (32001: lz4, zstd, zlib, blosclz; byte/bit shuffle; with HDF5 shuffle) written
#            through hdf5plugin's Debian blosc plugin; zstd (32015) chunks compressed by
#            numcodecs and stored with write_direct_chunk (Debian has no zstd HDF5 plugin, so h5py
#            cannot read them: their expected values are the chunks numcodecs decodes)
# regions.h5 region references (h5py.regionref_dtype): hyperslabs, points, all, none; in a
#            dataset and an attribute; expected selections under "regionSelections"
# vds.h5     virtual datasets (h5py.VirtualLayout) mapping datasets of the same file (".") and
#            of the sibling vds-source.h5, with strides, 2-D blocks and a fill value
# (no superblock v1 file: it needs a non-default istore K, which h5py 3.7 cannot set)
#
#   /usr/bin/python3 scripts/h5/make-fixtures.py filters regions vds   # only these files
# filters.h5 needs python3-hdf5plugin (and its hdf5-filter-plugin-blosc-serial) and python3-numcodecs

import os
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import h5json  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "test", "fixtures", "h5")
os.makedirs(OUT, exist_ok=True)

STR = h5py.string_dtype("utf-8")


def common(f, dense_attrs=False):
    f.attrs["title"] = "trove h5 fixture"
    f.attrs["fixed"] = np.bytes_("fixed-len")
    f.attrs["int"] = np.int32(-7)
    f.attrs["big"] = np.int64(2**40 + 3)
    f.attrs["u8"] = np.uint8(200)
    f.attrs["float"] = 2.5
    f.attrs["nan"] = np.float32("nan")
    f.attrs["vec"] = np.arange(5, dtype="<f4")
    f.attrs["strs"] = np.array(["a", "bc", "def"], dtype=STR)
    f.attrs["flag"] = True
    f.attrs["empty"] = h5py.Empty("f4")

    g = f.create_group("a/b/c")
    g.attrs["depth"] = 3
    f.create_group("a/sibling")

    x = (np.arange(100 * 16, dtype="<i2").reshape(100, 16))
    f.create_dataset("chunked_gzip", data=x, chunks=(10, 16), compression="gzip", compression_opts=4, shuffle=True)
    f.create_dataset("chunked_plain", data=np.arange(23 * 7, dtype="<u4").reshape(23, 7), chunks=(5, 3))
    f.create_dataset("fletcher", data=np.linspace(0, 1, 50, dtype="<f4"), chunks=(16,), fletcher32=True, compression="gzip")
    f.create_dataset("unwritten", shape=(20,), dtype="<i4", chunks=(5,), fillvalue=-1)
    f.create_dataset("contig", data=np.arange(12, dtype="<f8").reshape(3, 4) / 4)
    cid = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    cid.set_layout(h5py.h5d.COMPACT)
    sid = h5py.h5s.create_simple((6,))
    h5py.h5d.create(f.id, b"compact", h5py.h5t.STD_I32LE, sid, dcpl=cid).write(
        h5py.h5s.ALL, h5py.h5s.ALL, np.array([1, -2, 3, -4, 5, -6], dtype="<i4"))
    f.create_dataset("scalar", data=np.float64(3.25))
    f.create_dataset("scalar_str", data="hello", dtype=STR)
    f.create_dataset("vlen_str", data=["alpha", "béta", "", "a longer string here"], dtype=STR)
    f.create_dataset("fixed_str", data=np.array([b"ab", b"cde", b"f"], dtype="S4"))
    f.create_dataset("big_ints", data=np.array([-(2**62), 0, 2**62 + 1], dtype="<i8"))
    f.create_dataset("be_float", data=np.array([1.5, -2.25], dtype=">f8"))
    f.create_dataset("half", data=np.array([0.5, -1.0, 65504], dtype="<f2"))
    comp = np.dtype([("id", "<i4"), ("x", "<f8"), ("name", "S6"), ("pair", "<i2", (2,))])
    f.create_dataset("compound", data=np.array([(1, 0.5, b"one", (1, 2)), (2, -1.5, b"two", (3, 4))], dtype=comp))
    f.create_dataset("bools", data=np.array([True, False, True]))
    colors = h5py.enum_dtype({"RED": 0, "GREEN": 1, "BLUE": 42}, basetype="u1")
    f.create_dataset("enum", data=np.array([0, 42, 1], dtype="u1"), dtype=colors)
    f.create_dataset("array", data=np.zeros(2, dtype=np.dtype(("<f4", (3,)))) + np.array([[1, 2, 3], [4, 5, 6]], dtype="<f4"))
    f.create_dataset("opaque", data=np.array([b"\x01\x02\x03", b"\x04\x05\x06"], dtype="V3"))
    refs = f.create_dataset("refs", shape=(3,), dtype=h5py.ref_dtype)
    refs[0] = f["contig"].ref
    refs[1] = f["a/b"].ref
    refs[2] = f["/"].ref
    f.attrs["ref"] = f["contig"].ref
    f["soft"] = h5py.SoftLink("/a/b/c")
    f["ext"] = h5py.ExternalLink("other.h5", "/some/path")
    many = f.create_group("many")
    for i in range(40):
        many.create_group(f"g{i:02d}")
    vl = f.create_dataset("vlen_int", shape=(3,), dtype=h5py.vlen_dtype("<i4"))
    vl[0] = [1, 2, 3]
    vl[1] = []
    vl[2] = [-4]
    f.create_dataset("null", data=h5py.Empty("<f8"))
    f["named_type"] = np.dtype([("a", "<i4"), ("b", "<f4")])
    nd = f.create_dataset("uses_named_type", data=np.array([(1, 2.0), (3, 4.5)], dtype=f["named_type"].dtype), dtype=f["named_type"])
    nd.attrs.create("typed_attr", data=np.array([(5, 6.0)], dtype=f["named_type"].dtype), dtype=f["named_type"])
    d = f["contig"]
    n_attrs = 12 if dense_attrs else 3
    for i in range(n_attrs):
        d.attrs[f"attr{i:02d}"] = i


def make_basic():
    p = os.path.join(OUT, "basic.h5")
    with h5py.File(p, "w") as f:
        common(f)
        # enough symbol-table nodes for a two-level v1 B-tree
        soft = f.create_group("soft_links")
        for i in range(270):
            soft[f"s{i:03d}"] = h5py.SoftLink(f"/nowhere/{i}")
    return p


def make_latest():
    p = os.path.join(OUT, "latest.h5")
    with h5py.File(p, "w", libver="latest") as f:
        common(f, dense_attrs=True)
        dense = f.create_group("dense")
        for i in range(20):
            dense.create_group(f"child{i:02d}")
        dense["link_soft"] = h5py.SoftLink("/contig")
        ga = f["a"]
        for i in range(15):
            ga.attrs[f"k{i:02d}"] = f"value {i}"
        tracked = f.create_group("tracked", track_order=True)
        for n in ["zeta", "alpha", "mid"]:
            tracked.create_group(n)
        x = np.arange(10 * 12, dtype="<i2").reshape(10, 12)
        f.create_dataset("single", data=x, chunks=(10, 12))
        f.create_dataset("single_gz", data=x, chunks=(10, 12), compression="gzip")
        f.create_dataset("fixed_arr", data=x, chunks=(3, 5))
        f.create_dataset("fixed_arr_gz", data=x, chunks=(3, 5), compression="gzip", shuffle=True)
        f.create_dataset("ext_arr", data=x, chunks=(3, 5), maxshape=(None, 12))
        f.create_dataset("ext_arr_gz", data=x, chunks=(3, 5), maxshape=(None, 12), compression="gzip")
        f.create_dataset("ext_arr_long", data=np.arange(300, dtype="<i4"), chunks=(4,), maxshape=(None,))
        f.create_dataset("bt2", data=x, chunks=(3, 5), maxshape=(None, None))
        f.create_dataset("bt2_gz", data=x, chunks=(3, 5), maxshape=(None, None), compression="gzip")
        # implicit index: no filters, early allocation
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_chunk((3, 5))
        dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
        sid = h5py.h5s.create_simple((10, 12))
        h5py.h5d.create(f.id, b"implicit", h5py.h5t.STD_I16LE, sid, dcpl=dcpl).write(h5py.h5s.ALL, h5py.h5s.ALL, x)
    return p


def make_v108():
    p = os.path.join(OUT, "v108.h5")
    with h5py.File(p, "w", libver=("v108", "v108")) as f:
        f.attrs["who"] = "v108"
        f.create_dataset("data", data=np.arange(10, dtype="<i8"), chunks=(4,), compression="gzip")
        g = f.create_group("g")
        for i in range(10):
            g.create_dataset(f"d{i}", data=np.int16(i))
    return p


def make_big():
    p = os.path.join(OUT, "big.h5")
    with h5py.File(p, "w", libver="latest") as f:
        f.create_dataset("fa_paged", data=np.arange(1100, dtype="i1"), chunks=(1,))
        f.create_dataset("ea_sblocks", data=(np.arange(1500) % 100).astype("i1"), chunks=(1,), maxshape=(None,))
        f.create_dataset("ea_2d", data=np.arange(40 * 3, dtype="i1").reshape(40, 3), chunks=(1, 2), maxshape=(None, 3))
        f.create_dataset("bt2_deep", data=np.arange(400, dtype="i1").reshape(20, 20), chunks=(1, 1), maxshape=(None, None))
        g = f.create_group("wide")
        for i in range(300):
            g[f"link_with_a_rather_long_name_{i:04d}"] = h5py.SoftLink(f"/target/number/{i}")
        for i in range(60):
            g.attrs[f"attribute_{i:03d}"] = np.arange(i % 7, dtype="<i4")
    return p


def make_userblock():
    p = os.path.join(OUT, "userblock.h5")
    with h5py.File(p, "w", userblock_size=512) as f:
        f.attrs["who"] = "userblock"
        f.create_dataset("data", data=np.arange(20, dtype="<i2"), chunks=(8,), compression="gzip")
        f.create_dataset("contig", data=np.arange(6, dtype="<f4"))
    with open(p, "r+b") as fh:
        fh.write(b"a user block: anything at all")
    return p


def finish(path):
    h5json.write(path, path[:-3] + ".expected.json")
    return path


MAKERS = {
    "basic": lambda: finish(make_basic()),
    "latest": lambda: finish(make_latest()),
    "v108": lambda: finish(make_v108()),
    "big": lambda: finish(make_big()),
    "userblock": lambda: finish(make_userblock()),
}


def main(names):
    import features  # only the newer fixtures need hdf5plugin and numcodecs

    makers = dict(MAKERS, filters=lambda: features.make_filters(OUT), regions=lambda: features.make_regions(OUT),
                  vds=lambda: features.make_vds(OUT))
    for name in names or list(makers):
        path = makers[name]()
        print(os.path.basename(path), os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
