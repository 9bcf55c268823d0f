"""The user's folders as the window names them."""

from __future__ import annotations

from pathlib import Path

from desktop.user.dirs import shown_path


def test_a_folder_under_home_is_shown_from_the_tilde(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    folder = tmp_path / ".local" / "share" / "digit-recognizer" / "samples"
    assert shown_path(folder) == str(Path("~/.local/share/digit-recognizer/samples"))


def test_a_folder_elsewhere_is_shown_in_full(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert shown_path(tmp_path / "samples") == str(tmp_path / "samples")
