"""Thot's Python API for analysis scripts, as trove runs them (see trove_thot for how).

    from thot import ThotProject        # Thot 0.4-0.5 (LocalProject in 0.3: the same class)
    thot = ThotProject(dev_root="..")   # dev_root is Thot's dev mode; under trove the runner's container is used
    for asset in thot.find_assets({"type": "times"}):
        print(asset.file, asset.metadata["angle"])

    from thot import Database           # Thot 0.10
"""

import os

from trove_thot import ShimError, TaskContext, filter_resources
from trove_thot.modern import Database

__all__ = ["ThotProject", "LocalProject", "Database", "filter", "ShimError"]


class ThotProject:
    """Thot 0.x's project handle: searches over the current container's subtree, and add_asset."""

    def __init__(self, root=None, dev_root=None):
        self._context = TaskContext()
        self._root = root or os.environ.get("THOT_CONTAINER_ID") or self._context.container_id
        # Thot saves where the script was started and works from the root container's folder
        os.environ.setdefault("THOT_ORIGINAL_DIR", os.getcwd())
        os.chdir(self._context.container_dir)

    @property
    def root(self):
        """The id of the container the script analyses (Thot: its absolute folder path)."""
        return self._root

    def dev_mode(self):
        return False

    def find_containers(self, search=None):
        return self._context.find("containers", search or {}, self._root)

    def find_container(self, search=None):
        found = self.find_containers(search)
        return found[0] if found else None

    def find_assets(self, search=None):
        return self._context.find("assets", search or {}, self._root)

    def find_asset(self, search=None):
        found = self.find_assets(search)
        return found[0] if found else None

    def add_asset(self, properties, _id=None, overwrite=True):
        """Records a new asset made by this script; returns the path its file must be written to."""
        return self._context.add_legacy_asset(properties, _id, overwrite)


LocalProject = ThotProject


def filter(search, resources):
    """`thot.filter` (0.5.2): the resources matching a search dict."""
    return filter_resources(search, resources)
