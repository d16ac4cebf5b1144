"""Picture-quality checks on the face (spec photo.md §4): exposure, sharpness, lighting_balance,
color_cast. All four measure the face in the normalised frame of ``capture.checks.regions`` (iris
centres 64 px apart), so a file, a live frame and a large photo are judged at the same scale."""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from capture.background import to_lab
from capture.checks._common import fmt, result
from capture.checks.regions import FaceFrame
from capture.report import CheckResult

__all__ = [
    "check_color_cast",
    "check_exposure",
    "check_lighting_balance",
    "check_sharpness",
    "measure_quality",
]

# exposure. Median L* of the facial skin, cheeks and forehead without eyes, brows, lips. Compliant
# made photos: 37.5 (darkest skin, london-043) to 76.1 (fairest, london-002); one stop under
# takes the darkest to ~26, one stop over takes the fairest to ~91 with clipped highlights.
SKIN_L_MIN = 20.0
SKIN_L_MAX = 85.0
# Share of skin pixels with a channel at 250+ (blown highlights). Compliant: 0.000-0.004.
SKIN_CLIP_MAX = 0.02
# Face contrast: p95 - p5 of L* over the face oval. Compliant 30-55; a flat, washed-out picture
# (contrast halved) 15-25.
FACE_CONTRAST_MIN = 20.0
# The white point of the whole picture: the 99th percentile of L*. A compliant photo has a white
# background, so it reaches 100 (made photos: 100.0, all 17); the London originals on their grey
# backdrop reach 92-97 (T-shirts). A picture 1.5 stops under tops out at 66; 1 stop at 76.
IMAGE_WHITE_MIN = 80.0

# sharpness: ratio of fine detail (L* minus its Gaussian blur, sigma 1 px at IPD 64) to coarse
# detail (blur sigma 1 minus sigma 3) over the eyes and brows: independent of contrast and
# exposure. Compliant made photos 0.33-0.50; a Gaussian blur of sigma 1.5 output px gives 0.20-0.26,
# sigma 2.5 gives 0.12-0.16.
SHARPNESS_MIN = 0.32

# lighting_balance: |median L* left cheek - right cheek|. Compliant (London, even studio light):
# 0.3-6.5; one side a stop darker: 14-22.
CHEEK_DELTA_L_MAX = 10.0

# color_cast: hue angle (degrees) and chroma of the median skin colour in a*b*. Compliant skin over
# 16 people of four groups: hue 44-66 deg, chroma 13-27. A 20% blue cast moves hue below 35, a
# green cast below 30 or the chroma under 8, a red cast below 40 with chroma over 30, a yellow cast
# above 75.
SKIN_HUE_MIN, SKIN_HUE_MAX = 38.0, 72.0
SKIN_CHROMA_MIN, SKIN_CHROMA_MAX = 7.0, 36.0


def _eye_band(ff: FaceFrame) -> npt.NDArray[np.bool_]:
    from capture import landmarks as lmk

    band = ff.poly(list(lmk.BROW_L) + list(lmk.EYE_L_RING)) | ff.poly(list(lmk.BROW_R) + list(lmk.EYE_R_RING))
    out: npt.NDArray[np.bool_] = cv2.dilate(band.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
    return out & ff.valid


def image_white(rgb: npt.NDArray[np.uint8]) -> float:
    """99th percentile of L* over the picture (subsampled to about 40k pixels)."""
    step = max(1, int((rgb.shape[0] * rgb.shape[1] / 40_000) ** 0.5))
    lum = to_lab(np.ascontiguousarray(rgb[::step, ::step]))[..., 0]
    return float(np.percentile(lum, 99))


def measure_quality(ff: FaceFrame, white: float = 100.0) -> dict[str, float]:
    lab = ff.lab
    lum = lab[..., 0]
    skin = ff.skin
    out: dict[str, float] = {"image_white": white}
    sv = lum[skin]
    out["skin_l"] = float(np.median(sv)) if sv.size else math.nan
    rgb_skin = ff.rgb[skin]
    out["skin_clip"] = float(np.mean(rgb_skin.max(axis=1) >= 250)) if rgb_skin.size else 0.0
    fv = lum[ff.face]
    out["contrast"] = float(np.percentile(fv, 95) - np.percentile(fv, 5)) if fv.size else 0.0
    # Black point of the face (pupils, nostrils, lash lines): lifted by over-exposure at any skin tone.
    out["face_black"] = float(np.percentile(fv, 1)) if fv.size else 0.0

    band = _eye_band(ff)
    g1 = cv2.GaussianBlur(lum, (0, 0), 1.0)
    g3 = cv2.GaussianBlur(lum, (0, 0), 3.0)
    fine = np.abs(lum - g1)[band]
    coarse = np.abs(g1 - g3)[band]
    out["sharpness"] = float(fine.mean() / max(coarse.mean(), 1e-3)) if band.any() else 0.0

    lv, rv = lum[ff.cheek_left], lum[ff.cheek_right]
    out["cheek_l_left"] = float(np.median(lv)) if lv.size else math.nan
    out["cheek_l_right"] = float(np.median(rv)) if rv.size else math.nan
    out["cheek_delta_l"] = abs(out["cheek_l_left"] - out["cheek_l_right"])

    a = float(np.median(lab[..., 1][skin])) if sv.size else 0.0
    b = float(np.median(lab[..., 2][skin])) if sv.size else 0.0
    out["skin_a"], out["skin_b"] = a, b
    out["skin_hue"] = math.degrees(math.atan2(b, a))
    out["skin_chroma"] = math.hypot(a, b)
    return out


def check_exposure(m: dict[str, float]) -> CheckResult:
    exp = (
        f"skin L* {SKIN_L_MIN:g}-{SKIN_L_MAX:g}, clipped <= {SKIN_CLIP_MAX:.0%}, "
        f"contrast >= {FACE_CONTRAST_MIN:g}, picture white point >= {IMAGE_WHITE_MIN:g}"
    )
    val = {
        "skin_l": fmt(m["skin_l"]),
        "clipped": fmt(m["skin_clip"], 3),
        "contrast": fmt(m["contrast"]),
        "white": fmt(m["image_white"]),
    }
    if m["image_white"] < IMAGE_WHITE_MIN:
        return result(
            "exposure",
            False,
            val,
            exp,
            "照片整体偏暗（曝光不足）",
            "the whole picture is too dark (underexposed)",
        )
    if not m["skin_l"] >= SKIN_L_MIN:
        return result(
            "exposure", False, val, exp, "面部太暗（曝光不足）", "the face is too dark (underexposed)"
        )
    if m["skin_l"] > SKIN_L_MAX:
        return result(
            "exposure", False, val, exp, "面部太亮（曝光过度）", "the face is too bright (overexposed)"
        )
    if m["skin_clip"] > SKIN_CLIP_MAX:
        return result("exposure", False, val, exp, "面部高光溢出", "clipped highlights on the face")
    if m["contrast"] < FACE_CONTRAST_MIN:
        return result("exposure", False, val, exp, "对比度太低，画面发灰", "contrast too low (washed out)")
    return result("exposure", True, val, exp, "曝光合适", "exposure suitable")


def check_sharpness(m: dict[str, float]) -> CheckResult:
    v = fmt(m["sharpness"], 3)
    exp = f">= {SHARPNESS_MIN:g}"
    if v < SHARPNESS_MIN:
        return result(
            "sharpness", False, v, exp, "照片模糊，五官不清晰", "the photo is blurred, features not clear"
        )
    return result("sharpness", True, v, exp, "清晰", "sharp")


def check_lighting_balance(m: dict[str, float]) -> CheckResult:
    d = m["cheek_delta_l"]
    v = fmt(d)
    exp = f"|ΔL*| left-right cheek <= {CHEEK_DELTA_L_MAX:g}"
    if not d <= CHEEK_DELTA_L_MAX:
        darker_zh = "左" if m["cheek_l_left"] < m["cheek_l_right"] else "右"
        darker_en = "image-left" if m["cheek_l_left"] < m["cheek_l_right"] else "image-right"
        return result(
            "lighting_balance",
            False,
            v,
            exp,
            f"面部光线不均：{darker_zh}侧偏暗",
            f"uneven light on the face: the {darker_en} side is darker",
        )
    return result("lighting_balance", True, v, exp, "面部光线均匀", "even light on the face")


def check_color_cast(m: dict[str, float]) -> CheckResult:
    hue, c = m["skin_hue"], m["skin_chroma"]
    val = {"hue": fmt(hue), "chroma": fmt(c)}
    exp = f"skin hue {SKIN_HUE_MIN:g}-{SKIN_HUE_MAX:g} deg, chroma {SKIN_CHROMA_MIN:g}-{SKIN_CHROMA_MAX:g}"
    ok = SKIN_HUE_MIN <= hue <= SKIN_HUE_MAX and SKIN_CHROMA_MIN <= c <= SKIN_CHROMA_MAX
    if not ok:
        if hue < SKIN_HUE_MIN:
            en = "a red or magenta cast" if m["skin_a"] > 0 and m["skin_b"] >= 0 else "a blue or green cast"
        elif hue > SKIN_HUE_MAX:
            en = "a yellow or green cast"
        elif c < SKIN_CHROMA_MIN:
            en = "colours washed out (grey skin)"
        else:
            en = "colours too saturated"
        return result("color_cast", False, val, exp, "照片偏色，肤色不自然", f"colour cast: {en}")
    return result("color_cast", True, val, exp, "颜色自然", "natural colour")
