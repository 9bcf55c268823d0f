"""The one-file executable, dist/DigitRecognizer: built by build/build.sh (or reused while newer
than everything it is built from), it classifies a folder exactly as the source does, answers
--version, and its window starts under Xvfb, reads a digit drawn with real pointer events and
exits with 0 when closed, leaving nothing unpacked behind."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from app_driver import AppProcess
from PIL import Image
from processes import batch_workers, children, gone

from desktop import __version__
from devtools.handwriting import HAND, fit_strokes
from devtools.made_up import pick, struck_through, write_folder
from devtools.photos import hatching

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sys.platform != "linux", reason="the Linux executable")]

ROOT = Path(__file__).resolve().parent.parent
EXE = ROOT / "dist" / "DigitRecognizer"
SOURCES = [ROOT / "desktop", ROOT / "build", ROOT / "constraints.txt"]
UNBUILT = {"work", "out", "__pycache__"}  # build outputs and bytecode, not sources
FORMATS = ("png", "jpeg", "bmp", "gif", "tiff", "webp")
DRAWN = "7"


def newer_sources(than: Path) -> list[Path]:
    """Files the executable is built from that changed after it was built."""
    built = than.stat().st_mtime
    files = [p for root in SOURCES for p in ([root] if root.is_file() else root.rglob("*"))]
    return [p for p in files if p.is_file() and not UNBUILT.intersection(p.parts)
            and p.stat().st_mtime > built]


@pytest.fixture(scope="module")
def frozen() -> Path:
    """The executable, rebuilt first when stale (a first build takes a few minutes)."""
    done = subprocess.run(["bash", "build/build.sh"], cwd=ROOT, capture_output=True, text=True,
                          timeout=1800)
    assert done.returncode == 0, f"build failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    assert EXE.is_file() and not newer_sources(EXE)
    return EXE


@pytest.fixture(scope="module")
def image_folder(mnist, tmp_path_factory) -> Path:
    """Twelve MNIST test digits in each format Pillow decodes for the app, and a text file."""
    folder = tmp_path_factory.mktemp("images")
    for i in range(12):
        image = Image.fromarray(mnist.x_test[i]).resize((84, 84), Image.Resampling.BILINEAR)
        image.save(folder / f"{i:02d}-{mnist.y_test[i]}.{FORMATS[i % len(FORMATS)]}")
    (folder / "notes.txt").write_text("not an image", encoding="utf-8")
    return folder


def run(*command: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_classify_writes_the_rows_the_source_writes(frozen, image_folder):
    frozen_run = run(frozen, "classify", "--probabilities", "--quiet", image_folder)
    source_run = run(sys.executable, "-m", "desktop", "classify", "--probabilities", "--quiet",
                     image_folder)
    assert frozen_run.returncode == 0, frozen_run.stderr
    assert (frozen_run.stdout, frozen_run.stderr) == (source_run.stdout, source_run.stderr)
    rows = frozen_run.stdout.splitlines()[1:]
    labels = [Path(row.split(",")[0]).stem.split("-")[1] for row in rows]
    assert [row.split(",")[1] for row in rows] == labels


def test_a_large_run_uses_worker_processes_in_the_executable_too(frozen, image_folder, tmp_path):
    """Hundreds of files: the executable starts copies of itself as batch workers (through
    multiprocessing's freeze support), which read exactly what the source reads."""
    for path in sorted(image_folder.glob("*-*.*")):
        for copy in range(25):
            os.link(path, tmp_path / f"{copy:02d}-{path.name}")
    frozen_run = run(frozen, "classify", "--quiet", tmp_path)
    source_run = run(sys.executable, "-m", "desktop", "classify", "--quiet", tmp_path)
    assert frozen_run.returncode == 0, frozen_run.stderr
    assert frozen_run.stdout == source_run.stdout and len(frozen_run.stdout.splitlines()) == 301


def test_numbers_and_an_empty_printed_field_read_as_the_source_reads_them(frozen, tmp_path):
    """`classify --multi-digit` in the executable: real amounts on printed paper, and an empty
    field of such paper, blank (told by its spectrum: numpy.fft must be in the executable)."""
    shutil.copytree(ROOT / "tests" / "data" / "printed_paper", tmp_path, dirs_exist_ok=True)
    lines = hatching((64, 300), 7.0, 0.35)
    noise = np.random.default_rng(0).normal(0, 5, lines.shape)
    Image.fromarray(np.clip(225 - 60 * lines + noise, 0, 255).astype(np.uint8)).save(
        tmp_path / "empty.png")
    frozen_run = run(frozen, "classify", "--multi-digit", "--quiet", tmp_path)
    source_run = run(sys.executable, "-m", "desktop", "classify", "--multi-digit", "--quiet",
                     tmp_path)
    assert (frozen_run.returncode, frozen_run.stderr) == (1, "")  # the empty field: no digit
    assert frozen_run.stdout == source_run.stdout
    rows = {row.split(",")[0]: row.split(",")[1:] for row in frozen_run.stdout.splitlines()[1:]}
    assert rows["empty.png"] == ["", "", "no ink found: blank image"]
    assert all(rows[f"{n}.png"][0] == n for n in ("13", "146146", "188", "881781", "95"))


def test_teach_then_classify_personal_as_the_source_does(frozen, mnist, tmp_path):
    """`teach` saves the samples the source saves, and `classify --personal` (300 files: in
    worker processes, copies of the executable) reads with them exactly as the source does."""
    index = pick(mnist.y_train, 5)
    write_folder(tmp_path / "teach", struck_through(mnist.x_train[index]),
                 mnist.y_train[index], by_digit=True)
    write_folder(tmp_path / "read", struck_through(mnist.x_test[:300]), mnist.y_test[:300])
    runs = {}
    for name, command in (("frozen", [frozen]), ("source", [sys.executable, "-m", "desktop"])):
        samples = tmp_path / f"samples-{name}"
        taught = run(*command, "teach", tmp_path / "teach", "--samples-dir", samples)
        assert taught.returncode == 0, taught.stderr
        assert taught.stderr.strip().startswith(f"added 50 samples to {samples}")
        runs[name] = [run(*command, "classify", "--quiet", tmp_path / "read", *flags,
                          "--samples-dir", samples)
                      for flags in ([], ["--personal"])]
    assert all(r.returncode == 0 for r in runs["frozen"]), runs["frozen"][1].stderr
    assert [r.stdout for r in runs["frozen"]] == [r.stdout for r in runs["source"]]
    plain, personal = (r.stdout.splitlines()[1:] for r in runs["frozen"])
    assert len(personal) == 300 and personal != plain


def test_version_and_help_name_the_executable(frozen):
    version = run(frozen, "--version")
    assert (version.returncode, version.stdout.strip()) == (0, f"Digit Recognizer {__version__}")
    usage = run(frozen, "--help")
    assert usage.returncode == 0
    assert usage.stdout.startswith("usage: DigitRecognizer ")


@pytest.mark.gui
def test_window_reads_a_drawn_digit_and_closes_cleanly(frozen, xvfb_display, tmp_path):
    unpack = tmp_path / "unpack"
    unpack.mkdir()
    app = AppProcess(tmp_path / "events.jsonl", env={**os.environ, "TMPDIR": str(unpack)},
                     command=[str(frozen)])
    try:
        canvas = app.wait_ready()
        assert list(unpack.glob("_MEI*")), "the one-file executable unpacks into TMPDIR"
        prediction = app.read(fit_strokes(HAND[DRAWN], canvas, 0.7))
        assert (prediction["source"], prediction["digits"]) == ("canvas", [int(DRAWN)])
        app.close_window()
        code, stderr = app.finish(timeout=30)
    finally:
        app.kill()
    assert code == 0, stderr
    assert not list(unpack.glob("_MEI*")), "the unpacked files are removed on exit"


@pytest.fixture
def hundreds(image_folder, tmp_path) -> Path:
    """300 images (hard links of the twelve), enough for worker processes."""
    folder = tmp_path / "hundreds"
    folder.mkdir()
    for path in sorted(image_folder.glob("*-*.*")):
        for copy in range(25):
            os.link(path, folder / f"{copy:02d}-{path.name}")
    return folder


def executable_workers(pid: int) -> set[int]:
    """The batch workers of a run of the executable: children of the bootloader's child."""
    return {worker for child in children(pid) for worker in batch_workers(child)}


def test_sigterm_stops_a_run_cleanly_in_the_executable_too(frozen, hundreds, tmp_path):
    out = tmp_path / "r.csv"
    process = subprocess.Popen([str(frozen), "classify", hundreds, "--jobs", "2", "--out",
                                str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    while not executable_workers(process.pid):
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    workers = executable_workers(process.pid)
    time.sleep(0.3)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 143, stderr
    assert "Traceback" not in stderr and stderr.startswith("Interrupted")
    assert gone(workers)
    assert not out.exists() and not list(tmp_path.glob(".r.csv.*"))


def test_absurd_jobs_are_bounded_in_the_executable_too(frozen, hundreds):
    process = subprocess.Popen([str(frozen), "classify", hundreds, "--jobs", "10000", "-q"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    most = 0
    while process.poll() is None:
        most = max(most, len(executable_workers(process.pid)))
        time.sleep(0.01)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert stderr.startswith("warning: --jobs 10000 is more than 4 per core")
    assert 1 <= most <= 5 and len(stdout.splitlines()) == 301


@pytest.mark.gui
def test_settings_of_the_wrong_type_are_ignored_by_the_executable(frozen, xvfb_display,
                                                                  tmp_path):
    config = tmp_path / "config" / "digit-recognizer"
    config.mkdir(parents=True)
    (config / "settings.json").write_text(json.dumps({"model": 5}))
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    app = AppProcess(tmp_path / "events.jsonl", env=env, command=[str(frozen)])
    try:
        app.wait_ready()
        app.close_window()
        code, stderr = app.finish(timeout=30)
    finally:
        app.kill()
    assert code == 0
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning: settings file "), stderr
