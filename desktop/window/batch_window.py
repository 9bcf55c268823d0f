"""File > Classify folder…: the batch engine in the background, then a sortable results table.

Only wiring: the run is a `batch.BatchJob` on its own thread, whose rows reach the Tk thread
through a queue polled with `after()`; sorting (`sort_rows`) and saving (`output.save_rows`)
are plain functions.
"""

from __future__ import annotations

import os
import queue
import threading
import time
import tkinter as tk
from collections.abc import Callable
from functools import partial
from pathlib import Path
from tkinter import filedialog, messagebox, ttk

from desktop.batch.job import BatchJob, WorkersFailed
from desktop.batch.output import save_rows
from desktop.batch.progress import progress_text, summary
from desktop.batch.rows import Row
from desktop.engine.classifier import Classifier, ModelError
from desktop.engine.imagefile import ImageError, describe, load_image, read_bytes
from desktop.user.bug_log import bug_line
from desktop.user.settings import reading_numbers, remember_reading_numbers, take_notices
from desktop.window import pictures

POLL_MS = 50
STOP_WAIT_S = 5.0     # a run the switch stops is waited for at most this long (the window
                      # stays responsive meanwhile)
ROWS_PER_POLL = 500        # keeps the window responsive while a fast run pours rows in
PREVIEW_SIZE = 220
COLUMNS = {"file": ("File", 320), "digit": ("Digit", 70), "confidence": ("Confidence", 110),
           "error": ("Error", 260)}


def sort_key(column: str) -> Callable[[Row], tuple]:
    """Key for sorting rows by a column; rows without a value go last."""
    if column == "confidence":
        return lambda row: (row.confidence is None, row.confidence or 0.0)
    if column == "digit":
        return lambda row: (not row.digit, len(row.digit), row.digit)
    if column == "error":
        return lambda row: (not row.error, row.error.casefold())
    return lambda row: (row.path.casefold(), row.path)


def sort_rows(rows: list[Row], column: str, descending: bool = False) -> list[Row]:
    """Rows sorted by column; empty values stay last either way."""
    key = sort_key(column)
    filled = [r for r in rows if not key(r)[0]]
    empty = [r for r in rows if key(r)[0]]
    return sorted(filled, key=key, reverse=descending) + sorted(empty, key=key)


def cells(row: Row) -> tuple[str, str, str, str]:
    confidence = "" if row.confidence is None else f"{row.confidence:.1%}"
    return row.path, row.digit, confidence, row.error


class BatchWindow:
    """A Toplevel that classifies `folder` (and its subfolders) and shows the results."""

    def __init__(self, root: tk.Misc, classifier: Classifier, folder: str | os.PathLike,
                 recursive: bool = True, numbers: bool = False,
                 remember: Callable[[bool], None] | None = None):
        """numbers: read every digit of each image, as File > Open does (`classify
        --multi-digit`), rather than one digit an image; a box in the window switches it,
        running the folder again, and `remember`s the choice (OSError: said after the run)."""
        self.folder = str(folder)
        self.classifier, self.recursive, self.remember = classifier, recursive, remember
        self.notice = ""
        self.closed = False
        self._preview: tk.PhotoImage | None = None
        self._build(root, numbers)
        self._runs = 0
        self._start()

    def _start(self) -> None:
        """A run over the folder, on a thread of its own, into an empty table. The thread holds
        the job and the queue, never the window: a Tk object (an image of the preview) must not
        be freed on that thread when the window is gone before the run."""
        self.job = BatchJob([self.folder], self.classifier, recursive=self.recursive,
                            multi_digit=self.numbers.get())
        self.rows: list[Row] = []
        self.finished = False
        self.failure: str | None = None
        self.sorted_by: tuple[str, bool] | None = None
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._total: int | None = None
        self._started = time.monotonic()
        self.tree.delete(*self.tree.get_children())
        for name, (title, _) in COLUMNS.items():
            self.tree.heading(name, text=title)
        self.progress.configure(mode="indeterminate", value=0)
        self.progress.start(15)
        self.cancel_button.configure(state="normal")
        self.save_button.configure(state="disabled")
        self.status.configure(text="Looking for images…")
        self._thread = threading.Thread(target=_work, args=(self.job, self._queue),
                                        name="batch", daemon=True)
        self._thread.start()
        self._runs += 1
        self.window.after(POLL_MS, self._poll, self._runs)

    # ------------------------------------------------------------ layout

    def _build(self, root: tk.Misc, numbers: bool) -> None:
        self.window = tk.Toplevel(root)
        self.window.title(f"Classify {Path(self.folder).name or self.folder}")
        self.window.protocol("WM_DELETE_WINDOW", self.close)
        # Also when the main window goes (the app quits mid-run): the run stops, its worker
        # processes with it.
        self.window.bind("<Destroy>", self._destroyed, add="+")
        self.window.columnconfigure(0, weight=1)
        self.window.rowconfigure(1, weight=1)

        top = ttk.Frame(self.window, padding=8)
        top.grid(row=0, column=0, columnspan=2, sticky="ew")
        top.columnconfigure(0, weight=1)
        self.progress = ttk.Progressbar(top)  # each run starts it (`_start`)
        self.progress.grid(row=0, column=0, sticky="ew")
        self.cancel_button = ttk.Button(top, text="Cancel", command=self.cancel)
        self.cancel_button.grid(row=0, column=1, padx=(8, 0))
        self.status = ttk.Label(top)
        self.status.grid(row=1, column=0, sticky="w", pady=(4, 0))
        self.numbers = tk.BooleanVar(self.window, value=numbers)
        self.numbers_box = ttk.Checkbutton(top, text="Whole numbers", variable=self.numbers,
                                           command=self._numbers_switched)
        self.numbers_box.grid(row=1, column=1, sticky="e", padx=(8, 0), pady=(4, 0))

        table = ttk.Frame(self.window, padding=(8, 0))
        table.grid(row=1, column=0, sticky="nsew")
        table.rowconfigure(0, weight=1)
        table.columnconfigure(0, weight=1)
        self.tree = ttk.Treeview(table, columns=tuple(COLUMNS), show="headings", height=18)
        for name, (title, width) in COLUMNS.items():
            self.tree.heading(name, text=title, command=partial(self.sort_by, name))
            self.tree.column(name, width=width, anchor="w", stretch=name in ("file", "error"))
        scroll = ttk.Scrollbar(table, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=scroll.set)
        self.tree.grid(row=0, column=0, sticky="nsew")
        scroll.grid(row=0, column=1, sticky="ns")
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self.show_preview())

        side = ttk.Frame(self.window, padding=(0, 0, 8, 0))
        side.grid(row=1, column=1, sticky="n")
        self.preview = ttk.Label(side, text="Select a file\nto see it here", anchor="center",
                                 justify="center", width=28)
        self.preview.grid(row=0, column=0, sticky="n")
        self.preview_caption = ttk.Label(side, text="", wraplength=PREVIEW_SIZE)
        self.preview_caption.grid(row=1, column=0, sticky="w", pady=(4, 0))

        bottom = ttk.Frame(self.window, padding=8)
        bottom.grid(row=2, column=0, columnspan=2, sticky="ew")
        self.save_button = ttk.Button(bottom, text="Save results as CSV…",
                                      command=self.ask_save, state="disabled")
        self.save_button.pack(side="left")
        ttk.Button(bottom, text="Close", command=self.close).pack(side="right")

    # ------------------------------------------------------------ the run's results

    def _poll(self, run: int) -> None:
        if self.closed or run != self._runs:  # a run the box's switch left behind
            return
        for _ in range(ROWS_PER_POLL):
            try:
                kind, value = self._queue.get_nowait()
            except queue.Empty:
                break
            if kind == "row":
                self.rows.append(value)
                self.tree.insert("", "end", iid=str(len(self.rows) - 1), values=cells(value))
            elif kind == "total":
                self._total = value
                self.progress.stop()
                self.progress.configure(mode="determinate", maximum=max(value, 1))
            else:
                self._finish(failure=value if kind == "failed" else None)
                return
        self._show_progress()
        self.window.after(POLL_MS, self._poll, run)

    def _show_progress(self) -> None:
        done = self.job.tally.done
        if self._total is not None:
            self.progress.configure(value=done)
        self.status.configure(text=progress_text(done, self._total, self._elapsed()))

    def _elapsed(self) -> float:
        return time.monotonic() - self._started

    def _finish(self, failure: str | None) -> None:
        self.finished = True
        self.failure = failure
        self.progress.stop()
        self.progress.configure(mode="determinate", maximum=1, value=1)
        self.cancel_button.configure(state="disabled")
        self.save_button.configure(state="normal" if self.rows else "disabled")
        text = summary(self.job.tally, self._elapsed(), interrupted=self.job.cancelled)
        self.status.configure(text=" ".join(filter(None, (failure or text, self.notice))))

    # ------------------------------------------------------------ actions

    def cancel(self) -> None:
        self.job.cancel()
        self.status.configure(text="Stopping…")

    def _numbers_switched(self) -> None:
        """The folder read again, as whole numbers or one digit an image: the run under way
        stops first (its worker processes with it), so runs never pile up. The window waits
        for it without blocking (the box off meanwhile), at most STOP_WAIT_S."""
        self.job.cancel()
        self._runs += 1  # the stopping run's rows and end are no longer shown
        self.finished = False
        self.numbers_box.configure(state="disabled")
        self.cancel_button.configure(state="disabled")
        self.status.configure(text="Stopping the last run…")
        self._restart_when_stopped(time.monotonic() + STOP_WAIT_S)

    def _restart_when_stopped(self, deadline: float) -> None:
        if self.closed:
            return
        if self._thread.is_alive() and time.monotonic() < deadline:
            self.window.after(POLL_MS, self._restart_when_stopped, deadline)
            return
        self.numbers_box.configure(state="normal")
        self.notice = ""
        if self.remember is not None:
            try:
                self.remember(self.numbers.get())
            except OSError as err:
                self.notice = f"The choice cannot be remembered: {err.strerror or err}."
            self.notice = " ".join(filter(None, (self.notice, take_notices())))
        self._start()

    def sort_by(self, column: str) -> None:
        """Sort the table by column; a second click on the same heading reverses it."""
        descending = self.sorted_by == (column, False)
        self.sorted_by = (column, descending)
        index = {id(row): i for i, row in enumerate(self.rows)}
        for position, row in enumerate(sort_rows(self.rows, column, descending)):
            self.tree.move(str(index[id(row)]), "", position)
        for name, (title, _) in COLUMNS.items():
            arrow = (" ▼" if descending else " ▲") if name == column else ""
            self.tree.heading(name, text=title + arrow)

    def table(self) -> list[tuple[str, ...]]:
        """The table's rows as shown, top to bottom (for tests and saving)."""
        return [tuple(self.tree.item(iid, "values")) for iid in self.tree.get_children()]

    def selected_row(self) -> Row | None:
        selection = self.tree.selection()
        return self.rows[int(selection[0])] if selection else None

    def show_preview(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        try:
            data = read_bytes(row.file)
            rgb = pictures.fit(load_image(data), PREVIEW_SIZE, PREVIEW_SIZE)
            self._preview = tk.PhotoImage(master=self.window, format="PPM",
                                          data=pictures.ppm(rgb))
            self.preview.configure(image=self._preview, text="")
            caption = f"{row.path}\n{describe(data)}"
        except (ImageError, ValueError) as err:
            self._preview = None
            self.preview.configure(image="", text="No preview")
            caption = f"{row.path}\n{err}"
        self.preview_caption.configure(text=caption)

    def shown_rows(self) -> list[Row]:
        """The rows in the table's current order."""
        return [self.rows[int(iid)] for iid in self.tree.get_children()]

    def save_csv(self, path: str | os.PathLike) -> None:
        save_rows(self.shown_rows(), os.fspath(path))

    def ask_save(self) -> None:
        path = filedialog.asksaveasfilename(
            parent=self.window, title="Save results as CSV", defaultextension=".csv",
            initialfile="digits.csv", filetypes=[("CSV files", "*.csv"), ("All files", "*")])
        if not path:
            return
        try:
            self.save_csv(path)
        except OSError as err:
            messagebox.showerror("Cannot save", f"{path}: {err.strerror or err}",
                                 parent=self.window)

    def close(self) -> None:
        self.job.cancel()
        self.closed = True
        self.window.destroy()

    def _destroyed(self, event: tk.Event) -> None:
        if event.widget is self.window:
            self.job.cancel()
            self.closed = True

    def wait_stopped(self, timeout: float = 5.0) -> bool:
        """Wait for the run's thread (and so its worker processes) to end; False on timeout."""
        self._thread.join(timeout)
        return not self._thread.is_alive()


def _work(job: BatchJob, results: queue.SimpleQueue) -> None:
    """The run, on its own thread: the total, each row, then the end, through `results`."""
    try:
        job.count_in_background(lambda total: results.put(("total", total)))
        for row in job.rows():
            results.put(("row", row))
        results.put(("done", None))
    except (ModelError, WorkersFailed) as err:
        results.put(("failed", str(err)))
    except Exception as err:  # a bug: the user reads one line, the traceback goes to the log
        results.put(("failed", bug_line(err, "Stopped by an unexpected error")))


def open_batch_window(root: tk.Misc, classifier: Classifier,
                      settings_file: Path | None = None) -> None:
    """Ask for a folder, then classify it in a new window, reading whole numbers or one digit
    an image as chosen last (remembered in the settings: `settings_file`, None for the
    user's)."""
    folder = filedialog.askdirectory(parent=root, title="Classify the images in a folder",
                                     mustexist=True)
    if folder:
        BatchWindow(root, classifier, folder, numbers=reading_numbers(settings_file),
                    remember=lambda on: remember_reading_numbers(on, settings_file))
