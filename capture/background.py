"""Statistics of the background and of the clothing, from an image and a soft person mask.

Everything here works at the *stats scale*: the image resampled so that the face is about
``STATS_FACE_WIDTH`` px wide (see ``stats_scale``). The final 358x441 photo, a 720p live frame and
a 4000x3000 file then give comparable texture, gradient and shadow figures, which is what lets the
live view, a file and the command line agree.

Colours are CIE L*a*b* (D65) from OpenCV's float conversion: L* 0..100, a*, b* signed.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from capture.types import BackgroundStats, ClothingStats

__all__ = [
    "STATS_FACE_WIDTH",
    "WHITE_TOP_L",
    "background_stats",
    "clothing_stats",
    "shoulder_tilt",
    "skin_lab",
    "stats_scale",
    "to_lab",
]

FloatArray = npt.NDArray[np.float32]
U8Array = npt.NDArray[np.uint8]

# Face width (cheek to cheek) the statistics are measured at. 80 px is under half the 179-255 px of
# the output photo (spec photo.md §2), so the final file is downscaled 2.2-3.2x (JPEG blocking
# averages out) and a 720p frame (face ~250-350 px) 3-4x: the window around the face is then about
# 170x250 px, cheap enough for the live view's budget, with thousands of background pixels.
STATS_FACE_WIDTH = 80.0
# Bounds of the stats image's long side when there is no face or an extreme one.
STATS_LONG_MIN, STATS_LONG_MAX = 160, 640
NO_FACE_LONG = 320

# Mask value below which a pixel counts as background; the band where the mask is between this
# and 0.5 is the feathered edge (hair strands, mask blur) and is left out of both sides.
BG_MASK_MAX = 0.15
# Background pixels closer than this to the person (stats px) are dropped: the segmentation edge
# is 1-3 px uncertain at this scale and hair halos are not "background".
BG_ERODE_PX = 2
# Zones for the gradient figure: a 3x3 grid; a zone counts when this share of it is background.
ZONE_MIN_SHARE = 0.15
ZONE_MIN_PIXELS = 40
# Zone value: this percentile of L* (not the median): dark hair strands covering part of a zone
# do not lower it, a shadow or a light fall-off over the zone does.
ZONE_PERCENTILE = 75
# Background within this many face widths of the person's outline may hold loose hair strands
# (london-001: curls up to 0.3 face widths out); spread and texture leave it out.
HAIR_HALO = 0.3
# Objects: background pixels further than this (CIE76) from the far background's colour, in blobs
# wider than OBJECT_KERNEL stats px (about 12 output px: hair strands are 1-4).
OBJECT_DELTA_E = 20.0
OBJECT_KERNEL = 5
# A blob is solid when the interquartile range of L* inside it is under this: loose curls outside
# the mask (london-001) are strands and gaps, 12-40; painted or photographed objects 1-6.
OBJECT_SOLID_SPREAD = 10.0
# Near-head band for shadows: background within this many face widths of the person's outline,
# above the chin; "far" background is beyond twice that.
SHADOW_BAND_FACE = 0.15
# Clothing: person pixels from this many face heights (forehead landmark to chin) below the chin
# down. The 358x441 output shows only 40-90 px below the chin (head about 2/3 of the height), so
# the band starts just under the chin; the neck is left out by its skin colour (SKIN_DELTA_E).
CLOTHING_BELOW_CHIN = 0.06
# A clothing pixel is "white-ish" above this L* (the London set's white T-shirts measure L* 80-95
# under the same light as their light-grey backdrops, L* 80-86; dark tops measure < 50).
WHITE_TOP_L = 72.0
WHITE_TOP_CHROMA = 15.0  # ... and under this C*ab (a pastel top still differs from white)
CLOTHING_MIN_PIXELS = 40
# Person-mask level for clothing. Not lower: whitening feathers the mask edge into white, and that
# halo (mask 0.1-0.5) must not read as a white top.
MASK_CLOTHING = 0.5
MASK_ON = 0.5
# Pixels within this CIE76 distance of the cheek skin colour are skin (neck, chest), not clothing.
# Skin within one face varies by 5-15 (shading, redness); clothing rarely comes within 20.
SKIN_DELTA_E = 18.0
# Cheek patches (FaceMesh indices) that give the subject's skin colour.
SKIN_PATCH_L = (117, 118, 101, 36, 205, 187, 123, 116)
SKIN_PATCH_R = (346, 347, 330, 266, 425, 411, 352, 345)


def to_lab(rgb: U8Array) -> FloatArray:
    """uint8 RGB -> float32 L*a*b* (L* 0..100)."""
    out: FloatArray = cv2.cvtColor(rgb.astype(np.float32) * np.float32(1.0 / 255.0), cv2.COLOR_RGB2LAB)
    return out


def stats_scale(width: int, height: int, face_width: float | None) -> float:
    """Scale factor from analysed pixels to stats pixels."""
    long_side = max(width, height)
    if face_width is None or face_width <= 1:
        s = NO_FACE_LONG / long_side
    else:
        s = STATS_FACE_WIDTH / face_width
    s = min(s, STATS_LONG_MAX / long_side)
    s = max(s, STATS_LONG_MIN / long_side)
    return min(s, 1.0)


def _median(x: FloatArray) -> float:
    return float(np.median(x)) if x.size else math.nan


# Percentiles of L* in the statistics come from 0.25-L* histograms (np.bincount): several times
# faster than sorting-based percentiles for the live view, and finer than any threshold here.
_LQ = 4.0  # histogram bins per L* unit


_AB_OFFSET = 128.0  # a*, b* are quantised from -128


def _quant_l(lum: FloatArray, offset: float = 0.0) -> npt.NDArray[np.int32]:
    q: npt.NDArray[np.int32] = np.clip((lum + offset) * _LQ + 0.5, 0, 256 * _LQ).astype(np.int32)
    return q


def _pcts(q: npt.NDArray[np.int32], qs: tuple[float, ...], offset: float = 0.0) -> list[float]:
    """Percentiles (0-100) of the quantised values ``q`` (a 1-D selection)."""
    if q.size == 0:
        return [math.nan for _ in qs]
    cum = np.cumsum(np.bincount(q))
    n = cum[-1]
    return [float(np.searchsorted(cum, max(1.0, p / 100.0 * n))) / _LQ - offset for p in qs]


def background_stats(
    lab: FloatArray,
    person: FloatArray,
    *,
    face_center_x: float | None = None,
    chin_y: float | None = None,
    face_width: float | None = None,
) -> BackgroundStats | None:
    """Background figures at the stats scale. ``person`` is the soft mask (0..1) of the same size;
    the face values, when given, are in stats pixels. None when under 1% of the image is
    background."""
    h, w = person.shape
    bg = (person < BG_MASK_MAX).astype(np.uint8)
    if BG_ERODE_PX > 0:
        k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * BG_ERODE_PX + 1, 2 * BG_ERODE_PX + 1))
        # Erode only away from the person: pad with background so the image edge survives.
        bg = cv2.erode(bg, k, borderType=cv2.BORDER_CONSTANT, borderValue=1)
    n_bg = int(bg.sum())
    if n_bg < max(20, 0.01 * h * w):
        return None
    sel = bg.astype(bool)
    lum = lab[..., 0]

    aq = _quant_l(lab[..., 1], _AB_OFFSET)
    bq = _quant_l(lab[..., 2], _AB_OFFSET)
    lq = _quant_l(lum)
    lightness = _pcts(lq[sel], (50,))[0]
    a_med, b_med = _pcts(aq[sel], (50,), _AB_OFFSET)[0], _pcts(bq[sel], (50,), _AB_OFFSET)[0]
    chroma = float(math.hypot(a_med, b_med))

    # Loose hair strands reach past the segmented outline; spread and texture are measured on the
    # background away from the person (beyond HAIR_HALO face widths), where they mean objects.
    dist = cv2.distanceTransform((person < 0.5).astype(np.uint8), cv2.DIST_L2, 3)
    halo = HAIR_HALO * (face_width if face_width else STATS_FACE_WIDTH)
    far_sel = sel & (dist > halo)
    if int(far_sel.sum()) < ZONE_MIN_PIXELS:
        far_sel = sel
    p5, p95 = _pcts(lq[far_sel], (5, 95))

    # Texture: fine detail (wallpaper, fabric, objects' edges) as the median |Laplacian| of L*.
    lap = np.abs(cv2.Laplacian(lum, cv2.CV_32F, ksize=3))
    texture = _pcts(_quant_l(lap)[far_sel], (50,))[0]

    # Objects: solid blobs that differ from the background colour, anywhere in it (also inside the
    # hair halo). A morphological opening removes hair strands and edges thinner than the kernel.
    far_ref = np.array(
        [
            _pcts(lq[far_sel], (50,))[0],
            _pcts(aq[far_sel], (50,), _AB_OFFSET)[0],
            _pcts(bq[far_sel], (50,), _AB_OFFSET)[0],
        ]
    )
    raw_bg = person < BG_MASK_MAX
    d = lab - far_ref.astype(np.float32)[None, None, :]
    diff2 = d[..., 0] * d[..., 0] + d[..., 1] * d[..., 1] + d[..., 2] * d[..., 2]
    odd = (raw_bg & (diff2 > OBJECT_DELTA_E**2)).astype(np.uint8)
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (OBJECT_KERNEL, OBJECT_KERNEL))
    odd = cv2.morphologyEx(odd, cv2.MORPH_OPEN, k)
    obj_area = 0
    n_obj, labels, cstats = 0, None, None
    if odd.any():
        n_obj, labels, cstats, _cent = cv2.connectedComponentsWithStats(odd, connectivity=8)
    for i in range(1, n_obj):
        assert labels is not None and cstats is not None
        # Solid blobs only: loose curls that the segmentation left out are strands with background
        # between them; objects are solid. Interquartile range of L* inside the blob.
        q25, q75 = _pcts(lq[labels == i], (25, 75))
        if float(q75 - q25) < OBJECT_SOLID_SPREAD:
            obj_area += int(cstats[i, cv2.CC_STAT_AREA])
    objects = obj_area / max(1.0, float(raw_bg.sum()))

    # Gradient: spread of zone medians over a 3x3 grid.
    zones: list[float] = []
    ys = np.linspace(0, h, 4).astype(int)
    xs = np.linspace(0, w, 4).astype(int)
    for i in range(3):
        for j in range(3):
            zsel = sel[ys[i] : ys[i + 1], xs[j] : xs[j + 1]]
            cnt = int(zsel.sum())
            if cnt >= ZONE_MIN_PIXELS and cnt >= ZONE_MIN_SHARE * zsel.size:
                zq = lq[ys[i] : ys[i + 1], xs[j] : xs[j + 1]][zsel]
                zones.append(_pcts(zq, (ZONE_PERCENTILE,))[0])
    gradient = (max(zones) - min(zones)) if len(zones) >= 2 else 0.0

    # Shadow: how much darker the background next to the head is than the far background.
    shadow = 0.0
    if face_width and face_center_x is not None:
        band = max(3.0, SHADOW_BAND_FACE * face_width)
        rows = np.arange(h)[:, None]
        above = rows <= (chin_y if chin_y is not None else h)
        near = sel & (dist <= band) & above
        far = sel & (dist > 2 * band)
        far_l = _pcts(lq[far], (50,))[0] if far.sum() >= ZONE_MIN_PIXELS else lightness
        cols = np.arange(w)[None, :]
        worst = 0.0
        for side in (cols < face_center_x, cols >= face_center_x):
            m = near & side
            if int(m.sum()) >= ZONE_MIN_PIXELS // 2:
                worst = max(worst, far_l - _pcts(lq[m], (50,))[0])
        shadow = worst

    return BackgroundStats(
        lightness=lightness,
        chroma=chroma,
        lightness_spread=float(p95 - p5),
        gradient=float(gradient),
        shadow=float(shadow),
        coverage=n_bg / float(h * w),
        texture=texture,
        zones=tuple(round(z, 2) for z in zones),
        a=a_med,
        b=b_med,
        objects=objects,
    )


def skin_lab(lab: FloatArray, points: FloatArray) -> tuple[float, float, float] | None:
    """Median L*a*b* of both cheek patches (landmarks in stats px)."""
    h, w = lab.shape[:2]
    m = np.zeros((h, w), np.uint8)
    for idx in (SKIN_PATCH_L, SKIN_PATCH_R):
        pts = cv2.convexHull(points[list(idx), :2].astype(np.float32))
        cv2.fillPoly(m, [np.round(pts).astype(np.int32).reshape(-1, 1, 2)], 1)
    sel = m.astype(bool)
    if int(sel.sum()) < 6:
        return None
    v = lab[sel]
    return float(np.median(v[:, 0])), float(np.median(v[:, 1])), float(np.median(v[:, 2]))


def clothing_stats(
    lab: FloatArray,
    person: FloatArray,
    *,
    chin_y: float,
    face_height: float,
    background: BackgroundStats | None,
    skin: tuple[float, float, float] | None = None,
) -> ClothingStats | None:
    """Clothing figures at the stats scale: person pixels below the neck that are not skin
    coloured. None when the photo shows too little of it (no shoulders, or only bare skin)."""
    h, _w = person.shape
    y0 = round(chin_y + CLOTHING_BELOW_CHIN * face_height)
    if y0 >= h - 2:
        return None
    sel = person[y0:, :] >= MASK_CLOTHING
    region = lab[y0:, :]
    if skin is not None:
        d = np.sqrt(
            (region[..., 0] - skin[0]) ** 2
            + (region[..., 1] - skin[1]) ** 2
            + (region[..., 2] - skin[2]) ** 2
        )
        sel &= d > SKIN_DELTA_E
    n = int(sel.sum())
    if n < CLOTHING_MIN_PIXELS:
        return None
    region = region[sel]
    lv, av, bv = region[:, 0], region[:, 1], region[:, 2]
    lm, am, bm = _median(lv), _median(av), _median(bv)
    chroma = float(math.hypot(am, bm))
    if background is not None:
        ba, bb = background.a, background.b
        delta_e = float(math.sqrt((lm - background.lightness) ** 2 + (am - ba) ** 2 + (bm - bb) ** 2))
    else:
        delta_e = math.nan
    light = float(np.mean((lv > WHITE_TOP_L) & (np.hypot(av, bv) < WHITE_TOP_CHROMA)))
    return ClothingStats(lightness=lm, chroma=chroma, delta_e=delta_e, light_fraction=light, pixels=n)


# Shoulder line from the mask: columns this many face widths either side of the face centre
# (beyond the neck, about 0.3, inside the 358 px output, about 0.82).
SHOULDER_OFFSETS = (0.5, 0.6, 0.7, 0.8)


def shoulder_tilt(person: FloatArray, *, center_x: float, chin_y: float, face_width: float) -> float | None:
    """Tilt (degrees, + = image-right shoulder lower) of the line through the top edge of the
    person mask below the chin, at symmetric columns left and right of the face. None when the
    frame shows no shoulder edge on both sides."""
    h, w = person.shape
    y0 = max(0, int(chin_y))
    if y0 >= h - 2:
        return None
    tilts: list[float] = []
    for k in SHOULDER_OFFSETS:
        dx = k * face_width
        xl, xr = round(center_x - dx), round(center_x + dx)
        if xl < 0 or xr > w - 1:
            continue
        tops: list[float] = []
        for x in (xl, xr):
            col = person[y0:, x] >= MASK_ON
            if col[0] or not col.any():  # hair down to the shoulder, or no shoulder in the frame
                break
            i = int(np.argmax(col))
            if y0 + i >= h - 1:
                break
            tops.append(float(y0 + i))
        if len(tops) == 2:
            tilts.append(math.degrees(math.atan2(tops[1] - tops[0], xr - xl)))
    if not tilts:
        return None
    return float(np.median(tilts))
