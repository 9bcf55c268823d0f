"""`python -m desktop classify`: called as main(argv), and once for real in a subprocess."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from image_cases import EXPECTED, paper
from processes import children, gone

from desktop.batch.cli import main

ROOT = Path(__file__).resolve().parent.parent


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def fingerprint(folder: Path) -> dict[str, tuple[str, int, int]]:
    return {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns,
                     p.stat().st_mode) for p in folder.iterdir()}


def test_a_clean_folder_exits_0_with_one_row_per_file(clean, tmp_path):
    out = tmp_path / "results.csv"
    assert main([str(clean), "--out", str(out), "--quiet"]) == 0
    rows = read_csv(out)
    assert [(r["path"], r["digit"], r["error"]) for r in rows] == [
        ("1.png", "1", ""), ("2.png", "2", ""), ("7.png", "7", "")]
    assert list(rows[0]) == ["path", "digit", "confidence", "error"]
    assert all(0.5 < float(r["confidence"]) <= 1 for r in rows)


def test_bad_files_make_error_rows_and_exit_1(cases, tmp_path, capsys):
    out = tmp_path / "results.csv"
    assert main([str(cases), "--out", str(out)]) == 1
    rows = {r["path"]: r for r in read_csv(out)}
    assert set(rows) == set(EXPECTED)
    for name, expected in EXPECTED.items():
        if expected.startswith("error:"):
            assert expected.removeprefix("error:") in rows[name]["error"], name
        else:
            assert rows[name]["digit"] == expected, name
    summary = capsys.readouterr().err.strip().splitlines()
    failed = sum(e.startswith("error:") for e in EXPECTED.values())
    assert len(summary) == 1
    assert f"{failed} failed" in summary[0] and "skipped 1 hidden, 1 not images" in summary[0]


def test_stdout_is_the_default_output(clean, capsys):
    assert main([str(clean / "7.png"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "path,digit,confidence,error"
    assert out.splitlines()[1].startswith(f"{clean / '7.png'},7,")


def test_json_with_probabilities(clean, capsys):
    assert main([str(clean), "--format", "json", "--probabilities", "--out", "-", "-q"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["path"], r["digit"], r["error"]) for r in rows] == [
        ("1.png", 1, None), ("2.png", 2, None), ("7.png", 7, None)]
    assert all(abs(sum(r["probabilities"]) - 1) < 1e-3 for r in rows)


def test_csv_probabilities_add_ten_columns(clean, tmp_path):
    out = tmp_path / "p.csv"
    assert main([str(clean), "--probabilities", "--out", str(out), "-q"]) == 0
    row = read_csv(out)[2]
    assert list(row)[4:] == [f"p{d}" for d in range(10)]
    assert max(range(10), key=lambda d: float(row[f"p{d}"])) == 7


def test_names_with_spaces_accents_and_emoji_survive_into_the_output(cases, capsys):
    names = ["my digit.png", "chiffre é ñ.png", "digit 🙂.png"]
    assert main([str(cases / n) for n in names] + ["--format", "json", "-q"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["path"] for r in rows] == [str(cases / n) for n in names]


def test_min_confidence_marks_uncertain_rows_without_failing(clean, tmp_path):
    out = tmp_path / "u.csv"
    assert main([str(clean), "--min-confidence", "0.9999999", "--out", str(out), "-q"]) == 0
    assert {(r["digit"], r["error"]) for r in read_csv(out)} == {("", "uncertain")}


def test_multi_digit_reads_numbers(tmp_path, digits, capsys):
    import numpy as np
    from PIL import Image

    number = np.concatenate([255 - digits[d] for d in (4, 2)], axis=1)
    Image.fromarray(number).resize((224, 112)).save(tmp_path / "42.png")
    assert main([str(tmp_path / "42.png"), "--multi-digit", "--format", "json", "-q"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["digit"] == "42"


def test_sort_into_copies_and_never_touches_originals(cases, tmp_path):
    before = fingerprint(cases)
    target = tmp_path / "sorted"
    (target / "3").mkdir(parents=True)
    (target / "3" / "plain.png").write_bytes(b"already here")
    assert main([str(cases), "--sort-into", str(target), "--out", str(tmp_path / "r.csv"),
                 "-q"]) == 1
    assert fingerprint(cases) == before
    assert (target / "3" / "plain.png").read_bytes() == b"already here"
    assert (target / "3" / "plain (2).png").read_bytes() == (cases / "plain.png").read_bytes()
    assert {p.name for p in (target / "errors").iterdir()} == {
        n for n, e in EXPECTED.items() if e.startswith("error:")}
    assert (target / "7" / "animated.gif").is_file()
    assert (target / "0" / "photo named as text.txt").is_file()


def test_sorting_twice_keeps_both_copies(clean, tmp_path):
    target = tmp_path / "sorted"
    for _ in range(2):
        assert main([str(clean), "--sort-into", str(target), "-q", "--out",
                     str(tmp_path / f"{time.monotonic_ns()}.csv")]) == 0
    assert sorted(p.name for p in (target / "7").iterdir()) == ["7 (2).png", "7.png"]


def test_sorting_into_a_folder_inside_the_input_does_not_sort_the_copies(clean, tmp_path):
    assert main([str(clean), "--recursive", "--sort-into", str(clean / "sorted"), "-q",
                 "--out", str(tmp_path / "rows.csv")]) == 0
    assert sorted(p.name for p in (clean / "sorted").rglob("*.png")) == ["1.png", "2.png", "7.png"]


def test_an_existing_output_needs_force(clean, tmp_path, capsys):
    out = tmp_path / "r.csv"
    out.write_text("keep me\n")
    assert main([str(clean), "--out", str(out), "-q"]) == 2
    assert "--force" in capsys.readouterr().err
    assert out.read_text() == "keep me\n"
    assert main([str(clean), "--out", str(out), "-q", "--force"]) == 0
    assert read_csv(out)[0]["path"] == "1.png"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean", "r.csv"]  # no temporary files


@pytest.mark.parametrize("args", [
    ["FOLDER", "--bogus"],
    ["FOLDER", "--min-confidence", "2"],
    ["FOLDER", "--format", "xml"],
    ["FOLDER", "--jobs", "0"],
    ["--recursive"],
])
def test_usage_errors_exit_2(clean, args, capsys):
    assert main([str(clean) if a == "FOLDER" else a for a in args]) == 2
    assert "error" in capsys.readouterr().err


def test_a_missing_path_exits_2(tmp_path, capsys):
    assert main([str(tmp_path / "nowhere")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


@pytest.mark.parametrize("where", ["missing-folder/out.csv", "a-file/out.csv", "."])
def test_an_unwritable_output_exits_2(clean, tmp_path, where, capsys):
    (tmp_path / "a-file").write_text("x")
    assert main([str(clean), "--out", str(tmp_path / where)]) == 2
    assert "error" in capsys.readouterr().err


def test_help_exits_0(capsys):
    assert main(["--help"]) == 0
    assert "--sort-into" in capsys.readouterr().out


def run_cli(*args: str, **options) -> subprocess.Popen:
    options = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **options}
    return subprocess.Popen([sys.executable, "-m", "desktop", "classify", *args], cwd=ROOT,
                            **options)


def test_a_real_run_from_the_command_line(clean, tmp_path):
    out = tmp_path / "r.json"
    process = run_cli(str(clean), "--format", "json", "--out", str(out))
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr.decode()
    assert stdout == b""
    assert [r["digit"] for r in json.loads(out.read_text())] == [1, 2, 7]
    assert b"digits 1:1 2:1 7:1" in stderr


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT is how a terminal stops a run here")
def test_ctrl_c_stops_cleanly_reports_and_leaves_no_file(tmp_path, digits):
    folder = tmp_path / "many"
    folder.mkdir()
    first = folder / "0000.jpg"
    paper(digits[8], 200).convert("RGB").save(first, quality=80)
    for i in range(1, 4000):  # far more work than it takes to interrupt
        os.link(first, folder / f"{i:04d}.jpg")
    out = tmp_path / "r.csv"
    process = run_cli(str(folder), "--out", str(out))

    def rows_being_written() -> bool:  # the temporary file fills as rows come
        return any(p.name.startswith(".r.csv.") and p.stat().st_size
                   for p in tmp_path.iterdir())

    while not rows_being_written():
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    workers = children(process.pid)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    message = stderr.decode()
    assert process.returncode == 130, message
    assert len(workers) >= (os.cpu_count() or 1)  # the workers (and a resource tracker)
    assert gone(workers)
    assert "Traceback" not in message
    assert message.startswith("Interrupted after ")
    assert f"Nothing written to {out}" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many"]


def test_output_is_utf8_even_when_stdout_is_not(clean, tmp_path, digits):
    paper(digits[2]).save(clean / "два.png")
    process = run_cli(str(clean / "два.png"), "-q", env={**os.environ, "PYTHONIOENCODING": "ascii"})
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr.decode()
    row = next(csv.reader(io.StringIO(stdout.decode("utf-8").splitlines()[1])))
    assert row[0].endswith("два.png") and row[1] == "2"


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is POSIX")
def test_progress_shows_on_a_terminal_then_the_summary(clean, tmp_path):
    import pty

    controller, terminal = pty.openpty()
    process = run_cli(str(clean), "--out", str(tmp_path / "r.csv"), stderr=terminal)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed: the run is over
            break
        if not chunk:
            break
        shown += chunk
    process.wait(timeout=120)
    os.close(controller)
    text = shown.decode()
    assert process.returncode == 0
    assert "/3 files" in text and "images/s" in text
    assert text.rstrip().splitlines()[-1].lstrip("\r ").startswith("Read 3 files")


def test_a_device_as_output_is_written_not_replaced(clean):
    """--out /dev/null discards the rows; the device itself must survive (root could replace it)."""
    assert main([str(clean), "-q", "--out", os.devnull]) == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def corrupt_exif_jpeg(digit: np.ndarray) -> bytes:
    """A JPEG of the digit whose EXIF block says its orientation lies far past its end."""
    import struct

    buffer = io.BytesIO()
    paper(digit).convert("RGB").save(buffer, "JPEG", quality=90)
    jpeg = buffer.getvalue()
    exif = (b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x01"
            b"\x01\x12\x00\x03\xff\xff\xff\xff\x00\x00\x00\x00")
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif + jpeg[2:]


def test_odd_files_give_rows_not_python_warnings(digits, tmp_path):
    """Pillow's notes on a corrupt EXIF block, and a NaN among a float TIFF's pixels, stay out
    of the summary (Python prints warnings over several lines)."""
    from PIL import Image

    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "exif.jpg").write_bytes(corrupt_exif_jpeg(digits[3]))
    ink = 1.0 - np.asarray(paper(digits[7]), np.float32) / 255  # float pixels: ink = 1
    ink[0, 0] = np.nan
    Image.fromarray(ink, mode="F").save(folder / "nan.tif")
    long_name = tmp_path / ("r" * 246 + ".csv")  # the longest a name may be, with its suffix
    done = subprocess.run([sys.executable, "-m", "desktop", "classify", str(folder), "--out",
                           str(long_name)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr.count("\n") == 1, done.stderr  # the summary
    with open(long_name, newline="", encoding="utf-8") as f:
        assert {row["path"]: row["digit"] for row in csv.DictReader(f)} == {
            "exif.jpg": "3", "nan.tif": "7"}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
