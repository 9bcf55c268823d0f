"""The run report: metrics.json and pictures (learning curves, confusion matrix, mistakes)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, classes: int = 10) -> np.ndarray:
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


def metrics(labels: np.ndarray, probabilities: np.ndarray) -> dict:
    """Test accuracy, per-class accuracy (recall) and the confusion matrix (rows: true digit)."""
    predicted = probabilities.argmax(axis=1)
    matrix = confusion_matrix(labels, predicted)
    per_class = matrix.diagonal() / np.maximum(matrix.sum(axis=1), 1)
    return {
        "test_accuracy": float((predicted == labels).mean()),
        "test_errors": int((predicted != labels).sum()),
        "test_images": len(labels),
        "per_class_accuracy": {str(d): round(float(a), 6) for d, a in enumerate(per_class)},
        "confusion_matrix": matrix.tolist(),
    }


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def plot_history(history: dict, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(10, 4))
    for key, ax in (("loss", loss_ax), ("accuracy", acc_ax)):
        ax.plot(history[key], label="train")
        if f"val_{key}" in history:
            ax.plot(history[f"val_{key}"], label="validation")
        ax.set_xlabel("epoch")
        ax.set_title(key)
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_confusion(matrix: np.ndarray, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 5.5))
    shown = np.where(np.eye(10, dtype=bool), 0, matrix)  # errors only, so they stand out
    ax.imshow(shown, cmap="Reds")
    for (row, col), count in np.ndenumerate(matrix):
        ax.text(col, row, str(count), ha="center", va="center", fontsize=7,
                color="black" if row != col else "grey")
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title("Confusion matrix (test set)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_mistakes(images: np.ndarray, labels: np.ndarray, probabilities: np.ndarray,
                  path: Path, limit: int = 100) -> None:
    """A grid of misclassified test digits titled 'true→predicted (confidence)'."""
    import matplotlib.pyplot as plt

    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)[:limit]
    cols = 10
    rows = max(1, -(-len(wrong) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.2, rows * 1.35), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, wrong, strict=False):
        ax.imshow(images[i].squeeze(), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"{labels[i]}→{predicted[i]} ({probabilities[i].max():.0%})", fontsize=8)
    fig.suptitle(f"Misclassified test digits ({len(wrong)} shown): true→predicted")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_styles(digits: np.ndarray, labels: np.ndarray, path: Path, per_style: int = 10) -> None:
    """A row of examples for each handwriting style the training mixes in (train/styles.py),
    each made from the given digits (from the validation split) as the model sees it."""
    import matplotlib.pyplot as plt

    from train.styles import STYLES, style_set

    fig, axes = plt.subplots(len(STYLES), per_style + 1,
                             figsize=(per_style * 0.8 + 3.2, len(STYLES) * 0.85), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for row, name in zip(axes, STYLES, strict=True):
        inputs, _ = style_set(name, digits, labels, seed=len(name), count=per_style)
        row[0].text(1.0, 0.5, name, ha="right", va="center", fontsize=8,
                    transform=row[0].transAxes)
        for ax, image in zip(row[1:], inputs, strict=False):
            ax.imshow(image, cmap="gray_r", vmin=0, vmax=1)
    fig.suptitle("Handwriting styles mixed into training, as the model sees them (28x28)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
