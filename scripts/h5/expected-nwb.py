# Writes test/fixtures/h5/nwb/<file>.expected.json for every shared NWB/HDF5 fixture: what h5py
# sees (tree, attributes, dataset shapes/dtypes/filters, chunk tables; values of datasets up to
# h5json.MAX_VALUES elements). Needs Debian's python3-h5py.
#
#   /usr/bin/python3 scripts/h5/expected-nwb.py [SHARED_FIXTURES_DIR]

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import h5json  # noqa: E402

REPO = os.path.join(HERE, "..", "..")
shared = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
    "TROVE_SHARED_FIXTURES", os.path.join(REPO, "..", "shared", "fixtures"))
src = os.path.join(shared, "nwb")
out = os.path.join(REPO, "test", "fixtures", "h5", "nwb")
os.makedirs(out, exist_ok=True)
for name in sorted(os.listdir(src)):
    if not name.endswith((".nwb", ".hdf5", ".h5")):
        continue
    h5json.write(os.path.join(src, name), os.path.join(out, name + ".expected.json"), max_values=50)
    print(name)
