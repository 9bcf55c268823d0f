"""The real App built in the test process on the Xvfb display, its event log kept in memory,
driven with Tk events and by calling its handlers."""

from __future__ import annotations

import contextlib
import gc
import io
import json
import time
import tkinter as tk

from desktop.window.app import App
from desktop.window.controls import make_root
from desktop.window.events import EventLog

MESSAGE_BOX = ".__tk__messagebox"  # Tk's own dialog on X11: a label .msg and an .ok button


def pump(root: tk.Misc, until, timeout: float = 20.0) -> None:
    """Run Tk's event loop until the condition holds."""
    deadline = time.monotonic() + timeout
    while not until():
        assert time.monotonic() < deadline, "timed out waiting for the window"
        root.update()
        time.sleep(0.003)


class Window:
    """An App in this process, its event log kept in memory; keyword arguments go to App."""

    def __init__(self, **app_options):
        self.stream = io.StringIO()
        self.root = make_root()
        self.app = App(self.root, log=EventLog(self.stream), **app_options)
        self.app.show()
        pump(self.root, lambda: self.app.classifier is not None)

    def events(self) -> list[dict]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def predictions(self) -> list[dict]:
        return [e for e in self.events() if e["event"] == "prediction"]

    def stroke(self, points) -> None:
        """A stroke as Tk pointer events on the canvas."""
        canvas = self.app.canvas
        (x, y), rest = points[0], points[1:]
        canvas.event_generate("<ButtonPress-1>", x=round(x), y=round(y))
        for x, y in rest:
            canvas.event_generate("<Motion>", x=round(x), y=round(y), state=0x100)  # Button1
        canvas.event_generate("<ButtonRelease-1>", x=round(x), y=round(y), state=0x100)

    def draw(self, strokes) -> dict:
        """Draw, then wait for the prediction of all the strokes."""
        for stroke in strokes:
            self.stroke(stroke)
        count = len(self.predictions())
        pump(self.root,
             lambda: len(self.predictions()) > count and self.app.session.pending is None)
        return self.predictions()[-1]

    def area(self) -> dict:
        return {"x": 0, "y": 0, "width": self.app.canvas.winfo_width(),
                "height": self.app.canvas.winfo_height()}

    def answer_dialogs(self) -> list[str]:
        """From now on, press OK on every message box; returns the list of their messages."""
        shown: list[str] = []

        def answer() -> None:
            with contextlib.suppress(tk.TclError):  # the window closed meanwhile
                if self.root.tk.call("winfo", "exists", MESSAGE_BOX):
                    shown.append(self.root.tk.call(f"{MESSAGE_BOX}.msg", "cget", "-text"))
                    self.root.tk.call(f"{MESSAGE_BOX}.ok", "invoke")
                self.root.after(20, answer)

        self.root.after(20, answer)
        return shown

    def close(self) -> None:
        """Close the window, and free what it leaves on this thread: the next window's threads
        must not be the ones to collect its Tk objects (a test may open one after another)."""
        with contextlib.suppress(tk.TclError):  # already closed by the test
            self.app.close()
        self.app = None  # type: ignore[assignment]
        gc.collect()
