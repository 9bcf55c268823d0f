"""The main window. It only wires Tk to the rest: the canvas (strokes) and File > Open image
ask the recognition session (`session`, off the Tk thread) for a Reading; `view_model` says
what to show of it, and the widgets (`answer_panel`, `teach_row`, `about`) show it. The
--log-events JSON lines come from `events`."""

from __future__ import annotations

import argparse
import tkinter as tk
from collections.abc import Callable, Sequence
from pathlib import Path
from tkinter import filedialog, messagebox, ttk

from desktop import exit_status, say
from desktop.engine.adapt import Adaptation
from desktop.engine.classifier import Classifier
from desktop.engine.reading import Reading, read_image_file, read_strokes
from desktop.user import model_choice
from desktop.user.bug_log import bug_line
from desktop.user.dirs import default_samples_dir
from desktop.user.personal import Personal
from desktop.user.settings import chosen_model, remember_model, take_notices
from desktop.window import controls, view_model
from desktop.window.adapt_menu import AdaptMenu
from desktop.window.answer_panel import AnswerPanel
from desktop.window.canvas import DrawingCanvas
from desktop.window.commands import TITLE, WindowCommands
from desktop.window.drawing import default_brush
from desktop.window.events import (
    EventLog,
    adaptation_event,
    cleared_event,
    no_digit_event,
    prediction_event,
    ready_event,
)
from desktop.window.model_menu import ModelMenu
from desktop.window.sample_keeper import SampleKeeper
from desktop.window.session import Session
from desktop.window.status_line import StatusLine
from desktop.window.teach_row import TeachRow

CANVAS_MIN = 280           # pixels at 96 dpi; more on HiDPI screens
CANVAS_START = (440, 360)  # wider than high: room for a number of several digits
PANEL_WIDTH = 260
IMAGE_TYPES = [("Images", "*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp"),
               ("All files", "*")]


class App:
    """The main window: canvas, answer panel, menus and keys; the session's View."""

    def __init__(self, root: tk.Tk, model_path: str | None = None, log: EventLog | None = None,
                 samples_dir: str | Path | None = None, settings_file: Path | None = None):
        self.root = root
        self.log = log or EventLog(None)
        self.exit_code = 0
        self.samples_dir = Path(samples_dir or default_samples_dir()).expanduser().absolute()
        self.settings_file = settings_file
        self.personal = Personal(self.samples_dir)
        choice = model_choice.startup_model(model_path, chosen_model(settings_file))
        # The model loads on the worker thread while Tk builds the window.
        self.session = Session(self, root.after, choice,
                               lambda path: remember_model(path, settings_file))
        self.reading: Reading | None = None
        self.selected: int | None = None
        self.scale = controls.ui_scale(root)
        self._build()
        root.report_callback_exception = self._callback_failed

    @property
    def classifier(self) -> Classifier | None:
        return self.session.classifier

    @property
    def about_window(self) -> tk.Toplevel | None:
        return self.commands.about_window

    # ------------------------------------------------------------ layout

    def _px(self, size: float) -> int:
        return round(size * self.scale)

    def _build(self) -> None:
        root = self.root
        root.title(TITLE)
        if root.tk.call("tk", "windowingsystem") == "x11":
            ttk.Style(root).theme_use("clam")
        fonts = controls.fonts(root)
        main = ttk.Frame(root, padding=self._px(10))
        main.grid(row=0, column=0, sticky="nsew")
        for widget in (root, main):
            widget.columnconfigure(0, weight=1)
            widget.rowconfigure(0, weight=1)
        border = tk.Frame(main, bg="#b8bec8", bd=0, padx=1, pady=1)
        border.grid(row=0, column=0, sticky="nsew")
        border.columnconfigure(0, weight=1)
        border.rowconfigure(0, weight=1)
        self.tools = controls.Toolbar(main, self._px, default_brush(self._px(min(CANVAS_START))),
                                      self._brush_changed, self.undo, self.clear, self.predict)
        self.board = DrawingCanvas(border, self._px(CANVAS_START[0]), self._px(CANVAS_START[1]),
                                   lambda: self.tools.brush, self._pen_down, self.predict)
        self.canvas = self.board.canvas
        self.canvas.grid(row=0, column=0, sticky="nsew")
        width = self._px(PANEL_WIDTH)
        panel = ttk.Frame(main, width=width)
        panel.grid(row=0, column=1, rowspan=2, sticky="ns", padx=(self._px(14), 0))
        panel.columnconfigure(0, minsize=width)
        self.answer = AnswerPanel(panel, width, self._px, fonts, self._select)
        self.samples = SampleKeeper(self)
        self.teach = TeachRow(panel, 6, width, self._px, fonts, self.samples_dir,
                              self.samples.save, self.samples.undo)
        self.teach.enable(False)
        # width=1: a long message is cut at the window's edge instead of widening the window
        label = ttk.Label(main, text="Loading the model…", font=fonts["small"],
                          foreground="#555555", width=1)
        label.grid(row=2, column=0, columnspan=2, sticky="ew", pady=(self._px(6), 0))
        self.status = StatusLine(label)
        self.models = ModelMenu(root, self.session, self.status)
        self.commands = WindowCommands(root, self.session, self._px(12),
                                       lambda: self.adapt.about_line(len(self.personal.unreadable)),
                                       self.settings_file)
        menus = controls.menu_bar(root, {
            "File": [("Open image…", "Ctrl+O", self.ask_image),
                     ("Classify folder…", "", self.commands.classify_folder), None,
                     ("Quit", "Ctrl+Q", self.close)],
            "Model": [("Open model…", "", self.models.ask_model),
                      ("Use bundled model", "", lambda: self.models.open_model(None))],
            "Help": [("About Digit Recognizer", "", self.commands.show_about)]})
        self.adapt = AdaptMenu(menus["Model"], self.samples_dir, self.settings_file,
                               self._adapt_toggled, self._notify)
        self.adapt.show(sum(self.teach.show_counts().values()))
        self._bind()
        self._show(view_model.empty_answer())
        root.update_idletasks()
        extra_w = root.winfo_reqwidth() - self.canvas.winfo_reqwidth()
        extra_h = root.winfo_reqheight() - self.canvas.winfo_reqheight()
        root.minsize(extra_w + self._px(CANVAS_MIN), extra_h + self._px(CANVAS_MIN))

    def _bind(self) -> None:
        keys: dict[Sequence[str], Callable[[], None]] = {
            ("<Return>", "<KP_Enter>"): self.predict, ("<Escape>", "<Delete>"): self.clear,
            ("<Control-z>", "<Control-Z>"): self.undo, ("<Control-o>",): self.ask_image,
            ("<Control-q>",): self.close}
        if self.root.tk.call("tk", "windowingsystem") == "aqua":
            keys[("<Command-z>",)] = self.undo
        controls.bind_keys(self.root, keys, self.samples.save)
        self.root.protocol("WM_DELETE_WINDOW", self.close)

    # ------------------------------------------------------------ drawing

    def _pen_down(self) -> None:
        self.status.drawing_started()
        self.samples.drawing_started()
        if self.board.picture is not None:
            self.clear()
        elif self.session.reading_file:
            self.session.forget_pending()  # drawing now: the image being read is not wanted
        self.teach.enable(True)

    def _brush_changed(self, width: int) -> None:
        self.board.set_brush(width)
        if not self.board.drawing.is_empty:
            self.predict()

    # ------------------------------------------------------------ commands

    def predict(self) -> None:
        """Read the drawing (on the worker thread); an empty canvas shows no digit."""
        if self.board.picture is not None and self.reading is not None:
            self.show_reading(self.reading)
            return
        if self.board.drawing.is_empty:
            self._show(view_model.empty_answer())
            return
        strokes, thickness = self.board.drawing.snapshot(), self.tools.brush
        self.board.submitted_version = self.board.drawing.version
        adapt = self.adaptation()
        self.session.submit(lambda classifier: read_strokes(strokes, thickness, classifier,
                                                            adapt(classifier)), "canvas")

    def adaptation(self) -> Callable[[Classifier], Adaptation | None]:
        """What the recognition thread calls for the adaptation to use (None: none)."""
        personal = self.personal if self.adapt.on else None
        return lambda classifier: personal.adaptation(classifier) if personal else None

    def clear(self) -> None:
        self.board.clear()
        self.session.forget_pending()
        self.reading = None
        self._show(view_model.empty_answer())
        self.teach.enable(False)
        self.log.write(cleared_event())

    def undo(self) -> None:
        """Ctrl+Z: the last stroke; on the empty canvas right after saving, that sample."""
        if not self.board.undo():
            self.samples.undo_after_save()
            return
        if self.board.drawing.is_empty:
            self.clear()
        else:
            self.predict()

    def ask_image(self) -> None:
        path = filedialog.askopenfilename(parent=self.root, title="Open an image of digits",
                                          filetypes=IMAGE_TYPES)
        if path:
            self.open_image(path)

    def open_image(self, path: str | Path) -> None:
        """Decode and read an image file on the worker thread, then show it with the result."""
        path, adapt = str(path), self.adaptation()
        self.status.say(f"Reading {Path(path).name}…")
        self.session.submit(lambda classifier: read_image_file(path, classifier,
                                                               adapt(classifier)), "file",
                            failure_title=f"Cannot open {Path(path).name}")

    def _adapt_toggled(self, on: bool) -> None:
        self.log.write(adaptation_event(on, self.adapt.count))
        self.read_again()

    def _notify(self, message: str) -> None:
        self.status.say(message)

    def close(self) -> None:
        """Window closed: stop the workers and leave the main loop."""
        self.session.close()
        self.root.destroy()

    # ------------------------------------------------------------ the session's View

    def show_reading(self, reading: Reading) -> None:
        """A reading of the canvas or of a file: shown, and logged as a prediction."""
        if reading.source == "file":
            assert reading.picture is not None
            self.board.show_picture(reading.picture)
            self.teach.enable(False)
            self.status.note(f"{reading.about or 'Image'} shown; draw to start a new drawing.")
        if reading.source == "file" or reading is not self.reading:
            self.selected = None
        self.reading = reading
        if not reading.predictions:
            self._show(view_model.empty_answer(
                "No digit found" if reading.source == "file" else "Draw a digit"))
            self.log.write(no_digit_event(reading.source))
            return
        self._show(view_model.answer(reading.predictions, self.selected, reading.adapted))
        if reading.source == "canvas":
            self.board.show_split(reading.boxes)
        self.log.write(prediction_event(reading.source, reading.predictions, reading.adapted,
                                        reading.boxes))

    def show_failure(self, title: str, message: str) -> None:
        self.status.say(message)
        messagebox.showerror(title, message, parent=self.root)

    def model_ready(self, classifier: Classifier, notice: str) -> None:
        self.models.ready(classifier, notice or take_notices())  # a settings file ignored
        self.adapt.show(self.adapt.count, classifier)
        self.samples.prepare(classifier)

    def model_unusable(self, message: str) -> None:
        """A missing, corrupt or wrong-shaped model: one line on stderr, a dialog, exit 2."""
        say(f"error: {message}")
        self.exit_code = 2
        messagebox.showerror("Cannot load the model", message, parent=self.root)
        self.close()

    def switch_failed(self, message: str) -> None:
        self.models.switch_failed(message)

    def read_again(self) -> None:
        """After a model switch: what is on show, read with the new model."""
        if self.board.picture is not None or self.session.reading_file:
            self.session.resubmit()  # the image file, read again
        elif not self.board.drawing.is_empty:
            self.predict()

    # ------------------------------------------------------------ showing

    def _show(self, answer: view_model.Answer) -> None:
        self.answer.show(answer, self.reading.inputs if self.reading is not None else None)

    def _select(self, index: int) -> None:
        if self.reading is not None and self.reading.predictions:
            self.selected = index
            self._show(view_model.answer(self.reading.predictions, index,
                                         self.reading.adapted))

    # ------------------------------------------------------------ start

    def canvas_area(self) -> tuple[int, int, int, int]:
        """The canvas's drawable area in screen coordinates: x, y, width, height."""
        return self.board.area()

    def show(self) -> None:
        """Map the window, wait until it is visible and idle, announce `ready`, start polling."""
        self.root.deiconify()
        self.canvas.wait_visibility()
        self.root.update_idletasks()
        self.canvas.focus_set()
        self.log.write(ready_event(*self.canvas_area()))
        self.session.keep_polling()

    def _callback_failed(self, _kind: type, error: BaseException, _trace: object) -> None:
        """A bug in a Tk callback: one line on stderr and the status line, its traceback in the
        error log; the app goes on. Ctrl-C (or SIGTERM) inside a callback ends the app."""
        if isinstance(error, KeyboardInterrupt):
            self.exit_code = exit_status(error)
            self.root.quit()
            return
        line = bug_line(error)
        say(f"error: {line}")
        self.status.say(line)

    def run(self) -> int:
        self.show()
        self.root.mainloop()
        return self.exit_code


def run(args: argparse.Namespace) -> int:
    """Start the app; exit code 0 on close, 2 when the model cannot be used."""
    try:
        log = EventLog.open(args.log_events)
    except OSError as err:
        say(f"error: --log-events: {err.strerror}: {args.log_events}")
        return 2
    try:
        root = controls.make_root()
    except tk.TclError as err:
        say(f"error: cannot open a window ({err})")
        return 1
    try:
        return App(root, args.model, log, args.samples_dir).run()
    finally:
        log.close()
