# Open LINDI files (trove's or anyone's .lindi.json / .lindi.tar / .lindi.d) with LINDI 0.4.5, the
# reference Python implementation, print the tree it sees, and optionally check its values
# against an expected JSON: either scripts/h5/h5json.py's description of the source HDF5 file
# (test/fixtures/h5/<name>.expected.json) or a describe_lindi() dump (written.expected.json).
#
#   PYTHONPATH=/tmp/lindi-src /usr/bin/python3 scripts/lindi/check-with-lindi.py \
#       /tmp/out/basic.lindi.json /tmp/out/basic.lindi.tar --expected test/fixtures/h5/basic.expected.json
#
# Chunk refs must be readable by LINDI: a local absolute path or an http(s) URL. Exit status 1
# when a file does not open or a value differs. Needs python3-zarr, python3-numcodecs (Debian)
# and LINDI's source on PYTHONPATH (see make-fixtures.py).

import argparse
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from lindi_describe import describe_lindi  # noqa: E402


def canon(v):
    """Compare h5json-style values loosely: numbers by value, "Inf"/"Infinity" alike."""
    if isinstance(v, (bool, int, float)):  # LINDI reads a list of bools attribute back as int64
        if isinstance(v, float) and math.isnan(v):
            return "NaN"
        return float(v)
    if isinstance(v, str):
        if v in ("Inf", "Infinity"):
            return "Inf"
        if v in ("-Inf", "-Infinity"):
            return "-Inf"
        try:
            if v.lstrip("-").isdigit():
                return float(int(v))
        except ValueError:
            pass
        return v
    if isinstance(v, list):
        return [canon(x) for x in v]
    if isinstance(v, dict):
        return {k: canon(x) for k, x in v.items()}
    return v


def check(got, expected, skip):
    """Differences between what LINDI read (describe_lindi) and the expected objects."""
    problems = []
    gobj = got["objects"]
    for p, e in sorted(expected["objects"].items()):
        if any(p == s or p.startswith(s.rstrip("*")) for s in skip):
            continue
        kind = e.get("kind")
        if kind == "datatype":
            continue
        g = gobj.get(p)
        if g is None:
            # h5json lists soft links only in the parent group's "links"
            problems.append(f"{p}: missing")
            continue
        if g["kind"] == "softlink":
            continue
        if kind != g["kind"]:
            problems.append(f"{p}: kind {g['kind']} != {kind}")
            continue
        ea = {k: v for k, v in (e.get("attrs") or {}).items() if not (isinstance(v, dict) and ("empty" in v or "error" in v))}
        ga = {k: v for k, v in g.get("attrs", {}).items() if not k.startswith("_")}
        if canon(ga) != canon(ea):
            problems.append(f"{p}: attrs {json.dumps(ga)[:200]} != {json.dumps(ea)[:200]}")
        if kind == "group":
            for soft, target in (e.get("links") or {}).items():
                q = (p.rstrip("/") + "/" + soft)
                if "soft" in target and gobj.get(q, {}).get("kind") != "softlink" and gobj.get(q) is None:
                    problems.append(f"{q}: soft link missing")
            continue
        want = e.get("values") if "values" in e else ([e["value"]] if "value" in e else None)
        if want is None:
            continue
        have = g.get("values") if "values" in g else ([g["value"]] if "value" in g else None)
        if have is None:
            problems.append(f"{p}: no values read")
        elif canon(have) != canon(want):
            problems.append(f"{p}: values {json.dumps(have)[:160]} != {json.dumps(want)[:160]}")
    return problems


def print_tree(d):
    for p, o in sorted(d["objects"].items()):
        if o["kind"] == "group":
            print(f"  {p}/  ({len(o['attrs'])} attrs)")
        elif o["kind"] == "softlink":
            print(f"  {p} -> {o['target']}")
        else:
            n = len(o["values"]) if "values" in o else ("scalar" if "value" in o else "?")
            print(f"  {p}  {o['dtype']} {o['shape']} ({n} values, {len(o['attrs'])} attrs)")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--expected", help="h5json .expected.json or describe_lindi dump")
    ap.add_argument("--skip", action="append", default=[], help="object path (or prefix*) not to check")
    ap.add_argument("--quiet", action="store_true", help="no tree")
    a = ap.parse_args()
    expected = json.load(open(a.expected)) if a.expected else None
    bad = 0
    for path in a.files:
        errors = []
        try:
            d = describe_lindi(path, errors=errors)
        except Exception as ex:  # noqa: BLE001
            print(f"FAIL {path}: does not open in LINDI: {type(ex).__name__}: {ex}")
            bad += 1
            continue
        n = len(d["objects"])
        if not a.quiet:
            print(path)
            print_tree(d)
        problems = [f"read error {e}" for e in errors]
        if expected is not None:
            problems += check(d, expected, a.skip)
        status = "OK" if not problems else "DIFF"
        print(f"{status} {path}: {n} objects" + (f", {len(problems)} problems" if problems else ""))
        for pr in problems:
            print("   ", pr)
        bad += bool(problems)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
