"""Background checks (spec photo.md §1, §4): background_white, background_uniform, border.

background_white and background_uniform judge ``FaceAnalysis.background`` (pixels the person mask
calls background, measured at the stats scale of ``capture.background``). border looks for a
straight colour step running along an image edge, at the same distance from that edge, over most
of its length: a frame, or a margin of another colour. Nothing in a portrait makes such a line
(hair and shoulders cross an edge over part of its length only).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from capture.background import to_lab
from capture.checks._common import fmt, result
from capture.report import CheckResult
from capture.types import BackgroundStats

__all__ = ["border_measure", "check_background", "check_border"]

# background_white (spec §1 "background white", §4 "high lightness, low chroma").
# Median L* of the background at least this. A white backdrop photographed well exposes at L* 92-100;
# the London set's light-grey backdrop (not white, faces/README.md) measures 76.6-87.7, so the limit
# sits between. Compliant (whitened) 100.0; a light-grey (205) background 82.3-82.7.
BG_LIGHTNESS_MIN = 90.0
# C*ab of the median background colour at most this. Neutral backdrops measure 1.5 (London set,
# all 24), compliant 0.0; a pale blue backdrop (200, 220, 245) 14.5. 6 allows a slightly warm
# white balance.
BG_CHROMA_MAX = 6.0

# background_uniform (spec §4 "no shadows, gradients, objects or texture behind the head").
# Largest difference of zone values (L*, 75th percentile) over a 3x3 grid. The London backdrops,
# lit for portraits, measure 1.8-15.8 (vignetting); compliant (whitened) 0.0-0.3; a background
# falling off by 35% across the picture 25.6-27.8.
BG_GRADIENT_MAX = 12.0
# Background next to the head darker than the far background by at most this (L*).
# London backdrops 0.0 (all 24), compliant 0.0-0.3; a soft shadow beside the head up to 25.7 (the
# gradient and objects figures catch the rest of those photos).
BG_SHADOW_MAX = 8.0
# p95 - p5 of background L* away from the hair (capture.background.HAIR_HALO): large patterns and
# far objects. London backdrops 3.9-20.0 (vignetting again), whitened photos 0-3 except loose
# curls that reach past the halo (london-001: 26.3); a dark door edge or a picture 40+. Solid
# objects near the head are the `objects` figure's job.
BG_SPREAD_MAX = 35.0
# Median |Laplacian| of background L* at the stats scale: fine texture (wallpaper, fabric).
# London originals 0.7-1.4 (sensor noise, JPEG), compliant 0.0; a striped wall 23.7-26.5.
BG_TEXTURE_MAX = 2.5

# Share of the background covered by solid blobs of another colour (capture.background: CIE76 > 20
# from the far background, wider than ~12 output px, solid). Made compliant photos (24 London):
# 0.000-0.005; a 42x110 px dark object in a corner: 0.067-0.099 (calibration in bench/accuracy.py).
BG_OBJECTS_MAX = 0.02

# border: an edge line is where the colour steps by more than this (CIE76 between the lines two
# px apart)...
BORDER_STEP_DE = 10.0
# ... on at least this share of the line's length, ...
BORDER_LINE_SHARE = 0.8
# ... within this share of the image size from the edge (a wider "margin" is a different photo).
BORDER_MAX_DEPTH = 0.08


def check_background(bg: BackgroundStats | None) -> list[CheckResult]:
    exp_white = f"L* >= {BG_LIGHTNESS_MIN:g}, C* <= {BG_CHROMA_MAX:g}"
    exp_uni = (
        f"gradient <= {BG_GRADIENT_MAX:g}, shadow <= {BG_SHADOW_MAX:g}, "
        f"spread <= {BG_SPREAD_MAX:g}, texture <= {BG_TEXTURE_MAX:g} (L*), objects <= {BG_OBJECTS_MAX:.0%}"
    )
    if bg is None:
        why_zh, why_en = "看不到背景（人像占满画面）", "no background visible (the person fills the picture)"
        return [
            result("background_white", False, None, exp_white, why_zh, why_en),
            result("background_uniform", False, None, exp_uni, why_zh, why_en),
        ]
    val = {"lightness": fmt(bg.lightness), "chroma": fmt(bg.chroma)}
    if bg.lightness < BG_LIGHTNESS_MIN:
        white = result(
            "background_white",
            False,
            val,
            exp_white,
            f"背景不够白（亮度 {bg.lightness:.0f}），应为白色背景",
            f"background not white enough (L* {bg.lightness:.0f}), must be white",
        )
    elif bg.chroma > BG_CHROMA_MAX:
        white = result(
            "background_white",
            False,
            val,
            exp_white,
            f"背景带颜色（色度 {bg.chroma:.0f}），应为白色背景",
            f"background is coloured (C* {bg.chroma:.0f}), must be white",
        )
    else:
        white = result("background_white", True, val, exp_white, "背景为白色", "white background")

    uval = {
        "gradient": fmt(bg.gradient),
        "shadow": fmt(bg.shadow),
        "spread": fmt(bg.lightness_spread),
        "texture": fmt(bg.texture, 2),
        "objects": fmt(bg.objects, 3),
    }
    problems: list[tuple[str, str]] = []
    if bg.shadow > BG_SHADOW_MAX:
        problems.append(("头部旁边有阴影", "a shadow next to the head"))
    if bg.gradient > BG_GRADIENT_MAX:
        problems.append(("背景明暗不均（渐变）", "uneven background (gradient)"))
    if bg.lightness_spread > BG_SPREAD_MAX:
        problems.append(("背景中有物体或图案", "objects or patterns in the background"))
    if bg.objects > BG_OBJECTS_MAX:
        problems.append(("背景中有物体", "an object in the background"))
    if bg.texture > BG_TEXTURE_MAX:
        problems.append(("背景有纹理", "textured background"))
    if problems:
        uni = result(
            "background_uniform",
            False,
            uval,
            exp_uni,
            "；".join(p[0] for p in problems),
            "; ".join(p[1] for p in problems),
        )
    else:
        uni = result("background_uniform", True, uval, exp_uni, "背景均匀", "uniform background")
    return [white, uni]


def border_measure(rgb: npt.NDArray[np.uint8]) -> dict[str, float]:
    """For each side, the largest share of a line (at any depth up to BORDER_MAX_DEPTH) along
    which the colour steps; 0 = no straight line at all."""
    lab = to_lab(rgb)
    h, w = lab.shape[:2]
    out: dict[str, float] = {}
    sides = {
        "top": lab,
        "bottom": lab[::-1],
        "left": lab.transpose(1, 0, 2),
        "right": lab.transpose(1, 0, 2)[::-1],
    }
    for name, img in sides.items():
        depth = max(3, int(BORDER_MAX_DEPTH * (h if name in ("top", "bottom") else w)))
        best = 0.0
        for d in range(depth):
            a, b = img[d], img[d + 2]
            de = np.sqrt(((a - b) ** 2).sum(axis=1))
            best = max(best, float(np.mean(de > BORDER_STEP_DE)))
        out[name] = best
    return out


def check_border(rgb: npt.NDArray[np.uint8]) -> CheckResult:
    m = border_measure(rgb)
    sides = [k for k, v in m.items() if v >= BORDER_LINE_SHARE]
    exp = f"no straight colour step along an edge (< {BORDER_LINE_SHARE:.0%} of its length)"
    val = {k: fmt(v, 2) for k, v in m.items()}
    if sides:
        zh_side = {"top": "上", "bottom": "下", "left": "左", "right": "右"}
        return result(
            "border",
            False,
            val,
            exp,
            "照片有边框或异色边缘（" + "、".join(zh_side[s] for s in sides) + "）",
            "the photo has a frame or a margin of another colour (" + ", ".join(sides) + ")",
        )
    return result("border", True, val, exp, "无边框", "no border")
