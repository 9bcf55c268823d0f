"""A display for the tests and benchmarks that open windows: the current one, or a private
Xvfb started for the duration (and checked to have started)."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

START_TIMEOUT = 10.0  # seconds for Xvfb to listen


@contextmanager
def x_display(private: bool = False) -> Iterator[str]:
    """The current DISPLAY, or a private Xvfb for the duration (always, when `private`)."""
    if os.environ.get("DISPLAY") and not private:
        yield os.environ["DISPLAY"]
        return
    if shutil.which("Xvfb") is None:
        raise RuntimeError("Xvfb is not installed (apt-get install xvfb); .ci/run installs it")
    # Xvfb picks a free display itself and writes its number to the pipe once it listens:
    # test workers starting theirs at the same moment never race for one.
    previous = os.environ.get("DISPLAY")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0",
                               "1280x1024x24", "-nolisten", "tcp"], pass_fds=(write_end,),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    try:
        with os.fdopen(read_end) as pipe:  # empty when the server ended without starting
            ready = select.select([pipe], [], [], START_TIMEOUT)[0]
            number = pipe.readline().strip() if ready else ""
        if not number.isdigit():
            raise RuntimeError("Xvfb did not start")
        os.environ["DISPLAY"] = f":{number}"
        yield os.environ["DISPLAY"]
    finally:
        if previous is None:
            os.environ.pop("DISPLAY", None)
        else:
            os.environ["DISPLAY"] = previous
        server.terminate()
        server.wait(10)
