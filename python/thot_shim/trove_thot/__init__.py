"""What Thot and Syre analysis scripts import, served by trove instead of a Thot database.

trove runs each script with this folder on PYTHONPATH, so `import thot` / `import syre` find the
small packages beside this one, which are thin faces over the classes here:

    from thot import ThotProject            # Thot 0.x
    thot = ThotProject()
    data = thot.find_assets({"type": "times"})
    path = thot.add_asset({"name": "stats", "type": "stats", "file": "stats.csv"})
    open(path, "w").write("mean\\n1.20\\n")

    from syre import Database               # Thot 0.10 / Syre
    db = Database()
    db.find_assets(type="times", metadata={"angle": 30})
    path = db.add_asset("stats.csv", name="stats", type="stats")

Everything a script may see comes from the task file trove writes (env TROVE_TASK): the current
container's subtree as Thot's objects, inherited metadata included. Scripts only add assets: each
new asset is written into a staging folder trove moves into the project once the script exits 0,
so a script that fails or is stopped leaves no half-made asset behind. Changing or replacing an
asset the script did not make itself is refused here, with an error saying why.
"""

import json
import os
import re
import uuid

__all__ = ["TaskContext", "Resource", "ShimError", "property_filter", "filter_resources", "load_task"]


class ShimError(RuntimeError):
    """A script asked for something trove's Thot/Syre runner cannot or will not do."""


class Resource(dict):
    """A container or asset: a dict of Thot's properties, also readable as attributes."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def kind(self):
        # Thot 0.10 / Syre call the type `kind`; the dict keeps Thot 0.x's `type`
        return self.get("type")


_MISSING = object()


def _lookup(resource, path):
    if path in resource:
        return resource[path]
    here = resource
    for part in path.split("."):
        if not isinstance(here, dict) or part not in here:
            return _MISSING
        here = here[part]
    return here


def _match(actual, expected, key):
    if callable(expected) and not isinstance(expected, type):
        return actual is not _MISSING and bool(expected(actual))
    if actual is _MISSING:
        return False
    if isinstance(expected, re.Pattern):
        return isinstance(actual, str) and expected.search(actual) is not None
    if isinstance(expected, (list, tuple)):
        return isinstance(actual, list) and all(item in actual for item in expected)
    if isinstance(expected, dict):
        operators = [k for k in expected if isinstance(k, str) and k.startswith("$")]
        if operators:
            for op in operators:
                if op != "$in":
                    raise ShimError(f'search key "{key}": unknown operator {op}; Thot knows $in')
                values = actual if isinstance(actual, list) else [actual]
                if not any(v in expected[op] for v in values):
                    return False
            return True
        return isinstance(actual, dict) and property_filter(expected, actual)
    if isinstance(actual, list):
        return expected in actual
    return actual == expected


def property_filter(search, resource):
    """Thot's `thot.functions.property_filter`: dot paths, equality, regex, list containment, $in, predicates."""
    return all(_match(_lookup(resource, key), value, key) for key, value in (search or {}).items())


def filter_resources(search, resources):
    return [r for r in resources if property_filter(search, r)]


def load_task():
    path = os.environ.get("TROVE_TASK")
    if not path:
        raise ShimError(
            "this script is meant to be run by `trove run` (or `trove thot run`) in its Thot/Syre project: "
            "TROVE_TASK is not set, so there is no project to read. Running a script on its own "
            "(Thot's dev mode) is not supported by trove's shim."
        )
    with open(path, encoding="utf-8") as f:
        task = json.load(f)
    if task.get("kind") != "thot":
        raise ShimError(f"{path} is not a Thot/Syre task file")
    return task


class TaskContext:
    """The current task: the container's subtree, and where new assets go."""

    def __init__(self, task=None):
        self.task = task or load_task()
        self.generation = self.task["generation"]
        self.project_root = self.task["root"]
        self.container_id = self.task["container_id"]
        self.container_dir = os.path.join(self.project_root, self.task["container"])
        self.staging = self.task["staging"]
        self.script_id = self.task["script"]["id"]
        self.containers = [Resource(c) for c in self.task["containers"]]
        self.assets = [Resource(a) for a in self.task["assets"]]
        self._by_id = {c["_id"]: c for c in self.containers}
        self._added = {}

    # ---- reading ----------------------------------------------------------------------------

    def subtree(self, top_id, objects):
        """Objects in the subtree of container `top_id` (it included), as a Thot script sees them."""
        if top_id == self.container_id:
            return list(objects)
        if top_id not in self._by_id:
            raise ShimError(f"no container {top_id!r} below {self.container_id!r}; a script sees only its container's subtree")
        inside = {top_id}
        for c in self.containers:  # parents come before their children
            if c.get("parent") in inside:
                inside.add(c["_id"])
        home = lambda o: o["_id"] if "children" in o else o.get("parent")
        return [o for o in objects if home(o) in inside]

    def find(self, which, search, top_id=None):
        top = self.container_id if top_id is None else top_id
        objects = self.containers if which == "containers" else self.assets + list(self._added.values())
        return filter_resources(search, self.subtree(top, objects))

    # ---- adding ---------------------------------------------------------------------------

    def _may_replace(self, key, what):
        if key in self._added:
            return
        if key in self.task["replaceable"]:
            return
        if key in self.task["taken"]:
            raise ShimError(
                f"{what} already exists in {self.task['container'] or 'the project root'} and was not made by this script; "
                "Thot scripts may only add assets, never change or replace existing ones"
            )

    def add_legacy_asset(self, properties, _id=None, overwrite=True):
        """Thot 0.x `add_asset`: returns the path to write the asset's file to."""
        props = dict(properties or {})
        asset_id = _id or props.get("name") or props.get("file") or str(uuid.uuid4())
        if os.sep in asset_id or asset_id in ("", ".", "..") or asset_id.startswith(".trove"):
            raise ShimError(f"asset id {asset_id!r} must be a plain folder name")
        file = props.get("file") or asset_id
        if os.path.isabs(file) or ".." in file.split("/") or file.lower().startswith("root:"):
            raise ShimError(f"asset file {file!r} must be a path inside the asset's folder")
        if asset_id in self._added or asset_id in self.task["taken"]:
            if not overwrite:
                raise ShimError(f"asset {asset_id!r} exists and overwrite=False")
        self._may_replace(asset_id, f"asset folder {asset_id!r}")
        props["file"] = file
        props["creator"] = self.script_id
        props["creator_type"] = "script"
        for key in ("_id", "parent", "children", "assets", "scripts", "notes"):
            props.pop(key, None)
        folder = os.path.join(self.staging, asset_id)
        os.makedirs(os.path.dirname(os.path.join(folder, file)), exist_ok=True)
        tmp = os.path.join(folder, "_asset.json.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(props, f, indent=2)
        os.replace(tmp, os.path.join(folder, "_asset.json"))
        path = os.path.join(folder, file)
        self._added[asset_id] = Resource(
            {**props, "_id": os.path.join(self.container_dir, asset_id), "file": path, "parent": self.container_id,
             "metadata": {**self._own_container().get("metadata", {}), **props.get("metadata", {})}}
        )
        return path

    def add_modern_asset(self, file, name=None, type=None, description=None, tags=None, metadata=None):
        """Thot 0.10 / Syre `Database.add_asset`: `file` relative to the container; returns its absolute path."""
        if not isinstance(file, str) or file == "":
            raise ShimError("add_asset needs a file path relative to the container")
        norm = os.path.normpath(file).replace(os.sep, "/")
        if os.path.isabs(file) or norm.startswith("../") or norm == ".." or norm.split("/")[0] in (".thot", ".syre") or norm.startswith(".trove"):
            raise ShimError(f"asset file {file!r} must be a relative path inside the container")
        self._may_replace(norm, f"asset {norm!r}")
        props = {"name": name, "kind": type, "description": description, "tags": list(tags or []), "metadata": dict(metadata or {})}
        entry = {"path": norm, "properties": props}
        manifest = os.path.join(self.staging, ".trove-assets.jsonl")
        os.makedirs(self.staging, exist_ok=True)
        with open(manifest, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")
        path = os.path.join(self.staging, norm)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self._added[norm] = Resource(
            {"_id": norm, "name": name, "type": type, "description": description, "tags": props["tags"],
             "metadata": {**self._own_container().get("metadata", {}), **props["metadata"]},
             "file": path, "parent": self.container_id, "creator_type": "script", "creator": self.script_id}
        )
        return path

    def _own_container(self):
        return self._by_id.get(self.container_id, {})
