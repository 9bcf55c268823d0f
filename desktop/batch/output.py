"""Write batch results as CSV or JSON, to stdout or atomically to a file.

A file is written under a temporary hidden name beside it and renamed into place only when the
run completes, so an interrupted run leaves no half-written file and an existing file untouched;
an existing file is replaced only when asked to (`force`).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import secrets
import sys
from typing import IO, Any

from desktop.batch.rows import Row

FORMATS = ("csv", "json")
COLUMNS = ("path", "digit", "confidence", "error")
PROBABILITY_COLUMNS = tuple(f"p{d}" for d in range(10))


class OutputError(Exception):
    """The output cannot be written where asked; one line for the user (a usage error)."""


def columns(probabilities: bool) -> tuple[str, ...]:
    return COLUMNS + (PROBABILITY_COLUMNS if probabilities else ())


def row_values(row: Row, probabilities: bool) -> list[str]:
    """The CSV cells of a row: confidence and probabilities to 4 decimals, empty when unknown."""
    values = [row.path, row.digit,
              "" if row.confidence is None else f"{row.confidence:.4f}", row.error]
    if probabilities:
        values += [f"{p:.4f}" for p in row.probabilities] if row.probabilities else [""] * 10
    return values


def row_object(row: Row, probabilities: bool, multi_digit: bool) -> dict:
    """A row as JSON: digit is a number, or a string of digits when reading whole numbers."""
    digit: int | str | None = None
    if row.digit:
        digit = row.digit if multi_digit else int(row.digit)
    obj: dict[str, object] = {"path": row.path, "digit": digit,
           "confidence": None if row.confidence is None else round(row.confidence, 6),
           "error": row.error or None}
    if probabilities:
        obj["probabilities"] = ([round(p, 6) for p in row.probabilities]
                                if row.probabilities else None)
    return obj


class ResultWriter:
    """Rows → CSV or JSON. `open()` checks the destination first (OutputError), `write()` each
    row, then `commit()` (renames into place) or `discard()` (leaves no trace)."""

    def __init__(self, out: str = "-", fmt: str = "csv", probabilities: bool = False,
                 multi_digit: bool = False, force: bool = False):
        if fmt not in FORMATS:
            raise OutputError(f"unknown format {fmt!r}: choose csv or json")
        self.out, self.fmt, self.force = out, fmt, force
        self.probabilities, self.multi_digit = probabilities, multi_digit
        # stdout's buffer rewrapped, a device, or the temporary file: only open() sets it
        self._stream: Any = None
        self._temp: str | None = None
        self._csv: Any = None  # csv.writer's type is private
        self._rows = 0
        self._finished = False

    @property
    def to_stdout(self) -> bool:
        return self.out == "-"

    @property
    def to_device(self) -> bool:
        """An existing non-regular file (/dev/null, a pipe): written in place, never replaced."""
        return (not self.to_stdout and os.path.exists(self.out)
                and not os.path.isdir(self.out) and not os.path.isfile(self.out))

    def open(self) -> ResultWriter:
        if self.to_stdout:
            self._stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8",
                                            errors="surrogateescape", newline="",
                                            line_buffering=False, write_through=True) \
                if hasattr(sys.stdout, "buffer") else sys.stdout
        elif self.to_device:
            self._stream = open(self.out, "w", encoding="utf-8", newline="",  # noqa: SIM115
                                errors="surrogateescape")
        else:
            self._stream = self._open_temp()
        if self.fmt == "csv":
            self._csv = csv.writer(self._stream, lineterminator="\n")
            self._csv.writerow(columns(self.probabilities))
        else:
            self._stream.write("[")
        return self

    def check(self) -> None:
        """Refuse a folder, or an existing file without force (cheap: before any work)."""
        if self.to_stdout or self.to_device:
            return
        if os.path.isdir(self.out):
            raise OutputError(f"{self.out}: is a folder; give a file name for the results")
        if os.path.lexists(self.out) and not self.force:
            raise OutputError(f"{self.out}: already exists; use --force to replace it")

    def _open_temp(self) -> IO[str]:
        self.check()
        folder, name = os.path.split(os.path.abspath(self.out))
        self._temp = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        try:  # 0o666 less the umask, like any new file (mkstemp would make it private)
            descriptor = os.open(self._temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except OSError as err:
            self._temp = None
            raise OutputError(f"{self.out}: cannot write there ({err.strerror or err})") from None
        return open(descriptor, "w", encoding="utf-8", errors="surrogateescape", newline="")

    def write(self, row: Row) -> None:
        if self._csv is not None:
            self._csv.writerow(row_values(row, self.probabilities))
        else:
            text = json.dumps(row_object(row, self.probabilities, self.multi_digit),
                              ensure_ascii=False)
            self._stream.write(("," if self._rows else "") + "\n  " + text)
        self._rows += 1

    def commit(self) -> None:
        """Finish the output; a file replaces any old one only now, in one rename."""
        self._finished = True
        if self.fmt == "json":
            self._stream.write("\n]\n" if self._rows else "]\n")
        if self.to_stdout:
            self._stream.flush()
            if self._stream is not sys.stdout:
                self._stream.detach()  # leave sys.stdout open
            return
        if self._temp is None:  # a device or pipe: written in place
            self._stream.close()
            return
        self._stream.flush()
        os.fsync(self._stream.fileno())
        self._stream.close()
        os.replace(self._temp, self.out)
        self._temp = None

    def discard(self) -> None:
        """Drop what was written to a file (stdout cannot be taken back); once only."""
        if self._finished or self._stream is None:
            return
        self._finished = True
        if self.to_stdout:
            self._stream.flush()
            if self._stream is not sys.stdout:
                self._stream.detach()
            return
        if self._stream is not None:
            self._stream.close()
        if self._temp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._temp)
            self._temp = None


def save_rows(rows: list[Row], path: str, probabilities: bool = False) -> None:
    """All rows as CSV at path, replacing it (the app's Save as CSV…; the dialog asked)."""
    writer = ResultWriter(path, "csv", probabilities, force=True).open()
    try:
        for row in rows:
            writer.write(row)
        writer.commit()
    except BaseException:
        writer.discard()
        raise
