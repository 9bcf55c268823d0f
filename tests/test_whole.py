"""Files written whole or not at all (desktop/user/whole.py)."""

from __future__ import annotations

import os

import pytest

from desktop.user.whole import write_whole


def test_a_write_that_fails_leaves_the_old_file_and_no_temporary_one(tmp_path):
    target = tmp_path / "kept.json"
    target.write_text("old")

    def half_then_full(temporary):
        temporary.write_text("ha")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_whole(target, half_then_full)
    assert [p.name for p in tmp_path.iterdir()] == ["kept.json"]
    assert target.read_text() == "old"


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_new_file_is_as_any_new_file_and_a_replaced_one_keeps_its_mode(tmp_path):
    umask = os.umask(0o022)
    try:
        new = tmp_path / "new.txt"
        write_whole(new, lambda p: p.write_text("one"))
        assert new.read_text() == "one" and new.stat().st_mode & 0o777 == 0o644
        new.chmod(0o600)
        write_whole(new, lambda p: p.write_text("two"))
        assert new.read_text() == "two" and new.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(umask)
