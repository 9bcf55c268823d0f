"""Drive the real app from outside, as a user would: start `python -m desktop --log-events FILE`,
wait for `ready`, draw with real pointer events (xdotool), press keys, read the logged events.

Run as a script, with an X display, to take the README's screenshot:
`python tests/app_driver.py docs/screenshots/app.png`.
"""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from processes import children

from devtools.handwriting import HAND, fit_strokes

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0
EVENT_TIMEOUT = 15.0
QUIET = 0.25          # no new event for this long: the app has caught up with the input
MOVE_PAUSE = 0.003    # between pointer moves, so Tk sees each one (it merges queued motion)

Point = tuple[int, int]


class AppProcess:
    """One running app and its event log: `python -m desktop`, or another command that starts
    it (the executable)."""

    def __init__(self, log_path: Path, *extra_args: str, env: dict | None = None,
                 command: Sequence[str] = (sys.executable, "-m", "desktop")):
        self.log_path = log_path
        self.process = subprocess.Popen(
            [*command, "--log-events", str(log_path), *extra_args],
            cwd=ROOT, env=env or os.environ.copy(), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        self.canvas: dict | None = None

    # ------------------------------------------------------------ the log

    def events(self) -> list[dict]:
        if not self.log_path.exists():
            return []
        lines = self.log_path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.endswith("}")]

    def wait_for(self, predicate, after: int = 0, timeout: float = EVENT_TIMEOUT) -> dict:
        """The first event after index `after` that satisfies predicate."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.events()[after:]:
                if predicate(event):
                    return event
            if self.process.poll() is not None:
                raise AssertionError(f"app exited with {self.process.returncode}: "
                                     f"{self.process.stderr.read()}")
            time.sleep(0.01)
        raise AssertionError(f"no matching event within {timeout} s: {self.events()[after:]}")

    def wait_ready(self) -> dict:
        ready = self.wait_for(lambda e: e["event"] == "ready", timeout=START_TIMEOUT)
        self.canvas = ready["canvas"]
        return self.canvas

    def settled_prediction(self, after: int) -> dict:
        """The last prediction once the app has caught up with the input: at least one after
        index `after`, then neither new events nor CPU use for a while. The app drops results
        that are stale, so the last one shown is the one for all the input."""
        self.wait_for(lambda e: e["event"] == "prediction", after)
        state, changed = (len(self.events()), self.cpu_ticks()), time.monotonic()
        while time.monotonic() - changed < QUIET:
            time.sleep(QUIET / 10)
            now = len(self.events()), self.cpu_ticks()
            if now != state:
                state, changed = now, time.monotonic()
        return [e for e in self.events()[after:] if e["event"] == "prediction"][-1]

    def cpu_ticks(self) -> int:
        """CPU time the app has used so far, in clock ticks (Linux); 0 where unknown."""
        try:
            stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        except OSError:
            return 0
        fields = stat.rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime

    # ------------------------------------------------------------ input

    def to_screen(self, point: Sequence[float]) -> Point:
        return self.canvas["x"] + round(point[0]), self.canvas["y"] + round(point[1])

    def xdotool(self, *args: str) -> None:
        subprocess.run(["xdotool", *args], check=True, timeout=60)

    def draw(self, strokes: Sequence[Sequence[Sequence[float]]], then: Sequence[str] = (),
             before: Sequence[str] = ()) -> None:
        """Keys, then each stroke as press, moves, release (canvas pixels), then more keys: all
        in one xdotool command."""
        args = self.pointer_to_canvas()
        for key in before:
            args += ["key", key]
        for stroke in strokes:
            x, y = self.to_screen(stroke[0])
            args += ["mousemove", str(x), str(y), "mousedown", "1"]
            for point in stroke[1:]:
                x, y = self.to_screen(point)
                args += ["sleep", str(MOVE_PAUSE), "mousemove", str(x), str(y)]
            args += ["sleep", str(MOVE_PAUSE), "mouseup", "1"]
        for key in then:
            args += ["key", key]
        self.xdotool(*args)

    def read(self, strokes, then: Sequence[str] = ("Return",), before: Sequence[str] = ()) -> dict:
        """Draw, press Enter, and return the settled prediction."""
        mark = len(self.events())
        self.draw(strokes, then, before)
        return self.settled_prediction(mark)

    def pointer_to_canvas(self) -> list[str]:
        """xdotool arguments that put the pointer over the canvas, where keys go (no WM)."""
        x, y = self.to_screen((self.canvas["width"] / 2, self.canvas["height"] / 2))
        return ["mousemove", str(x), str(y)]

    def key(self, *keys: str) -> None:
        self.xdotool(*self.pointer_to_canvas(), "key", *keys)

    def clear(self) -> dict:
        mark = len(self.events())
        self.key("Escape")
        return self.wait_for(lambda e: e["event"] == "cleared", mark)

    def window_id(self) -> int:
        """The app's window: of its process, or of the child that the one-file executable's
        bootloader starts."""
        for pid in (self.process.pid, *sorted(children(self.process.pid))):
            found = subprocess.run(["xdotool", "search", "--pid", str(pid),
                                    "--name", "Digit Recognizer"],
                                   capture_output=True, text=True, timeout=10)
            if found.stdout.split():
                return int(found.stdout.split()[0])
        raise AssertionError("the app has no window")

    def screenshot(self, path: Path | None = None):
        """The app's window as a PIL image (and saved when path is given)."""
        from PIL import ImageGrab

        geometry = subprocess.run(["xdotool", "getwindowgeometry", "--shell",
                                   str(self.window_id())],
                                  capture_output=True, text=True, timeout=10, check=True).stdout
        g = dict(line.split("=") for line in geometry.split())
        x, y, w, h = (int(g[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))
        image = ImageGrab.grab(xdisplay=os.environ["DISPLAY"]).crop((x, y, x + w, y + h))
        if path is not None:
            image.save(path)
        return image

    # ------------------------------------------------------------ the end

    def close_window(self) -> None:
        """Ask the window to close, as a window manager's close button does (WM_DELETE_WINDOW)."""
        send_delete_window(self.window_id())

    def finish(self, timeout: float = 15.0) -> tuple[int, str]:
        """Exit code and standard error once the app has ended."""
        _, stderr = self.process.communicate(timeout=timeout)
        return self.process.returncode, stderr

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate(timeout=10)


def wait_for_window(name: str, timeout: float = 20.0) -> str:
    """The id of the first window whose name matches (a dialog, say), once it is there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = subprocess.run(["xdotool", "search", "--name", name], capture_output=True,
                               text=True, timeout=10).stdout.split()
        if found:
            return found[0]
        time.sleep(0.05)
    raise AssertionError(f"no window named {name!r}")


class _ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong),
                ("message_type", ctypes.c_ulong), ("format", ctypes.c_int),
                ("data", ctypes.c_long * 5)]


class _XEvent(ctypes.Union):
    _fields_ = [("xclient", _ClientMessage), ("pad", ctypes.c_long * 24)]


def send_delete_window(window: int) -> None:
    """Send WM_DELETE_WINDOW to a top-level window through Xlib (no window manager needed)."""
    xlib = ctypes.cdll.LoadLibrary("libX11.so.6")
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    xlib.XInternAtom.restype = ctypes.c_ulong
    xlib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    xlib.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long,
                                ctypes.POINTER(_XEvent)]
    xlib.XFlush.argtypes = [ctypes.c_void_p]
    xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display = xlib.XOpenDisplay(None)
    if not display:
        raise RuntimeError("cannot open the X display")
    try:
        event = _XEvent()
        message = event.xclient
        message.type = 33  # ClientMessage
        message.window = window
        message.message_type = xlib.XInternAtom(display, b"WM_PROTOCOLS", False)
        message.format = 32
        message.data[0] = xlib.XInternAtom(display, b"WM_DELETE_WINDOW", False)
        message.data[1] = 0  # CurrentTime
        xlib.XSendEvent(display, window, False, 0, ctypes.byref(event))
        xlib.XFlush(display)
    finally:
        xlib.XCloseDisplay(display)


def take_readme_screenshot(path: Path) -> None:
    """The app with a hand-drawn 7 recognized, after one drawing of each digit was saved as a
    sample, saved for the README. A temporary home folder holds the samples and settings, at
    the places a user's would be (the window shows ~/.local/share/digit-recognizer/samples)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")} | {
            "HOME": folder}
        app = AppProcess(Path(folder) / "events.jsonl", env=env)
        try:
            canvas = app.wait_ready()
            for digit, strokes in sorted(HAND.items()):
                mark = len(app.events())
                app.draw(fit_strokes(strokes, canvas, 0.7), then=[digit])
                app.wait_for(lambda e: e["event"] == "sample", mark)
            app.read(fit_strokes(HAND["7"], canvas, 0.7))
            app.xdotool("mousemove", str(canvas["x"] + canvas["width"] + 200), "5")
            time.sleep(0.3)
            app.screenshot(path)
        finally:
            app.kill()


if __name__ == "__main__":
    if not os.environ.get("DISPLAY"):
        sys.exit("set DISPLAY (e.g. run under xvfb-run)")
    take_readme_screenshot(Path(sys.argv[1] if len(sys.argv) > 1 else "app.png"))
