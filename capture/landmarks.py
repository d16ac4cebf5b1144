"""FaceMesh landmark indices (478 points with ``refine_landmarks=True``) and the geometry the
analysis derives from them.

"Left"/"right" are image left/right: ``*_L`` is the subject's right side. The indices are those
of mediapipe's canonical face mesh (``face_mesh_connections.py`` and the iris model, 468-477).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

__all__ = [
    "BROW_L",
    "BROW_R",
    "CHEEK_L",
    "CHEEK_R",
    "CHIN",
    "EYE_L",
    "EYE_R",
    "FACE_OVAL",
    "FOREHEAD",
    "IRIS_L",
    "IRIS_R",
    "LIPS_OUTER",
    "NOSE_TIP",
    "eye_openness",
    "gaze_offsets",
    "head_angles",
    "mouth_openness",
]

FloatArray = npt.NDArray[np.float32]

IRIS_L = 468  # iris centre, image-left eye (468-472 ring)
IRIS_R = 473  # iris centre, image-right eye (473-477 ring)
CHEEK_L = 234  # face-oval point at the tragus level, where the ear joins (image left)
CHEEK_R = 454
CHIN = 152  # lowest point of the chin on the face oval
FOREHEAD = 10  # top of the face oval (upper forehead / hairline)
NOSE_TIP = 1

# Eye contours: outer corner, inner corner, then (upper, lower) lid pairs.
EYE_L = {"outer": 33, "inner": 133, "lids": ((160, 144), (159, 145), (158, 153))}
EYE_R = {"outer": 263, "inner": 362, "lids": ((385, 380), (386, 374), (387, 373))}
EYE_L_RING = (33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7)
EYE_R_RING = (263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249)
# Eyebrows (upper edge then lower edge), image left and right.
BROW_L = (70, 63, 105, 66, 107, 55, 65, 52, 53, 46)
BROW_R = (300, 293, 334, 296, 336, 285, 295, 282, 283, 276)
# Lips: inner gap (upper, lower) pairs and the inner / outer corners.
MOUTH_INNER_PAIRS = ((82, 87), (13, 14), (312, 317))
MOUTH_INNER_CORNERS = (78, 308)
MOUTH_OUTER_CORNERS = (61, 291)
LIPS_OUTER = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146)
FACE_OVAL = (
    10,
    338,
    297,
    332,
    284,
    251,
    389,
    356,
    454,
    323,
    361,
    288,
    397,
    365,
    379,
    378,
    400,
    377,
    152,
    148,
    176,
    149,
    150,
    136,
    172,
    58,
    132,
    93,
    234,
    127,
    162,
    21,
    54,
    103,
    67,
    109,
)


def _d(p: FloatArray, a: int, b: int) -> float:
    return float(math.hypot(float(p[a, 0] - p[b, 0]), float(p[a, 1] - p[b, 1])))


def eye_openness(p: FloatArray, eye: dict[str, object]) -> float:
    """Mean eyelid gap over three lid pairs, divided by the corner-to-corner eye width."""
    outer, inner = int(eye["outer"]), int(eye["inner"])  # type: ignore[call-overload]
    lids: tuple[tuple[int, int], ...] = eye["lids"]  # type: ignore[assignment]
    width = _d(p, outer, inner)
    if width <= 0:
        return 0.0
    return float(np.mean([_d(p, u, lo) for u, lo in lids])) / width


def mouth_openness(p: FloatArray) -> float:
    """Mean inner-lip gap over three pairs, divided by the inner-corner mouth width."""
    width = _d(p, *MOUTH_INNER_CORNERS)
    if width <= 0:
        return 0.0
    return float(np.mean([_d(p, u, lo) for u, lo in MOUTH_INNER_PAIRS])) / width


def gaze_offsets(p: FloatArray) -> tuple[float, float]:
    """Where the irises sit in the eye openings, averaged over both eyes.

    x: iris centre minus the corner midpoint, over the eye width (+ = image right);
    y: iris centre minus the lid-pair midpoint, over the eye width (+ = down)."""
    xs: list[float] = []
    ys: list[float] = []
    for eye, iris in ((EYE_L, IRIS_L), (EYE_R, IRIS_R)):
        outer, inner = int(eye["outer"]), int(eye["inner"])  # type: ignore[call-overload]
        u, lo = eye["lids"][1]  # type: ignore[index]
        width = _d(p, outer, inner)
        if width <= 0:
            continue
        cx = (p[outer, 0] + p[inner, 0]) / 2
        cy = (p[u, 1] + p[lo, 1]) / 2
        xs.append(float(p[iris, 0] - cx) / width)
        ys.append(float(p[iris, 1] - cy) / width)
    if not xs:
        return 0.0, 0.0
    return float(np.mean(xs)), float(np.mean(ys))


# Pitch of a frontal, level head as this formula reads it: the forehead landmark (10) sits nearer
# the camera than the chin (152) in mediapipe's face model. Calibrated on the 24 London frontal
# photos (../shared/faces): median raw pitch -0.6 deg, spread -6.6..+5.6 deg; see
# docs/photo-checks.md "head_pose".
PITCH_BASELINE_DEG = 0.0


def head_angles(p: FloatArray) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees from the 3D landmarks (pixels; z in the x scale).

    yaw: angle of the cheek-to-cheek vector out of the image plane (+ = subject turned to image
    right); pitch: angle of the forehead-to-chin vector out of the image plane (+ = chin up);
    roll: angle of the line through the iris centres (+ = clockwise in the image)."""
    cl, cr = p[CHEEK_L].astype(np.float64), p[CHEEK_R].astype(np.float64)
    fx = cr - cl
    yaw = math.degrees(math.atan2(fx[2], math.hypot(fx[0], fx[1])))
    top, chin = p[FOREHEAD].astype(np.float64), p[CHIN].astype(np.float64)
    fy = chin - top
    pitch = math.degrees(math.atan2(-fy[2], math.hypot(fy[0], fy[1]))) - PITCH_BASELINE_DEG
    el, er = p[IRIS_L], p[IRIS_R]
    roll = math.degrees(math.atan2(float(er[1] - el[1]), float(er[0] - el[0])))
    return yaw, pitch, roll


def _face_axes(p: FloatArray) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Unit vectors along the eye line (x) and perpendicular to it, downwards (y)."""
    v = (p[IRIS_R, :2] - p[IRIS_L, :2]).astype(np.float64)
    n = float(np.hypot(v[0], v[1])) or 1.0
    u = v / n
    return u, np.array([-u[1], u[0]])


def smile_lift(p: FloatArray) -> float:
    """How far the mouth corners sit above the lower-lip centre, relative to the nose-chin height.

    Measured along the face's vertical (perpendicular to the eye line), so roll does not change
    it: (y(lip centre 14) - y(mean corner 61/291)) / (y(chin 152) - y(nose tip 1)). Corners pulled
    up and back by a smile raise it, also with the lips closed."""
    _u, n = _face_axes(p)

    def y(i: int) -> float:
        return float(p[i, :2].astype(np.float64) @ n)

    corners = (y(MOUTH_OUTER_CORNERS[0]) + y(MOUTH_OUTER_CORNERS[1])) / 2
    span = y(CHIN) - y(NOSE_TIP)
    if span <= 0:
        return 0.0
    return (y(14) - corners) / span
