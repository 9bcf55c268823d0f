"""The model card's training time counts every stage that led to the model (issue: a model
trained in two stages recorded only the last one's time)."""

from __future__ import annotations

import json
from pathlib import Path

from export.card import build_card, stage_seconds


def run(folder: Path, seconds: float | None, init_from: str | None = None,
        whole: float | None = None) -> Path:
    folder.mkdir(parents=True)
    metrics = ({} if seconds is None else {"training_seconds": seconds}) | (
        {} if whole is None else {"run_seconds": whole})
    (folder / "metrics.json").write_text(json.dumps(metrics))
    config = {"command": "python -m train", **({"init_from": init_from} if init_from else {})}
    (folder / "config.json").write_text(json.dumps(config))
    return folder


def test_two_stages_add_up_in_the_card(tmp_path):
    run(tmp_path / "runs" / "a", 4860.0)
    second = run(tmp_path / "runs" / "b", 1260.5, init_from="runs/a/model.keras")
    assert stage_seconds(second) == [4860.0, 1260.5]
    training = build_card({}, second, "python -m export runs/b")["training"]
    assert training["stage_seconds"] == [4860.0, 1260.5]
    assert training["total_seconds"] == 6120.5
    assert training["training_seconds"] == 1260.5  # the last stage alone, as before


def test_whole_runs_add_up_beside_the_training(tmp_path):
    run(tmp_path / "runs" / "a", 1000.0, whole=1100.5)
    second = run(tmp_path / "runs" / "b", 200.0, init_from="runs/a/model.keras", whole=260.0)
    training = build_card({}, second, "x")["training"]
    assert training["stage_run_seconds"] == [1100.5, 260.0]
    assert training["total_run_seconds"] == 1360.5
    assert training["total_seconds"] == 1200.0
    older = run(tmp_path / "runs" / "c", 50.0, init_from="runs/b/model.keras")  # before the field
    assert build_card({}, older, "x")["training"]["total_run_seconds"] is None


def test_one_stage_is_its_own_total(tmp_path):
    only = run(tmp_path / "runs" / "a", 300.0)
    assert build_card({}, only, "x")["training"]["total_seconds"] == 300.0


def test_a_stage_whose_run_is_gone_leaves_the_total_unknown(tmp_path):
    second = run(tmp_path / "runs" / "b", 60.0, init_from="runs/gone/model.keras")
    assert stage_seconds(second) == [None, 60.0]
    assert build_card({}, second, "x")["training"]["total_seconds"] is None
    unknown = run(tmp_path / "runs" / "c", None, init_from="runs/b/model.keras")
    assert stage_seconds(unknown) == [None, 60.0, None]


def test_a_soup_of_several_tuned_runs_counts_each_once(tmp_path):
    """`train.soup RUN RUN` follows the first run as init_from; the second was tuned from the
    same start, so its own stage counts and the start only once."""
    run(tmp_path / "runs" / "start", 1000.0)
    run(tmp_path / "runs" / "one", 300.0, init_from="runs/start/model.keras")
    run(tmp_path / "runs" / "two", 320.0, init_from="runs/start/model.keras")
    soup = run(tmp_path / "runs" / "soup", 0.0, init_from="runs/one/model.keras")
    config = json.loads((soup / "config.json").read_text())
    (soup / "config.json").write_text(json.dumps(config | {"soup": {
        "base": "runs/start/model.keras",
        "tuned": ["runs/one/model.keras", "runs/two/model.keras"], "weight": 0.5}}))
    assert stage_seconds(soup) == [1000.0, 300.0, 320.0, 0.0]
    assert build_card({}, soup, "x")["training"]["total_seconds"] == 1620.0
    (tmp_path / "runs" / "two" / "metrics.json").unlink()  # one of them gone: unknown
    assert build_card({}, soup, "x")["training"]["total_seconds"] is None


def card_of(model: Path) -> dict:
    return json.loads(model.with_name(model.stem + ".card.json").read_text(encoding="utf-8"))


def gone_first_stage(tmp_path: Path) -> Path:
    """A copy of the bundled model whose card does not know its first stage's time."""
    import shutil

    from desktop.engine.classifier import bundled_model_path, card_path

    model = tmp_path / "digits.onnx"
    shutil.copy(bundled_model_path(), model)
    card = json.loads(card_path(bundled_model_path()).read_text(encoding="utf-8"))
    card["training"] |= {"stage_seconds": [None, 300.0, 0.0], "total_seconds": None,
                         "stage_run_seconds": [None, 380.0, 7.5], "total_run_seconds": None}
    card_path(model).write_text(json.dumps(card))
    return model


def test_stages_whose_runs_are_gone_are_given_from_their_metrics(tmp_path):
    from export.stages import main

    model = gone_first_stage(tmp_path)
    before = [run(tmp_path / "s1", 4000.0), run(tmp_path / "s2", 1200.0, whole=1250.0)]
    assert main([str(model), "--before", *(str(f / "metrics.json") for f in before)]) == 0
    training = card_of(model)["training"]
    assert training["stage_seconds"] == [4000.0, 1200.0, 300.0, 0.0]
    assert training["total_seconds"] == 5500.0
    assert training["stage_run_seconds"] == [None, 1250.0, 380.0, 7.5]  # s1 never said
    assert training["total_run_seconds"] is None
    import onnx  # the card inside the model says the same

    inside = {p.key: p.value for p in onnx.load(str(model)).metadata_props}["model_card"]
    assert json.loads(inside)["training"]["total_seconds"] == 5500.0


def test_a_known_first_stage_or_a_metrics_file_without_time_changes_nothing(tmp_path, capsys):
    from desktop.engine.classifier import sha256_file
    from export.stages import main

    model = gone_first_stage(tmp_path)
    untimed = run(tmp_path / "s1", None) / "metrics.json"
    sha = sha256_file(model)
    assert main([str(model), "--before", str(untimed)]) == 2
    assert capsys.readouterr().err.count("\n") == 1 and sha256_file(model) == sha
    assert main([str(model), "--before", str(run(tmp_path / "s2", 10.0) / "metrics.json")]) == 0
    assert main([str(model), "--before", str(run(tmp_path / "s3", 10.0) / "metrics.json")]) == 2
    assert "knows the time of its first stage" in capsys.readouterr().err
