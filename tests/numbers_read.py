"""What `classify --multi-digit` reads in a picture of a number, for the tests of numbers in
pictures."""

from __future__ import annotations

import json
from pathlib import Path

from desktop.batch.cli import main


def read(path: Path) -> str:
    """The digits `classify --multi-digit` reads in the picture at `path` (its JSON row, written
    beside it)."""
    out = path.with_suffix(".json")
    assert main([str(path), "--multi-digit", "--format", "json", "--out", str(out), "-q"]) == 0
    return json.loads(out.read_text())[0]["digit"]
