"""Static int8 quantization with onnxruntime, calibrated on MNIST training images."""

from __future__ import annotations

from pathlib import Path

import numpy as np

CALIBRATION_IMAGES = 512


class _Calibration:
    """onnxruntime's CalibrationDataReader protocol over a stack of images."""

    def __init__(self, input_name: str, images: np.ndarray, batch: int = 64):
        self._batches = iter([{input_name: images[i:i + batch]}
                              for i in range(0, len(images), batch)])

    def get_next(self):
        return next(self._batches, None)


def quantize(float_path: Path, int8_path: Path, calibration: np.ndarray, input_name: str) -> None:
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    prepared = int8_path.with_suffix(".prep.onnx")
    quant_pre_process(str(float_path), str(prepared), skip_symbolic_shape=True)
    try:
        quantize_static(str(prepared), str(int8_path),
                        _Calibration(input_name, calibration[:CALIBRATION_IMAGES]),
                        quant_format=QuantFormat.QDQ, per_channel=True,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
    finally:
        prepared.unlink(missing_ok=True)
