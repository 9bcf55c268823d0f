"""Copies into DIR/<digit>/, uncertain/ and errors/: never a move, never an overwrite."""

from __future__ import annotations

import os

import pytest

from desktop.batch.rows import Row
from desktop.batch.sort_into import Sorter, folder_for


def test_folder_for_each_kind_of_row():
    assert folder_for(Row("a", "a", "7", 0.9)) == "7"
    assert folder_for(Row("a", "a", "2026", 0.9)) == "2026"
    assert folder_for(Row("a", "a", "", 0.3, "uncertain")) == "uncertain"
    assert folder_for(Row("a", "a", error="not an image")) == "errors"


def test_copies_keep_the_original_and_take_free_names(tmp_path):
    original = tmp_path / "scan.png"
    original.write_bytes(b"pixels")
    os.utime(original, (1_000_000, 1_000_000))
    sorter = Sorter(tmp_path / "out")
    sorter.prepare()
    row = Row("scan.png", str(original), "3", 0.99)
    first, second = sorter.copy(row), sorter.copy(row)
    assert (first.name, second.name) == ("scan.png", "scan (2).png")
    assert first.read_bytes() == second.read_bytes() == b"pixels"
    assert original.read_bytes() == b"pixels" and original.stat().st_mtime == 1_000_000
    assert first.stat().st_mtime == 1_000_000
    assert sorter.copied == 2


def test_a_file_that_cannot_be_read_leaves_no_half_copy(tmp_path):
    sorter = Sorter(tmp_path / "out")
    sorter.prepare()
    with pytest.raises(OSError):
        sorter.copy(Row("gone.png", str(tmp_path / "gone.png"), error="file not found"))
    assert not any((tmp_path / "out").rglob("gone*"))


def test_prepare_refuses_a_root_that_is_a_file(tmp_path):
    (tmp_path / "taken").write_text("x")
    with pytest.raises(OSError):
        Sorter(tmp_path / "taken").prepare()
