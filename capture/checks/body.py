"""Checks of the body (spec photo.md §4): shoulders_level (advice), clothing_contrast (error).

clothing_contrast is a heuristic on ``FaceAnalysis.clothing``: person-mask pixels below the neck
that are not skin coloured. It fails a top that is white or nearly white (most clothing pixels
light and colourless), or that is too close in colour to the background. Known limits: a white
collar under a dark jacket passes (the rule asks for a dark top; the collar is a small share);
hair over the shoulders counts as clothing; when the photo shows no clothing at all (bare
shoulders, skin-coloured top) there is nothing to judge and the check passes with no value;
segmentation can lose a white top against a white background, which then reads as background
(the photo still fails, on the lost shoulders' light pixels that remain, in the cases tried).
"""

from __future__ import annotations

from capture.checks._common import fmt, result
from capture.report import CheckResult
from capture.types import ClothingStats, Shoulders

__all__ = ["check_clothing_contrast", "check_shoulders_level"]

# shoulders_level (advice). Shoulder-line tilt on the London photos: Pose on the originals
# -2.6..+3.0 deg; the mask line on the compliant 358x441 photos -5.6..+6.5 deg (a slight turn of
# the body, hair on one shoulder). The body rotated 14 deg about the neck: 9-20 deg where both
# shoulder edges show (hair over a shoulder hides the edge: 5 of 16 not caught, a known limit).
SHOULDER_TILT_MAX = 8.0
# Pose points this unsure are not judged (London: 0.60-0.99 on a visible pair).
SHOULDER_VISIBILITY_MIN = 0.5

# clothing_contrast. Share of clothing pixels that are white-ish (L* > background.WHITE_TOP_L and
# C* < WHITE_TOP_CHROMA). London white T-shirts on the whitened photos 0.58-0.99 (one 0.16: long
# dark hair covers the shoulders); compliant (navy) 0.00-0.32.
WHITE_TOP_SHARE_MAX = 0.5
# CIE76 between the clothing's and the background's median colours at least this. London white
# T-shirts on their grey backdrop 3-16, on white 1.8-12; compliant (navy on white) 55-84.
CLOTHING_DELTA_E_MIN = 25.0


def check_shoulders_level(mask_tilt: float | None, sh: Shoulders | None) -> CheckResult:
    """The mask's shoulder line when the picture shows one (live view and files alike), else
    Pose's shoulder points (stills)."""
    exp = f"|tilt| <= {SHOULDER_TILT_MAX:g} deg"
    if mask_tilt is not None:
        t = mask_tilt
    elif sh is not None and sh.visibility >= SHOULDER_VISIBILITY_MIN:
        t = sh.tilt_deg
    else:
        return result(
            "shoulders_level",
            True,
            None,
            exp,
            "未测量肩线（实时预览或双肩不可见）",
            "shoulder line not measured (live view, or shoulders not visible)",
        )
    v = fmt(t)
    if abs(t) > SHOULDER_TILT_MAX:
        return result(
            "shoulders_level", False, v, exp, "请坐直，双肩保持水平", "sit upright with the shoulders level"
        )
    return result("shoulders_level", True, v, exp, "双肩水平", "shoulders level")


def check_clothing_contrast(c: ClothingStats | None) -> CheckResult:
    exp = f"white-ish share <= {WHITE_TOP_SHARE_MAX:.0%}, ΔE to background >= {CLOTHING_DELTA_E_MIN:g}"
    if c is None:
        return result(
            "clothing_contrast", True, None, exp, "未见衣着，无法判断", "no clothing visible to judge"
        )
    val = {"light_share": fmt(c.light_fraction, 2), "delta_e": fmt(c.delta_e), "lightness": fmt(c.lightness)}
    if c.light_fraction > WHITE_TOP_SHARE_MAX:
        return result(
            "clothing_contrast",
            False,
            val,
            exp,
            "请勿穿白色或浅色上衣",
            "no white or light top: wear dark clothing",
        )
    if c.delta_e < CLOTHING_DELTA_E_MIN:
        return result(
            "clothing_contrast",
            False,
            val,
            exp,
            "衣服颜色与背景太接近",
            "clothing too close in colour to the background",
        )
    return result(
        "clothing_contrast", True, val, exp, "衣着与背景区分明显", "clothing contrasts with the background"
    )
