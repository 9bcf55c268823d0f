"""The samples the window saves: "It's a..." and the digit keys save the drawing, Undo sample
takes it back, and the adaptation is kept in step with the samples folder.

Undo sample (the button under "It's a...") removes the last sample saved in this session, then
the one before; Ctrl+Z does the same on the empty canvas right after a save (otherwise it
removes the last stroke). Each change of the folder is told to `Personal`, which the next
reading picks up.
"""

from __future__ import annotations

import threading
from pathlib import Path
from tkinter import messagebox
from typing import TYPE_CHECKING

from desktop.engine.classifier import Classifier
from desktop.user import teach
from desktop.user.samples import delete_sample
from desktop.window.events import sample_event, sample_removed_event

if TYPE_CHECKING:
    from desktop.window.app import App


class SampleKeeper:
    def __init__(self, app: App):
        self.app = app
        self.stack: list[tuple[Path, int]] = []   # samples saved in this session, newest last
        self.just_saved = False                   # nothing drawn since the last save

    def save(self, digit: int) -> None:
        """It's a `digit`: save the drawing as a labelled sample, then clear for the next."""
        app = self.app
        drawing = app.board.drawing
        if drawing.is_empty:
            app.status.say(f"Draw a digit first, then press {digit} to save it.")
            return
        try:
            path = teach.save_drawing(app.samples_dir, digit, drawing.snapshot(),
                                      app.tools.brush)
        except teach.SampleError as err:
            app.status.say(f"Not saved: {err}.")
            if not isinstance(err, teach.NotOneDigit):
                messagebox.showerror("Cannot save the sample", str(err), parent=app.root)
            return
        app.log.write(sample_event(digit, path))
        app.clear()
        self.stack.append((path, digit))
        self.just_saved = True
        self._changed()
        app.status.sample_saved(digit, app.teach.show_counts()[digit])

    def drawing_started(self) -> None:
        self.just_saved = False

    def undo_after_save(self) -> None:
        """Ctrl+Z with nothing to undo on the canvas: the sample, if one was just saved."""
        if self.just_saved and self.app.board.drawing.is_empty:
            self.undo()

    def undo(self) -> None:
        """Remove the last sample saved (and not yet taken back) in this session."""
        if not self.stack:
            self.app.status.say("No sample saved in this session to take back.")
            return
        path, digit = self.stack.pop()
        try:
            delete_sample(path)
        except FileNotFoundError:
            pass  # removed from the folder meanwhile: nothing left to take back
        except OSError as err:
            self.stack.append((path, digit))
            self.app.status.say(f"Cannot remove {path.name}: {err.strerror or err}.")
            return
        self.app.log.write(sample_removed_event(digit, path))
        self.just_saved = bool(self.stack) and self.just_saved
        self._changed()
        self.app.status.say(f"Took back the last sample (a {digit}).")

    def _changed(self) -> None:
        """The folder changed: counts, the menu's label, the adaptation, the button."""
        self.app.personal.changed()
        counts = self.app.teach.show_counts()
        self.app.adapt.show(sum(counts.values()))
        self.app.teach.undo_button.state(["!disabled"] if self.stack else ["disabled"])

    def prepare(self, classifier: Classifier) -> None:
        """Read the samples for this model off the Tk thread now, not at the first drawing."""
        threading.Thread(target=self.app.personal.adaptation, args=(classifier,),
                         name="samples", daemon=True).start()
