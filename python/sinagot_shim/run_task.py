"""Runs one Sinagot script for one trove task.

    TROVE_TASK=/abs/task.json python3 run_task.py /ws/scripts/EEG/preprocess.py --module EEG.preprocess

Reads the task file trove wrote (env TROVE_TASK), builds the script's `Script` as Sinagot did
(data_path = the dataset, record_id, task, opts = the step's params), points path.input at the
task's inputs and path.output at its outputs (staging paths trove moves into place after exit 0),
creates the outputs' parent folders and calls run().

Logger messages go to stderr, which trove keeps in the task's log, and, as Sinagot did, JSON lines
go to <dataset>/LOG/<record id>.log: "Processing run" (20), the script's own messages (20), then
"Run finished" (30) or the exception's text (40). Exit 0 on success; 1 when the script raised
(traceback on stderr); 2 when the call or the task file is wrong.
"""

import argparse
import json
import logging
import os
import sys
import traceback
from datetime import datetime, timezone
from pathlib import Path

# No __pycache__ beside the lab's scripts (or in trove's folder).
sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from sinagot import LOGGER_NAME, StepStatus, _load_script_class  # noqa: E402  (needs the line above)

TASK_FORMAT = 1
LOG_FIELDS = ("log_from", "workspace_version", "record_id", "scope", "task", "modality", "step_label", "step_status")
# Sinagot wrote "0.1.0" when [info] version was not set.
DEFAULT_WORKSPACE_VERSION = "0.1.0"


class UsageError(Exception):
    pass


class SinagotJsonLog(logging.Handler):
    """Appends one JSON line per message to Sinagot's record log.

    One O_APPEND write per line, so tasks of the same record running side by side do not
    interleave. Sinagot rotated the file at 512 KiB; with several writers rotating is racy, so
    here it only grows.
    """

    def __init__(self, path):
        super().__init__()
        self.path = path

    def emit(self, record):
        try:
            line = {field: record.__dict__.get(field) for field in LOG_FIELDS}
            line["message"] = record.getMessage()
            # json_log_formatter, which Sinagot used, wrote naive UTC times.
            line["time"] = datetime.now(timezone.utc).replace(tzinfo=None).isoformat()
            data = (json.dumps(line, default=str) + "\n").encode("utf-8")
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
        except Exception:
            self.handleError(record)


def read_task():
    path = os.environ.get("TROVE_TASK")
    if not path:
        raise UsageError("TROVE_TASK is not set: run_task.py runs a task trove prepared")
    try:
        with open(path, encoding="utf-8") as f:
            task = json.load(f)
    except (OSError, ValueError) as ex:
        raise UsageError("cannot read the task file {}: {}".format(path, ex))
    if not isinstance(task, dict) or task.get("trove_task") != TASK_FORMAT:
        raise UsageError("{} is not a trove task file of format {}".format(path, TASK_FORMAT))
    for key in ("root", "record", "inputs", "outputs"):
        if key not in task:
            raise UsageError("the task file {} has no {}".format(path, key))
    return task


def fill_fields(record):
    """Gives a message logged without Sinagot's fields (a library's child logger) empty ones."""
    for field in LOG_FIELDS:
        record.__dict__.setdefault(field, None)
    return True


def set_up_logger(log_file, unit_mode):
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    scope = "%(step_label)s" if unit_mode else "%(task)s-%(modality)s-%(step_label)s"
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setFormatter(logging.Formatter("%(record_id)s | %(asctime)s | " + scope + " : %(message)s"))
    for handler in (stderr, SinagotJsonLog(log_file)):
        handler.addFilter(fill_fields)
        logger.addHandler(handler)
    return logger


def task_paths(declared, given, computed, single_name):
    """Trove's paths in the shape the script declared: one Path, or a dict of Paths by name.

    A name trove did not give keeps the path Sinagot would have computed.
    """
    if isinstance(declared, dict) or (len(given) > 1 and single_name not in given):
        paths = dict(computed) if isinstance(computed, dict) else {}
        paths.update({name: Path(path) for name, path in given.items()})
        return paths
    if single_name in given:
        return Path(given[single_name])
    if len(given) == 1:
        return Path(next(iter(given.values())))
    return computed


def main(argv):
    parser = argparse.ArgumentParser(description="Run one Sinagot script for the trove task named by $TROVE_TASK.")
    parser.add_argument("script", help="path of the script file")
    parser.add_argument("--module", help='module name, "<modality>.<step>" (default: the file name, as in unit mode)')
    parser.add_argument("--workspace-version", default=DEFAULT_WORKSPACE_VERSION, help="[info] version of the workspace, for the log")
    args = parser.parse_args(argv)
    try:
        task = read_task()
    except UsageError as ex:
        sys.stderr.write("run_task.py: {}\n".format(ex))
        return 2
    module = args.module or os.path.splitext(os.path.basename(args.script))[0]
    root = Path(task["root"])
    record_id = task["record"]
    logger = set_up_logger(str(root / "LOG" / "{}.log".format(record_id)), "." not in module)

    try:
        script_class = _load_script_class(args.script, module)
        script = script_class(
            data_path=root,
            record_id=record_id,
            task=(task.get("entities") or {}).get("task"),
            opts=dict(task.get("params") or {}),
            logger_namespace=LOGGER_NAME,
            workspace_version=args.workspace_version,
        )
    except Exception:
        traceback.print_exc()
        return 1

    def log_status(message, status):
        logger.info(message, extra=script._log_extra(status))

    try:
        script.path = script.path._replace(
            input=task_paths(script.PATH_IN, task["inputs"], script.path.input, "input"),
            output=task_paths(script.PATH_OUT, task["outputs"], script.path.output, "output"),
        )
        script.status = StepStatus.PROCESSING
        log_status("Processing run", StepStatus.PROCESSING)
        script._mkdir_output()
        script.run()
        script.status = StepStatus.DONE
        log_status("Run finished", StepStatus.DONE)
        return 0
    except Exception as ex:
        script.status = StepStatus.ERROR
        log_status(str(ex) or type(ex).__name__, StepStatus.ERROR)
        traceback.print_exc()
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
