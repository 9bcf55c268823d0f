"""`python -m desktop teach FOLDER...`: labelled samples from image files, and `classify
--personal` reading with what they teach (in this process, on threads and in workers)."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from PIL import Image

from desktop.cli import main
from desktop.user.samples import count_samples, load_samples
from devtools.made_up import pick, struck_through, write_folder


@pytest.fixture(scope="module")
def style(mnist, tmp_path_factory):
    """Five struck-through training digits of each digit as FOLDER/<digit>/ PNGs, and 300
    struck-through test digits (enough for worker processes) in one folder."""
    root = tmp_path_factory.mktemp("style")
    index = pick(mnist.y_train, 5)
    write_folder(root / "teach", struck_through(mnist.x_train[index]), mnist.y_train[index],
                 by_digit=True)
    write_folder(root / "read", struck_through(mnist.x_test[:300]), mnist.y_test[:300])
    return root


def test_teach_adds_every_good_file_with_its_label(style, tmp_path, capsys):
    assert main(["teach", str(style / "teach"), "--samples-dir", str(tmp_path)]) == 0
    assert count_samples(tmp_path) == {d: 5 for d in range(10)}
    samples = load_samples(tmp_path)
    assert not samples.unreadable and np.bincount(samples.labels).tolist() == [5] * 10
    summary = capsys.readouterr().err.strip()
    assert summary == f"added 50 samples to {tmp_path} (" + " ".join(
        f"{d}:5" for d in range(10)) + ")"
    from train.extra import load_extra  # fine-tuning (make finetune) reads them as it reads all

    _, labels, _ = load_extra(tmp_path)
    assert np.bincount(labels).tolist() == [5] * 10


def test_bad_files_get_a_line_each_and_exit_1(style, tmp_path, capsys):
    folder = tmp_path / "mixed"
    (folder / "3").mkdir(parents=True)
    (folder / "8").mkdir()
    (folder / "notes").mkdir()  # not a digit: not read
    Image.open(next((style / "teach" / "3").glob("*.png"))).save(folder / "3" / "good.png")
    (folder / "3" / "text.png").write_text("not an image", encoding="utf-8")
    (folder / "8" / "empty.jpg").write_bytes(b"")
    Image.new("L", (60, 60), 255).save(folder / "8" / "blank.png")
    (folder / "notes" / "x.png").write_text("never read", encoding="utf-8")
    samples = tmp_path / "samples"
    assert main(["teach", str(folder), "--samples-dir", str(samples)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    bad = sorted(line.split(": ", 1)[0].rsplit("/", 1)[1] for line in lines[:-1])
    assert bad == ["blank.png", "empty.jpg", "text.png"]
    assert lines[-1].endswith("(0:0 1:0 2:0 3:1 4:0 5:0 6:0 7:0 8:0 9:0); 3 files failed")
    assert count_samples(samples)[3] == 1 and sum(count_samples(samples).values()) == 1


@pytest.mark.parametrize("case", ["missing", "no digit folders", "unwritable"])
def test_usage_errors_exit_2_in_one_line(case, tmp_path, style, capsys):
    samples = tmp_path / "samples"
    if case == "unwritable":
        samples = tmp_path / "a file"
        samples.write_text("in the way", encoding="utf-8")
    folder = {"missing": tmp_path / "nowhere", "no digit folders": tmp_path,
              "unwritable": style / "teach"}[case]
    assert main(["teach", str(folder), "--samples-dir", str(samples)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith("python -m desktop teach: error: ")


def read_rows(path) -> dict[str, str]:
    with open(path, newline="", encoding="utf-8") as f:
        return {row["path"]: row["digit"] for row in csv.DictReader(f)}


def right(rows: dict[str, str]) -> float:
    return float(np.mean([digit == path.rsplit("_", 1)[1][0] for path, digit in rows.items()]))


def test_classify_personal_reads_with_the_samples_in_workers_too(style, tmp_path):
    samples = tmp_path / "samples"
    assert main(["teach", str(style / "teach"), "--samples-dir", str(samples), "-q"]) == 0
    runs = {"plain": [], "personal": ["--personal", "--jobs", "1"],
            "workers": ["--personal", "--jobs", "2"]}
    for name, flags in runs.items():
        code = main(["classify", str(style / "read"), "--out", str(tmp_path / f"{name}.csv"),
                     "-q", "--samples-dir", str(samples), *flags])
        assert code == 0
    rows = {name: read_rows(tmp_path / f"{name}.csv") for name in runs}
    assert len(rows["workers"]) == 300 and rows["workers"] == rows["personal"]
    assert right(rows["personal"]) >= right(rows["plain"]) + 0.1


def test_classify_personal_with_a_model_without_features_is_a_usage_error(style, tmp_path,
                                                                          capsys):
    import onnx

    from desktop.engine.classifier import bundled_model_path

    proto = onnx.load(str(bundled_model_path()))
    del proto.graph.output[3:]  # an export with features but without style
    onnx.save(proto, str(tmp_path / "old.onnx"))
    assert main(["classify", str(style / "read"), "--model", str(tmp_path / "old.onnx"),
                 "--personal", "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "lacks the features and style outputs" in err


def test_a_folder_overlapping_the_samples_folder_is_refused(style, tmp_path, capsys):
    """The samples folder has the very layout teach reads: teaching from it, or from a folder
    holding it, would add every sample again."""
    samples = tmp_path / "samples"
    assert main(["teach", str(style / "teach"), "--samples-dir", str(samples), "-q"]) == 0
    for folder in (samples, tmp_path):
        assert main(["teach", str(folder), "--samples-dir", str(samples)]) == 2
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and "overlap" in err
    assert sum(count_samples(samples).values()) == 50


def test_a_digit_folder_that_cannot_be_listed_is_one_line_and_the_rest_is_added(
        style, tmp_path, capsys, monkeypatch):
    from pathlib import Path

    unlisted = style / "teach" / "4"
    real_iterdir = Path.iterdir

    def iterdir(self):
        if self == unlisted:
            raise PermissionError(13, "Permission denied")
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    samples = tmp_path / "samples"
    twice = str(style / "teach")
    assert main(["teach", twice, twice, "--samples-dir", str(samples)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0] == f"{unlisted}: cannot list folder: Permission denied"
    assert count_samples(samples) == {d: 0 if d == 4 else 5 for d in range(10)}  # each once


def test_a_name_with_an_escape_sequence_is_printed_escaped(style, tmp_path, capsys):
    folder = tmp_path / "odd"
    (folder / "2").mkdir(parents=True)
    (folder / "2" / "\x1b[2Jwiped.png").write_text("not an image", encoding="utf-8")
    assert main(["teach", str(folder), "--samples-dir", str(tmp_path / "samples")]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b[2Jwiped.png: " in err
