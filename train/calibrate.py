"""Confidence that means what it says: temperature scaling, fitted on the validation split.

The model's last layer computes softmax(x W + b); dividing W and b by a temperature T changes
no prediction, only how sure each one is. T minimises the negative log-likelihood of the
validation digits (MNIST's and those written in other styles), then is raised, if need be,
until the promise the app makes holds on the restyled validation digits, the ones most like
other people's: of the digits given at least 90 %, at least 99 % right. Never the test set.

`python -m train.calibrate RUN_DIR` calibrates a run's model again, in place.
"""

from __future__ import annotations

import numpy as np

OUTPUT_LAYER = "probabilities"
TEMPERATURES = np.exp(np.linspace(np.log(0.2), np.log(5.0), 321))
PROMISE = (0.9, 0.99)      # of the digits given at least 90 %, at least 99 % right
STEP = 1.05                # how the temperature is raised until the promise holds


def fit_temperature(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """The temperature that makes these probabilities most likely for these labels."""
    logits = np.log(np.clip(probabilities.astype(np.float64), 1e-12, 1.0))
    best, best_nll = 1.0, np.inf
    for temperature in TEMPERATURES:
        scaled = logits / temperature
        scaled -= scaled.max(axis=1, keepdims=True)
        log_p = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
        nll = -log_p[np.arange(len(labels)), labels].mean()
        if nll < best_nll:
            best, best_nll = float(temperature), nll
    return best


def scaled(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """The probabilities as the model gives them at another temperature."""
    logits = np.log(np.clip(probabilities.astype(np.float64), 1e-12, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


def keep_promise(probabilities: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    """The temperature, raised as little as needed for the promise to hold on these digits."""
    while temperature < TEMPERATURES[-1]:
        sure = confident_share(scaled(probabilities, temperature), labels, PROMISE[0])
        if sure["accuracy"] is None or sure["accuracy"] >= PROMISE[1]:
            break
        temperature *= STEP
    return temperature


def apply_temperature(model, temperature: float) -> None:
    """Fold the temperature into the model's last layer (the exported model carries it)."""
    layer = model.get_layer(OUTPUT_LAYER)
    kernel, bias = layer.get_weights()
    layer.set_weights([kernel / temperature, bias / temperature])


def confident_share(probabilities: np.ndarray, labels: np.ndarray,
                    threshold: float = 0.9) -> dict:
    """Of the digits given at least `threshold` confidence: their share, and how many are right."""
    sure = probabilities.max(axis=1) >= threshold
    right = probabilities.argmax(axis=1) == labels
    return {"share": float(sure.mean()),
            "accuracy": float(right[sure].mean()) if sure.any() else None}


def calibrate(model, parts: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict:
    """Fit the temperature on validation parts {name: (images, labels)} (the last, if several:
    the one the promise must hold on), fold it into the model; what was found, per part."""
    found = {name: model.predict(x[..., None], batch_size=512, verbose=0)
             for name, (x, _) in parts.items()}
    temperature = fit_temperature(np.concatenate(list(found.values())),
                                  np.concatenate([y for _, y in parts.values()]))
    name = list(parts)[-1]
    temperature = keep_promise(found[name], parts[name][1], temperature)
    apply_temperature(model, temperature)
    report: dict = {"temperature": temperature}
    for name, (_, labels) in parts.items():
        probabilities = scaled(found[name], temperature)
        report[f"{name}_validation_accuracy"] = float((probabilities.argmax(1) == labels).mean())
        report[f"{name}_validation_confident"] = confident_share(probabilities, labels)
    return report


def main(argv: list[str] | None = None) -> int:
    """Calibrate a run's model.keras again, in place, and record it in its metrics.json."""
    import json
    import sys
    from pathlib import Path

    import keras

    from train.config import TrainConfig
    from train.data import load_mnist
    from train.splits import validation_parts

    run_dir = Path((sys.argv[1:] if argv is None else argv)[0])
    cfg = TrainConfig.recorded(json.loads((run_dir / "config.json").read_text()))
    model = keras.models.load_model(run_dir / "model.keras")
    report = calibrate(model, validation_parts(load_mnist(cfg.data), cfg))
    model.save(run_dir / "model.keras")
    metrics = json.loads((run_dir / "metrics.json").read_text())
    report["temperature"] *= metrics.get("temperature", 1.0)  # on top of the one folded in
    metrics |= report
    (run_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
