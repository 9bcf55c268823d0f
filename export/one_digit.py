"""The model's `one_digit` outputs: the probability that an input is one whole digit.

Cutting a number into digits by the classifier's confidence alone fails where the classifier
is as sure of a blot of two touching digits, or of half of a wide 5, as of a digit. Small heads
(dense, ReLU, dense 1, sigmoid) learn the difference from the candidates the app's own cutting
finds in numbers of MNIST training digits (`train.numbers`), and are appended to the graph as
outputs (HEADS):

- `one_digit`, for pictures, reads the model's `features` and `style` side by side (16 units):
  `style` (the strokes' parts, before the reading) shows the blot that `features` (the
  reading) lumps with a digit: on held-out candidates 95 % of whole digits and 99 % of the
  others judged right, against 91 % and 97 % from `features` alone;
- `one_digit_pen`, for strokes on the canvas, reads `features` alone (32 units), as
  `one_digit` did before: with `style` it judged a 5 whose bar stands apart from its body
  less whole, and pen-ink numbers read fewer (bench/RESULTS.md);
- `one_digit_lone`, for a picture's only piece of ink, reads `features` and `style` (16
  units), taught on pictures of one piece to cut: single digits, and pairs whose ink touches
  (`train.numbers.lone_set`). `one_digit` judges candidates one by one, and a wide digit's
  parts (a 7 with a curled top) look to it as whole as two digits do; judged whole against
  touching pairs, six times fewer single digits are taken for two (bench/RESULTS.md).

No node before them changes, so the probabilities stay the very numbers they were; a model
without them cuts numbers as before (and one with `one_digit` only uses it for both).

`python -m export.one_digit MODEL.onnx` gives an exported model (the bundled one: same weights)
these outputs in place, checks that its probabilities are bit for bit what they were on the
10,000 MNIST test digits, and updates its card; with `--keep-taught`, the heads it has keep
their weights (the cutting whose candidates teach them changes, and so would they) and only
those it lacks are taught.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from desktop.engine.classifier import (
    FEATURES,
    ONE_DIGIT,
    ONE_DIGIT_LONE,
    ONE_DIGIT_PEN,
    STYLE,
)
from desktop.engine.cuts import LONE_SURE

NUMBERS = 6000            # numbers whose candidates teach the heads (about 80,000 candidates);
                          # a sixth as many, of held-out training digits, measure them
LONE = 40_000             # single digits and as many touching pairs whose pictures teach
                          # `one_digit_lone` (about 47,000 are one piece to cut: 16,000 judge
                          # half as well); as many fewer as numbers are, for a faster export
EPOCHS = 30
FLAG = 0.8                # a flag drawn on a teaching 1 is up to this long (x its height)
SEED = 20261205
MEANING = ("probability that the input is one whole digit, not two touching digits, a part "
           "of one or a mark: sigmoid(relu(concat({inputs}) @ W1 + b1) @ W2 + b2); the app "
           "weighs candidate cuts of {what} with it")


LONE_MEANING = ("probability that a picture's only piece of ink is one digit, not touching "
                "ones: sigmoid(relu(concat({inputs}) @ W1 + b1) @ W2 + b2), taught on as many "
                "touching pairs as single digits; the app reads such a piece whole where it is "
                "above {sure} (far more often one digit), however well its cuts read")


@dataclass(frozen=True)
class Head:
    """One head: its output, the outputs it reads side by side, its hidden units, its use;
    `alone`: taught on pictures of one piece of ink (`lone_set`), not on numbers' candidates."""
    name: str
    inputs: tuple[str, ...]
    hidden: int
    what: str
    alone: bool = False


# Pictures: `style` beside `features` judges the candidates of pictures better (touching
# scans); strokes: a head on `features` alone reads pen-ink numbers better (bench/RESULTS.md).
HEADS = (Head(ONE_DIGIT, (FEATURES, STYLE), 16, "a number in a picture"),
         Head(ONE_DIGIT_PEN, (FEATURES,), 32, "a number drawn on the canvas"),
         Head(ONE_DIGIT_LONE, (FEATURES, STYLE), 16, "a picture", alone=True))


def fit_head(inputs: np.ndarray, labels: np.ndarray, hidden: int,
             seed: int = SEED) -> list[np.ndarray]:
    """Weights W1, b1, W2, b2 of a head, fitted with Keras."""
    import keras

    keras.utils.set_random_seed(seed)
    head = keras.Sequential([keras.Input((inputs.shape[1],)),
                             keras.layers.Dense(hidden, activation="relu"),
                             keras.layers.Dense(1, activation="sigmoid")])
    head.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    head.fit(inputs, labels.astype(np.float32), batch_size=256, epochs=EPOCHS, verbose=0)
    return [np.asarray(w, np.float32) for w in head.get_weights()]


def add_heads(proto: onnx.ModelProto, weights: dict[str, list[np.ndarray]]) -> None:
    """Append the heads to the graph, each reading its inputs, as outputs (batch, 1): in the
    order the model's interface grew (older exports have the first outputs only): `one_digit`
    right after `features`, whether `style` came before or after it, then `one_digit_pen` and
    `one_digit_lone`. A graph that has them (or an older head) gets them in their place."""
    graph = proto.graph
    for tensor in [t for t in graph.initializer if t.name.startswith(ONE_DIGIT)]:
        graph.initializer.remove(tensor)
    for node in [n for n in graph.node if n.name.startswith(ONE_DIGIT)]:
        graph.node.remove(node)
    outputs = [o for o in graph.output if not o.name.startswith(ONE_DIGIT)]
    batch = graph.input[0].type.tensor_type.shape.dim[0].dim_param or "batch"
    for head in HEADS:
        _add_head(graph, head, weights[head.name])
        declared = helper.make_tensor_value_info(head.name, TensorProto.FLOAT, [batch, 1])
        if head.name == ONE_DIGIT:
            outputs.insert(next(k for k, o in enumerate(outputs) if o.name == FEATURES) + 1,
                           declared)
        else:
            outputs.append(declared)
    del graph.output[:]
    graph.output.extend(outputs)


def _add_head(graph: onnx.GraphProto, head: Head, weights: list[np.ndarray]) -> None:
    names = [f"{head.name}/{w}" for w in ("w1", "b1", "w2", "b2")]
    graph.initializer.extend(numpy_helper.from_array(w, name)
                             for w, name in zip(weights, names, strict=True))
    steps = [("Concat", list(head.inputs)), ("MatMul", [names[0]]), ("Add", [names[1]]),
             ("Relu", []), ("MatMul", [names[2]]), ("Add", [names[3]]), ("Sigmoid", [])]
    previous = None
    for k, (op, inputs) in enumerate(steps):
        out = head.name if k == len(steps) - 1 else f"{head.name}/{k}"
        graph.node.append(helper.make_node(
            op, ([previous] if previous else []) + inputs, [out],
            name=f"{head.name}/{op.lower()}_{k}", **({"axis": 1} if op == "Concat" else {})))
        previous = out


def teach(path: Path, glyphs: np.ndarray, held_out: np.ndarray, numbers: int = NUMBERS,
          lone: int | None = None, heads: tuple[Head, ...] = HEADS,
          cache_dir: Path | None = None) -> tuple[dict[str, list[np.ndarray]], dict]:
    """The weights of `heads` for the model at `path` (it needs `features` and `style`),
    taught on the candidates of `numbers` numbers of the glyphs (and `one_digit_lone` on
    pictures of `lone` single glyphs and as many pairs; by default LONE for NUMBERS numbers;
    both kept in `cache_dir`: they depend on the digits and the code, not on the model);
    their card entries: how each judges candidates (pictures) of held-out digits."""
    from desktop.engine.classifier import Classifier

    model = Classifier(path, verify_sha256=False)
    needed = sorted({name for head in HEADS for name in head.inputs})
    missing = [name for name in needed if name not in {o.name for o in
                                                       model.session.get_outputs()}]
    if missing:
        raise ValueError(f"{path}: no {' or '.join(missing)} output (python -m export.features "
                         "adds it)")
    lone = max(round(LONE * numbers / NUMBERS), 50) if lone is None else lone
    sets = {alone: _Teaching.of(model, needed, glyphs, held_out, lone if alone else numbers,
                                alone, cache_dir) for alone in {head.alone for head in heads}}
    weights, entries = {}, {}
    for head in heads:
        teaching = sets[head.alone]
        weights[head.name] = w = fit_head(teaching.inputs(head), teaching.labels, head.hidden)
        judged = _sigmoid(np.maximum(teaching.check_inputs(head) @ w[0] + w[1], 0) @ w[2]
                          + w[3])[:, 0] > 0.5
        whole = teaching.check_labels == 1
        entries[head.name] = {
            "name": head.name, "dtype": "float32", "shape": ["batch", 1],
            "meaning": (LONE_MEANING if head.alone else MEANING).format(
                inputs=", ".join(head.inputs), what=head.what, sure=LONE_SURE),
            "taught_on": teaching.taught_on, "checked_on": teaching.checked_on,
            "whole_digits_judged_whole": round(float(judged[whole].mean()), 4),
            "others_judged_not_whole": round(float((~judged[~whole]).mean()), 4)}
    return weights, entries


@dataclass(frozen=True)
class _Teaching:
    """The outputs a set of inputs reads (taught and checked) and their labels, described."""
    taught: dict[str, np.ndarray]
    labels: np.ndarray
    check: dict[str, np.ndarray]
    check_labels: np.ndarray
    taught_on: str
    checked_on: str

    @classmethod
    def of(cls, model, needed: list[str], glyphs: np.ndarray, held_out: np.ndarray,
           count: int, alone: bool, cache_dir: Path | None = None) -> _Teaching:
        """Taught on `count` numbers (`alone`: pictures of `count` single glyphs and as many
        pairs), checked on a sixth as many (at least 50) of the held-out glyphs."""
        from train.numbers import candidate_set, lone_set

        checked = max(count // 6, 50)
        if alone:
            (x, labels), (check_x, check_labels) = (
                lone_set(glyphs, count, SEED + 2, cache_dir),
                lone_set(held_out, checked, SEED + 3, cache_dir))
            what = ("{n:,} pictures of one piece of ink to cut: single digits and touching "
                    "pairs of {of}")
            taught_on = what.format(n=len(labels), of="MNIST training digits")
            checked_on = what.format(n=len(check_labels), of="10,000 training digits it was "
                                                             "not taught on")
        else:
            (x, labels), (check_x, check_labels) = (
                candidate_set(glyphs, count, SEED, cache_dir),
                candidate_set(held_out, checked, SEED + 1, cache_dir))
            taught_on = (f"{len(labels):,} candidates of {count:,} numbers of MNIST training "
                         "digits")
            checked_on = (f"{len(check_labels):,} candidates of {checked:,} numbers of 10,000 "
                          "training digits it was not taught on")
        taught, check = (dict(zip(needed, model.run(needed, inputs), strict=True))
                         for inputs in (x, check_x))
        return cls(taught, labels, check, check_labels, taught_on, checked_on)

    def inputs(self, head: Head) -> np.ndarray:
        return np.hstack([self.taught[n] for n in head.inputs])

    def check_inputs(self, head: Head) -> np.ndarray:
        return np.hstack([self.check[n] for n in head.inputs])


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def training_glyphs(data, continental_share: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """MNIST training digits (ink = 1): those that teach the head (that share of their 1s
    written with a flag, `continental`), those that check it."""
    images = data.x_train.astype(np.float32) / 255.0
    order = np.random.default_rng(SEED).permutation(len(images))
    taught = images[order[10_000:]]
    if continental_share:
        taught = continental(taught, data.y_train[order[10_000:]], continental_share)
    return taught, images[order[:10_000]]


def continental(glyphs: np.ndarray, digits: np.ndarray, share: float) -> np.ndarray:
    """The glyphs with that share of their 1s redrawn with an up-stroke flag up to FLAG of
    their height long (`train.hands.continental_one`). MNIST's 1s are nearly all bare: a head
    taught on them alone judges a real 1 with a long flag (in a picture a "^") not whole, and
    its flag and stem two whole 1s ("12" read "112"). Tried, not kept (bench/RESULTS.md): it
    also judges a 1 written into a 5 one whole digit."""
    from train.hands import continental_one, traced
    from train.styles import plain

    rng = np.random.default_rng(SEED + 3)
    ones = np.flatnonzero(digits == 1)
    out = glyphs.copy()
    for i in ones[rng.random(len(ones)) < share]:
        lines = traced((glyphs[i] * 255).astype(np.uint8))
        out[i] = plain(continental_one(lines, rng, longest=FLAG, base=0.2, below=0.3,
                                       hooked=0.2), rng)
    return out


def add_to_model(path: Path, data, command: str, numbers: int = NUMBERS,
                 continental_share: float = 0.0, lone: int | None = None,
                 keep_taught: bool = False, cache_dir: Path | None = None) -> dict:
    """Give the exported model at `path` (with `features` and `style`) its one_digit outputs,
    taught on `numbers` numbers (and `lone` pictures: `teach`, kept in `cache_dir`), in place;
    `keep_taught`: the heads it has keep their weights and card entries, only those it lacks
    are taught. Its new card. Raises ValueError when a probability changes (nothing written
    then)."""
    from export.amend import amend_model

    kept = taught_heads(onnx.load(str(path))) if keep_taught else {}
    weights, entries = teach(path, *training_glyphs(data, continental_share), numbers=numbers,
                             lone=lone, heads=tuple(h for h in HEADS if h.name not in kept),
                             cache_dir=cache_dir)

    def amend(proto: onnx.ModelProto) -> dict:
        add_heads(proto, {**kept, **weights})
        return {**entries, "one_digit_command": command}

    images = (data.x_test.astype(np.float32) / 255.0)[..., None]
    return amend_model(path, images, amend)


def taught_heads(proto: onnx.ModelProto) -> dict[str, list[np.ndarray]]:
    """The weights of the heads the graph has (each output with its four tensors)."""
    tensors = {t.name: t for t in proto.graph.initializer}
    outputs = {o.name for o in proto.graph.output}
    names = {head.name: [f"{head.name}/{w}" for w in ("w1", "b1", "w2", "b2")] for head in HEADS}
    return {head: [numpy_helper.to_array(tensors[n]) for n in found]
            for head, found in names.items()
            if head in outputs and all(n in tensors for n in found)}


def _options(parser: argparse.ArgumentParser) -> None:
    from desktop.batch.cli import confidence  # argparse's type for a share from 0 to 1
    from export.cli import add_cache_flag

    add_cache_flag(parser)
    parser.add_argument("--continental", type=confidence, default=0.0, metavar="SHARE",
                        help="teach with this share of the 1s written with a long flag "
                             "(default 0: MNIST's own; tried, not kept)")
    parser.add_argument("--keep-taught", action="store_true",
                        help="keep the heads the model has and teach only those it lacks (the "
                             "cutting whose candidates teach them changes: teaching again "
                             "moves what they judge)")


def main(argv: list[str] | None = None) -> int:
    from desktop.engine.classifier import ModelError
    from export.amend import model_args
    from train.data import DatasetError, load_mnist

    argv = sys.argv[1:] if argv is None else list(argv)
    args = model_args("python -m export.one_digit", __doc__, argv, _options)
    try:
        kept = taught_heads(onnx.load(str(args.model))) if args.keep_taught else {}
        card = add_to_model(args.model, load_mnist(args.data),
                            " ".join(["python -m export.one_digit", *argv]),
                            continental_share=args.continental, keep_taught=args.keep_taught,
                            cache_dir=args.cache)
    except (DatasetError, ModelError, ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for head in HEADS:
        entry = card[head.name]
        whole, others = entry["whole_digits_judged_whole"], entry["others_judged_not_whole"]
        print(f"{args.model}: {head.name} output {'kept' if head.name in kept else 'added'} "
              f"({whole:.1%} of whole digits and "
              f"{others:.1%} of " + ("touching pairs judged right on held-out pictures)"
                                     if head.alone else
                                     "other candidates judged right on held-out numbers)"))
    print(f"{args.model}: probabilities identical; sha256 {card['sha256'][:12]}…")
    return 0


if __name__ == "__main__":
    sys.exit(main())
