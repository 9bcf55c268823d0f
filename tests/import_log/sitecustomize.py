"""Imported at start by every Python process that has this folder on PYTHONPATH (the command a
test starts, and the batch workers it spawns, which inherit the environment).

Appends "PID NAME" to the file $IMPORT_LOG for each top-level module the process loads, as it is
imported: imports inside functions are seen when they run, and nothing depends on how the
process ends. tests/test_isolation.py reads the log.
"""

from __future__ import annotations

import os
import sys
from importlib.abc import MetaPathFinder


class ImportLog(MetaPathFinder):
    def __init__(self, path: str) -> None:
        self.path = path
        self.seen = {name.partition(".")[0] for name in sys.modules}

    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top not in self.seen and self._found(name, path, target):
            self.seen.add(top)
            with open(self.path, "a", encoding="utf-8") as log:
                log.write(f"{os.getpid()} {top}\n")
        return None  # the finders after this one do the import

    def _found(self, name, path, target) -> bool:
        """Whether the import will succeed: a failed attempt (an optional dependency) is no
        dependency."""
        for finder in sys.meta_path:
            if finder is not self and getattr(finder, "find_spec", None) is not None and \
                    finder.find_spec(name, path, target) is not None:
                return True
        return False


if os.environ.get("IMPORT_LOG"):
    sys.meta_path.insert(0, ImportLog(os.environ["IMPORT_LOG"]))
