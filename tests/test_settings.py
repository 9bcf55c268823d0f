"""The remembered model choice survives restarts and broken files."""

from __future__ import annotations

import pytest

from desktop.user.settings import chosen_model, load_settings, remember_model, take_notices


def test_remember_and_forget_model(tmp_path):
    settings = tmp_path / "conf" / "settings.json"
    model = tmp_path / "mine.onnx"
    model.write_bytes(b"onnx")
    assert chosen_model(settings) is None
    remember_model(model, settings)
    assert chosen_model(settings) == model.resolve()
    remember_model(None, settings)
    assert chosen_model(settings) is None and load_settings(settings) == {}


def test_vanished_model_and_corrupt_file_fall_back(tmp_path):
    settings = tmp_path / "settings.json"
    model = tmp_path / "gone.onnx"
    model.write_bytes(b"onnx")
    remember_model(model, settings)
    model.unlink()
    assert chosen_model(settings) is None
    settings.write_text("{not json")
    assert load_settings(settings) == {} and chosen_model(settings) is None


@pytest.fixture
def full_disk(monkeypatch):
    """Writing JSON fails as on a full disk."""
    import json

    def full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(json, "dump", full)


def test_a_full_disk_leaves_no_temporary_file_and_the_old_settings(tmp_path, full_disk):
    settings = tmp_path / "settings.json"
    settings.write_text('{"model": "/old.onnx"}')
    with pytest.raises(OSError):
        remember_model(None, settings)
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]
    assert settings.read_text() == '{"model": "/old.onnx"}'


def test_settings_of_the_wrong_type_are_dropped_with_one_line(tmp_path, capsys):
    settings = tmp_path / "settings.json"
    settings.write_text('{"model": 5, "adapt": "yes", "kept": [1]}')
    assert load_settings(settings) == {"kept": [1]} and chosen_model(settings) is None
    lines = capsys.readouterr().err.splitlines()  # read twice, said once
    assert len(lines) == 2
    assert "'model' ignored: text expected, found 5" in lines[0]
    assert "'adapt' ignored: true or false expected, found \"yes\"" in lines[1]


def test_an_absurdly_nested_file_is_ignored_with_one_line(tmp_path, capsys):
    settings = tmp_path / "settings.json"
    settings.write_text("[" * 100_000)
    assert load_settings(settings) == {} and chosen_model(settings) is None
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith(f"warning: settings file {settings} ignored")


def test_a_linked_settings_file_stays_a_link_with_its_permissions(tmp_path):
    import os
    import stat

    from desktop.user.settings import adapting, remember_adapting

    kept = tmp_path / "dotfiles" / "settings.json"
    kept.parent.mkdir()
    kept.write_text('{"model": "/old.onnx"}')
    kept.chmod(0o644)
    link = tmp_path / "conf" / "settings.json"
    link.parent.mkdir()
    link.symlink_to(kept)
    remember_adapting(False, link)
    assert link.is_symlink() and not adapting(link)
    assert load_settings(kept) == {"model": "/old.onnx", "adapt": False}
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o644


def test_a_file_that_is_no_settings_is_kept_aside_not_replaced(tmp_path, capsys):
    """A mistyped settings file may be the user's own work: changing a setting keeps it
    beside the new one, whole, and says so once."""
    from desktop.user.settings import adapting, remember_adapting

    settings = tmp_path / "settings.json"
    settings.write_text('{"model": "/mine.onnx", "theme": "dark",}')  # a trailing comma
    (tmp_path / "settings.json.broken").write_text("an older one")
    take_notices()  # what earlier tests left unshown
    remember_adapting(False, settings)
    assert not adapting(settings) and load_settings(settings) == {"adapt": False}
    assert (tmp_path / "settings.json.broken.1").read_text() == \
        '{"model": "/mine.onnx", "theme": "dark",}'
    assert (tmp_path / "settings.json.broken").read_text() == "an older one"
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1].endswith("kept as " + str(tmp_path / "settings.json.broken.1")
                              + ", a new one written")
    assert take_notices() == ("Settings file settings.json was not valid: kept as "
                              "settings.json.broken.1, a new one written.")  # for the window
    assert take_notices() == ""
    remember_model(None, settings)  # a readable file is rewritten in place, as before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "settings.json", "settings.json.broken", "settings.json.broken.1"]


def test_a_broken_file_is_kept_in_place_when_the_new_one_cannot_be_written(tmp_path,
                                                                          full_disk):
    from desktop.user.settings import remember_adapting

    settings = tmp_path / "settings.json"
    settings.write_text("{mine")
    with pytest.raises(OSError):
        remember_adapting(False, settings)
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]
    assert settings.read_text() == "{mine"


def test_a_file_written_with_a_byte_order_mark_is_read(tmp_path):
    from desktop.user.settings import adapting

    settings = tmp_path / "settings.json"
    settings.write_bytes(b'\xef\xbb\xbf{"adapt": false}')
    assert not adapting(settings)


@pytest.mark.parametrize("linked", [False, True])
def test_a_folder_in_the_settings_place_is_never_moved_or_replaced(tmp_path, linked):
    """A folder, or a link to one (kept with one's dotfiles), cannot be read as settings:
    remembering a choice fails (the window says so) and leaves it as it is."""
    from desktop.user.settings import remember_adapting

    folder = tmp_path / "dotfiles"
    folder.mkdir()
    (folder / "note.txt").write_text("mine")
    settings = tmp_path / "conf" / "settings.json"
    settings.parent.mkdir()
    if linked:
        settings.symlink_to(folder)
    else:
        folder.rename(settings)
        folder = settings
    with pytest.raises(OSError):
        remember_adapting(False, settings)
    assert (folder / "note.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(
        ["conf", "settings.json", "note.txt"] + (["dotfiles"] if linked else []))


def test_a_loop_of_links_is_an_error_the_window_can_show(tmp_path):
    from desktop.user.settings import remember_adapting

    settings = tmp_path / "settings.json"
    settings.symlink_to(tmp_path / "other.json")
    (tmp_path / "other.json").symlink_to(settings)
    with pytest.raises(OSError):
        remember_adapting(False, settings)


def test_the_batch_windows_numbers_choice_is_remembered_beside_the_others(tmp_path, capsys):
    from desktop.user.settings import reading_numbers, remember_reading_numbers

    settings = tmp_path / "settings.json"
    assert not reading_numbers(settings)  # one digit an image, as `classify`, until ticked
    settings.write_text('{"model": "/mine.onnx", "adapt": false}')
    remember_reading_numbers(True, settings)
    assert reading_numbers(settings)
    assert load_settings(settings) == {"model": "/mine.onnx", "adapt": False, "numbers": True}
    remember_reading_numbers(False, settings)
    assert not reading_numbers(settings)
    settings.write_text('{"numbers": "yes"}')  # the wrong type: ignored, said once
    take_notices()
    assert not reading_numbers(settings)
    assert "'numbers' ignored: true or false expected" in capsys.readouterr().err
