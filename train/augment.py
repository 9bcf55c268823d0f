"""Batched data augmentation in TensorFlow, aimed at digits people draw and photograph.

One random affine map (rotation, scale, shear, translation) plus a smooth elastic field is
applied with a single bilinear resampling; stroke thickness changes by a soft dilation or
erosion. All strengths scale with one number so that `--augment 0.5` halves every one.
"""

from __future__ import annotations

import math

import tensorflow as tf

ROTATION_DEG = 10.0
SCALE = 0.12          # relative zoom either way
ASPECT = 0.08         # independent x/y squeeze
SHEAR = 0.2
SHIFT_PX = 2.5
ELASTIC_PX = 1.1      # displacement amplitude of the smooth random field
ELASTIC_GRID = 4      # the field is random on a 4x4 grid, bicubically smoothed to 28x28
THICKEN = 0.8         # dilation blend up to 80 %
THIN = 0.5            # erosion blend up to 50 %


def _uniform(shape, limit: float) -> tf.Tensor:
    return tf.random.uniform(shape, -limit, limit)


def change_thickness(images: tf.Tensor, strength: float) -> tf.Tensor:
    """Blend each image toward its 3x3 dilation (thicker) or erosion (thinner)."""
    batch = tf.shape(images)[0]
    dilated = tf.nn.max_pool2d(images, 3, 1, "SAME")
    eroded = -tf.nn.max_pool2d(-images, 3, 1, "SAME")
    t = tf.random.uniform([batch, 1, 1, 1], -THIN * strength, THICKEN * strength)
    return images + tf.nn.relu(t) * (dilated - images) + tf.nn.relu(-t) * (eroded - images)


def _sample_coordinates(batch: tf.Tensor, size: int,
                        strength: float) -> tuple[tf.Tensor, tf.Tensor]:
    """Source coordinates (x, y) of every output pixel, shape (batch, size, size) each."""
    angle = _uniform([batch], ROTATION_DEG * strength) * (math.pi / 180)
    zoom = 1.0 + _uniform([batch], SCALE * strength)
    sx = zoom * (1.0 + _uniform([batch], ASPECT * strength))
    sy = zoom * (1.0 + _uniform([batch], ASPECT * strength))
    shear = _uniform([batch], SHEAR * strength)
    tx, ty = _uniform([batch], SHIFT_PX * strength), _uniform([batch], SHIFT_PX * strength)

    centre = (size - 1) / 2.0
    grid = tf.range(size, dtype=tf.float32) - centre
    gy, gx = tf.meshgrid(grid, grid, indexing="ij")
    gx, gy = gx[None], gy[None]
    cos, sin = tf.cos(angle)[:, None, None], tf.sin(angle)[:, None, None]
    # Inverse map: rotate, then undo shear and scale, to find where each output pixel comes from.
    rx, ry = cos * gx + sin * gy, -sin * gx + cos * gy
    rx = rx - shear[:, None, None] * ry
    x = rx / sx[:, None, None] - tx[:, None, None] + centre
    y = ry / sy[:, None, None] - ty[:, None, None] + centre

    noise = tf.random.normal([batch, ELASTIC_GRID, ELASTIC_GRID, 2])
    field = tf.image.resize(noise, [size, size], method="bicubic") * (ELASTIC_PX * strength)
    return x + field[..., 0], y + field[..., 1]


def _bilinear(images: tf.Tensor, x: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
    """Sample images (B, H, W, 1) at float coordinates; outside the frame is background (0)."""
    size = tf.shape(images)[1]
    padded = tf.pad(images[..., 0], [[0, 0], [1, 1], [1, 1]])
    limit = tf.cast(size, tf.float32)
    x = tf.clip_by_value(x + 1.0, 0.0, limit)
    y = tf.clip_by_value(y + 1.0, 0.0, limit)
    x0, y0 = tf.floor(x), tf.floor(y)
    wx, wy = x - x0, y - y0
    x0, y0 = tf.cast(x0, tf.int32), tf.cast(y0, tf.int32)
    x1, y1 = tf.minimum(x0 + 1, size + 1), tf.minimum(y0 + 1, size + 1)

    def at(yy, xx):
        return tf.gather_nd(padded, tf.stack([yy, xx], axis=-1), batch_dims=1)

    top = at(y0, x0) * (1 - wx) + at(y0, x1) * wx
    bottom = at(y1, x0) * (1 - wx) + at(y1, x1) * wx
    return (top * (1 - wy) + bottom * wy)[..., None]


def augment_batch(images: tf.Tensor, strength: float = 1.0) -> tf.Tensor:
    """Randomly deform a batch of (B, 28, 28, 1) float images in [0, 1]."""
    if strength <= 0:
        return images
    images = change_thickness(images, strength)
    x, y = _sample_coordinates(tf.shape(images)[0], images.shape[1], strength)
    return tf.clip_by_value(_bilinear(images, x, y), 0.0, 1.0)
