"""Load MNIST from a local folder (IDX files or a Keras mnist.npz) or the Keras cache, verified."""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ENV_VAR = "DIGITS_DATA"

# SHA-256 of each decompressed IDX file, as published with the dataset.
IDX_FILES = {
    "train_images": ("train-images-idx3-ubyte", (60000, 28, 28),
                     "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
    "train_labels": ("train-labels-idx1-ubyte", (60000,),
                     "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
    "test_images": ("t10k-images-idx3-ubyte", (10000, 28, 28),
                    "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
    "test_labels": ("t10k-labels-idx1-ubyte", (10000,),
                    "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
}
NPZ_KEYS = {"train_images": "x_train", "train_labels": "y_train",
            "test_images": "x_test", "test_labels": "y_test"}
IDX_MAGIC = {3: 0x00000803, 1: 0x00000801}


def unit_floats(x: np.ndarray) -> np.ndarray:
    """Images as float32 in 0..1: MNIST's bytes divided by 255, floats (already so) as they
    are."""
    if x.dtype == np.uint8:
        return x.astype(np.float32) / 255.0
    return x.astype(np.float32, copy=False)


class DatasetError(Exception):
    """A dataset file is missing, truncated or corrupt; the message is one line for the user."""


@dataclass(frozen=True)
class Mnist:
    x_train: np.ndarray  # (60000, 28, 28) uint8, ink bright on dark
    y_train: np.ndarray  # (60000,) uint8
    x_test: np.ndarray
    y_test: np.ndarray
    source: str


def parse_idx(raw: bytes, name: str = "IDX data") -> np.ndarray:
    """Decode one IDX file (uint8 payload) into an array, checking header against length."""
    if len(raw) < 4:
        raise DatasetError(f"{name}: file is too short to be IDX ({len(raw)} bytes)")
    zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype_code != 0x08 or ndim not in (1, 3):
        raise DatasetError(f"{name}: not a uint8 IDX file (bad magic number {raw[:4].hex()})")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DatasetError(f"{name}: truncated header")
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    expected = header + int(np.prod(shape))
    if len(raw) != expected:
        raise DatasetError(
            f"{name}: truncated or padded: {len(raw)} bytes, header says {expected}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode a uint8 array as an IDX file (the inverse of parse_idx)."""
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def _check(key: str, array: np.ndarray, where: str) -> np.ndarray:
    _, shape, sha = IDX_FILES[key]
    if array.shape != shape:
        raise DatasetError(f"{where}: shape {array.shape}, expected {shape}")
    if hashlib.sha256(idx_bytes(array)).hexdigest() != sha:
        raise DatasetError(f"{where}: SHA-256 does not match the published MNIST file (corrupt?)")
    return array


def _read_idx_file(folder: Path, stem: str) -> tuple[bytes, Path]:
    for path in (folder / stem, folder / f"{stem}.gz"):
        if path.is_file():
            try:
                raw = path.read_bytes()
                return (gzip.decompress(raw) if path.suffix == ".gz" else raw), path
            except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as err:
                raise DatasetError(f"{path}: cannot read: {err}") from None
    raise DatasetError(f"{folder / stem}[.gz]: file not found")


def load_idx_folder(folder: Path) -> Mnist:
    arrays = {}
    for key, (stem, _, _) in IDX_FILES.items():
        raw, path = _read_idx_file(folder, stem)
        arrays[key] = _check(key, parse_idx(raw, str(path)), str(path))
    return Mnist(arrays["train_images"], arrays["train_labels"],
                 arrays["test_images"], arrays["test_labels"], source=str(folder))


def load_npz(path: Path) -> Mnist:
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[name] for key, name in NPZ_KEYS.items()}
    except KeyError as err:
        raise DatasetError(f"{path}: not a Keras mnist.npz (missing array {err})") from None
    except (OSError, ValueError, EOFError, zlib.error) as err:
        raise DatasetError(f"{path}: cannot read: {err}") from None
    checked = {key: _check(key, arr.astype(np.uint8, copy=False), f"{path}[{NPZ_KEYS[key]}]")
               for key, arr in arrays.items()}
    return Mnist(checked["train_images"], checked["train_labels"],
                 checked["test_images"], checked["test_labels"], source=str(path))


def load_keras_cache() -> Mnist:
    """The standard Keras download into ~/.keras/datasets (needs internet the first time)."""
    try:
        from keras.datasets import mnist
        mnist.load_data()
    except Exception as err:  # network, SSL, HTTP: all mean "could not download"
        raise DatasetError(
            f"no local MNIST given (--data PATH or ${ENV_VAR}) and the download failed: "
            f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}") from None
    return load_npz(Path(os.path.expanduser("~/.keras/datasets/mnist.npz")))


def load_mnist(path: str | os.PathLike | None = None) -> Mnist:
    """MNIST from PATH (IDX folder or .npz), else $DIGITS_DATA, else the Keras cache."""
    path = path or os.environ.get(ENV_VAR) or None
    if path is None:
        return load_keras_cache()
    path = Path(path).expanduser()
    if path.is_dir():
        return load_idx_folder(path)
    if path.is_file():
        return load_npz(path)
    raise DatasetError(f"{path}: no such file or folder")
