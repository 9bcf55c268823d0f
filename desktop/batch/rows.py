"""A batch run's results: one Row per file, and the Tally of the whole run."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

UNCERTAIN = "uncertain"


class Row(NamedTuple):
    """One file's result. `digit` is "" on failure; a whole number with multi-digit reading.
    (A NamedTuple: tens of thousands are made a second.)"""
    path: str              # how the output names the file (its `path` column)
    file: str              # where the file is
    digit: str = ""
    confidence: float | None = None
    error: str = ""
    probabilities: tuple[float, ...] | None = None

    @property
    def status(self) -> str:
        """'ok', 'uncertain' or 'failed'."""
        if not self.error:
            return "ok"
        return UNCERTAIN if self.error == UNCERTAIN else "failed"


@dataclass
class Tally:
    """Counts of a run, updated as files are found and rows come out."""
    found: int = 0
    classified: int = 0
    uncertain: int = 0
    failed: int = 0
    hidden: int = 0
    not_images: int = 0
    folders_not_searched: int = 0
    digits: Counter = field(default_factory=Counter)

    @property
    def done(self) -> int:
        return self.classified + self.uncertain + self.failed

    def add(self, row: Row) -> None:
        status = row.status
        if status == "ok":
            self.classified += 1
            self.digits.update(row.digit)
        elif status == UNCERTAIN:
            self.uncertain += 1
        else:
            self.failed += 1
