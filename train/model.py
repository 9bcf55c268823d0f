"""The digit CNN: 3x3 convolutions with batch normalization, a small dense head, softmax.

Two sizes of one family. `compact` (the default) downsamples early with strided convolutions:
about 4 M multiply-adds an image, so onnxruntime classifies thousands of images a second on
two cores. `wide` keeps full resolution longer (about 14 M multiply-adds, 3-5x slower).
"""

from __future__ import annotations

import keras
from keras import layers

from train.config import ARCHITECTURES

INPUT_SHAPE = (28, 28, 1)  # NHWC, ink = 1.0 on background = 0.0, as MNIST / 255


def conv_bn(x, filters: int, kernel: int = 3, strides: int = 1, padding: str = "same"):
    x = layers.Conv2D(filters, kernel, strides=strides, padding=padding, use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.ReLU()(x)


def _compact_features(x, width: int, dropout: float):
    x = conv_bn(x, width, padding="valid")                      # 26
    x = conv_bn(x, width, strides=2, padding="valid")           # 12
    x = conv_bn(x, width, padding="valid")                      # 10
    x = layers.Dropout(dropout / 2)(x)
    x = conv_bn(x, 2 * width, padding="valid")                  # 8
    x = conv_bn(x, 2 * width, strides=2, padding="valid")       # 3
    return layers.Dropout(dropout / 2)(x)


def _wide_features(x, width: int, dropout: float):
    x = conv_bn(x, width, padding="valid")                      # 26
    x = conv_bn(x, width, padding="valid")                      # 24
    x = conv_bn(x, width, kernel=5, strides=2)                  # 12
    x = layers.Dropout(dropout / 2)(x)
    x = conv_bn(x, 2 * width, padding="valid")                  # 10
    x = conv_bn(x, 2 * width, padding="valid")                  # 8
    x = conv_bn(x, 2 * width, strides=2)                        # 4
    return layers.Dropout(dropout / 2)(x)


def build_model(width: int = 32, dense: int = 128, dropout: float = 0.35,
                arch: str = "compact") -> keras.Model:
    """Under 1 MB as float32 ONNX, and 99.6 %+ on MNIST when trained with augmentation."""
    if arch not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {arch!r}; choose from {ARCHITECTURES}")
    inputs = keras.Input(shape=INPUT_SHAPE, name="image")
    features = _compact_features if arch == "compact" else _wide_features
    x = layers.Flatten()(features(inputs, width, dropout))
    x = layers.Dense(dense, use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.Dropout(dropout)(x)
    outputs = layers.Dense(10, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name=f"digit_cnn_{arch}")
