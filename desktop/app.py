"""The window. It only wires Tk events to the logic modules:
strokes (the drawing) → recognizer.Worker (off the Tk thread) → view_model (what to show) →
widgets; teach (the drawing as a labelled sample), model_choice (which model runs) and events
(the --log-events JSON lines)."""

from __future__ import annotations

import argparse
import sys
import tkinter as tk
from pathlib import Path
from tkinter import filedialog, messagebox, ttk
from tkinter import font as tkfont

from desktop import about, model_choice, pictures, recognizer, teach, view_model
from desktop.classifier import Classifier, ModelError
from desktop.events import EventLog, cleared_event, prediction_event, ready_event, sample_event
from desktop.imagefile import ImageError
from desktop.samples import count_samples
from desktop.settings import chosen_model, remember_model
from desktop.strokes import Drawing, default_brush
from desktop.userdirs import default_models_dir, default_samples_dir

TITLE = "Digit Recognizer"
CANVAS_MIN = 280           # pixels at 96 dpi; more on HiDPI screens
CANVAS_START = (440, 360)  # wider than high: room for a number of several digits
PANEL_WIDTH = 260
SEEN_HEIGHT = 140          # room for one 28x28 input shown 4x, or two rows of smaller ones
BRUSH_RANGE = (4, 48)
PREVIEW_MS = 120           # at most this often a prediction while the pen is down
POLL_MS = 8                # how often the Tk thread looks for results while some are due
INK, PAPER = "#141414", "#ffffff"
BAR, BAR_TOP, BAR_UNSURE = "#9db4d3", "#2563eb", "#d97706"
IMAGE_TYPES = [("Images", "*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp"),
               ("All files", "*")]
MODEL_TYPES = [("ONNX models", "*.onnx"), ("All files", "*")]


def make_root() -> tk.Tk:
    """The Tk root, DPI-aware on Windows so the canvas is sharp on HiDPI screens."""
    if sys.platform == "win32":
        try:
            import ctypes

            ctypes.windll.shcore.SetProcessDpiAwareness(1)
        except (AttributeError, OSError):  # older Windows: blurry but working
            pass
    root = tk.Tk(className="DigitRecognizer")
    root.withdraw()  # shown once built, so it does not flash half-made
    return root


def ui_scale(root: tk.Tk) -> float:
    """1.0 at 96 dpi; Tk's scaling (pixels per point) tells how much denser the screen is."""
    return max(1.0, float(root.tk.call("tk", "scaling")) / (96 / 72))


class BarChart:
    """Ten bars on a small canvas, one per digit; the predicted one highlighted."""

    def __init__(self, parent: tk.Widget, width: int, height: int, small_font: tkfont.Font):
        self.canvas = tk.Canvas(parent, width=width, height=height, bg=PAPER,
                                highlightthickness=0, bd=0)
        self.width, self.height = width, height
        self.label_h = small_font.metrics("linespace") + 4
        slot = width / 10
        base = height - self.label_h
        self.canvas.create_line(0, base, width, base, fill="#c8cdd5")
        self.bars, self.values = [], []
        for digit in range(10):
            x = slot * digit
            self.bars.append(self.canvas.create_rectangle(x + 4, height, x + slot - 4, height,
                                                          fill=BAR, width=0))
            self.canvas.create_text(x + slot / 2, height - self.label_h / 2, text=str(digit),
                                    font=small_font, fill="#333333")
            self.values.append(self.canvas.create_text(x + slot / 2, 0, text="", anchor="s",
                                                       font=small_font, fill="#333333"))

    def show(self, bars: tuple[float, ...], highlighted: int | None, sure: bool) -> None:
        top = self.label_h + 16
        room = self.height - self.label_h - top
        slot = self.width / 10
        base = self.height - self.label_h
        for digit, p in enumerate(bars):
            x = slot * digit
            y = base - max(1.0, p * room)
            colour = (BAR_TOP if sure else BAR_UNSURE) if digit == highlighted else BAR
            self.canvas.coords(self.bars[digit], x + 4, y, x + slot - 4, base)
            self.canvas.itemconfigure(self.bars[digit], fill=colour,
                                      state="normal" if p >= 0.005 else "hidden")
            text = f"{p * 100:.0f}" if p >= 0.095 else ""
            self.canvas.coords(self.values[digit], x + slot / 2, y - 2)
            self.canvas.itemconfigure(self.values[digit], text=text)


class App:
    """The main window: canvas, answer panel, menus and keys."""

    def __init__(self, root: tk.Tk, model_path: str | None = None, log: EventLog | None = None,
                 samples_dir: str | Path | None = None, settings_file: Path | None = None):
        self.root = root
        self.log = log or EventLog(None)
        self.exit_code = 0
        self.settings_file = settings_file  # None: the user's own
        self.samples_dir = Path(samples_dir or default_samples_dir()).expanduser().absolute()
        choice = model_choice.startup_model(model_path, chosen_model(settings_file))
        self._startup_source = choice.source
        # The model loads on the worker thread while Tk builds the window.
        self.worker = self._start_worker(choice.path)
        self.classifier: Classifier | None = None
        self._next_worker: recognizer.Worker | None = None  # a model being switched to
        self._next_model: Path | None = None
        self._notice = ""                # shown instead of the model's status once it loads
        self._last_request: tuple = ()   # the latest _submit arguments, to repeat on a switch
        self.drawing = Drawing()
        self.stroke_items: list[int] = []
        self.reading: recognizer.Reading | None = None
        self.selected: int | None = None
        self._tag = 0                    # id of the latest request; older results are stale
        self._pending = False            # a result for the latest request is due
        self._pending_source = "canvas"
        self._failure_title = ""
        self._polling = False
        self._submitted_version = -1
        self._preview_due = False
        self._photos: list[tk.PhotoImage] = []
        self._picture_photo: tk.PhotoImage | None = None
        self._picture: object = None
        self.about_window: tk.Toplevel | None = None
        self.scale = ui_scale(root)
        self._build()

    # ------------------------------------------------------------ layout

    def _px(self, size: float) -> int:
        return round(size * self.scale)

    def _build(self) -> None:
        root = self.root
        root.title(TITLE)
        if root.tk.call("tk", "windowingsystem") == "x11":
            ttk.Style(root).theme_use("clam")
        base = tkfont.nametofont("TkDefaultFont")
        self.fonts = {
            "headline": tkfont.Font(root, family=base.actual("family"), size=60, weight="bold"),
            "detail": tkfont.Font(root, family=base.actual("family"), size=11),
            "heading": tkfont.Font(root, family=base.actual("family"), size=10, weight="bold"),
            "small": tkfont.Font(root, family=base.actual("family"), size=9),
        }
        self._build_menu()
        main = ttk.Frame(root, padding=self._px(10))
        main.grid(row=0, column=0, sticky="nsew")
        root.columnconfigure(0, weight=1)
        root.rowconfigure(0, weight=1)
        main.columnconfigure(0, weight=1)
        main.rowconfigure(0, weight=1)

        border = tk.Frame(main, bg="#b8bec8", bd=0, padx=1, pady=1)
        border.grid(row=0, column=0, sticky="nsew")
        border.columnconfigure(0, weight=1)
        border.rowconfigure(0, weight=1)
        self.canvas = tk.Canvas(border, width=self._px(CANVAS_START[0]),
                                height=self._px(CANVAS_START[1]), bg=PAPER, bd=0,
                                highlightthickness=0, cursor="pencil")
        self.canvas.grid(row=0, column=0, sticky="nsew")
        self._build_toolbar(main)
        self._build_panel(main)
        # width=1: a long message is cut at the window's edge instead of widening the window
        self.status = ttk.Label(main, text="Loading the model…", font=self.fonts["small"],
                                foreground="#555555", width=1)
        self.status.grid(row=2, column=0, columnspan=2, sticky="ew", pady=(self._px(6), 0))
        self._bind()
        self._show_answer(view_model.empty_answer())
        root.update_idletasks()
        extra_w = root.winfo_reqwidth() - self.canvas.winfo_reqwidth()
        extra_h = root.winfo_reqheight() - self.canvas.winfo_reqheight()
        root.minsize(extra_w + self._px(CANVAS_MIN), extra_h + self._px(CANVAS_MIN))

    def _build_menu(self) -> None:
        menubar = tk.Menu(self.root)
        files = tk.Menu(menubar, tearoff=False)
        files.add_command(label="Open image…", accelerator="Ctrl+O", command=self.ask_image)
        files.add_command(label="Classify folder…", command=self._classify_folder)
        files.add_separator()
        files.add_command(label="Quit", accelerator="Ctrl+Q", command=self.close)
        menubar.add_cascade(label="File", menu=files)
        models = tk.Menu(menubar, tearoff=False)
        models.add_command(label="Open model…", command=self.ask_model)
        models.add_command(label="Use bundled model", command=self.use_bundled_model)
        menubar.add_cascade(label="Model", menu=models)
        helps = tk.Menu(menubar, tearoff=False)
        helps.add_command(label="About Digit Recognizer", command=self.show_about)
        menubar.add_cascade(label="Help", menu=helps)
        self.root.config(menu=menubar)

    def _build_toolbar(self, parent: ttk.Frame) -> None:
        bar = ttk.Frame(parent)
        bar.grid(row=1, column=0, sticky="ew", pady=(self._px(8), 0))
        ttk.Label(bar, text="Brush").pack(side="left")
        self.brush = tk.IntVar(value=default_brush(self._px(min(CANVAS_START))))
        self.brush_scale = ttk.Scale(bar, from_=self._px(BRUSH_RANGE[0]),
                                     to=self._px(BRUSH_RANGE[1]), length=self._px(110),
                                     command=self._brush_moved)
        self.brush_scale.set(self.brush.get())
        self.brush_scale.pack(side="left", padx=(self._px(6), 0))
        self.brush_label = ttk.Label(bar, width=6, text=f"{self.brush.get()} px")
        self.brush_label.pack(side="left", padx=(self._px(4), 0))
        self.predict_button = ttk.Button(bar, text="Predict", width=8, command=self.predict)
        self.predict_button.pack(side="right")
        self.clear_button = ttk.Button(bar, text="Clear", width=8, command=self.clear)
        self.clear_button.pack(side="right", padx=self._px(6))
        self.undo_button = ttk.Button(bar, text="Undo", width=8, command=self.undo)
        self.undo_button.pack(side="right")

    def _build_panel(self, parent: ttk.Frame) -> None:
        width = self._px(PANEL_WIDTH)
        panel = ttk.Frame(parent, width=width)
        panel.grid(row=0, column=1, rowspan=2, sticky="ns", padx=(self._px(14), 0))
        panel.columnconfigure(0, minsize=width)
        self.headline = ttk.Label(panel, text="", font=self.fonts["headline"], anchor="center")
        self.headline.grid(row=0, column=0, sticky="ew")
        self.detail = ttk.Label(panel, text="", font=self.fonts["detail"], anchor="center",
                                justify="center", wraplength=width)
        self.detail.grid(row=1, column=0, sticky="ew", pady=(0, self._px(10)))
        self.chart_title = ttk.Label(panel, text="", font=self.fonts["heading"])
        self.chart_title.grid(row=2, column=0, sticky="w")
        self.chart = BarChart(panel, width, self._px(130), self.fonts["small"])
        self.chart.canvas.grid(row=3, column=0, pady=(self._px(2), self._px(12)))
        ttk.Label(panel, text="What the model sees", font=self.fonts["heading"]).grid(
            row=4, column=0, sticky="w")
        # Fixed size, so the window does not jump when the first digit appears.
        self.seen = ttk.Frame(panel, width=width, height=self._px(SEEN_HEIGHT))
        self.seen.grid(row=5, column=0, sticky="nw", pady=(self._px(4), 0))
        self.seen.grid_propagate(False)
        self._build_teach(panel, row=6)

    def _build_teach(self, panel: ttk.Frame, row: int) -> None:
        """The "It's a..." row: ten digit buttons that save the drawing as a labelled sample,
        each with its count of samples, and the folder they go to."""
        ttk.Label(panel, text="It's a…", font=self.fonts["heading"]).grid(
            row=row, column=0, sticky="w", pady=(self._px(8), 0))
        ttk.Style(self.root).configure("Digit.TButton", padding=(0, self._px(2)))
        row_frame = ttk.Frame(panel)
        row_frame.grid(row=row + 1, column=0, sticky="ew", pady=(self._px(2), 0))
        self.digit_buttons: list[ttk.Button] = []
        self.count_labels: list[ttk.Label] = []
        for digit in range(10):
            row_frame.columnconfigure(digit, weight=1, uniform="digit")
            button = ttk.Button(row_frame, text=str(digit), width=2, style="Digit.TButton",
                                command=lambda d=digit: self.save_sample(d))
            button.grid(row=0, column=digit, sticky="ew", padx=1)
            count = ttk.Label(row_frame, text="", font=self.fonts["small"],
                              foreground="#555555", anchor="center")
            count.grid(row=1, column=digit, sticky="ew")
            self.digit_buttons.append(button)
            self.count_labels.append(count)
        self.samples_label = ttk.Label(panel, text="", font=self.fonts["small"],
                                       foreground="#555555", wraplength=self._px(PANEL_WIDTH))
        self.samples_label.grid(row=row + 2, column=0, sticky="w", pady=(self._px(2), 0))
        self._show_counts()
        self._enable_teach()

    def _bind(self) -> None:
        canvas, root = self.canvas, self.root
        canvas.bind("<ButtonPress-1>", self._pen_down)
        canvas.bind("<B1-Motion>", self._pen_move)
        canvas.bind("<ButtonRelease-1>", self._pen_up)
        for key in ("<Return>", "<KP_Enter>"):
            root.bind(key, lambda _e: self.predict())
        for key in ("<Escape>", "<Delete>"):
            root.bind(key, lambda _e: self.clear())
        undo_keys = ["<Control-z>", "<Control-Z>"]
        if root.tk.call("tk", "windowingsystem") == "aqua":
            undo_keys.append("<Command-z>")
        for key in undo_keys:
            root.bind(key, lambda _e: self.undo())
        for digit in range(10):
            for key in (f"<Key-{digit}>", f"<KP_{digit}>"):
                root.bind(key, lambda _e, d=digit: self.save_sample(d))
        root.bind("<Control-o>", lambda _e: self.ask_image())
        root.bind("<Control-q>", lambda _e: self.close())
        root.protocol("WM_DELETE_WINDOW", self.close)

    # ------------------------------------------------------------ drawing

    def _pen_down(self, event: tk.Event) -> None:
        if self._picture is not None:
            self.clear()
        elif self._pending and self._pending_source == "file":
            self._forget_pending()  # drawing now: the image still being read is not wanted
        x, y = self.canvas.canvasx(event.x), self.canvas.canvasy(event.y)
        self.drawing.begin(x, y)
        self._enable_teach()
        width = self.brush.get()
        self.stroke_items.append(self.canvas.create_line(
            x, y, x + 0.01, y, width=width, fill=INK, capstyle="round", joinstyle="round",
            tags="stroke"))

    def _pen_move(self, event: tk.Event) -> None:
        x, y = self.canvas.canvasx(event.x), self.canvas.canvasy(event.y)
        if not self.drawing.extend(x, y):
            return
        flat = [c for point in self.drawing.last_stroke() for c in point]
        self.canvas.coords(self.stroke_items[-1], *flat)
        if not self._preview_due:
            self._preview_due = True
            self.root.after(PREVIEW_MS, self._preview)

    def _preview(self) -> None:
        self._preview_due = False
        if self.drawing.drawing and self.drawing.version != self._submitted_version:
            self.predict()

    def _pen_up(self, _event: tk.Event) -> None:
        if self.drawing.drawing:
            self.drawing.end()
            self.predict()

    def _brush_moved(self, value: str) -> None:
        width = round(float(value))
        if width == self.brush.get():
            return
        self.brush.set(width)
        self.brush_label.configure(text=f"{width} px")
        self.canvas.itemconfigure("stroke", width=width)
        if not self.drawing.is_empty:
            self.predict()

    # ------------------------------------------------------------ commands

    def predict(self) -> None:
        """Read the drawing (on the worker thread); an empty canvas shows no digit."""
        if self._picture is not None and self.reading is not None:
            self._show_reading(self.reading, log=True)
            return
        if self.drawing.is_empty:
            self._show_answer(view_model.empty_answer())
            return
        strokes, thickness = self.drawing.snapshot(), self.brush.get()
        self._submitted_version = self.drawing.version
        self._submit(lambda classifier: recognizer.read_strokes(strokes, thickness, classifier),
                     "canvas")

    def clear(self) -> None:
        self.drawing.clear()
        self.canvas.delete("all")
        self.stroke_items.clear()
        self._picture = self._picture_photo = None
        self._forget_pending()
        self.reading = None
        self._show_answer(view_model.empty_answer())
        self._enable_teach()
        self.log.write(cleared_event())

    def undo(self) -> None:
        if self._picture is not None or not self.drawing.undo():
            return
        self.canvas.delete(self.stroke_items.pop())
        if self.drawing.is_empty:
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
        path = str(path)
        self.status.configure(text=f"Reading {Path(path).name}…")
        self._submit(lambda classifier: recognizer.read_image_file(path, classifier), "file",
                     failure_title=f"Cannot open {Path(path).name}")

    def save_sample(self, digit: int) -> None:
        """It's a `digit`: save the drawing as a labelled sample, then clear for the next."""
        if self.drawing.is_empty:
            self.status.configure(text=f"Draw a digit first, then press {digit} to save it.")
            return
        try:
            path = teach.save_drawing(self.samples_dir, digit, self.drawing.snapshot(),
                                      self.brush.get())
        except teach.NotOneDigit as err:
            self.status.configure(text=f"Not saved: {err}.")
            return
        except teach.SampleError as err:
            self.status.configure(text=f"Not saved: {err}.")
            messagebox.showerror("Cannot save the sample", str(err), parent=self.root)
            return
        self.log.write(sample_event(digit, path))
        self.clear()
        counts = self._show_counts()
        self.status.configure(text=f"Saved as a {digit}: {counts[digit]} of {digit} so far. "
                                   "Draw the next one.")

    def _show_counts(self) -> dict[int, int]:
        counts = count_samples(self.samples_dir)
        for digit, label in enumerate(self.count_labels):
            label.configure(text=str(counts[digit]))
        total = sum(counts.values())
        self.samples_label.configure(
            text=f"{total} {'sample' if total == 1 else 'samples'} in {self.samples_dir}")
        return counts

    def _enable_teach(self) -> None:
        """The digit buttons work only when there is a drawing to label."""
        state = ["disabled"] if self.drawing.is_empty else ["!disabled"]
        for button in self.digit_buttons:
            button.state(state)

    def ask_model(self) -> None:
        """Model > Open model…: a file dialog, starting in the folder fine-tuned models go to."""
        folder = default_models_dir()
        path = filedialog.askopenfilename(parent=self.root, title="Open a digit model",
                                          filetypes=MODEL_TYPES,
                                          initialdir=str(folder) if folder.is_dir() else None)
        if path:
            self.open_model(path)

    def use_bundled_model(self) -> None:
        self.open_model(None)

    def open_model(self, path: str | Path | None) -> None:
        """Load another model (None: the bundled one) on a worker of its own; it takes over once
        loaded and is remembered. One that fails to load leaves the current model in use."""
        if self.classifier is None:
            messagebox.showinfo(TITLE, "The model is still loading; try again in a moment.",
                                parent=self.root)
            return
        if self._next_worker is not None:
            self._next_worker.close(timeout=0)
        self._next_model = None if model_choice.is_bundled(path) else Path(path)
        self._next_worker = self._start_worker(self._next_model)
        self.status.configure(text=f"Loading {model_choice.display_name(self._next_model)}…")
        self._keep_polling()

    def _start_worker(self, model_path: Path | None) -> recognizer.Worker:
        return recognizer.Worker(lambda: Classifier(model_path), (ModelError, ImageError))

    def _classify_folder(self) -> None:
        """File > Classify folder…: the batch window, imported only when asked for."""
        if self.classifier is None:
            messagebox.showinfo(TITLE, "The model is still loading; try again in a moment.",
                                parent=self.root)
            return
        from desktop.batch_window import open_batch_window

        open_batch_window(self.root, self.classifier)

    def show_about(self) -> None:
        if self.classifier is None:
            messagebox.showinfo(TITLE, "The model is still loading.", parent=self.root)
            return
        text = about.about_text(self.classifier.card, self.classifier.path,
                                about.runtime_versions())
        window = tk.Toplevel(self.root)
        window.title(f"About {TITLE}")
        window.transient(self.root)
        frame = ttk.Frame(window, padding=self._px(12))
        frame.pack(fill="both", expand=True)
        lines = text.splitlines()
        box = tk.Text(frame, width=max(len(line) for line in lines) + 2, height=len(lines),
                      wrap="none", relief="flat", bg=self.root.cget("bg"), font="TkTextFont")
        box.insert("1.0", text)
        box.configure(state="disabled")  # read-only, still selectable for support requests
        box.pack(fill="both", expand=True)
        ttk.Button(frame, text="OK", command=window.destroy).pack(pady=(self._px(8), 0))
        window.bind("<Escape>", lambda _e: window.destroy())
        window.bind("<Return>", lambda _e: window.destroy())
        self.about_window = window

    def close(self) -> None:
        """Window closed: stop the workers and leave the main loop."""
        if self._next_worker is not None:
            self._next_worker.close(timeout=0)
        self.worker.close(timeout=1.0)
        self.root.destroy()

    # ------------------------------------------------------------ results

    def _submit(self, task: recognizer.Task, source: str,
                failure_title: str = "Recognition failed") -> None:
        self._tag += 1
        self._pending, self._pending_source = True, source
        self._failure_title = failure_title
        self._last_request = (task, source, failure_title)
        self.worker.submit(self._tag, task)
        self._keep_polling()

    def _keep_polling(self) -> None:
        if not self._polling:
            self._polling = True
            self.root.after(POLL_MS, self._poll)

    def _forget_pending(self) -> None:
        """Results of requests made before now are stale."""
        self._tag += 1
        self._pending = False

    def _poll(self) -> None:
        """Collect worker outcomes on the Tk thread; keep polling while one is due."""
        if self._next_worker is not None and not self._poll_switch():
            return
        for outcome in self.worker.poll():
            if isinstance(outcome, recognizer.Loaded):
                self._model_loaded(outcome.classifier)
            elif isinstance(outcome, recognizer.LoadFailed):
                if self._startup_source != "remembered":
                    self._model_failed(outcome.message)
                    return
                self._fall_back_to_bundled(outcome.message)
            elif outcome.tag != self._tag:
                continue  # the drawing changed since: a newer request is on its way
            elif isinstance(outcome, recognizer.Done):
                self._pending = False
                self._show_reading(outcome.value, log=True)
            else:
                self._pending = False
                self.status.configure(text=outcome.message)
                messagebox.showerror(self._failure_title, outcome.message, parent=self.root)
        self._polling = (self.classifier is None or self._pending
                         or self._next_worker is not None)
        if self._polling:
            self.root.after(POLL_MS, self._poll)

    def _model_status(self) -> str:
        accuracy = self.classifier.accuracy
        tail = f" ({accuracy * 100:.1f} % on MNIST)" if isinstance(accuracy, float) else ""
        name = model_choice.display_name(self.classifier.path)
        return f"Model: {name}{tail}. Draw digits, one or several."

    def _model_loaded(self, classifier: Classifier) -> None:
        self.classifier = classifier
        self.root.title(model_choice.window_title(TITLE, classifier.path))
        self.status.configure(text=self._notice or self._model_status())
        self._notice = ""

    def _poll_switch(self) -> bool:
        """Outcome of loading a model to switch to; False when the app is closing."""
        for outcome in self._next_worker.poll():
            if isinstance(outcome, recognizer.Loaded):
                self._switched(outcome.classifier)
            elif self.classifier is None:  # the bundled model, after the remembered one failed
                self._model_failed(outcome.message)
                return False
            else:
                self._next_worker = None
                self.status.configure(text=self._model_status())
                messagebox.showerror("Cannot open the model", outcome.message, parent=self.root)
        return True

    def _switched(self, classifier: Classifier) -> None:
        """The new model takes over: remembered for the next start, and what is on show read
        again with it."""
        old, self.worker, self._next_worker = self.worker, self._next_worker, None
        old.close(timeout=0)  # a daemon thread: it ends after the task in hand
        try:
            remember_model(self._next_model, self.settings_file)
        except OSError as err:
            self._notice = f"Model loaded, but the choice cannot be remembered: {err.strerror}."
        self._model_loaded(classifier)
        self._read_again()

    def _read_again(self) -> None:
        if self._picture is not None or (self._pending and self._pending_source == "file"):
            self._submit(*self._last_request)  # the image file, read again
        elif not self.drawing.is_empty:
            self.predict()

    def _fall_back_to_bundled(self, message: str) -> None:
        """A remembered model that no longer loads: not fatal, the bundled model takes over."""
        print(f"warning: {message}; using the bundled model", file=sys.stderr, flush=True)
        self._startup_source = "bundled"
        self._notice = model_choice.FALLBACK_NOTICE
        self._next_model = None
        self._next_worker = self._start_worker(None)

    def _model_failed(self, message: str) -> None:
        """A missing, corrupt or wrong-shaped model: one line on stderr, a dialog, exit 2."""
        print(f"error: {message}", file=sys.stderr, flush=True)
        self.exit_code = 2
        messagebox.showerror("Cannot load the model", message, parent=self.root)
        self.close()

    def _show_reading(self, reading: recognizer.Reading, log: bool = False) -> None:
        if reading.source == "file":
            self._show_picture(reading)
        if reading.source == "file" or reading is not self.reading:
            self.selected = None
        self.reading = reading
        if not reading.predictions:
            self._show_answer(view_model.empty_answer(
                "No digit found" if reading.source == "file" else "Draw a digit"))
            return
        self._show_answer(view_model.answer(reading.predictions, self.selected))
        if log:
            self.log.write(prediction_event(reading.source, reading.predictions))

    def _show_picture(self, reading: recognizer.Reading) -> None:
        self.drawing.clear()
        self.canvas.delete("all")
        self.stroke_items.clear()
        width, height = self.canvas.winfo_width(), self.canvas.winfo_height()
        rgb = pictures.fit(reading.picture, width - 8, height - 8)
        self._picture_photo = tk.PhotoImage(master=self.root, data=pictures.ppm(rgb),
                                            format="PPM")
        self.canvas.create_image(width // 2, height // 2, image=self._picture_photo,
                                 tags="picture")
        self._picture = reading.picture
        self._enable_teach()
        self.status.configure(text=f"Image {rgb.shape[1]}x{rgb.shape[0]} shown; "
                                   "draw to start a new drawing.")

    def _show_answer(self, answer: view_model.Answer) -> None:
        colour = "#111111" if answer.sure else "#b45309"
        self.headline.configure(text=answer.headline or " ", foreground=colour)
        self.detail.configure(text=answer.detail)
        self.chart_title.configure(text=answer.chart_title)
        self.chart.show(answer.bars, answer.highlighted, answer.sure)
        self._show_seen(answer)

    def _show_seen(self, answer: view_model.Answer) -> None:
        """The 28x28 inputs, enlarged; click one to see its probabilities."""
        for child in self.seen.winfo_children():
            child.destroy()
        self._photos.clear()
        inputs = self.reading.inputs if self.reading is not None and answer.labels else []
        if len(inputs) == 0:
            return
        per_row = min(len(inputs), 4)
        factor = max(1, min(4, self._px(PANEL_WIDTH) // (per_row * 30)))
        for i, model_input in enumerate(inputs):
            photo = tk.PhotoImage(master=self.root, format="PPM",
                                  data=pictures.ppm(pictures.enlarge(model_input, factor)))
            self._photos.append(photo)
            selected = i == answer.selected and len(inputs) > 1
            cell = tk.Label(self.seen, image=photo, bd=2, relief="solid" if selected else "flat",
                            highlightthickness=0, cursor="hand2" if len(inputs) > 1 else "")
            cell.grid(row=2 * (i // per_row), column=i % per_row, padx=2)
            caption = ttk.Label(self.seen, text=answer.labels[i], font=self.fonts["small"])
            caption.grid(row=2 * (i // per_row) + 1, column=i % per_row, pady=(0, 4))
            cell.bind("<Button-1>", lambda _e, index=i: self._select(index))

    def _select(self, index: int) -> None:
        if self.reading is not None and self.reading.predictions:
            self.selected = index
            self._show_answer(view_model.answer(self.reading.predictions, index))

    # ------------------------------------------------------------ start

    def canvas_area(self) -> tuple[int, int, int, int]:
        """The canvas's drawable area in screen coordinates: x, y, width, height."""
        inset = int(self.canvas.cget("borderwidth")) + int(self.canvas.cget("highlightthickness"))
        return (self.canvas.winfo_rootx() + inset, self.canvas.winfo_rooty() + inset,
                self.canvas.winfo_width() - 2 * inset, self.canvas.winfo_height() - 2 * inset)

    def show(self) -> None:
        """Map the window, wait until it is visible and idle, announce `ready`, start polling."""
        self.root.deiconify()
        self.canvas.wait_visibility()
        self.root.update_idletasks()
        self.canvas.focus_set()
        self.log.write(ready_event(*self.canvas_area()))
        self._polling = True
        self.root.after(POLL_MS, self._poll)

    def run(self) -> int:
        self.show()
        self.root.mainloop()
        return self.exit_code


def run(args: argparse.Namespace) -> int:
    """Start the app; exit code 0 on close, 2 when the model cannot be used."""
    try:
        log = EventLog.open(args.log_events)
    except OSError as err:
        print(f"error: --log-events: {err.strerror}: {args.log_events}", file=sys.stderr)
        return 2
    try:
        root = make_root()
    except tk.TclError as err:
        print(f"error: cannot open a window ({err})", file=sys.stderr)
        return 1
    try:
        return App(root, args.model, log, args.samples_dir).run()
    finally:
        log.close()

