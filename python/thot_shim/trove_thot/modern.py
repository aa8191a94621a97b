"""Thot 0.10 / Syre `Database`: keyword searches and `add_asset(file, ...)`, over trove's task file.

    db = Database()
    db.find_containers(type="sample", metadata={"angle": 30})
    db.add_asset("plots/fit.png", name="fit", type="plot")   # -> absolute path to write

The real binding talks to a local database server over ZMQ; here the task file trove writes is the
database, so there is nothing to start and nothing to time out.
"""

import os

from trove_thot import TaskContext

__all__ = ["Database"]


def _search(name=None, type=None, tags=None, metadata=None):
    search = {}
    if name is not None:
        search["name"] = name
    if type is not None:
        search["type"] = type
    if tags:
        search["tags"] = list(tags)
    for key, value in (metadata or {}).items():
        search[f"metadata.{key}"] = value
    return search


class Database:
    def __init__(self, dev_root=None, chdir=True):
        self._context = TaskContext()
        if chdir:
            os.chdir(self._context.container_dir)

    @property
    def root(self):
        """The container being analysed."""
        return self._context.find("containers", {"_id": self._context.container_id})[0]

    def find_containers(self, name=None, type=None, tags=None, metadata=None):
        return self._context.find("containers", _search(name, type, tags, metadata))

    def find_container(self, name=None, type=None, tags=None, metadata=None):
        found = self.find_containers(name, type, tags, metadata)
        return found[0] if found else None

    def find_assets(self, name=None, type=None, tags=None, metadata=None):
        return self._context.find("assets", _search(name, type, tags, metadata))

    def find_asset(self, name=None, type=None, tags=None, metadata=None):
        found = self.find_assets(name, type, tags, metadata)
        return found[0] if found else None

    def add_asset(self, file, name=None, type=None, description=None, tags=None, metadata=None):
        return self._context.add_modern_asset(file, name, type, description, tags, metadata)

    def flag(self, resource, message):
        # Syre shows flags in its desktop app; trove keeps them in the script's log
        print(f"[flag] {getattr(resource, '_id', resource)}: {message}", flush=True)

    def clone(self):
        return self
