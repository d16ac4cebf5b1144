"""Background whitening (``--whiten-background``): replace what segmentation calls background
with white, for photos taken in front of a grey or off-white wall.

Off by default; the pipeline records its use in ``ComplianceReport.whitened``. It uses the soft
person mask of ``FaceAnalysis.person_mask`` (SelfieSegmentation), cut like the photo:

1. The mask is snapped to the picture's own edges with a guided filter (the photo is the guide),
   so the alpha follows hair outlines instead of the segmentation's blurry 256 x 256 edge.
2. Hair is kept: segmentation gives fine hair middling scores, so the alpha ramp starts low
   (``KEEP_FROM``) and is fully opaque well below 1 (``OPAQUE_AT``). In the uncertain band
   around the person, a pixel whose colour differs from the background's (CIE76 colour
   difference from the median background colour, ``KEY_FROM``..``KEY_FULL``) is kept as well:
   loose strands are darker or more colourful than a studio wall.
3. The mask's edge is feathered (Gaussian, ``FEATHER_PX``) so there is no cut-out line.

Known limits: hair of the wall's own colour (grey hair on a grey wall) is partly whitened; a
shadow on the wall right next to the head may be kept as a faint halo; a chair back or a second
person that segmentation counts as "person" stays.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

__all__ = [
    "FEATHER_PX",
    "KEEP_FROM",
    "KEY_FROM",
    "KEY_FULL",
    "OPAQUE_AT",
    "WHITE",
    "person_alpha",
    "whiten_background",
]

WHITE = (255, 255, 255)
# Alpha ramp on the (guided) person mask: below KEEP_FROM is background, above OPAQUE_AT person.
# Chosen on the London set (grey backdrop): hair fringes score 0.2-0.6; the backdrop < 0.1.
KEEP_FROM = 0.12
OPAQUE_AT = 0.55
# The colour key in the uncertain band (mask above BAND_FROM): colour difference to the
# background, in CIE76 Delta E. Below KEY_FROM is wall (JPEG noise and gentle shading stay
# under ~6 on the London backdrops); above KEY_FULL is person.
BAND_FROM = 0.03
KEY_FROM = 8.0
KEY_FULL = 22.0
MIN_BACKGROUND = 0.02  # fraction of background pixels needed to estimate its colour
FEATHER_PX = 1.2  # Gaussian sigma of the edge, output px (358 x 441)
GUIDE_RADIUS = 6  # guided filter window radius, output px
GUIDE_EPS = 1e-3  # guided filter regularisation (on 0..1 intensities)


def person_alpha(rgb: npt.NDArray[np.uint8], mask: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """The opacity of the person (0 background .. 1 person), same size as ``rgb``."""
    if mask.shape[:2] != rgb.shape[:2]:
        mask = cv2.resize(
            mask.astype(np.float32), (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_LINEAR
        )
    m = np.clip(mask.astype(np.float32), 0.0, 1.0)
    rgb01 = rgb.astype(np.float32) / 255.0
    # A grey guide: hair and skin edges are lightness edges, and it is ~4x cheaper than colour.
    guide = cv2.cvtColor(rgb01, cv2.COLOR_RGB2GRAY)
    refined = cv2.ximgproc.guidedFilter(guide, m, GUIDE_RADIUS, GUIDE_EPS)
    # Never let the guided filter drop what segmentation was sure about.
    refined = np.maximum(refined, np.where(m > OPAQUE_AT, m, 0.0))
    alpha = np.clip((refined - KEEP_FROM) / (OPAQUE_AT - KEEP_FROM), 0.0, 1.0)
    alpha = cv2.GaussianBlur(alpha, (0, 0), FEATHER_PX)
    # The colour key is a per-pixel matte already: not feathered, so 1-px strands stay opaque.
    alpha = np.maximum(alpha, _colour_key(rgb01, m))
    return np.asarray(alpha, dtype=np.float32)


def _colour_key(rgb01: npt.NDArray[np.float32], m: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """How unlike the background each pixel of the uncertain band is (0..1); 0 elsewhere."""
    bg = m < BAND_FROM
    if bg.mean() < MIN_BACKGROUND:
        return np.zeros_like(m)
    lab = cv2.cvtColor(rgb01, cv2.COLOR_RGB2Lab)
    ref = np.median(lab[bg][::7], axis=0)  # every 7th background pixel is plenty for a median
    de = np.sqrt(((lab - ref) ** 2).sum(axis=-1))
    key = np.clip((de - KEY_FROM) / (KEY_FULL - KEY_FROM), 0.0, 1.0)
    return np.where(m >= BAND_FROM, key, 0.0).astype(np.float32)


def whiten_background(
    rgb: npt.NDArray[np.uint8],
    mask: npt.NDArray[np.float32],
    *,
    background: tuple[int, int, int] = WHITE,
) -> npt.NDArray[np.uint8]:
    """``rgb`` with the background made ``background`` (white), keeping the person and hair."""
    alpha = person_alpha(rgb, mask)[..., None]
    bg = np.asarray(background, dtype=np.float32).reshape(1, 1, 3)
    out = rgb.astype(np.float32) * alpha + bg * (1.0 - alpha)
    return np.ascontiguousarray(np.clip(out + 0.5, 0, 255).astype(np.uint8))
