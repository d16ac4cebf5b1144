"""Facial-expression classifier: a second opinion for ``mouth_closed`` on still photos.

The landmark measures of ``capture.checks.face`` (inner-lip gap, mouth-corner lift) were tuned on
16 people; a smile with the lips closed that FaceMesh regresses towards a neutral mouth passes
them. A classifier trained on many thousands of faces judges the whole face (cheeks, eyes, the
lip line) instead, so ``mouth_closed`` also fails when it is sure of a smile.

The model is face-api.js's FaceExpressionNet (MIT; the weights ship in
``resources/models/face_expression``, taken from the npm package @vladmandic/face-api 1.7.15,
a fork of face-api.js 0.22.2; see the LICENSE.txt there). It is small (330 KB, uint8-quantised)
and runs here in numpy, in ~7 ms per face on this 2-core machine, so no ML runtime is added.
The network, as face-api.js 0.22.2 defines it (``faceFeatureExtractor/`` and
``faceExpressionNet/``):

- input: the face box padded to a square with black, resized to 112x112 RGB, minus the mean
  (122.782, 117.001, 104.298), divided by 255;
- four dense blocks (32, 64, 128, 256 channels), each of four 3x3 convolutions: the first with
  stride 2 (TensorFlow "same" padding), an ordinary convolution in the first block and
  depthwise-separable ones elsewhere; each convolution takes the ReLU of the sum of the block's
  earlier outputs;
- a 7x7 average pool, a 256x7 fully connected layer and a softmax over ``EXPRESSIONS``.

The numpy forward pass equals TensorFlow.js's to 1e-6 (tests/capture/test_expression.py holds
reference outputs computed with face-api.js). face-api.js feeds it the box of its SSD face
detector; the bounding box of the 478 FaceMesh landmarks is the same box to within ~10 px on the
London portraits (measured), so that is what is used.

One ``ExpressionNet`` is read-only after loading and may be shared between threads.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from capture.errors import AnalysisError
from capture.types import EXPRESSIONS, Expression

__all__ = ["EXPRESSIONS", "INPUT_SIZE", "ExpressionNet", "face_input"]

FloatArray = npt.NDArray[np.float32]

INPUT_SIZE = 112
MEAN_RGB = np.array([122.782, 117.001, 104.298], np.float32)
MODEL_NAME = "face_expression_model"
BLOCKS = 4  # dense0..dense3
_POOL = 7  # the last block's output is 7x7, pooled whole


def _model_dir() -> Path:
    from resources import resource_path

    return resource_path("models", "face_expression")


def _load_weights(folder: Path) -> dict[str, FloatArray]:
    """The weight tensors by name, dequantised (``q * scale + min`` for uint8 ones), read in
    manifest order from the one .bin file as TensorFlow.js's ``decodeWeights`` does."""
    try:
        manifest: list[dict[str, Any]] = json.loads(
            (folder / f"{MODEL_NAME}-weights_manifest.json").read_text(encoding="utf-8")
        )
        buf = (folder / f"{MODEL_NAME}.bin").read_bytes()
    except (OSError, ValueError) as exc:
        raise AnalysisError(f"expression model missing or unreadable in {folder}: {exc}") from exc
    weights: dict[str, FloatArray] = {}
    off = 0
    try:
        for spec in (w for group in manifest for w in group["weights"]):
            shape = [int(d) for d in spec["shape"]]
            n = int(np.prod(shape))
            q = spec.get("quantization")
            if q:
                raw = np.frombuffer(buf, np.uint8, n, off).astype(np.float32)
                arr = raw * np.float32(q["scale"]) + np.float32(q["min"])
                off += n
            else:
                arr = np.frombuffer(buf, np.float32, n, off).copy()
                off += 4 * n
            weights[spec["name"]] = arr.reshape(shape)
    except (KeyError, TypeError, ValueError) as exc:
        raise AnalysisError(f"expression model in {folder} is corrupt: {exc}") from exc
    if off != len(buf):
        raise AnalysisError(f"expression model in {folder} is corrupt: {len(buf)} bytes, manifest says {off}")
    return weights


def _pad_same(x: FloatArray, stride: int) -> tuple[FloatArray, int, int]:
    """TensorFlow's "same" padding for a 3x3 kernel: the extra pixel goes bottom/right."""
    h, w = x.shape[:2]
    oh, ow = -(-h // stride), -(-w // stride)
    ph, pw = max((oh - 1) * stride + 3 - h, 0), max((ow - 1) * stride + 3 - w, 0)
    padded = np.pad(x, ((ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    return padded, oh, ow


def _conv(x: FloatArray, filters: FloatArray, bias: FloatArray, stride: int) -> FloatArray:
    xp, oh, ow = _pad_same(x, stride)
    out = np.zeros((oh, ow, filters.shape[3]), np.float32)
    for i in range(3):
        for j in range(3):
            out += xp[i : i + stride * oh : stride, j : j + stride * ow : stride] @ filters[i, j]
    return out + bias


def _separable(
    x: FloatArray, depthwise: FloatArray, pointwise: FloatArray, bias: FloatArray, stride: int
) -> FloatArray:
    xp, oh, ow = _pad_same(x, stride)
    d = np.zeros((oh, ow, x.shape[2]), np.float32)
    for i in range(3):
        for j in range(3):
            d += xp[i : i + stride * oh : stride, j : j + stride * ow : stride] * depthwise[i, j, :, 0]
    out: FloatArray = d @ pointwise[0, 0] + bias
    return out


def face_input(rgb: npt.NDArray[np.uint8], landmarks: npt.NDArray[np.float32]) -> FloatArray:
    """The network's 112x112 float RGB input: the landmarks' bounding box (clipped to the image)
    centred on a black square, resized (face-api.js's ``toBatchTensor(112, true)``)."""
    h, w = rgb.shape[:2]
    x0, y0 = (round(float(v)) for v in landmarks[:, :2].min(axis=0))
    x1, y1 = (round(float(v)) for v in landmarks[:, :2].max(axis=0))
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if x1 - x0 < 8 or y1 - y0 < 8:
        raise AnalysisError("face too small for the expression model")
    box = rgb[y0:y1, x0:x1]
    bh, bw = box.shape[:2]
    side = max(bh, bw)
    square = np.zeros((side, side, 3), np.uint8)
    oy, ox = (side - bh) // 2, (side - bw) // 2
    square[oy : oy + bh, ox : ox + bw] = box
    interp = cv2.INTER_AREA if side > INPUT_SIZE else cv2.INTER_LINEAR
    out: FloatArray = cv2.resize(square, (INPUT_SIZE, INPUT_SIZE), interpolation=interp).astype(np.float32)
    return out


class ExpressionNet:
    """face-api.js's FaceExpressionNet in numpy. ``folder`` holds the manifest and weights
    (default: the shipped ``resources/models/face_expression``)."""

    def __init__(self, folder: Path | None = None) -> None:
        self._w = _load_weights(folder or _model_dir())
        for k in range(BLOCKS):
            first = f"dense{k}/conv0/" + ("filters" if k == 0 else "depthwise_filter")
            if first not in self._w:
                raise AnalysisError(f"expression model lacks {first}")
        if self._w.get("fc/weights", np.empty(0)).shape != (256, len(EXPRESSIONS)):
            raise AnalysisError("expression model's output layer does not give 7 expressions")

    def _block(self, x: FloatArray, k: int) -> FloatArray:
        w = self._w
        p = f"dense{k}"

        def sep(a: FloatArray, i: int, stride: int) -> FloatArray:
            return _separable(
                a,
                w[f"{p}/conv{i}/depthwise_filter"],
                w[f"{p}/conv{i}/pointwise_filter"],
                w[f"{p}/conv{i}/bias"],
                stride,
            )

        if k == 0:
            out1 = _conv(x, w[f"{p}/conv0/filters"], w[f"{p}/conv0/bias"], 2)
        else:
            out1 = sep(x, 0, 2)
        out1 = np.maximum(out1, 0)
        out2 = sep(out1, 1, 1)
        out3 = sep(np.maximum(out1 + out2, 0), 2, 1)
        out4 = sep(np.maximum(out1 + out2 + out3, 0), 3, 1)
        res: FloatArray = np.maximum(out1 + out2 + out3 + out4, 0)
        return res

    def probabilities(self, face112: FloatArray) -> FloatArray:
        """Softmax over ``EXPRESSIONS`` for one 112x112x3 float RGB input (0..255)."""
        if face112.shape != (INPUT_SIZE, INPUT_SIZE, 3):
            raise AnalysisError(f"expression model input must be 112x112x3, got {face112.shape}")
        x = (face112.astype(np.float32) - MEAN_RGB) / np.float32(255.0)
        for k in range(BLOCKS):
            x = self._block(x, k)
        assert x.shape[:2] == (_POOL, _POOL)
        z = x.mean(axis=(0, 1)) @ self._w["fc/weights"] + self._w["fc/bias"]
        e = np.exp(z - z.max())
        out: FloatArray = (e / e.sum()).astype(np.float32)
        return out

    def classify(self, rgb: npt.NDArray[np.uint8], landmarks: npt.NDArray[np.float32]) -> Expression:
        """The expression of the face whose FaceMesh landmarks (pixels) are given."""
        p = self.probabilities(face_input(rgb, landmarks))
        return Expression(tuple(round(float(v), 4) for v in p))
