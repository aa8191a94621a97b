# What h5py sees in an HDF5 file, as JSON the TypeScript reader's tests compare against
# (src/h5/*.test.ts): the tree, attributes, dataset shape/dtype/chunks/filters, chunk tables,
# and the values of small datasets. Shared by make-fixtures.py and expected-nwb.py.
#
#   /usr/bin/python3 -c "import h5json; print(h5json.describe('x.h5'))"
#
# JSON-safe values: 64-bit integers as strings, NaN/Inf as "NaN"/"Inf"/"-Inf", bytes decoded
# as UTF-8 (latin-1 when not UTF-8), object references as the path they point to.

import json
import math

import h5py
import numpy as np

MAX_VALUES = 1000  # datasets with more elements get no "values"


def jsonable(v, f):
    if isinstance(v, h5py.Reference):
        if not v:
            return None
        try:
            return f[v].name
        except Exception:
            return "<unresolved>"
    if isinstance(v, np.ndarray):
        if v.dtype.names:
            return [jsonable(x, f) for x in v.reshape(-1)]
        return [jsonable(x, f) for x in v.reshape(-1).tolist()] if v.dtype.kind != "O" else [jsonable(x, f) for x in v.reshape(-1)]
    if isinstance(v, np.void) and v.dtype.names:
        return {n: jsonable(v[n], f) for n in v.dtype.names}
    if isinstance(v, np.void):
        return list(bytes(v))
    if isinstance(v, np.generic):
        if v.dtype.kind in "iu" and v.dtype.itemsize == 8:
            return str(int(v))
        return jsonable(v.item(), f)
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return str(v) if abs(v) > 2**31 else v
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Inf" if v > 0 else "-Inf"
        return v
    if isinstance(v, bytes):
        try:
            return v.decode("utf-8")
        except UnicodeDecodeError:
            return v.decode("latin-1")
    if isinstance(v, (list, tuple)):
        return [jsonable(x, f) for x in v]
    return v


def int64_aware(arr):
    """tolist() of an integer array, 64-bit values as strings."""
    out = []
    for x in arr.reshape(-1):
        out.append(str(int(x)) if arr.dtype.itemsize == 8 else int(x))
    return out


def dtype_json(dt):
    d = {"str": dt.str}
    if dt.names:
        d["descr"] = [[n, dtype_json(dt.fields[n][0]), dt.fields[n][1]] for n in dt.names]
    if dt.subdtype:
        d["base"] = dtype_json(dt.subdtype[0])
        d["shape"] = list(dt.subdtype[1])
    vlen = h5py.check_string_dtype(dt)
    if vlen is not None:
        d["string"] = {"encoding": vlen.encoding, "length": vlen.length}
    enum = h5py.check_enum_dtype(dt)
    if enum is not None:
        d["enum"] = {k: int(v) for k, v in enum.items()}
    if h5py.check_ref_dtype(dt) is not None:
        d["ref"] = True
    return d


def attrs_json(obj, f):
    out = {}
    for name in obj.attrs.keys():
        try:
            v = obj.attrs[name]
        except Exception as e:  # e.g. empty/null attributes h5py cannot read
            out[name] = {"error": type(e).__name__}
            continue
        if isinstance(v, h5py.Empty):
            out[name] = {"empty": True}
            continue
        out[name] = jsonable(v, f)
    return out


def chunk_table(ds):
    rows = []
    dsid = ds.id
    n = dsid.get_num_chunks()
    for i in range(n):
        info = dsid.get_chunk_info(i)
        rows.append({
            "offset": list(info.chunk_offset),
            "address": info.byte_offset,
            "size": info.size,
            "filterMask": info.filter_mask,
        })
    rows.sort(key=lambda r: r["offset"])
    return rows


def filters_json(ds):
    plist = ds.id.get_create_plist()
    out = []
    for i in range(plist.get_nfilters()):
        fid, flags, vals, name = plist.get_filter(i)
        out.append({"id": fid, "values": list(vals)})
    return out


def describe(path, with_values=True, max_values=MAX_VALUES):
    f = h5py.File(path, "r")
    objects = {}

    def visit(name, obj):
        p = "/" + name if name else "/"
        kind = "group" if isinstance(obj, h5py.Group) else "datatype" if isinstance(obj, h5py.Datatype) else "dataset"
        entry = {"kind": kind, "attrs": attrs_json(obj, f)}
        if kind == "datatype":
            entry["dtype"] = dtype_json(obj.dtype)
        elif isinstance(obj, h5py.Group):
            entry["keys"] = list(obj.keys())
            links = {}
            for k in obj.keys():
                l = obj.get(k, getlink=True)
                if isinstance(l, h5py.SoftLink):
                    links[k] = {"soft": l.path}
                elif isinstance(l, h5py.ExternalLink):
                    links[k] = {"external": [l.filename, l.path]}
            if links:
                entry["links"] = links
        else:
            ds = obj
            entry["shape"] = list(ds.shape) if ds.shape is not None else None
            entry["dtype"] = dtype_json(ds.dtype)
            entry["chunks"] = list(ds.chunks) if ds.chunks else None
            entry["filters"] = filters_json(ds)
            layout = ds.id.get_create_plist().get_layout()
            entry["layout"] = {0: "compact", 1: "contiguous", 2: "chunked", 3: "virtual"}.get(layout, str(layout))
            if ds.chunks:
                entry["chunkTable"] = chunk_table(ds)
            elif layout == 1:
                off = ds.id.get_offset()
                entry["offset"] = off
                entry["storageSize"] = ds.id.get_storage_size()
            if with_values and ds.shape is not None and ds.size <= max_values:
                try:
                    v = ds[()]
                    entry["values"] = jsonable(v if isinstance(v, np.ndarray) else np.array([v], dtype=ds.dtype) if not isinstance(v, (bytes, str, h5py.Reference)) else [v], f)
                except Exception as e:
                    entry["valuesError"] = str(e)
        objects[p] = entry

    visit("", f)

    def walk(group, prefix):
        for k in group.keys():
            l = group.get(k, getlink=True)
            p = prefix + k
            if isinstance(l, (h5py.SoftLink, h5py.ExternalLink)):
                continue
            obj = group[k]
            if p in objects:
                continue
            visit(p.lstrip("/"), obj)
            if isinstance(obj, h5py.Group):
                walk(obj, p + "/")

    walk(f, "/")
    sb = f.id.get_create_plist().get_version()
    result = {"superblock": sb[0], "objects": objects}
    f.close()
    return result


def write(path, out, with_values=True, max_values=MAX_VALUES):
    with open(out, "w") as fh:
        json.dump(describe(path, with_values, max_values), fh, indent=1, sort_keys=True)
        fh.write("\n")
