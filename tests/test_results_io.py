"""CSV and JSON results, written atomically."""

from __future__ import annotations

import json

import pytest

from desktop.batch.output import OutputError, ResultWriter, row_values, save_rows
from desktop.batch.rows import Row

PROBABILITIES = tuple([0.01] * 7 + [0.91] + [0.0] * 2)
ROWS = [Row("a 7.png", "/x/a 7.png", "7", 0.91, "", PROBABILITIES),
        Row("bad.png", "/x/bad.png", error="not an image"),
        Row("ünï 🙂.png", "/x/ü.png", "", 0.4, "uncertain", PROBABILITIES)]


def write(path, fmt="csv", **options) -> str:
    writer = ResultWriter(str(path), fmt, **options).open()
    for row in ROWS:
        writer.write(row)
    writer.commit()
    return path.read_text(encoding="utf-8")


def test_csv(tmp_path):
    assert write(tmp_path / "r.csv").splitlines() == [
        "path,digit,confidence,error", "a 7.png,7,0.9100,", "bad.png,,,not an image",
        "ünï 🙂.png,,0.4000,uncertain"]


def test_csv_probabilities_are_empty_for_failed_rows():
    assert row_values(ROWS[0], True)[4:] == ["0.0100"] * 7 + ["0.9100", "0.0000", "0.0000"]
    assert row_values(ROWS[1], True)[4:] == [""] * 10


def test_json(tmp_path):
    rows = json.loads(write(tmp_path / "r.json", "json", probabilities=True))
    assert rows[0] == {"path": "a 7.png", "digit": 7, "confidence": 0.91, "error": None,
                       "probabilities": list(PROBABILITIES)}
    assert rows[1]["digit"] is None and rows[1]["probabilities"] is None
    assert rows[2]["path"] == "ünï 🙂.png"


def test_json_of_no_rows_is_an_empty_list(tmp_path):
    writer = ResultWriter(str(tmp_path / "r.json"), "json").open()
    writer.commit()
    assert json.loads((tmp_path / "r.json").read_text()) == []


def test_multi_digit_numbers_stay_strings_in_json(tmp_path):
    writer = ResultWriter(str(tmp_path / "r.json"), "json", multi_digit=True).open()
    writer.write(Row("n.png", "n.png", "007", 0.9))
    writer.commit()
    assert json.loads((tmp_path / "r.json").read_text())[0]["digit"] == "007"


def test_nothing_appears_until_commit_and_discard_leaves_no_trace(tmp_path):
    out = tmp_path / "r.csv"
    out.write_text("old\n")
    writer = ResultWriter(str(out), force=True).open()
    writer.write(ROWS[0])
    assert out.read_text() == "old\n"
    writer.discard()
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]


def test_a_stop_while_the_file_is_being_opened_leaves_no_trace(tmp_path, monkeypatch):
    """Ctrl-C right after the temporary file is created, before it is a stream to write to."""
    import desktop.batch.output as output

    def stopped(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "open", stopped, raising=False)
    writer = ResultWriter(str(tmp_path / "r.csv"))
    with pytest.raises(KeyboardInterrupt):
        writer.open()
    assert len(list(tmp_path.iterdir())) == 1  # the temporary file was made
    writer.discard()
    assert list(tmp_path.iterdir()) == []


def test_existing_output_needs_force(tmp_path):
    (tmp_path / "r.csv").write_text("old\n")
    with pytest.raises(OutputError, match="--force"):
        ResultWriter(str(tmp_path / "r.csv")).open()


def test_save_rows_replaces(tmp_path):
    (tmp_path / "r.csv").write_text("old\n")
    save_rows(ROWS[:1], str(tmp_path / "r.csv"))
    assert (tmp_path / "r.csv").read_text().splitlines()[1] == "a 7.png,7,0.9100,"
