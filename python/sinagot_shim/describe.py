"""Prints the PATH_IN and PATH_OUT of Sinagot scripts as JSON, for trove to turn them into steps.

    python3 describe.py /ws/scripts EEG/preprocess.py behavior/scores.py
    {"EEG/preprocess.py": {"PATH_IN": ["MFF", "{id}-{task}.mff"], "PATH_OUT": [...]}, ...}

Each script is imported as Sinagot did, as module "<modality>.<step>" ("<step>" for a script at
the top of the scripts folder), with the stand-in `sinagot` package first on sys.path. A tuple
becomes a list of segments, a dict of tuples stays a dict. A script that cannot be imported gets
{"error": "<last line of the Python error>", "traceback": "..."} instead, so that trove can name
it; the exit code is 0 unless the call itself is wrong (2).
"""

import contextlib
import json
import os
import sys
import traceback

# No __pycache__ beside the lab's scripts (or in trove's folder).
sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from sinagot import _load_script_class  # noqa: E402  (needs the sys.path line above)


def module_name(rel_path):
    """ "EEG/preprocess.py" -> "EEG.preprocess", as Sinagot named the modules it loaded."""
    stem, _ = os.path.splitext(rel_path.replace(os.sep, "/"))
    return ".".join(stem.split("/")[-2:])


def segments(value, what):
    if isinstance(value, (tuple, list)) and all(isinstance(s, (str, os.PathLike)) for s in value):
        return [os.fspath(s) for s in value]
    raise TypeError("{} must be a tuple of path segments or a dict of such tuples, not {!r}".format(what, value))


def plain(value, what):
    if isinstance(value, dict):
        return {str(key): segments(item, "{}[{!r}]".format(what, key)) for key, item in value.items()}
    return segments(value, what)


def describe(scripts_dir, rel_path):
    try:
        # A print() at import time must not end up inside the JSON on stdout.
        with contextlib.redirect_stdout(sys.stderr):
            script = _load_script_class(os.path.join(scripts_dir, rel_path), module_name(rel_path))
        return {"PATH_IN": plain(script.PATH_IN, "PATH_IN"), "PATH_OUT": plain(script.PATH_OUT, "PATH_OUT")}
    except (Exception, SystemExit) as ex:
        last = traceback.format_exception_only(type(ex), ex)[-1].strip()
        return {"error": last, "traceback": traceback.format_exc()}


def main(argv):
    if len(argv) < 1:
        sys.stderr.write("usage: describe.py SCRIPTS_DIR REL_PATH.py...\n")
        return 2
    scripts_dir, rel_paths = argv[0], argv[1:]
    result = {rel: describe(scripts_dir, rel) for rel in rel_paths}
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
