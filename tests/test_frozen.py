"""The one-file executable, dist/DigitRecognizer: built by build/build.sh (or reused while newer
than everything it is built from), it classifies a folder exactly as the source does, answers
--version, and its window starts under Xvfb, reads a digit drawn with real pointer events and
exits with 0 when closed, leaving nothing unpacked behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from app_driver import send_delete_window
from handwriting import HAND, fit_strokes
from PIL import Image

from desktop import __version__

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


def test_version_and_help_name_the_executable(frozen):
    version = run(frozen, "--version")
    assert (version.returncode, version.stdout.strip()) == (0, f"Digit Recognizer {__version__}")
    usage = run(frozen, "--help")
    assert usage.returncode == 0
    assert usage.stdout.startswith("usage: DigitRecognizer ")


def events(log: Path) -> list[dict]:
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return [json.loads(line) for line in lines if line.endswith("}")]


def wait_for(app: subprocess.Popen, log: Path, kind: str, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [e for e in events(log) if e["event"] == kind]
        if found:
            return found[0]
        assert app.poll() is None, f"exited with {app.returncode}: {app.stderr.read()}"
        time.sleep(0.01)
    raise AssertionError(f"no {kind} event in {timeout} s: {events(log)}")


def settled_prediction(log: Path, quiet: float = 0.3) -> dict:
    """The last prediction once no event has come for `quiet` seconds."""
    count = len(events(log))
    while True:
        time.sleep(quiet)
        if len(events(log)) == count:
            return [e for e in events(log) if e["event"] == "prediction"][-1]
        count = len(events(log))


def draw(strokes: list, canvas: dict) -> None:
    """Press, move and release the pointer along each stroke (canvas pixels), in one xdotool."""
    args: list[str] = []
    for stroke in strokes:
        points = [(canvas["x"] + round(x), canvas["y"] + round(y)) for x, y in stroke]
        args += ["mousemove", *map(str, points[0]), "mousedown", "1"]
        for point in points[1:]:
            args += ["sleep", "0.003", "mousemove", *map(str, point)]
        args += ["sleep", "0.003", "mouseup", "1"]
    subprocess.run(["xdotool", *args, "key", "Return"], check=True, timeout=60)


def app_window(bootloader: subprocess.Popen) -> int:
    """The window of the app process, which the one-file bootloader starts as its child."""
    pid = bootloader.pid
    child = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()[0]
    found = subprocess.run(["xdotool", "search", "--pid", child, "--name", "Digit Recognizer"],
                           capture_output=True, text=True, timeout=10)
    return int(found.stdout.split()[0])


@pytest.mark.gui
def test_window_reads_a_drawn_digit_and_closes_cleanly(frozen, xvfb_display, tmp_path):
    log, unpack = tmp_path / "events.jsonl", tmp_path / "unpack"
    unpack.mkdir()
    app = subprocess.Popen([frozen, "--log-events", log], env={**os.environ, "TMPDIR": str(unpack)},
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        canvas = wait_for(app, log, "ready")["canvas"]
        assert list(unpack.glob("_MEI*")), "the one-file executable unpacks into TMPDIR"
        draw(fit_strokes(HAND[DRAWN], canvas, 0.7), canvas)
        wait_for(app, log, "prediction")
        prediction = settled_prediction(log)
        assert (prediction["source"], prediction["digits"]) == ("canvas", [int(DRAWN)])
        send_delete_window(app_window(app))
        _, stderr = app.communicate(timeout=30)
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate(timeout=30)
    assert app.returncode == 0, stderr
    assert not list(unpack.glob("_MEI*")), "the unpacked files are removed on exit"
