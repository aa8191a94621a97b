# What LINDI (0.4.5) reads from a .lindi.json / .lindi.tar / .lindi.d, as JSON in the conventions
# of scripts/h5/h5json.py (64-bit ints beyond 2**31 as strings, NaN/Inf as "NaN"/"Inf"/"-Inf",
# bytes decoded, references as the path they point to). Used by make-fixtures.py and
# check-with-lindi.py; needs LINDI on PYTHONPATH.

import os
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "h5"))
sys.path.insert(0, HERE)
import h5json  # noqa: E402
import lindi_compat  # noqa: E402,F401
import lindi  # noqa: E402


def values_json(v, f):
    """h5json.jsonable, with LINDI's references mapped to the path they point to."""
    if isinstance(v, lindi.LindiH5pyReference):
        return f[v].name
    if isinstance(v, np.ndarray) and v.dtype.kind == "O":
        return [values_json(x, f) for x in v.reshape(-1)]
    if isinstance(v, (list, tuple)):
        return [values_json(x, f) for x in v]
    if isinstance(v, dict):
        return {k: values_json(x, f) for k, x in v.items()}
    return h5json.jsonable(v, f)


def describe_lindi(path, with_values=True, errors=None):
    """Tree, soft links, attrs, shape/dtype/chunks and values of every object LINDI sees.
    With errors (a list), objects LINDI fails to read are recorded there instead of raising."""
    f = lindi.LindiH5pyFile.from_lindi_file(path)
    objects = {}

    def attrs(obj):
        return {k: values_json(obj.attrs[k], f) for k in sorted(obj.attrs.keys())}

    def walk(g, prefix):
        for k in sorted(g.keys()):
            p = prefix + k
            try:
                link = g.get(k, getlink=True)
                if isinstance(link, h5py.SoftLink) or type(link).__name__ == "LindiH5pySoftLink":
                    objects[p] = {"kind": "softlink", "target": link.path}
                    continue
                obj = g[k]
                if isinstance(obj, lindi.LindiH5pyGroup):
                    objects[p] = {"kind": "group", "attrs": attrs(obj), "keys": sorted(obj.keys())}
                    walk(obj, p + "/")
                    continue
                e = {"kind": "dataset", "attrs": attrs(obj), "shape": list(obj.shape), "dtype": obj.dtype.str}
                if obj.chunks is not None:
                    e["chunks"] = list(obj.chunks)
                objects[p] = e
                if with_values:
                    names = obj.dtype.names
                    if names:
                        # LINDI 0.4.5 reads compound datasets field by field only (ds["x"][:])
                        cols = {n: values_json(np.asarray(obj[n][:]).reshape(-1) if not isinstance(obj[n][:], list) else obj[n][:], f) for n in names}
                        e["values"] = [{n: cols[n][i] for n in names} for i in range(int(np.prod(obj.shape)))]
                        continue
                    v = obj[()]
                    if isinstance(v, np.ndarray):
                        e["values"] = values_json(v.reshape(-1), f)
                    else:
                        e["value"] = values_json(v, f)
            except Exception as ex:  # noqa: BLE001
                if errors is None:
                    raise
                errors.append(f"{p}: {type(ex).__name__}: {ex}")

    objects["/"] = {"kind": "group", "attrs": attrs(f), "keys": sorted(f.keys())}
    walk(f, "/")
    f.close()
    return {"objects": objects}
