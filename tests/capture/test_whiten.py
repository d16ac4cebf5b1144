"""Background whitening: segmentation mask, guided to the picture's edges, hair kept, feathered."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from capture.crop import plan_crop, render_crop, render_mask
from capture.imageio import load_rgb
from capture.profiles import load_profile
from capture.whiten import person_alpha, whiten_background


def _scene() -> tuple[np.ndarray, np.ndarray]:
    """A dark 'person' disc with a thin 'hair' fringe on a grey wall, and a blurry mask."""
    h, w = 441, 358
    rgb = np.full((h, w, 3), 196, np.uint8)
    cv2.circle(rgb, (179, 240), 120, (90, 60, 50), -1)
    for x in range(80, 280, 6):  # strands above the head
        cv2.line(rgb, (x, 125), (x + 3, 95), (30, 25, 20), 1)
    mask = np.zeros((h, w), np.float32)
    cv2.circle(mask, (179, 240), 120, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), 8)
    mask[95:125, 80:280] = np.maximum(mask[95:125, 80:280], 0.3)  # segmentation unsure of the hair
    return rgb, mask


def test_background_white_person_kept_edge_feathered() -> None:
    rgb, mask = _scene()
    out = whiten_background(rgb, mask)
    assert out.shape == rgb.shape and out.dtype == np.uint8
    assert (out[:60] == 255).all()  # far background
    assert (out[5:430, :25] >= 250).all()
    assert np.abs(out[200:280, 140:220].astype(int) - rgb[200:280, 140:220]).max() <= 1  # the person
    alpha = person_alpha(rgb, mask)
    ring = alpha[240, 40:70]  # across the left edge of the disc (x = 59)
    assert ((ring > 0.05) & (ring < 0.95)).any()  # soft, not a cut-out line


def test_hair_with_a_middling_mask_score_is_kept() -> None:
    rgb, mask = _scene()
    out = whiten_background(rgb, mask)
    strands = rgb[100:120, 80:280].mean(axis=-1) < 60
    assert out[100:120, 80:280][strands].mean() < 120  # dark strands remain dark


def test_mask_of_another_resolution_is_resized() -> None:
    rgb, mask = _scene()
    small = cv2.resize(mask, (179, 220))
    out = whiten_background(rgb, small)
    assert (out[:60] == 255).all()


@pytest.mark.slow
def test_whitening_a_real_grey_backdrop(faces_dir: Path) -> None:
    from capture.background import to_lab
    from capture.face import FaceAnalyzer

    p = load_profile("mohrss")
    src = load_rgb(faces_dir / "london-067-neutral.jpg")  # black hair on light grey
    with FaceAnalyzer(still=True) as fa:
        a = fa.analyze(src)
        plan = plan_crop(a, p)
        rgb = render_crop(src, plan, p)
        assert a.person_mask is not None
        mask = render_mask(a.person_mask, plan, p)
        out = whiten_background(rgb, mask)
        b = fa.analyze(out)
    bg = mask < 0.02
    assert bg.mean() > 0.15
    lab_before = to_lab(rgb)[..., 0][bg].mean()
    lab_after = to_lab(out)[..., 0][bg].mean()
    assert lab_after > 98 > lab_before
    # the face and the hair are untouched
    person = mask > 0.9
    assert np.abs(out[person].astype(int) - rgb[person]).mean() < 1.0
    assert b.face is not None and a.face is not None
    assert b.background is not None and b.background.lightness > 97
    # the head top (hair) is still where it was
    top_before = plan.to_output(type(a.face.eye_left)(0, a.face.head_top_y)).y
    assert abs(b.face.head_top_y - top_before) < 6
