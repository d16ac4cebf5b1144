"""Plain values that the face analysis hands to the checks, the crop solver and the live view.

All coordinates are in pixels of the image that was analysed, origin top-left, y downwards.
"Left" and "right" are image left/right (the subject's right eye is ``eye_left``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = [
    "EXPRESSIONS",
    "BackgroundStats",
    "ClothingStats",
    "Expression",
    "FaceAnalysis",
    "FaceGeometry",
    "Point",
    "Shoulders",
]


@dataclass(frozen=True)
class Point:
    x: float
    y: float

    def scaled(self, s: float, dx: float = 0.0, dy: float = 0.0) -> Point:
        """Map into another frame: ``(p - offset) * s`` with offset (dx, dy) in this frame."""
        return Point((self.x - dx) * s, (self.y - dy) * s)


@dataclass(frozen=True)
class FaceGeometry:
    """One face, measured from FaceMesh (478 landmarks with iris) and segmentation."""

    eye_left: Point  # iris centre, image-left eye
    eye_right: Point
    cheek_left: Point  # where the ear joins the face (spec photo.md §2, 脸部宽)
    cheek_right: Point
    chin: Point
    forehead: Point  # landmark top of the forehead, a cross-check for head_top_y
    head_top_y: float  # top of the head including hair
    head_top_source: str  # "segmentation" or "landmarks" (when segmentation disagreed)
    yaw: float  # degrees, + = subject turned to image right
    pitch: float  # degrees, + = chin up
    roll: float  # degrees, + = clockwise in the image
    eye_open_left: float  # eyelid gap / eye width
    eye_open_right: float
    mouth_open: float  # inner-lip gap / mouth width
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 of the landmarks
    # --- added by the analysis work (defaults keep older constructors valid) ---
    head_top_clipped: bool = False  # the person mask touches the top edge above the face
    gaze_x: float = 0.0  # iris offset from the eye-corner midpoint / eye width; + = image right
    gaze_y: float = 0.0  # iris offset from the lid midpoint / eye width; + = down
    # All 478 FaceMesh landmarks in pixels (x, y, z; z in the x scale, smaller = nearer), an own
    # copy. The scene checks take their regions (cheeks, brows, eyes, lips) from these.
    landmarks: npt.NDArray[np.float32] | None = field(default=None, repr=False, compare=False)

    @property
    def eye_mid(self) -> Point:
        return Point((self.eye_left.x + self.eye_right.x) / 2, (self.eye_left.y + self.eye_right.y) / 2)

    @property
    def face_width(self) -> float:
        return math.dist((self.cheek_left.x, self.cheek_left.y), (self.cheek_right.x, self.cheek_right.y))


@dataclass(frozen=True)
class Shoulders:
    """Shoulder points from Pose (complexity 1); only measured on still photos."""

    left: Point
    right: Point
    visibility: float  # the lower of the two Pose visibility scores, 0..1

    @property
    def tilt_deg(self) -> float:
        return math.degrees(math.atan2(self.right.y - self.left.y, self.right.x - self.left.x))


# The expression classifier's classes, in its output order (capture.expression).
EXPRESSIONS = ("neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised")


@dataclass(frozen=True)
class Expression:
    """The expression classifier's probabilities (``capture.expression``), stills only."""

    probabilities: tuple[float, ...]  # one per EXPRESSIONS, summing to 1

    def __getitem__(self, name: str) -> float:
        return self.probabilities[EXPRESSIONS.index(name)]

    @property
    def happy(self) -> float:
        return self["happy"]


@dataclass(frozen=True)
class BackgroundStats:
    """Statistics of the pixels segmentation calls background, in CIE L*a*b*."""

    lightness: float  # median L* (0-100)
    chroma: float  # median C*ab
    lightness_spread: float  # p95 - p5 of L*: texture and objects
    gradient: float  # largest L* difference between background zones
    shadow: float  # how much darker the band next to the head is than the far background
    coverage: float  # fraction of the image that is background
    texture: float = 0.0  # median absolute Laplacian of L* at the analysis scale: fine texture
    # Median L* of the background zones (image-left, centre-top, image-right): where it is uneven.
    zones: tuple[float, ...] = ()
    a: float = 0.0  # median a* (+ red, - green)
    b: float = 0.0  # median b* (+ yellow, - blue)
    objects: float = 0.0  # share of the background in solid blobs of another colour (objects)


@dataclass(frozen=True)
class ClothingStats:
    """The person-mask region below the neck (clothing), in CIE L*a*b*."""

    lightness: float  # median L*
    chroma: float  # C*ab of the median a*, b*
    delta_e: float  # CIE76 distance between the clothing and background median colours
    light_fraction: float  # fraction of clothing pixels with L* above the white-top limit
    pixels: int  # how many pixels were measured (at the analysis scale)


@dataclass(frozen=True)
class FaceAnalysis:
    """Everything measured on one image or frame."""

    width: int
    height: int
    face_count: int
    face: FaceGeometry | None  # the largest face, when there is one
    background: BackgroundStats | None
    shoulders: Shoulders | None = None
    clothing: ClothingStats | None = None
    # Shoulder-line tilt from the person mask (degrees, + = image-right side lower); measured on
    # stills and live frames alike, unlike Pose. None when no shoulder edge shows on both sides.
    shoulder_tilt: float | None = None
    # Image scale the background and clothing statistics were measured at (analysed px -> stats px)
    stats_scale: float = 1.0
    # The face's expression (capture.expression) on stills; None on live frames and without a face.
    expression: Expression | None = None
    # Soft person mask (float32, HxW, 0..1), an own copy; used by whitening and clothing checks.
    person_mask: npt.NDArray[np.float32] | None = field(default=None, repr=False, compare=False)
