"""Write batch results as CSV or JSON, to stdout or atomically to a file.

A file is written under a temporary hidden name beside it and moved into place only when the
run completes, so an interrupted run leaves no half-written file and an existing file untouched;
an existing file is replaced only when asked to (`force`), also one that appeared during the run
(another run writing the same file): without `force` the move is a hard link, which never
replaces anything.

File names are the user's, not ours: a cell a spreadsheet would run as a formula gets a leading
quote in CSV, and bytes of a name that are not UTF-8 are escaped, so every output is valid UTF-8.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sys
from collections.abc import Sequence
from typing import IO, Any

from desktop.batch.files import is_input
from desktop.batch.rows import Row
from desktop.names import printable, temporary_name

FORMATS = ("csv", "json")
COLUMNS = ("path", "digit", "confidence", "error")
PROBABILITY_COLUMNS = tuple(f"p{d}" for d in range(10))


# Characters UTF-8 cannot encode (bytes of a name that are not UTF-8, which Python holds as lone
# surrogates) are written as \udcXX: a JSON escape that json.loads and os.fsencode turn back
# into the byte; in CSV the same six characters.
ESCAPE = "backslashreplace"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets run as a formula (OWASP)


class OutputError(Exception):
    """The output cannot be written where asked; one line for the user (a usage error)."""


class OutputClosed(Exception):
    """The reader of standard output went away (`classify ... | head`): stop quietly."""


def csv_cell(text: str) -> str:
    """A file name as a CSV cell: a leading quote keeps a spreadsheet from running it as a
    formula (drop the quote to get the name back)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def columns(probabilities: bool) -> tuple[str, ...]:
    return COLUMNS + (PROBABILITY_COLUMNS if probabilities else ())


def row_values(row: Row, probabilities: bool) -> list[str]:
    """The CSV cells of a row: confidence and probabilities to 4 decimals, empty when unknown."""
    values = [csv_cell(row.path), row.digit,
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

    @property
    def name(self) -> str:
        """How messages name the output."""
        return "standard output" if self.to_stdout else self.out

    def open(self) -> ResultWriter:
        """Open the destination and write the header (OutputError when it cannot)."""
        if self.to_stdout:
            if sys.stdout is None:  # started with stdout closed (`>&-`)
                raise OutputError("standard output is closed; give --out FILE")
            self._stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8",
                                            errors=ESCAPE, newline="",
                                            line_buffering=False, write_through=True) \
                if hasattr(sys.stdout, "buffer") else sys.stdout
        elif self.to_device:
            try:
                self._stream = open(self.out, "w", encoding="utf-8", newline="",  # noqa: SIM115
                                    errors=ESCAPE)
            except OSError as err:
                raise self._error(err) from None
        else:
            self._stream = self._open_temp()
        self._guarded(self._header)
        return self

    def _header(self) -> None:
        if self.fmt == "csv":
            self._csv = csv.writer(self._stream, lineterminator="\n")
            self._csv.writerow(columns(self.probabilities))
        else:
            self._stream.write("[")

    def _error(self, err: OSError) -> OutputError:
        return OutputError(f"{printable(self.name)}: cannot write ({err.strerror or err})")

    def _guarded(self, write) -> None:
        """Run a write; a full disk or a closed pipe becomes OutputError or OutputClosed."""
        try:
            write()
        except BrokenPipeError:
            if self.to_stdout or self.to_device:
                raise OutputClosed() from None
            raise
        except OSError as err:
            raise self._error(err) from None

    def check(self, inputs: Sequence[str] = (), recursive: bool = False) -> None:
        """Refuse a folder, an existing file without force, or one of the `inputs` (cheap:
        before any work)."""
        if self.to_stdout or self.to_device:
            return
        shown = printable(self.out)
        if os.path.isdir(self.out) or self.out.endswith(("/", os.sep)):
            raise OutputError(f"{shown}: is a folder; give a file name for the results")
        if is_input(self.out, inputs, recursive):
            raise OutputError(f"{shown}: is one of the images being classified; "
                              "write the results elsewhere")
        if os.path.lexists(self.out) and not self.force:
            raise OutputError(f"{shown}: already exists; use --force to replace it")
        folder = os.path.dirname(os.path.abspath(self.out))
        if not os.path.isdir(folder):
            raise OutputError(f"{shown}: no such folder")

    def _open_temp(self) -> IO[str]:
        self.check()
        folder, name = os.path.split(os.path.abspath(self.out))
        self._temp = os.path.join(folder, temporary_name(name))
        try:  # 0o666 less the umask, like any new file (mkstemp would make it private)
            descriptor = os.open(self._temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except OSError as err:
            self._temp = None
            raise OutputError(f"{printable(self.out)}: cannot write there "
                              f"({err.strerror or err})") from None
        return open(descriptor, "w", encoding="utf-8", errors=ESCAPE, newline="")

    def write(self, row: Row) -> None:
        """One row (OutputError on a full disk, OutputClosed when stdout's reader is gone)."""
        if self._csv is not None:
            self._guarded(lambda: self._csv.writerow(row_values(row, self.probabilities)))
        else:
            text = json.dumps(row_object(row, self.probabilities, self.multi_digit),
                              ensure_ascii=False)
            self._guarded(lambda: self._stream.write(("," if self._rows else "") + "\n  " + text))
        self._rows += 1

    def commit(self) -> None:
        """Finish the output; a file takes its place only now, in one step (OutputError when it
        cannot: the temporary file stays for discard() to remove)."""
        if self.fmt == "json":
            self._guarded(lambda: self._stream.write("\n]\n" if self._rows else "]\n"))
        if self.to_stdout:
            self._guarded(self._stream.flush)
            self._release_stdout()
        elif self._temp is None:  # a device or pipe: written in place
            self._guarded(self._stream.close)
        else:
            self._guarded(self._stream.flush)
            self._guarded(lambda: os.fsync(self._stream.fileno()))
            self._guarded(self._stream.close)
            self._guarded(self._move_into_place)
            self._temp = None
        self._finished = True

    def _move_into_place(self) -> None:
        """Rename the temporary file to `out`; without force, never over a file that appeared
        since the check (a hard link fails where the name exists, a rename would not)."""
        assert self._temp is not None
        if self.force:
            os.replace(self._temp, self.out)
            return
        appeared = OutputError(f"{printable(self.out)}: appeared while this run was reading "
                               "(another run?); not replaced (use --force)")
        try:
            os.link(self._temp, self.out)
        except FileExistsError:
            raise appeared from None
        except OSError:  # no hard links on this file system: check, then rename
            if os.path.lexists(self.out):
                raise appeared from None
            os.replace(self._temp, self.out)
            return
        os.unlink(self._temp)

    def _release_stdout(self) -> None:
        if self._stream is not sys.stdout:
            with contextlib.suppress(ValueError):
                self._stream.detach()  # leave sys.stdout open

    def discard(self) -> None:
        """Drop what was written to a file (stdout cannot be taken back); once only, and never
        fails: a full disk or a gone reader must not keep the temporary file."""
        if self._finished or (self._stream is None and self._temp is None):
            return
        self._finished = True
        if self.to_stdout:
            with contextlib.suppress(OSError, ValueError):
                self._stream.flush()
            self._release_stdout()
            return
        if self._stream is not None:  # None: stopped (Ctrl-C) between creating the file and
            with contextlib.suppress(OSError, ValueError):  # opening it as a stream
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
