"""The model's `one_digit` output: the probability that an input is one whole digit.

Cutting a number into digits by the classifier's confidence alone fails where the classifier
is as sure of a blot of two touching digits, or of half of a wide 5, as of a digit. A small head
on the model's `features` (dense 32, ReLU, dense 1, sigmoid) learns the difference from the
candidates the app's own cutting finds in numbers of MNIST training digits
(`train.numbers`), and is appended to the graph as a third output. No node before it changes,
so the probabilities stay the very numbers they were; a model without it cuts numbers as
before.

`python -m export.one_digit MODEL.onnx` gives an exported model (the bundled one: same weights)
this output in place, checks that its probabilities are bit for bit what they were on the
10,000 MNIST test digits, and updates its card.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ONE_DIGIT = "one_digit"
HIDDEN = 32
NUMBERS = 6000            # numbers whose candidates teach the head (about 75,000 candidates);
                          # a sixth as many, of held-out training digits, measure it
EPOCHS = 30
SEED = 20261205
MEANING = ("probability that the input is one whole digit, not two touching digits, a part "
           "of one or a mark: sigmoid(relu(features @ W1 + b1) @ W2 + b2); the app weighs "
           "candidate cuts of a number with it")


def fit_head(features: np.ndarray, labels: np.ndarray, seed: int = SEED) -> list[np.ndarray]:
    """Weights W1, b1, W2, b2 of the head, fitted with Keras."""
    import keras

    keras.utils.set_random_seed(seed)
    head = keras.Sequential([keras.Input((features.shape[1],)),
                             keras.layers.Dense(HIDDEN, activation="relu"),
                             keras.layers.Dense(1, activation="sigmoid")])
    head.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    head.fit(features, labels.astype(np.float32), batch_size=256, epochs=EPOCHS, verbose=0)
    return [np.asarray(w, np.float32) for w in head.get_weights()]


def add_head(proto: onnx.ModelProto, weights: list[np.ndarray]) -> None:
    """Append the head to the graph, reading `features`, as the output `one_digit` (batch, 1);
    a graph that has it already gets the new weights in its place."""
    graph = proto.graph
    names = ["one_digit_w1", "one_digit_b1", "one_digit_w2", "one_digit_b2"]
    for tensor in [t for t in graph.initializer if t.name in names]:
        graph.initializer.remove(tensor)
    for node in [n for n in graph.node if n.name.startswith("one_digit_")]:
        graph.node.remove(node)
    for output in [o for o in graph.output if o.name == ONE_DIGIT]:
        graph.output.remove(output)
    graph.initializer.extend(numpy_helper.from_array(w, name)
                             for w, name in zip(weights, names, strict=True))
    steps = [("MatMul", ["features", names[0]]), ("Add", [names[1]]), ("Relu", []),
             ("MatMul", [names[2]]), ("Add", [names[3]]), ("Sigmoid", [])]
    previous = None
    for k, (op, inputs) in enumerate(steps):
        out = ONE_DIGIT if k == len(steps) - 1 else f"one_digit_{k}"
        graph.node.append(helper.make_node(op, ([previous] if previous else []) + inputs, [out],
                                           name=f"one_digit_{op.lower()}_{k}"))
        previous = out
    batch = graph.input[0].type.tensor_type.shape.dim[0].dim_param or "batch"
    # Right after `features`: the outputs in the order the model's interface grew (older
    # exports had the first ones only), whether `style` was added before or after.
    outputs = list(graph.output)
    at = next(k for k, o in enumerate(outputs) if o.name == "features") + 1
    outputs.insert(at, helper.make_tensor_value_info(ONE_DIGIT, TensorProto.FLOAT, [batch, 1]))
    del graph.output[:]
    graph.output.extend(outputs)


def teach(path: Path, glyphs: np.ndarray, held_out: np.ndarray,
          numbers: int = NUMBERS) -> tuple[list[np.ndarray], dict]:
    """The head's weights for the model at `path` (it needs `features`), taught on the
    candidates of `numbers` numbers of the glyphs; its card entry: how it judges the
    candidates of numbers of held-out digits."""
    from desktop.engine.classifier import FEATURES, Classifier
    from train.numbers import candidate_set

    model = Classifier(path, verify_sha256=False)
    if FEATURES not in {o.name for o in model.session.get_outputs()}:
        raise ValueError(f"{path}: no features output (python -m export.features adds it)")
    inputs, labels = candidate_set(glyphs, numbers, SEED)
    weights = fit_head(model.run([FEATURES], inputs)[0], labels)
    checked = max(numbers // 6, 50)
    check_inputs, check_labels = candidate_set(held_out, checked, SEED + 1)
    features = model.run([FEATURES], check_inputs)[0]
    judged = _sigmoid(np.maximum(features @ weights[0] + weights[1], 0) @ weights[2]
                      + weights[3])[:, 0] > 0.5
    whole = check_labels == 1
    return weights, {
        "name": ONE_DIGIT, "dtype": "float32", "shape": ["batch", 1], "meaning": MEANING,
        "taught_on": f"{len(labels):,} candidates of {numbers:,} numbers of MNIST training "
                     "digits", "checked_on": f"{len(check_labels):,} candidates of "
                     f"{checked:,} numbers of 10,000 training digits it was not taught on",
        "whole_digits_judged_whole": round(float(judged[whole].mean()), 4),
        "others_judged_not_whole": round(float((~judged[~whole]).mean()), 4)}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def training_glyphs(data) -> tuple[np.ndarray, np.ndarray]:
    """MNIST training digits (ink = 1): those that teach the head, those that check it."""
    images = data.x_train.astype(np.float32) / 255.0
    order = np.random.default_rng(SEED).permutation(len(images))
    return images[order[10_000:]], images[order[:10_000]]


def add_to_model(path: Path, data, command: str, numbers: int = NUMBERS) -> dict:
    """Give the exported model at `path` (with `features`) its one_digit output, taught on
    `numbers` numbers, in place; its new card. Raises ValueError when a probability changes
    (nothing written then)."""
    from export.amend import amend_model

    weights, entry = teach(path, *training_glyphs(data), numbers=numbers)

    def amend(proto: onnx.ModelProto) -> dict:
        add_head(proto, weights)
        return {"one_digit": entry, "one_digit_command": command}

    images = (data.x_test.astype(np.float32) / 255.0)[..., None]
    return amend_model(path, images, amend)


def main(argv: list[str] | None = None) -> int:
    from desktop.engine.classifier import ModelError
    from export.amend import model_args
    from train.data import DatasetError, load_mnist

    argv = sys.argv[1:] if argv is None else list(argv)
    args = model_args("python -m export.one_digit", __doc__, argv)
    try:
        card = add_to_model(args.model, load_mnist(args.data),
                            " ".join(["python -m export.one_digit", *argv]))
    except (DatasetError, ModelError, ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    entry = card["one_digit"]
    print(f"{args.model}: one_digit output added ({entry['whole_digits_judged_whole']:.1%} of "
          f"whole digits and {entry['others_judged_not_whole']:.1%} of other candidates judged "
          f"right on held-out numbers), probabilities identical; sha256 {card['sha256'][:12]}…")
    return 0


if __name__ == "__main__":
    sys.exit(main())
