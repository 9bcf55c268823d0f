"""Shared fixtures: private user folders, the real MNIST from ../shared, the bundled model,
an Xvfb display."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def private_user_folders(tmp_path_factory) -> Iterator[Path]:
    """The app's settings and data folders point into a temporary folder for the whole run, in
    this process and in the apps it starts: tests never read or change the user's own."""
    base = tmp_path_factory.mktemp("user")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(base / "config"))
        patch.setenv("XDG_DATA_HOME", str(base / "data"))
        patch.setenv("APPDATA", str(base / "appdata"))
        yield base


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_teardown(item, nextitem):
    """A Tk root must be freed by the thread that made it, or Tcl aborts the process, and its
    images and variables complain. A closed window's objects form reference cycles, which
    Python's collector frees on whichever thread happens to allocate next (the next window's
    recognition thread, say): collect them here, on the main thread, once each test's teardown
    is over, class- and module-wide fixtures (a window shared by a class of tests) included."""
    yield
    gc.collect()


@pytest.fixture(scope="session")
def mnist():
    """MNIST as users' training gets it: $DIGITS_DATA, else the shared copy beside the project,
    else the Keras cache, else the standard Keras download; one clear line when all fail."""
    from train.data import DatasetError, load_mnist

    shared = ROOT.parent / "shared" / "datasets" / "mnist"
    try:
        return load_mnist(os.environ.get("DIGITS_DATA") or (shared if shared.is_dir() else None))
    except DatasetError as err:
        pytest.exit(f"the tests need MNIST: {err}", returncode=2)


@pytest.fixture(scope="session")
def mnist_dir(mnist) -> Path:
    """Where the data came from (an IDX folder or a Keras mnist.npz), for --data flags."""
    return Path(mnist.source)


@pytest.fixture(scope="session")
def mnist_test_inputs(mnist) -> np.ndarray:
    """The 10,000 test digits as model inputs (float32, ink = 1)."""
    return mnist.x_test.astype(np.float32) / 255.0


@pytest.fixture(scope="session")
def digits(mnist, classifier):
    """One MNIST test image per digit that the model reads surely (see image_cases)."""
    from image_cases import pick_digits

    return pick_digits(mnist, classifier)


@pytest.fixture(scope="session")
def cases(tmp_path_factory, digits) -> Path:
    """A folder of real files of every awkward kind (image_cases.EXPECTED); read, never changed."""
    from image_cases import write_cases

    folder = tmp_path_factory.mktemp("cases")
    write_cases(folder, digits)
    return folder


@pytest.fixture(scope="session")
def classifier():
    from desktop.engine.classifier import Classifier

    return Classifier()


@pytest.fixture(scope="session")
def xvfb_display() -> Iterator[str]:
    """DISPLAY of a private Xvfb server, started for the session when none is set, and by
    each worker of `pytest -n N` (N > 1) whatever is set: windows of two workers on one screen
    would take each other's pointer events."""
    from devtools.xdisplay import x_display

    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    with x_display(private=workers > 1) as display:
        yield display


@pytest.fixture(scope="class")
def running_app(xvfb_display, tmp_path_factory):
    """`python -m desktop` running under Xvfb, shared by a class's tests (a module's, for tests
    outside a class), and gone before the module's other windows open and close."""
    from app_driver import AppProcess

    app = AppProcess(tmp_path_factory.mktemp("app") / "events.jsonl")
    app.wait_ready()
    yield app
    app.kill()


@pytest.fixture
def app(running_app):
    """The running app with an empty canvas."""
    running_app.clear()
    return running_app


@pytest.fixture
def clean(tmp_path, digits) -> Path:
    """Three good images: 1.png (1), 2.png (2), 7.png (7)."""
    from image_cases import paper

    folder = tmp_path / "clean"
    folder.mkdir()
    for digit in (1, 2, 7):
        paper(digits[digit]).save(folder / f"{digit}.png")
    return folder
