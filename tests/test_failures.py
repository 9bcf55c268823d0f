"""`python -m desktop classify` under misuse, as a real process: outputs that are inputs, races,
signals, closed pipes, full disks, unusable models, absurd flags, odd names and deep trees. Each
ends in one line, the documented exit code, the user's files untouched and no temporary file.
The README's "Failure behaviour" table lists the same cases."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bad_models import CARD_KINDS, MODEL_KINDS, unusable_model
from image_cases import paper
from processes import batch_workers, children, gone, wait_until_catching

from desktop.user.samples import load_samples

ROOT = Path(__file__).resolve().parent.parent
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals, pipes and devices")
LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
MANY = 630                 # enough files for worker processes and for several chunks


def classify(*args: str | Path, **options) -> subprocess.Popen:
    """`python -m desktop classify ARGS` as its own process (stdout and stderr piped)."""
    options = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **options}
    return subprocess.Popen([sys.executable, "-m", "desktop", "classify", *map(str, args)],
                            cwd=ROOT, **options)


def finished(process: subprocess.Popen, timeout: float = 120) -> tuple[int, str, bytes]:
    """Exit code, standard error (text) and standard output (bytes)."""
    stdout, stderr = process.communicate(timeout=timeout)
    return process.returncode, stderr.decode("utf-8", "replace"), stdout or b""


def one_error_line(stderr: str) -> str:
    """The only line on stderr, an error (no traceback, nothing else)."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "error: " in lines[0] and "Traceback" not in stderr, stderr
    return lines[0]


def leftovers(folder: Path) -> list[str]:
    """Temporary files of an output (`.NAME.xxxx.tmp`) left anywhere below folder."""
    return sorted(p.name for p in folder.rglob(".*.tmp"))


@pytest.fixture
def many(tmp_path, digits) -> Path:
    """MANY photos of an 8 (hard links of one JPEG), far more work than it takes to stop."""
    folder = tmp_path / "many"
    folder.mkdir()
    first = folder / "0000.jpg"
    paper(digits[8], 200).convert("RGB").save(first, quality=80)
    for i in range(1, MANY):
        os.link(first, folder / f"{i:04d}.jpg")
    return folder


def wait_for_rows(folder: Path, name: str, process: subprocess.Popen) -> None:
    """Until the run's temporary output file holds rows: it is reading files now."""
    while not any(p.name.startswith(f".{name}.") and p.stat().st_size > 40
                  for p in folder.iterdir()):
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)


# ---------------------------------------------------------------- data loss

def test_an_output_that_is_one_of_the_input_images_is_refused_even_with_force(clean):
    image = clean / "7.png"
    before = image.read_bytes()
    code, stderr, _ = finished(classify(clean, "--out", image, "--force"))
    assert code == 2
    assert "is one of the images being classified" in one_error_line(stderr)
    assert image.read_bytes() == before


def test_an_output_beside_the_inputs_that_is_not_an_image_may_be_replaced(clean):
    """The common case stays allowed: results written into the folder being read."""
    (clean / "results.csv").write_text("old\n")
    code, stderr, _ = finished(classify(clean, "--out", clean / "results.csv", "--force", "-q"))
    assert code == 0, stderr
    assert (clean / "results.csv").read_text().startswith("path,digit")


def test_sorting_into_the_folder_being_read_is_refused(clean):
    before = sorted(p.name for p in clean.rglob("*"))
    code, stderr, _ = finished(classify(clean, "-r", "--sort-into", clean, "--out", "-"))
    assert code == 2
    assert "holds files being classified" in one_error_line(stderr)
    assert sorted(p.name for p in clean.rglob("*")) == before


def test_sorting_twice_into_a_subfolder_never_sorts_the_copies(clean, tmp_path):
    for run in range(2):
        code, stderr, _ = finished(classify(clean, "-r", "--sort-into", clean / "sorted",
                                            "--out", tmp_path / f"{run}.csv", "-q"))
        assert code == 0, stderr
    copies = sorted(p.relative_to(clean / "sorted").as_posix()
                    for p in (clean / "sorted").rglob("*.png"))
    assert copies == ["1/1 (2).png", "1/1.png", "2/2 (2).png", "2/2.png", "7/7 (2).png",
                      "7/7.png"]


def test_an_output_that_appears_during_the_run_is_not_replaced(many, tmp_path):
    out = tmp_path / "results.csv"
    process = classify(many, "--out", out, "-q")
    wait_for_rows(tmp_path, out.name, process)
    out.write_text("another run's results\n")
    code, stderr, _ = finished(process)
    assert code == 2
    assert "appeared while this run was reading" in one_error_line(stderr)
    assert out.read_text() == "another run's results\n"
    assert leftovers(tmp_path) == []


def test_with_force_an_output_that_appears_during_the_run_is_replaced(many, tmp_path):
    out = tmp_path / "results.csv"
    process = classify(many, "--out", out, "-q", "--force")
    wait_for_rows(tmp_path, out.name, process)
    out.write_text("another run's results\n")
    code, stderr, _ = finished(process)
    assert code == 0, stderr
    assert len(out.read_text().splitlines()) == MANY + 1


# ---------------------------------------------------------------- unusable models

@pytest.mark.parametrize("kind", MODEL_KINDS + CARD_KINDS)
def test_an_unusable_model_is_refused_before_any_file_is_read(many, tmp_path, kind):
    model = unusable_model(tmp_path / "models", kind)
    out = tmp_path / "r.csv"
    code, stderr, _ = finished(classify(many, "--model", model, "--out", out))
    assert code == 2
    assert str(model.parent) in one_error_line(stderr)
    assert not out.exists() and leftovers(tmp_path) == []


# ---------------------------------------------------------------- signals

@POSIX
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129),
                                              (signal.SIGINT, 130)])
def test_a_signal_stops_the_run_cleanly(many, tmp_path, signum, code):
    out = tmp_path / "r.csv"
    process = classify(many, "--out", out, "--jobs", "2")
    wait_for_rows(tmp_path, out.name, process)
    workers = batch_workers(process.pid)
    process.send_signal(signum)
    status, stderr, _ = finished(process)
    assert status == code, stderr
    assert len(workers) == 2
    assert gone(workers)
    assert "Traceback" not in stderr and stderr.startswith("Interrupted after ")
    assert f"Nothing written to {out}" in stderr
    assert not out.exists() and leftovers(tmp_path) == []


@POSIX
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_teach_too_and_the_samples_added_stay(many, tmp_path, signum, code):
    (tmp_path / "teach").mkdir()
    os.symlink(many, tmp_path / "teach" / "8")
    samples = tmp_path / "samples"
    process = subprocess.Popen([sys.executable, "-m", "desktop", "teach", str(tmp_path / "teach"),
                                "--samples-dir", str(samples)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    while not list(samples.glob("8/*.png")):  # a whole sample: its picture comes last
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    process.send_signal(signum)
    status, stderr, _ = finished(process, timeout=30)
    assert status == code, stderr
    assert stderr.strip() == "Interrupted; the samples added so far stay."
    added = load_samples(samples)
    assert 0 < len(added.labels) < MANY and not added.unreadable


@POSIX
def test_a_signal_to_the_whole_process_group_is_as_clean(many, tmp_path):
    """A closed terminal sends SIGHUP to the run and its workers at once."""
    out = tmp_path / "r.csv"
    process = classify(many, "--out", out, "--jobs", "2", start_new_session=True)
    wait_for_rows(tmp_path, out.name, process)
    workers = batch_workers(process.pid)
    os.killpg(process.pid, signal.SIGHUP)
    status, stderr, _ = finished(process)
    assert status == 129 and "Traceback" not in stderr, stderr
    assert gone(workers) and leftovers(tmp_path) == []


@LINUX
@pytest.mark.parametrize("delay", [0.0, 0.05, 0.1, 0.15, 0.25, 0.4])
def test_ctrl_c_while_starting_up_prints_no_traceback(clean, tmp_path, delay):
    """From the program's first line on: it holds signals while it imports its modules (see
    the test below). Before that is Python's own start-up, as long as a loaded machine makes it."""
    process = classify(clean, "--out", tmp_path / "r.csv")
    wait_until_catching(process.pid, signal.SIGTERM)  # Python alone sets none for SIGTERM
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    status, stderr, _ = finished(process)
    assert "Traceback" not in stderr, stderr
    assert status in (130, -signal.SIGINT, 0), stderr  # 0: it had finished already
    assert leftovers(tmp_path) == []


HELD_PROBE = """
import os, signal, sys
sys.argv[:1] = ["-m"]  # as Python keeps it while `-m` finds its module
sys.orig_argv = [sys.executable, *sys.argv[1:]]
import desktop
try:
    os.kill(os.getpid(), signal.SIGINT)
    print("held", desktop.held_signal())
except KeyboardInterrupt:
    print("raised")
"""


@POSIX
@pytest.mark.parametrize(("command", "held"), [
    (["-m", "desktop"], True), (["-mdesktop", "classify"], True),
    (["-X", "utf8", "-m", "desktop", "classify"], True), (["-m", "desktop.__main__"], True),
    (["-m", "desktop.cli"], False), (["-m", "desktop_tools"], False), (["-c", "pass"], False)])
def test_signals_are_held_from_the_first_import_only_for_the_program(command, held):
    """`python -m desktop` holds Ctrl-C from importing the package (before runpy reads its
    `__main__`: a Ctrl-C there was a traceback); any other run keeps Python's handling."""
    # Started with Ctrl-C's default action, as from a terminal: a background job inherits it
    # ignored, and Python then leaves it so.
    result = subprocess.run([sys.executable, "-c", HELD_PROBE, *command], capture_output=True,
                            text=True, timeout=60,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert result.stdout.split() == (["held", str(int(signal.SIGINT))] if held else ["raised"])


# ---------------------------------------------------------------- pipes and full disks

@POSIX
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_reader_that_stops_early_ends_the_run_quietly(many, fmt):
    """`classify DIR | head -2`."""
    process = classify(many, "--format", fmt)
    assert process.stdout is not None
    process.stdout.readline()
    process.stdout.readline()
    process.stdout.close()
    workers = children(process.pid)
    stderr = process.stderr.read().decode() if process.stderr else ""
    process.wait(timeout=120)
    assert process.returncode == 141, stderr
    assert stderr == ""
    assert gone(workers)


@POSIX
def test_a_closed_stdout_is_a_usage_error(clean):
    done = subprocess.run(["bash", "-c", f'"{sys.executable}" -m desktop classify "$1" >&-',
                           "bash", str(clean)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2
    assert "standard output is closed" in one_error_line(done.stderr)


@POSIX
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("where", ["--out", "stdout"])
def test_a_full_disk_is_one_line_and_exit_2(many, where):
    if where == "--out":
        process = classify(many, "--out", "/dev/full")
        code, stderr, _ = finished(process)
        assert "/dev/full: cannot write (No space left on device)" in one_error_line(stderr)
    else:
        with open("/dev/full", "wb") as full:
            code, stderr, _ = finished(classify(many, stdout=full))
        assert "standard output: cannot write (No space left" in one_error_line(stderr)
    assert code == 2


def test_an_output_folder_that_does_not_exist_is_refused_before_reading(many, tmp_path):
    started = time.monotonic()
    code, stderr, _ = finished(classify(many, "--out", f"{tmp_path}/results/"))
    assert code == 2
    assert "is a folder" in one_error_line(stderr)
    assert leftovers(tmp_path) == [] and not (tmp_path / "results").exists()
    assert time.monotonic() - started < 20  # not after reading 630 photos


# ---------------------------------------------------------------- resources and odd names

@POSIX
def test_absurd_jobs_are_bounded_and_never_exceed_the_chunks(tmp_path, many):
    """300 files are 5 chunks: never more workers than that, whatever --jobs asks."""
    for path in sorted(many.iterdir())[300:]:
        path.unlink()
    process = classify(many, "--jobs", "10000", "--out", tmp_path / "r.csv")
    most = 0
    while process.poll() is None:
        most = max(most, len(batch_workers(process.pid)))
        time.sleep(0.01)
    code, stderr, _ = finished(process)
    assert code == 0, stderr
    assert "warning: --jobs 10000 is more than 4 per core" in stderr
    assert 1 <= most <= 5


def test_a_very_deep_tree_is_walked(tmp_path, digits):
    folder = str(tmp_path / "deep")
    deepest = folder  # one by one, in strings: pathlib and os.makedirs recurse on such paths
    os.mkdir(folder)
    for _ in range(1200):
        deepest = os.path.join(deepest, "d")
        os.mkdir(deepest)
    paper(digits[3]).save(os.path.join(deepest, "3.png"))
    try:
        code, stderr, stdout = finished(classify(folder, "-r", "--format", "json", "-q"))
    finally:  # bottom up: a recursive removal would fail on it too
        os.unlink(os.path.join(deepest, "3.png"))
        for depth in range(1200, -1, -1):
            os.rmdir(os.path.join(folder, *["d"] * depth))
    assert code == 0, stderr[-2000:]
    rows = json.loads(stdout)
    assert [(r["digit"], r["path"].count("d/")) for r in rows] == [(3, 1200)]


@POSIX
def test_a_name_that_is_not_utf8_gives_valid_json_and_can_be_recovered(clean):
    raw = os.fsencode(clean) + b"/bad\xffname.png"
    os.rename(clean / "2.png", raw)
    code, stderr, stdout = finished(classify(clean, "--format", "json", "-q"))
    assert code == 0, stderr
    stdout.decode("utf-8")  # valid UTF-8 throughout
    rows = json.loads(stdout)
    named = [r for r in rows if r["digit"] == 2]
    assert len(named) == 1 and os.fsencode(named[0]["path"]) == b"bad\xffname.png"


@POSIX
def test_csv_is_valid_utf8_for_a_name_that_is_not(clean):
    os.rename(clean / "2.png", os.fsencode(clean) + b"/bad\xffname.png")
    code, stderr, stdout = finished(classify(clean, "-q"))
    assert code == 0, stderr
    cells = [row[0] for row in csv.reader(io.StringIO(stdout.decode("utf-8")))]
    assert "bad\\udcffname.png" in cells


def test_terminal_escapes_in_names_are_printed_escaped(tmp_path):
    name = tmp_path / "\x1b[2J\x1b[31mred.png"
    code, stderr, _ = finished(classify(name))
    assert code == 2
    assert "\x1b" not in stderr and "\\x1b[2J\\x1b[31mred.png" in one_error_line(stderr)


def test_a_name_a_spreadsheet_would_run_gets_a_leading_quote_in_csv(clean):
    name = '=HYPERLINK("example.invalid";"x").png'
    os.rename(clean / "7.png", clean / name)
    code, stderr, stdout = finished(classify(clean, "-q"))
    assert code == 0, stderr
    rows = list(csv.DictReader(io.StringIO(stdout.decode())))
    assert {r["path"]: r["digit"] for r in rows}["'" + name] == "7"
    code, _, stdout = finished(classify(clean, "-q", "--format", "json"))
    assert name in {r["path"] for r in json.loads(stdout)}  # JSON is data: no quote there


@POSIX
def test_a_pipe_and_a_link_loop_named_as_images_get_error_rows(clean):
    os.mkfifo(clean / "pipe.png")
    os.symlink("loop.png", clean / "loop.png")
    os.mkfifo(clean / "pipe.dat")  # not named as an image: skipped and counted, as before
    code, stderr, stdout = finished(classify(clean, "--format", "json"), timeout=60)
    assert code == 1
    errors = {r["path"]: r["error"] for r in json.loads(stdout) if r["error"]}
    assert errors["pipe.png"] == "not a regular file (a named pipe)"
    assert errors["loop.png"].startswith("broken link (Too many levels of symbolic links")
    assert "skipped 1 not images" in stderr


@POSIX
def test_sorting_copies_no_pipe_or_device_and_never_hangs(clean, tmp_path):
    os.mkfifo(clean / "pipe.png")
    sorted_into = tmp_path / "sorted"
    code, stderr, _ = finished(classify(clean, "/dev/zero", "--sort-into", sorted_into,
                                             "--format", "json", "-q"), timeout=60)
    assert code == 1, stderr
    lines = stderr.strip().splitlines()
    assert sorted(lines) == [f"warning: cannot copy {name} into {sorted_into}: not a regular "
                             f"file ({kind})" for name, kind in
                             (("/dev/zero", "a device"), (f"{clean}/pipe.png", "a named pipe"))]
    assert sorted(p.name for p in sorted_into.rglob("*") if p.is_file()) == \
        ["1.png", "2.png", "7.png"]


@POSIX
def test_the_app_s_image_reader_refuses_a_pipe_at_once(tmp_path):
    """In a process of its own: a blocking open would wait there forever."""
    os.mkfifo(tmp_path / "pipe.png")
    code = ("from desktop.engine.imagefile import ImageError, load_image\n"
            f"try:\n    load_image({str(tmp_path / 'pipe.png')!r})\n"
            "except ImageError as err:\n    print(err)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.strip() == "not a regular file (a named pipe)", done.stderr


@POSIX
def test_a_pipe_named_on_the_command_line_is_an_error_row_not_a_hang(tmp_path):
    os.mkfifo(tmp_path / "named")
    code, _, stdout = finished(classify(tmp_path / "named", "--format", "json"), timeout=60)
    assert code == 1
    assert json.loads(stdout)[0]["error"] == "not a regular file (a named pipe)"
