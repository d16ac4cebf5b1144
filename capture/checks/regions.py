"""The face in a normalised frame, and the landmark regions the image checks measure.

The face is warped (similarity transform: scale, rotation, shift) so that the iris centres are
level, ``NORM_IPD`` px apart, with their midpoint at ``NORM_EYE``. Every image check then works on
the same number of pixels per face, whatever the source: the 358x441 file (IPD about 80-100 px), a
720p live frame or a 4000x3000 photo. That is what lets the live view, a file and the command line
give the same answers for sharpness, glare and lighting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np
import numpy.typing as npt

from capture import landmarks as lmk
from capture.background import to_lab
from capture.types import FaceGeometry

__all__ = ["NORM_IPD", "FaceFrame", "face_frame"]

FloatArray = npt.NDArray[np.float32]
U8Array = npt.NDArray[np.uint8]
BoolArray = npt.NDArray[np.bool_]

# 64 px between the iris centres: a little below the 75-110 px of a compliant 358x441 photo
# (face width 179-255 px, IPD about 0.43 of it), so the file is never enlarged for the checks.
NORM_IPD = 64.0
NORM_SIZE = (224, 272)  # width, height of the normalised face frame
NORM_EYE = (112.0, 104.0)  # where the iris midpoint lands

# Cheek patches (below the eyes, beside the nose), image left and right.
CHEEK_PATCH_L = (117, 118, 101, 36, 205, 187, 123, 116)
CHEEK_PATCH_R = (346, 347, 330, 266, 425, 411, 352, 345)
# Forehead band just above the brows (brow tops and the landmarks above them).
FOREHEAD_BAND = (70, 63, 105, 66, 107, 9, 336, 296, 334, 293, 300, 298, 333, 299, 337, 151, 108, 69, 104, 68)
NOSE = (168, 6, 197, 195, 5, 4, 1, 19, 94, 2, 98, 327, 129, 358, 209, 429, 49, 279)


@dataclass
class FaceFrame:
    rgb: U8Array  # normalised face image
    points: FloatArray  # 478 x 2 landmarks in the frame
    valid: BoolArray  # frame pixels that came from inside the source image

    @cached_property
    def lab(self) -> FloatArray:
        return to_lab(self.rgb)

    @property
    def shape(self) -> tuple[int, int]:
        return int(self.rgb.shape[0]), int(self.rgb.shape[1])

    def poly(self, idx: tuple[int, ...] | list[int], *, hull: bool = True) -> BoolArray:
        """Mask of the polygon (convex hull by default) through these landmarks."""
        m = np.zeros(self.shape, np.uint8)
        pts = self.points[list(idx)].astype(np.float32)
        if hull:
            pts = cv2.convexHull(pts)
        cv2.fillPoly(m, [np.round(pts).astype(np.int32).reshape(-1, 1, 2)], 1)
        out: BoolArray = m.astype(bool) & self.valid
        return out

    @cached_property
    def _grid(self) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        h, w = self.shape
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        return yy, xx

    def ellipse(self, cx: float, cy: float, rx: float, ry: float) -> BoolArray:
        yy, xx = self._grid
        out: BoolArray = (((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 <= 1.0) & self.valid
        return out

    @cached_property
    def face(self) -> BoolArray:
        return self.poly(lmk.FACE_OVAL, hull=False)

    @cached_property
    def eyes(self) -> BoolArray:
        m = self.poly(lmk.EYE_L_RING) | self.poly(lmk.EYE_R_RING)
        return m

    @cached_property
    def skin(self) -> BoolArray:
        """Face-oval pixels that should be skin: without eyes (grown), brows, lips and nostrils."""
        k = np.ones((5, 5), np.uint8)
        not_skin = self.eyes | self.poly(lmk.BROW_L) | self.poly(lmk.BROW_R) | self.poly(lmk.LIPS_OUTER)
        not_skin = cv2.dilate(not_skin.astype(np.uint8), k).astype(bool)
        nostrils = self.poly((98, 97, 2, 326, 327, 294, 278, 48, 64))
        out: BoolArray = self.face & ~not_skin & ~nostrils
        return out

    @cached_property
    def cheek_left(self) -> BoolArray:
        return self.poly(CHEEK_PATCH_L)

    @cached_property
    def cheek_right(self) -> BoolArray:
        return self.poly(CHEEK_PATCH_R)

    @cached_property
    def forehead_band(self) -> BoolArray:
        return self.poly(FOREHEAD_BAND) & ~self.poly(lmk.BROW_L) & ~self.poly(lmk.BROW_R)

    def values(self, mask: BoolArray, channel: int = 0) -> FloatArray:
        return self.lab[..., channel][mask]


def face_frame(rgb: U8Array, face: FaceGeometry) -> FaceFrame | None:
    """Warp ``rgb`` so the face sits in the normalised frame; None without landmarks."""
    p = face.landmarks
    if p is None:
        return None
    el, er = face.eye_left, face.eye_right
    dx, dy = er.x - el.x, er.y - el.y
    ipd = math.hypot(dx, dy)
    if ipd < 4.0:
        return None
    s = NORM_IPD / ipd
    ang = math.atan2(dy, dx)
    c, si = math.cos(-ang) * s, math.sin(-ang) * s
    mx, my = (el.x + er.x) / 2, (el.y + er.y) / 2
    # Full transform in original pixels: p' = R(-ang) * s * (p - mid) + NORM_EYE
    m_full = np.array(
        [[c, -si, NORM_EYE[0] - (c * mx - si * my)], [si, c, NORM_EYE[1] - (si * mx + c * my)]], np.float64
    )
    # Only the part of the picture that lands in the frame is resampled (a 1080p frame or a large
    # photo is not shrunk as a whole): the frame's corners mapped back, plus a margin.
    inv = cv2.invertAffineTransform(m_full)
    fw, fh = NORM_SIZE
    corners = np.array([[0, 0, 1], [fw, 0, 1], [0, fh, 1], [fw, fh, 1]], np.float64) @ inv.T
    ih, iw = rgb.shape[:2]
    margin = 4.0 / s
    cx0 = max(0, math.floor(corners[:, 0].min() - margin))
    cy0 = max(0, math.floor(corners[:, 1].min() - margin))
    cx1 = min(iw, math.ceil(corners[:, 0].max() + margin))
    cy1 = min(ih, math.ceil(corners[:, 1].max() + margin))
    if cx1 - cx0 < 2 or cy1 - cy0 < 2:
        return None
    src = rgb[cy0:cy1, cx0:cx1]
    m_crop = m_full.copy()
    m_crop[:, 2] += m_full[:, :2] @ np.array([cx0, cy0], np.float64)
    sx = sy = 1.0
    if s < 0.5:
        # Area-average first so the warp does not alias (a large photo, a near face).
        pre = min(1.0, 2.0 * s)
        small = cv2.resize(
            src,
            (max(1, round(src.shape[1] * pre)), max(1, round(src.shape[0] * pre))),
            interpolation=cv2.INTER_AREA,
        )
        sx, sy = small.shape[1] / src.shape[1], small.shape[0] / src.shape[0]
        src = small
    m_src = m_crop.copy()
    m_src[0, 0] /= sx
    m_src[0, 1] /= sy
    m_src[1, 0] /= sx
    m_src[1, 1] /= sy
    w, h = NORM_SIZE
    out = cv2.warpAffine(src, m_src, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    ones = np.full(src.shape[:2], 255, np.uint8)
    valid = cv2.warpAffine(ones, m_src, (w, h), flags=cv2.INTER_NEAREST, borderValue=0) > 0
    pts = p[:, :2].astype(np.float64) @ m_full[:, :2].T + m_full[:, 2]
    return FaceFrame(rgb=np.ascontiguousarray(out), points=pts.astype(np.float32), valid=valid)
