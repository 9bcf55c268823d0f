"""MNIST loading: IDX (gzipped or not) and npz, checksums, and one-line errors for bad files."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from train.data import IDX_FILES, DatasetError, idx_bytes, load_mnist, parse_idx


def test_shared_copy_loads_and_verifies(mnist):
    assert mnist.x_train.shape == (60000, 28, 28)
    assert mnist.x_test.shape == (10000, 28, 28)
    assert mnist.y_train.dtype == np.uint8
    assert np.bincount(mnist.y_test).tolist()[:3] == [980, 1135, 1032]
    assert abs(mnist.x_train.mean() - 33.3184) < 1e-3  # the published pixel mean


def test_idx_roundtrip(mnist):
    raw = idx_bytes(mnist.x_test[:5])
    assert np.array_equal(parse_idx(raw), mnist.x_test[:5])


def write_idx(folder, mnist, compress: bool) -> None:
    """The four IDX files of the data set, as published (gzipped) or decompressed."""
    arrays = {"train_images": mnist.x_train, "train_labels": mnist.y_train,
              "test_images": mnist.x_test, "test_labels": mnist.y_test}
    for key, (stem, _, _) in IDX_FILES.items():
        raw = idx_bytes(arrays[key])
        path = folder / (f"{stem}.gz" if compress else stem)
        path.write_bytes(gzip.compress(raw, compresslevel=1) if compress else raw)


@pytest.fixture
def idx_copy(tmp_path, mnist):
    """A writable copy of the four files, decompressed, to damage in tests."""
    write_idx(tmp_path, mnist, compress=False)
    return tmp_path


def test_uncompressed_folder_loads(idx_copy, mnist):
    data = load_mnist(idx_copy)
    assert np.array_equal(data.y_test, mnist.y_test)


def test_environment_variable_is_used(idx_copy, monkeypatch):
    monkeypatch.setenv("DIGITS_DATA", str(idx_copy))
    assert load_mnist().source == str(idx_copy)


def test_npz_loads(tmp_path, mnist):
    path = tmp_path / "mnist.npz"
    np.savez_compressed(path, x_train=mnist.x_train, y_train=mnist.y_train,
                        x_test=mnist.x_test, y_test=mnist.y_test)
    assert np.array_equal(load_mnist(path).x_test, mnist.x_test)


def _damage_truncate(path):
    path.write_bytes(path.read_bytes()[:-100])


def _damage_flip(path):
    raw = bytearray(path.read_bytes())
    raw[5000] ^= 0xFF
    path.write_bytes(bytes(raw))


def _damage_magic(path):
    path.write_bytes(b"\x12\x34" + path.read_bytes()[2:])


@pytest.mark.parametrize(("damage", "message"), [
    (lambda p: p.unlink(), "file not found"),
    (_damage_truncate, "truncated"),
    (_damage_flip, "SHA-256 does not match"),
    (_damage_magic, "not a uint8 IDX file"),
    (lambda p: p.write_bytes(b""), "too short"),
])
def test_bad_idx_file_names_file_and_problem(idx_copy, damage, message):
    target = idx_copy / "t10k-labels-idx1-ubyte"
    damage(target)
    with pytest.raises(DatasetError) as err:
        load_mnist(idx_copy)
    text = str(err.value)
    assert "t10k-labels-idx1-ubyte" in text and message in text
    assert "\n" not in text


def test_corrupt_gzip_is_reported(tmp_path, mnist):
    write_idx(tmp_path, mnist, compress=True)
    gz = tmp_path / "train-images-idx3-ubyte.gz"
    gz.write_bytes(gz.read_bytes()[: len(gz.read_bytes()) // 2])
    with pytest.raises(DatasetError, match=r"train-images-idx3-ubyte\.gz: cannot read"):
        load_mnist(tmp_path)


def test_npz_missing_array_and_garbage(tmp_path, mnist):
    partial = tmp_path / "partial.npz"
    np.savez(partial, x_train=mnist.x_train)
    with pytest.raises(DatasetError, match="missing array"):
        load_mnist(partial)
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a zip file")
    with pytest.raises(DatasetError, match=r"garbage\.npz: cannot read"):
        load_mnist(garbage)


def test_missing_path(tmp_path):
    with pytest.raises(DatasetError, match="no such file or folder"):
        load_mnist(tmp_path / "nowhere")


def test_cli_prints_one_line_not_a_traceback(tmp_path, capsys):
    from train.cli import main

    assert main(["--data", str(tmp_path / "nowhere"), "--out", str(tmp_path / "runs")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "runs").exists()
