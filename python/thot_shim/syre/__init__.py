"""Syre's Python API for analysis scripts, as trove runs them (see trove_thot for how).

    from syre import Database
    db = Database()
    root = db.root                                   # the container being analysed
    for asset in db.find_assets(type="times"):
        ...
    path = db.add_asset("stats.csv", name="stats", type="stats", metadata={"method": "mean"})
"""

from trove_thot import ShimError
from trove_thot.modern import Database

__all__ = ["Database", "ShimError"]
