"""A stand-in for the `sinagot` package (0.3) so that unchanged Sinagot scripts run under trove.

    from sinagot import ScriptTemplate

    class Script(ScriptTemplate):
        PATH_IN = ("raw", "{id}-raw.csv")
        PATH_OUT = ("computed", "{id}-count.csv")

        def run(self):
            self.path.output.write_text(self.path.input.read_text())

Only what a script sees is here (ScriptTemplate, StepStatus): trove plays the Workspace's part.
describe.py reads the class attributes, run_task.py builds the instance and calls run().
Standard library only, so any python3 (Debian's included) can run it.
"""

import importlib.util
import logging
import sys
import types
from collections import namedtuple
from pathlib import Path

__version__ = "0.3.0"
__all__ = ["ScriptTemplate", "StepStatus"]


class StepStatus:
    """Status codes Sinagot writes in its logs (field step_status)."""

    INIT = 0
    DATA_READY = 10
    PROCESSING = 20
    DONE = 30
    ERROR = 40
    DATA_NOT_AVAILABLE = 41


# Sinagot named both tuple types "IOPath"; kept so repr() output does not change.
ScriptPath = namedtuple("IOPath", ["input", "output", "control"])
DataStatus = namedtuple("IOPath", ["input", "output"])

LOGGER_NAME = "sinagot"


def _each(value, func):
    """func on a value, or on each value of a dict (PATH_* may be either)."""
    if isinstance(value, dict):
        return {key: func(item) for key, item in value.items()}
    return func(value)


class ScriptTemplate:
    """Base class of Sinagot scripts: override PATH_IN, PATH_OUT and run()."""

    _PATH_LABELS = ["input", "output"]
    PATH_IN = ("FOLDER_IN", "{id}-{task}.in")
    PATH_OUT = ("FOLDER_OUT", "{id}-{task}.out")
    PATH_CONTROL = ("FOLDER_CONTROL", "{id}-{task}.control")

    debug = False
    logger = None
    modality = None

    def __init__(self, data_path, record_id, task=None, opts=None, logger_namespace=None, workspace_version=None):
        self.status = StepStatus.INIT
        self._workspace_version = workspace_version
        self.data_path = data_path
        self.id = record_id
        self.task = task
        # Sinagot loads <scripts>/<modality>/<step>.py as module "<modality>.<step>".
        module_split = self.__class__.__module__.split(".")
        if len(module_split) > 1:
            self.modality = module_split[-2]
        self.label = module_split[-1]
        self.opts = {} if opts is None else opts
        self._logger_namespace = logger_namespace or LOGGER_NAME
        self.path = ScriptPath(
            input=_each(self.PATH_IN, self._full_path),
            output=_each(self.PATH_OUT, self._full_path),
            control=_each(self.PATH_CONTROL, self._full_path),
        )
        # Sinagot set this only once a run began; having it from the start costs nothing.
        self.logger = logging.LoggerAdapter(logging.getLogger(self._logger_namespace), self._log_extra(StepStatus.PROCESSING))

    def _full_path(self, path_tuple):
        # As Sinagot: segments joined as a path, then str.format (an absent task reads "None").
        return Path(self.data_path) / str(Path(*path_tuple)).format(id=self.id, task=self.task)

    def _log_extra(self, status):
        return {
            "log_from": "script",
            "workspace_version": self._workspace_version,
            "record_id": self.id,
            "scope": "record",
            "task": self.task,
            "modality": self.modality,
            "step_label": self.label,
            "step_status": status,
        }

    def run(self):
        """The step's work; scripts override it."""
        self.logger.info("Running ...")

    @property
    def data_exist(self):
        """For input and output, a dict path -> whether it exists."""
        return DataStatus(*(self._path_exist(target) for target in self._PATH_LABELS))

    def _path_exist(self, target):
        return {path: path.exists() for path in self._iter_paths(target)}

    def _iter_paths(self, target):
        if target not in ("input", "output"):
            raise AttributeError("target not in ('input', 'output')")
        paths = getattr(self.path, target)
        if isinstance(paths, dict):
            return paths.values()
        return (paths,)

    def _mkdir_output(self):
        for path in self._iter_paths("output"):
            # exist_ok: tasks running side by side may create the same folder
            path.parent.mkdir(parents=True, exist_ok=True)

    def _has_to_run(self, force):
        return force or not all(path.exists() for path in self._iter_paths("output"))


def _load_script_class(path, module_name):
    """The `Script` class of a script file, imported under Sinagot's module name ("EEG.preprocess")."""
    spec = importlib.util.spec_from_file_location(module_name, str(path))
    if spec is None or spec.loader is None:
        raise ImportError("cannot load {} as a Python module".format(path))
    module = importlib.util.module_from_spec(spec)
    # Registered so that code looking a class's module up (dataclasses, pickle) finds it.
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    script = getattr(module, "Script", None)
    if not isinstance(script, type):
        raise AttributeError("{} defines no class Script".format(path))
    return script


# In 0.3 StepStatus lived in sinagot.utils and ScriptTemplate in sinagot.script; scripts may
# import them from there, so both names resolve to this module's objects.
for _name in ("utils", "script"):
    _alias = types.ModuleType(__name__ + "." + _name)
    _alias.ScriptTemplate = ScriptTemplate
    _alias.StepStatus = StepStatus
    sys.modules[_alias.__name__] = _alias
del _name, _alias
