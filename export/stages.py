"""Training time of stages whose run folders are gone, given to a model's card from their
metrics files.

A card adds up the training time of every stage that led to its model
(`export.card.stage_seconds`), read from the runs' folders. When the first stages' folders are
gone (the bundled model was fine-tuned from `models/digits.keras`, whose own two stages ran
elsewhere), their time is unknown and so is the total. Their `metrics.json` files, kept with the
model's report, still say it:

    python -m export.stages [MODEL] --before models/report/base-stage1-metrics.json \\
        models/report/base-stage2-metrics.json

puts those stages, in order, in place of the card's unknown first stage and adds the times up
again. The graph is untouched (its probabilities checked bit for bit, as for any amendment).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import onnx

# The card's kinds of stage time (`export.card.totals`: stage_{kind}seconds) and the metrics
# each is read from.
KINDS = (("", "training_seconds"), ("run_", "run_seconds"))


def known_stages(training: dict, before: list[dict]) -> dict:
    """The card's `training` fields with the unknown first stage replaced by the stages of
    `before` (their metrics, first stage first) and the totals summed again. ValueError when
    the card's first stage is known, or a metrics file lacks its training time."""
    from export.card import totals

    if not training.get("stage_seconds") or training["stage_seconds"][0] is not None:
        raise ValueError("the card knows the time of its first stage: nothing to give it")
    missing = [i + 1 for i, m in enumerate(before) if not isinstance(
        m.get("training_seconds"), (int, float))]
    if missing:
        raise ValueError(f"metrics file {missing[0]} of --before has no training_seconds")
    fields = {}
    for kind, metrics_key in KINDS:
        stages = training.get(f"stage_{kind}seconds") or [None]
        given = [m.get(metrics_key) for m in before]
        fields |= totals(given + stages[1:] if stages[0] is None else stages, kind)
    return fields


def give_stages(model: Path, before: list[Path]) -> dict:
    """Amend the model's card in place (`export.amend`); the new card."""
    from export.amend import amend_model

    metrics = [json.loads(path.read_text(encoding="utf-8")) for path in before]

    def amend(proto: onnx.ModelProto) -> dict:
        card = json.loads(model.with_name(model.stem + ".card.json").read_text("utf-8"))
        return {"training": card["training"] | known_stages(card["training"], metrics)}

    images = np.random.default_rng(0).random((32, 28, 28, 1), dtype=np.float32)
    return amend_model(model, images, amend)


def main(argv: list[str] | None = None) -> int:
    from desktop.engine.classifier import ModelError, bundled_model_path

    parser = argparse.ArgumentParser(prog="python -m export.stages",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path, nargs="?", default=bundled_model_path(),
                        help="an exported model (default: the bundled one)")
    parser.add_argument("--before", type=Path, nargs="+", required=True, metavar="METRICS",
                        help="the metrics.json of each stage before the card's first known one")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        card = give_stages(args.model, args.before)
    except (ValueError, KeyError, OSError, ModelError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    training = card["training"]
    print(f"{args.model}: stages {training['stage_seconds']} s, "
          f"{training['total_seconds']} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
