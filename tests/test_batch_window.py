"""File > Classify folder…: the real window under Xvfb, the real engine and model."""

from __future__ import annotations

import csv
import os
import shutil
import tkinter as tk
from pathlib import Path

import pytest
from app_window import pump
from image_cases import paper
from processes import batch_workers, gone

from desktop.batch.rows import Row
from desktop.engine.reading import read_image_file
from desktop.window.batch_window import BatchWindow, sort_rows

pytestmark = pytest.mark.gui
AMOUNT = Path(__file__).parent / "data" / "printed_paper" / "881781.png"  # real pen ink


@pytest.fixture(scope="module")
def folder(tmp_path_factory, digits):
    path = tmp_path_factory.mktemp("window")
    for digit in (3, 0, 8, 5):
        paper(digits[digit]).save(path / f"digit {digit}.png")
    (path / "sub").mkdir()
    paper(digits[9]).save(path / "sub" / "nine.png")
    (path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    return path


@pytest.fixture
def root(xvfb_display):
    root = tk.Tk()
    root.withdraw()
    yield root
    root.destroy()


@pytest.fixture
def finished(root, folder, classifier) -> BatchWindow:
    window = BatchWindow(root, classifier, folder)
    pump(root, lambda: window.finished, timeout=60.0)
    return window


def confidence_alone(path, classifier) -> str:
    """The confidence of the file's digit as the app reads the file alone, as the table
    writes it (one decimal, %)."""
    reading = read_image_file(str(path), classifier)
    (confidence,) = reading.confidences
    return f"{confidence * 100:.1f}%"


def test_the_table_shows_one_row_per_file(finished, folder, classifier):
    assert finished.table() == [
        ("broken.png", "", "", "damaged PNG file: its header cannot be read"),
        ("digit 0.png", "0", confidence_alone(folder / "digit 0.png", classifier), ""),
        ("digit 3.png", "3", confidence_alone(folder / "digit 3.png", classifier), ""),
        ("digit 5.png", "5", confidence_alone(folder / "digit 5.png", classifier), ""),
        ("digit 8.png", "8", confidence_alone(folder / "digit 8.png", classifier), ""),
        (os.path.join("sub", "nine.png"), "9", confidence_alone(folder / "sub" / "nine.png",
                                                                classifier), ""),
    ]
    assert str(finished.save_button.cget("state")) == "normal"
    assert str(finished.cancel_button.cget("state")) == "disabled"
    assert "1 failed" in finished.status.cget("text")


def test_clicking_a_heading_sorts_and_a_second_click_reverses(finished):
    def click(column: str) -> None:
        finished.tree.tk.call(finished.tree.heading(column, "command"))

    click("digit")
    assert [r[1] for r in finished.table()] == ["0", "3", "5", "8", "9", ""]
    click("digit")
    assert [r[1] for r in finished.table()] == ["9", "8", "5", "3", "0", ""]
    assert finished.tree.heading("digit", "text").endswith("▼")
    click("confidence")
    shown = [float(r[2].rstrip("%")) for r in finished.table()[:-1]]
    assert shown == sorted(shown) and finished.table()[-1][0] == "broken.png"


def test_selecting_a_row_previews_its_file(finished):
    finished.tree.selection_set("1")  # digit 0.png
    finished.window.update()
    assert finished._preview is not None
    assert finished._preview.width() <= 220 and finished._preview.height() <= 220
    assert "PNG 112x112" in finished.preview_caption.cget("text")
    finished.tree.selection_set("0")  # the broken file
    finished.window.update()
    assert finished.preview.cget("text") == "No preview"


def test_save_results_as_csv_in_the_order_shown(finished, tmp_path):
    finished.tree.tk.call(finished.tree.heading("digit", "command"))
    finished.save_csv(tmp_path / "results.csv")
    with open(tmp_path / "results.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["digit"] for r in rows] == ["0", "3", "5", "8", "9", ""]
    assert rows[-1]["error"].startswith("damaged PNG")


def running(root, classifier, folder: Path, tmp_path: Path) -> tuple[BatchWindow, set[int]]:
    """A window classifying 2,000 files, once its worker processes are busy; and those."""
    before = batch_workers(os.getpid())
    for i in range(2000):
        os.link(folder / "digit 3.png", tmp_path / f"{i:04d}.png")
    window = BatchWindow(root, classifier, tmp_path)
    pump(root, lambda: len(window.rows) >= 64, timeout=60.0)
    workers = batch_workers(os.getpid()) - before
    assert window.job.used_processes and len(workers) >= 2
    return window, workers


def test_cancel_stops_the_run_and_its_worker_processes(root, folder, classifier, tmp_path):
    window, workers = running(root, classifier, folder, tmp_path)
    window.cancel_button.invoke()
    pump(root, lambda: window.finished, timeout=60.0)
    assert window.job.cancelled and len(window.rows) < 2000
    assert window.status.cget("text").startswith("Interrupted after")
    assert window.wait_stopped() and gone(workers)
    window.close()


def test_closing_the_window_mid_run_stops_its_worker_processes(root, folder, classifier,
                                                              tmp_path):
    window, workers = running(root, classifier, folder, tmp_path)
    window.close()
    assert window.job.cancelled
    assert window.wait_stopped() and gone(workers)


def test_quitting_the_app_mid_run_stops_the_worker_processes(xvfb_display, folder, classifier,
                                                             tmp_path):
    main = tk.Tk()
    main.withdraw()
    window, workers = running(main, classifier, folder, tmp_path)
    main.destroy()  # the app's main window, and with it every batch window
    assert window.job.cancelled
    assert window.wait_stopped() and gone(workers)


def test_sort_rows_keeps_empty_values_last():
    rows = [Row("a", "a", "", None, "bad"), Row("b", "b", "7", 0.9), Row("c", "c", "1", 0.5)]
    assert [r.path for r in sort_rows(rows, "digit")] == ["c", "b", "a"]
    assert [r.path for r in sort_rows(rows, "digit", descending=True)] == ["b", "c", "a"]
    assert [r.path for r in sort_rows(rows, "error")] == ["a", "b", "c"]


def test_rows_come_while_the_tree_is_still_being_counted(root, folder, classifier,
                                                         monkeypatch):
    """Counting a large tree takes as long as listing it: the first rows must not wait for it
    (the count is held back here until the whole table is shown)."""
    import threading

    from desktop.batch.job import BatchJob

    counted = threading.Event()
    count = BatchJob.count
    monkeypatch.setattr(BatchJob, "count", lambda job: counted.wait(60) and count(job))
    window = BatchWindow(root, classifier, folder)
    try:
        pump(root, lambda: window.finished, timeout=60.0)
        assert len(window.rows) == 6 and window._total is None
    finally:
        counted.set()
        window.close()


def test_a_window_closed_mid_run_is_freed_here_not_on_the_run_thread(root, folder, classifier,
                                                                   monkeypatch):
    """The run's thread holds the job and its queue, never the window: freed there, its Tk
    objects (the preview image) would be deleted from the wrong thread."""
    import gc
    import threading
    import time
    import weakref

    from desktop.batch.job import BatchJob

    release = threading.Event()
    rows = BatchJob.rows
    monkeypatch.setattr(BatchJob, "rows", lambda job: (release.wait(60), (yield from rows(job))))
    window = BatchWindow(root, classifier, folder)
    thread, freed = window._thread, weakref.ref(window)
    window.close()
    del window
    deadline = time.monotonic() + 2.0  # the poll already scheduled runs once more, then stops
    while time.monotonic() < deadline:
        root.update()
        time.sleep(0.01)
    gc.collect()
    try:
        assert thread.is_alive() and freed() is None
    finally:
        release.set()
        thread.join(30)


def digits_read(window: BatchWindow) -> dict[str, str]:
    return {row.path: row.digit for row in window.rows}


def test_whole_numbers_reads_the_folder_again_as_the_app_reads_each_file(root, folder,
                                                                       classifier, tmp_path):
    """The box switches between one digit an image and whole numbers, File > Open's reading
    (an amount read as one digit before), reading the folder again into an empty table."""
    shutil.copytree(folder, tmp_path, dirs_exist_ok=True)
    shutil.copyfile(AMOUNT, tmp_path / "montant à lire.png")
    window = BatchWindow(root, classifier, tmp_path)
    try:
        pump(root, lambda: window.finished, timeout=60.0)
        digits = digits_read(window)
        assert len(digits) == 7 and len(digits["montant à lire.png"]) == 1
        window.numbers_box.invoke()
        pump(root, lambda: window.finished, timeout=60.0)
        assert window.job.settings.multi_digit and len(window.table()) == 7
        app = {path: "".join(map(str, reading.digits)) if reading else ""
               for path, reading in ((p, app_reading(tmp_path / p, classifier)) for p in digits)}
        assert digits_read(window) == app
        assert app["montant à lire.png"] == AMOUNT.stem
        window.numbers_box.invoke()  # and back: one digit an image, as at first
        pump(root, lambda: window.finished, timeout=60.0)
        assert digits_read(window) == digits and not window.job.settings.multi_digit
    finally:
        window.close()


def app_reading(path: Path, classifier):
    """The app's reading of the file opened alone, None where it cannot open it."""
    from desktop.engine.imagefile import ImageError

    try:
        return read_image_file(str(path), classifier)
    except ImageError:
        return None


def test_switching_mid_run_stops_that_run_and_its_worker_processes(root, folder, classifier,
                                                                   tmp_path):
    window, workers = running(root, classifier, folder, tmp_path)
    first = window.job
    window.numbers_box.invoke()
    assert first.cancelled and gone(workers)
    pump(root, lambda: window.finished, timeout=120.0)
    assert window.job.settings.multi_digit and len(window.table()) == 2000
    assert set(digits_read(window).values()) == {"3"}
    window.close()
    assert window.wait_stopped()


def test_switching_waits_for_the_stopping_run_without_holding_the_window(root, folder,
                                                                        classifier, monkeypatch):
    """A run slow to stop (its next file read elsewhere first) keeps the window live: the box
    is off and the status says why until that run ends; then the folder is read again."""
    import threading

    from desktop.batch.job import BatchJob

    release = threading.Event()
    rows = BatchJob.rows
    monkeypatch.setattr(BatchJob, "rows", lambda job: (release.wait(60), (yield from rows(job))))
    window = BatchWindow(root, classifier, folder)
    try:
        first = window._thread
        window.numbers_box.invoke()
        root.update()
        assert first.is_alive() and str(window.numbers_box.cget("state")) == "disabled"
        assert window.status.cget("text") == "Stopping the last run…" and not window.finished
        release.set()
        pump(root, lambda: window.finished, timeout=60.0)
        assert window.job.settings.multi_digit and len(window.rows) == 6
        assert str(window.numbers_box.cget("state")) == "normal"
    finally:
        release.set()
        window.close()


def test_the_numbers_choice_is_remembered_and_a_failure_to_is_said(root, folder, classifier,
                                                                   tmp_path):
    from desktop.user.settings import reading_numbers, remember_reading_numbers

    settings = tmp_path / "settings.json"
    window = BatchWindow(root, classifier, folder, numbers=reading_numbers(settings),
                         remember=lambda on: remember_reading_numbers(on, settings))
    try:
        pump(root, lambda: window.finished, timeout=60.0)
        assert not window.numbers.get()
        window.numbers_box.invoke()
        pump(root, lambda: window.finished, timeout=60.0)
        assert reading_numbers(settings) and window.job.settings.multi_digit
    finally:
        window.close()
    again = BatchWindow(root, classifier, folder, numbers=reading_numbers(settings),
                        remember=lambda on: remember_reading_numbers(on, tmp_path))  # a folder
    try:
        assert again.numbers.get() and again.job.settings.multi_digit  # as chosen last
        pump(root, lambda: again.finished, timeout=60.0)
        again.numbers_box.invoke()
        pump(root, lambda: again.finished, timeout=60.0)
        assert not again.job.settings.multi_digit  # switched all the same,
        assert again.status.cget("text").endswith("The choice cannot be remembered: "
                                                  "Is a directory.")  # and said
        assert reading_numbers(settings)
    finally:
        again.close()
