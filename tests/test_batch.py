"""The batch engine on real files of every awkward kind, with the real model."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
from image_cases import EXPECTED, SKIPPED, exif_stored_pixels, paper
from PIL import Image

from desktop.batch.decode import read_source
from desktop.batch.files import Source, count_files, discover
from desktop.batch.job import BatchJob
from desktop.batch.rows import Tally

NOBODY = 65534


@pytest.fixture(scope="session")
def case_run(cases, classifier):
    job = BatchJob([str(cases)], classifier)
    return {row.path: row for row in job.rows()}, job.tally


@pytest.fixture(scope="session")
def mnist_folder(tmp_path_factory, mnist) -> Path:
    """The first 300 MNIST test digits as 28x28 PNGs, named index_label.png."""
    folder = tmp_path_factory.mktemp("mnist")
    for i, (image, label) in enumerate(zip(mnist.x_test[:300], mnist.y_test[:300], strict=True)):
        Image.fromarray(image).save(folder / f"{i:03d}_{label}.png")
    return folder


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_file_gets_its_row(case_run, name):
    rows, _ = case_run
    row, expected = rows[name], EXPECTED[name]
    if expected.startswith("error:"):
        assert expected.removeprefix("error:") in row.error
        assert (row.digit, row.confidence, row.status) == ("", None, "failed")
    else:
        assert (row.digit, row.error, row.status) == (expected, "", "ok")
        assert 0.5 < row.confidence <= 1.0
        assert len(row.probabilities) == 10


def test_hidden_files_and_non_images_are_skipped_and_counted(case_run):
    rows, tally = case_run
    assert not set(SKIPPED) & set(rows)
    assert (tally.hidden, tally.not_images) == (1, 1)
    assert tally.found == len(EXPECTED) + 1  # the hidden file is never opened
    assert tally.failed == sum(e.startswith("error:") for e in EXPECTED.values())


def test_rows_come_in_the_order_of_the_names(case_run):
    rows, _ = case_run
    assert list(rows) == sorted(EXPECTED)


@pytest.mark.parametrize("name", ["exif-6.jpg", "exif-8.jpg"])
def test_exif_files_are_unreadable_without_their_orientation(cases, case_run, classifier, name):
    """The EXIF cases prove something: their stored pixels, taken as they are, read poorly."""
    from desktop.engine.recipes import digit_input

    sideways = digit_input(exif_stored_pixels(cases / name))
    unturned = classifier.predict(sideways[None])[0][int(EXPECTED[name])]
    assert unturned < 0.5 < case_run[0][name].confidence


def test_the_decompression_bomb_is_refused_before_decoding(cases):
    decoded = read_source(Source(str(cases / "bomb.png"), "bomb.png"))
    assert decoded.error == ("too many pixels (100000x100000, over 64,000,000): refused as a "
                             "possible decompression bomb")


def test_mnist_pngs_read_exactly_as_the_model_reads_mnist(mnist_folder, mnist, classifier):
    """The fast path changes nothing: same digits as the model on MNIST's own arrays."""
    rows = list(BatchJob([str(mnist_folder)], classifier).rows())
    expected = classifier.predict(mnist.x_test[:300] / np.float32(255)).argmax(axis=1)
    assert [row.digit for row in rows] == [str(d) for d in expected]
    assert all(row.path == f"{i:03d}_{row.path[4]}.png" for i, row in enumerate(rows))


def test_recursive_finds_subfolders_and_plain_run_counts_them(tmp_path, digits):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".cache").mkdir()
    for path in (tmp_path / "top.png", tmp_path / "a" / "mid.png", tmp_path / "a" / "b" / "low.png",
                 tmp_path / ".cache" / "hidden.png"):
        paper(digits[2]).save(path)
    flat, deep = Tally(), Tally()
    assert [s.path for s in discover([str(tmp_path)], False, flat)] == ["top.png"]
    assert [s.path for s in discover([str(tmp_path)], True, deep)] == [
        os.path.join("a", "b", "low.png"), os.path.join("a", "mid.png"), "top.png"]
    assert (flat.folders_not_searched, flat.hidden, deep.hidden) == (1, 1, 1)
    assert count_files([str(tmp_path)], recursive=True) == 3


def test_several_paths_keep_rows_apart_by_their_folder(tmp_path, digits):
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        paper(digits[4]).save(tmp_path / folder / "same.png")
    paths = [str(tmp_path / "x"), str(tmp_path / "y")]
    assert [s.path for s in discover(paths)] == [os.path.join(p, "same.png") for p in paths]


def test_the_sort_into_folder_is_not_searched(tmp_path, digits):
    (tmp_path / "sorted" / "4").mkdir(parents=True)
    paper(digits[4]).save(tmp_path / "sorted" / "4" / "copy.png")
    paper(digits[4]).save(tmp_path / "original.png")
    found = discover([str(tmp_path)], True, exclude=[str(tmp_path / "sorted")])
    assert [s.path for s in found] == ["original.png"]


def test_the_sort_into_folder_made_during_the_walk_is_not_searched(tmp_path, digits):
    paper(digits[4]).save(tmp_path / "a.png")
    (tmp_path / "z").mkdir()
    paper(digits[4]).save(tmp_path / "z" / "b.png")
    found = discover([str(tmp_path)], True, exclude=[str(tmp_path / "sorted")])
    assert next(found).path == "a.png"
    (tmp_path / "sorted").mkdir()  # as the first row's copy makes it
    paper(digits[4]).save(tmp_path / "sorted" / "a.png")
    assert [s.path for s in found] == [os.path.join("z", "b.png")]


@pytest.mark.skipif(os.name == "nt", reason="folder links need privileges on Windows")
def test_links_back_up_the_tree_or_to_a_folder_seen_are_walked_once(tmp_path, digits):
    (tmp_path / "a").mkdir()
    paper(digits[4]).save(tmp_path / "a" / "four.png")
    (tmp_path / "a" / "up").symlink_to(tmp_path)         # a loop
    (tmp_path / "b").symlink_to(tmp_path / "a")          # the same folder again
    (tmp_path / "c").symlink_to(tmp_path / "nowhere")    # broken: not a folder
    found = [s.path for s in discover([str(tmp_path)], True)]
    assert found == [os.path.join("a", "four.png")]


def test_files_stream_through_a_bounded_window(tmp_path, mnist, classifier):
    """The first rows come out long before all files are even found: memory stays flat."""
    for i in range(2000):
        Image.fromarray(mnist.x_test[i]).save(tmp_path / f"{i:04d}.png")
    job = BatchJob([str(tmp_path)], classifier, workers=2)
    rows = job.rows()
    next(rows)
    assert job.used_processes and job.tally.found <= 600
    rows.close()


def test_a_small_run_starts_no_processes(tmp_path, mnist, classifier):
    for i in range(20):
        Image.fromarray(mnist.x_test[i]).save(tmp_path / f"{i:04d}.png")
    job = BatchJob([str(tmp_path)], classifier, workers=2)
    assert len(list(job.rows())) == 20 and not job.used_processes


def test_cancel_stops_the_run_early(mnist_folder, classifier):
    job = BatchJob([str(mnist_folder)], classifier, workers=2)
    rows = []
    for row in job.rows():
        rows.append(row)
        job.cancel()
    assert 1 <= len(rows) < 300
    assert job.cancelled


def test_min_confidence_marks_uncertain_rows(mnist_folder, classifier):
    rows = list(BatchJob([str(mnist_folder)], classifier, min_confidence=1.01).rows())
    assert {(r.digit, r.error, r.status) for r in rows} == {("", "uncertain", "uncertain")}
    assert all(r.confidence is not None for r in rows)


def test_multi_digit_reads_a_whole_number(tmp_path, digits, classifier):
    number = np.concatenate([255 - digits[d] for d in (2, 0, 7)], axis=1)
    Image.fromarray(number).resize((84 * 4, 28 * 4)).save(tmp_path / "number.png")
    (row,) = BatchJob([str(tmp_path)], classifier, multi_digit=True).rows()
    assert row.digit == "207"
    assert row.probabilities is None  # ten probabilities describe one digit, not a number


def test_a_missing_named_file_is_a_row_not_a_crash(tmp_path, classifier):
    (row,) = BatchJob([str(tmp_path / "gone.png")], classifier).rows()
    assert row.error == "file not found"


@contextlib.contextmanager
def effective_user(uid: int):
    """Run as another user for a moment (root only): root reads files whatever their mode."""
    os.seteuid(uid)
    try:
        yield
    finally:
        os.seteuid(0)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_an_unreadable_file_is_a_row_and_the_batch_goes_on(digits, classifier):
    folder = Path(tempfile.mkdtemp(prefix="unreadable-"))  # not under pytest's private tmp
    try:
        folder.chmod(0o755)
        paper(digits[5]).save(folder / "readable.png")
        paper(digits[5]).save(folder / "locked.png")
        (folder / "locked.png").chmod(0)
        job = BatchJob([str(folder)], classifier)
        if os.geteuid() == 0:
            with effective_user(NOBODY):
                rows = {row.path: row for row in job.rows()}
        else:
            rows = {row.path: row for row in job.rows()}
        assert rows["locked.png"].error == "permission denied"
        assert rows["readable.png"].digit == "5"
    finally:
        shutil.rmtree(folder)


def test_a_file_that_crashes_its_worker_is_an_error_row_and_the_run_goes_on(tmp_path, mnist,
                                                                             classifier):
    from processes import crash_on_marked

    from desktop.batch.ordering import CRASH

    for i in range(600):
        Image.fromarray(mnist.x_test[i]).save(tmp_path / f"{i:04d}_{mnist.y_test[i]}.png")
    os.rename(tmp_path / f"0300_{mnist.y_test[300]}.png", tmp_path / "0300_crash.png")
    job = BatchJob([str(tmp_path)], classifier, workers=2, work=crash_on_marked)
    rows = list(job.rows())
    assert job.used_processes and len(rows) == 600
    assert [row.path for row in rows] == sorted(p.name for p in tmp_path.iterdir())
    (crashed,) = [row for row in rows if row.error]
    assert crashed.path == "0300_crash.png" and crashed.error == CRASH
    expected = classifier.predict(mnist.x_test[:600] / np.float32(255)).argmax(axis=1)
    assert all(row.digit == str(expected[int(row.path[:4])]) for row in rows if not row.error)
    assert job.tally.failed == 1


@pytest.mark.parametrize("files", [40, 600])  # on threads; in worker processes
def test_a_file_whose_reading_raises_is_an_error_row_and_the_run_goes_on(tmp_path, mnist,
                                                                          classifier, capfd,
                                                                          files):
    from processes import raise_on_marked

    from desktop.batch.ordering import CRASH

    for i in range(files):
        Image.fromarray(mnist.x_test[i]).save(tmp_path / f"{i:04d}_{mnist.y_test[i]}.png")
    os.rename(tmp_path / f"0030_{mnist.y_test[30]}.png", tmp_path / "0030_crash.png")
    job = BatchJob([str(tmp_path)], classifier, workers=2, work=raise_on_marked)
    rows = list(job.rows())
    assert job.used_processes is (files == 600) and len(rows) == files
    assert [row.path for row in rows] == sorted(p.name for p in tmp_path.iterdir())
    (crashed,) = [row for row in rows if row.error]
    assert crashed.path == "0030_crash.png"
    assert crashed.error == f"{CRASH}: IndexError: a bug on some input"  # what was raised
    expected = classifier.predict(mnist.x_test[:files] / np.float32(255)).argmax(axis=1)
    assert all(row.digit == str(expected[int(row.path[:4])]) for row in rows if not row.error)
    assert "Traceback" not in capfd.readouterr().err


def test_a_run_reads_with_one_thread_a_call_whoever_made_the_classifier(classifier, tmp_path):
    """The window hands over its own classifier (all cores a call): on threads as in the
    worker processes, a run reads with one onnxruntime thread a call, from the same model."""
    from desktop.engine.classifier import Classifier, ModelRef, bundled_model_path

    assert classifier.threads == 0
    job = BatchJob([str(tmp_path)], classifier)
    assert job.classifier.threads == 1 and job.classifier.path == classifier.path
    assert job.settings.model == ModelRef(None, 1)  # the bundled model, by any of its names
    assert BatchJob([str(tmp_path)], Classifier(bundled_model_path(), threads=1)
                    ).settings.model == ModelRef(None, 1)
    copy = tmp_path / "copy" / "digits.onnx"
    copy.parent.mkdir()
    copy.write_bytes(bundled_model_path().read_bytes())
    assert BatchJob([str(tmp_path)], Classifier(copy)).settings.model == ModelRef(copy, 1)
