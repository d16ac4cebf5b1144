"""Test-data synthesis: compliant 358x441 photos made from real faces, and defects made from them.

The real portraits (``../shared/faces``, the London set; the package-shipped astronaut and
grace_hopper) are not compliant as they are: light-grey backdrops, white T-shirts. A *compliant
test photo* is made from one by

1. the pipeline's own crop (``capture.crop.plan_crop`` / ``render_crop``) to the profile geometry;
2. whitening the background with the analyser's person mask (a smooth ramp on the mask, so hair
   edges blend into white);
3. recolouring the clothing (person pixels below the neck that are light and grey) to a dark navy,
   keeping their shading;
4. the spec JPEG encoder (``capture.encode.encode_jpeg``).

Steps 2-3 are test-data synthesis only: the product never recolours clothing.

Every defect of spec photo.md §4 is then made by transforming such a compliant photo (``T_*``
functions below): shift, scale, tint, gradient, border, blur, exposure, one side darker, colour
cast, roll, wrong size, dpi, greyscale, CMYK, KB, a second face, no face, closed eyes, sideways
gaze, glare, tinted lenses, fringe over the brows, tilted shoulders, a white top.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from capture.background import skin_lab, to_lab
from capture.crop import plan_crop, render_crop, render_mask
from capture.encode import encode_jpeg, encode_quality
from capture.face import FaceAnalyzer
from capture.profiles import Profile, load_profile
from capture.types import FaceAnalysis, Point

U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]

REPO = Path(__file__).resolve().parents[2]
FACES = REPO.parent / "shared" / "faces"
NAVY = np.array([34.0, 42.0, 72.0], np.float32)  # the recoloured top (sRGB)


def profile(pid: str = "mohrss") -> Profile:
    return load_profile(pid)


def face_paths(kind: str = "neutral") -> list[Path]:
    """The London photos of one kind ("neutral", "smiling", or "" for all)."""
    return sorted(p for p in FACES.glob("london-*.jpg") if kind in p.name)


def package_photos() -> dict[str, U8]:
    import skimage.data
    from matplotlib import cbook

    grace = np.asarray(Image.open(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)).convert("RGB"))
    return {"astronaut": np.ascontiguousarray(skimage.data.astronaut()[..., :3]), "grace_hopper": grace}


def load(path: Path) -> U8:
    return np.asarray(Image.open(path).convert("RGB"))


@dataclass(frozen=True)
class Made:
    """A synthesised output photo: its pixels, person mask and where the face is."""

    name: str
    rgb: U8
    mask: F32
    chin_y: float
    forehead_y: float
    eye_mid: tuple[float, float]
    face_width: float
    hair_cut: bool
    profile: Profile

    def jpeg(self, rgb: U8 | None = None) -> bytes:
        return encode_jpeg(self.rgb if rgb is None else rgb, self.profile).data

    def with_rgb(self, rgb: U8) -> Made:
        return replace(self, rgb=rgb)


def whiten(rgb: U8, mask: F32) -> U8:
    m = np.clip((mask - 0.1) / 0.5, 0.0, 1.0)
    m = m * m * (3 - 2 * m)  # smoothstep
    out = rgb.astype(np.float32) * m[..., None] + 255.0 * (1 - m[..., None])
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def dark_clothes(rgb: U8, mask: F32, chin_y: float, face_h: float, skin: tuple[float, float, float]) -> U8:
    """Recolour light, grey, non-skin person pixels below the neck to navy, keeping the shading."""
    lab = to_lab(rgb)
    h, _w = mask.shape
    rows = np.arange(h, dtype=np.float32)[:, None]
    below = np.clip((rows - (chin_y + 0.1 * face_h)) / (0.08 * face_h), 0, 1)
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    d_skin = np.sqrt(sum((lab[..., i] - skin[i]) ** 2 for i in range(3)))
    light = np.clip((lab[..., 0] - 55.0) / 10.0, 0, 1) * np.clip((18.0 - chroma) / 6.0, 0, 1)
    not_skin = np.clip((d_skin - 12.0) / 8.0, 0, 1)
    region = np.clip(mask * 2.0, 0, 1) * below * light * not_skin
    region = cv2.GaussianBlur(region.astype(np.float32), (0, 0), 1.0)
    shade = np.clip(lab[..., 0] / 90.0, 0.3, 1.1)[..., None]
    navy = NAVY[None, None, :] * shade
    out = rgb.astype(np.float32) * (1 - region[..., None]) + navy * region[..., None]
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def make_compliant(
    name: str, rgb: U8, analyzer: FaceAnalyzer, prof: Profile | None = None, *, clothes: bool = True
) -> Made:
    prof = prof or profile()
    a = analyzer.analyze(rgb)
    if a.face is None or a.person_mask is None:
        raise ValueError(f"{name}: no face")
    # The pipeline's own crop: it aims at the lower part of the face-width range, so the photo
    # shows the shoulders and the top (spec §2: head about 2/3 of the height, shoulders visible).
    plan = plan_crop(a, prof)
    if not plan.ok:
        raise ValueError(f"{name}: no compliant crop: {plan.reasons}")
    out = render_crop(rgb, plan, prof)
    mask = render_mask(a.person_mask, plan, prof)
    f = a.face
    chin = plan.to_output(f.chin)
    fore = plan.to_output(f.forehead)
    mid = plan.to_output(f.eye_mid)
    if clothes:
        pts = (
            np.array(
                [
                    [plan.to_output(Point(float(x), float(y))).x, plan.to_output(Point(float(x), float(y))).y]
                    for x, y in f.landmarks[:, :2]
                ],
                np.float32,
            )
            if f.landmarks is not None
            else None
        )
        lab = to_lab(out)
        skin = skin_lab(lab, pts) if pts is not None else None
        if skin is not None:
            out = dark_clothes(out, mask, chin.y, chin.y - fore.y, skin)
    out = whiten(out, mask)
    return Made(
        name=name,
        rgb=out,
        mask=mask,
        chin_y=chin.y,
        forehead_y=fore.y,
        eye_mid=(mid.x, mid.y),
        face_width=f.face_width * plan.scale,
        hair_cut=plan.hair_cut,
        profile=prof,
    )


# --- transforms of a compliant photo (each returns new pixels, or JPEG bytes for file defects) ---


def _affine(rgb: U8, m: npt.NDArray[np.float64]) -> U8:
    """Warp, filling uncovered parts by repeating the edge (background stays white, clothing
    continues at the bottom)."""
    h, w = rgb.shape[:2]
    return cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def t_shift(m: Made, dx: float, dy: float) -> U8:
    return _affine(m.rgb, np.array([[1, 0, dx], [0, 1, dy]], np.float64))


def t_scale(m: Made, f: float) -> U8:
    cx, cy = m.eye_mid
    return _affine(m.rgb, np.array([[f, 0, cx - f * cx], [0, f, cy - f * cy]], np.float64))


def t_roll(m: Made, deg: float) -> U8:
    rot = cv2.getRotationMatrix2D(m.eye_mid, deg, 1.0)
    return _affine(m.rgb, rot)


def _bg_weight(m: Made) -> F32:
    return np.clip(1.0 - m.mask / 0.5, 0, 1).astype(np.float32)


def t_tint(m: Made, rgb_colour: tuple[int, int, int]) -> U8:
    """Replace the white background by another colour (e.g. light blue)."""
    wgt = _bg_weight(m)[..., None]
    out = m.rgb.astype(np.float32) * (1 - wgt) + np.array(rgb_colour, np.float32) * wgt
    return np.clip(out, 0, 255).astype(np.uint8)


def t_bg_gradient(m: Made, depth: float = 0.3) -> U8:
    """Background darkening left to right by ``depth`` (fraction of the value)."""
    _h, w = m.rgb.shape[:2]
    ramp = 1.0 - depth * np.linspace(0, 1, w, dtype=np.float32)[None, :]
    wgt = _bg_weight(m)
    fac = 1.0 - wgt * (1.0 - ramp)
    return np.clip(m.rgb.astype(np.float32) * fac[..., None], 0, 255).astype(np.uint8)


def t_bg_shadow(m: Made, depth: float = 0.35) -> U8:
    """A soft shadow cast on the background beside the head (image right)."""
    h, w = m.rgb.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx = m.eye_mid[0] + 0.75 * m.face_width
    cy = m.eye_mid[1]
    blob = np.exp(-(((xx - cx) / (0.35 * m.face_width)) ** 2 + ((yy - cy) / (0.9 * m.face_width)) ** 2))
    fac = 1.0 - depth * blob * _bg_weight(m)
    return np.clip(m.rgb.astype(np.float32) * fac[..., None], 0, 255).astype(np.uint8)


def t_bg_texture(m: Made, amp: float = 40.0, period: float = 8.0) -> U8:
    """Stripes (wallpaper) behind the person."""
    h, w = m.rgb.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    pattern = amp * (0.5 + 0.5 * np.sin(2 * math.pi * (xx + yy) / period))
    wgt = _bg_weight(m)
    out = m.rgb.astype(np.float32) - (pattern * wgt)[..., None]
    return np.clip(out, 0, 255).astype(np.uint8)


def t_bg_object(m: Made) -> U8:
    """A dark object (a picture frame, a door edge) in the top-left background."""
    out = m.rgb.copy()
    wgt = _bg_weight(m)
    region = np.zeros(wgt.shape, np.float32)
    region[30:140, 8:50] = 1.0
    region *= wgt
    out = (
        out.astype(np.float32) * (1 - region[..., None])
        + np.array([90, 70, 60], np.float32) * region[..., None]
    )
    return np.clip(out, 0, 255).astype(np.uint8)


def t_border(m: Made, width: int = 6, colour: tuple[int, int, int] = (40, 40, 40)) -> U8:
    out = m.rgb.copy()
    out[:width, :] = colour
    out[-width:, :] = colour
    out[:, :width] = colour
    out[:, -width:] = colour
    return out


def t_margin(m: Made, width: int = 14, colour: tuple[int, int, int] = (205, 205, 205)) -> U8:
    """The photo shrunk onto a grey card (a margin of another colour)."""
    h, w = m.rgb.shape[:2]
    inner = cv2.resize(m.rgb, (w - 2 * width, h - 2 * width), interpolation=cv2.INTER_AREA)
    out = np.empty_like(m.rgb)
    out[:] = colour
    out[width : h - width, width : w - width] = inner
    return out


def t_blur(m: Made, sigma: float = 2.5) -> U8:
    return cv2.GaussianBlur(m.rgb, (0, 0), sigma)


def _linear(rgb: U8) -> F32:
    x = rgb.astype(np.float32) / 255.0
    return np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4).astype(np.float32)


def _srgb(lin: F32) -> U8:
    lin = np.clip(lin, 0, 1)
    x = np.where(lin <= 0.0031308, lin * 12.92, 1.055 * lin ** (1 / 2.4) - 0.055)
    return np.clip(x * 255 + 0.5, 0, 255).astype(np.uint8)


def t_exposure(m: Made, ev: float) -> U8:
    """The whole picture ``ev`` stops darker (<0) or brighter (>0), in linear light."""
    return _srgb(_linear(m.rgb) * (2.0**ev))


def t_face_exposure(m: Made, ev: float) -> U8:
    """Only the person ``ev`` stops off (back light / flash), the white background kept."""
    wgt = np.clip(m.mask, 0, 1)[..., None]
    lin = _linear(m.rgb)
    return _srgb(lin * (1 - wgt) + lin * (2.0**ev) * wgt)


def t_side_dark(m: Made, ev: float = -1.3) -> U8:
    """One side of the face darker (light from one side): a soft horizontal ramp on the person."""
    _h, w = m.rgb.shape[:2]
    xs = np.arange(w, dtype=np.float32)
    cx, fw = m.eye_mid[0], m.face_width
    t = np.clip((xs - (cx - 0.35 * fw)) / (0.7 * fw), 0, 1)  # 0 on image-left side, 1 on right
    gain = 2.0 ** (ev * t)
    wgt = np.clip(m.mask, 0, 1)
    g = 1 + (gain[None, :] - 1) * wgt
    return _srgb(_linear(m.rgb) * g[..., None])


def t_cast(m: Made, gains: tuple[float, float, float]) -> U8:
    """A colour cast: per-channel gains in linear light, on the whole picture."""
    return _srgb(_linear(m.rgb) * np.array(gains, np.float32)[None, None, :])


def t_face_cast(m: Made, gains: tuple[float, float, float]) -> U8:
    """A colour cast on the person only (white balance wrong, background whitened afterwards)."""
    wgt = np.clip(m.mask, 0, 1)[..., None]
    lin = _linear(m.rgb)
    return _srgb(lin * (1 - wgt) + lin * np.array(gains, np.float32) * wgt)


def t_closed_eyes(m: Made, a: FaceAnalysis) -> U8:
    """Eyes closed: each eye opening painted over with the skin just below it, and a lash line."""
    from capture import landmarks as lmk

    assert a.face is not None and a.face.landmarks is not None
    p = a.face.landmarks
    out = m.rgb.copy()
    for ring, (outer, inner) in ((lmk.EYE_L_RING, (33, 133)), (lmk.EYE_R_RING, (263, 362))):
        pts = p[list(ring), :2]
        x0, y0 = np.floor(pts.min(0)).astype(int) - 3
        x1, y1 = np.ceil(pts.max(0)).astype(int) + 3
        hgt = y1 - y0
        patch = m.rgb[y1 + 2 : y1 + 2 + hgt, x0:x1].astype(np.float32)  # skin below the eye
        if patch.shape[0] != hgt:
            continue
        mask = np.zeros(out.shape[:2], np.uint8)
        cv2.fillPoly(mask, [np.round(cv2.convexHull(pts.astype(np.float32))).astype(np.int32)], 1)
        mask = cv2.dilate(mask, np.ones((5, 5), np.uint8))
        soft = cv2.GaussianBlur(mask.astype(np.float32), (0, 0), 1.5)[y0:y1, x0:x1, None]
        region = out[y0:y1, x0:x1].astype(np.float32)
        out[y0:y1, x0:x1] = np.clip(region * (1 - soft) + patch * soft, 0, 255).astype(np.uint8)
        # the closed lid's lash line, slightly curved, through the eye corners
        a_pt, b_pt = p[outer, :2], p[inner, :2]
        xs = np.linspace(a_pt[0], b_pt[0], 20)
        ys = np.linspace(a_pt[1], b_pt[1], 20) + 0.12 * abs(b_pt[0] - a_pt[0]) * np.sin(
            np.linspace(0, math.pi, 20)
        )
        line = np.round(np.stack([xs, ys], 1)).astype(np.int32).reshape(-1, 1, 2)
        cv2.polylines(out, [line], False, (45, 35, 30), 2, cv2.LINE_AA)
    return out


def t_gaze(m: Made, a: FaceAnalysis, frac: float = 0.28) -> U8:
    """Eyes looking sideways: the iris moved towards the outer corner inside each eye opening."""
    from capture import landmarks as lmk

    assert a.face is not None and a.face.landmarks is not None
    p = a.face.landmarks
    out = m.rgb.copy()
    for ring, iris, (c0, c1) in ((lmk.EYE_L_RING, 468, (33, 133)), (lmk.EYE_R_RING, 473, (362, 263))):
        width = float(np.hypot(*(p[c1, :2] - p[c0, :2])))
        dx = frac * width
        r = float(np.hypot(*(p[iris + 1, :2] - p[iris, :2]))) * 1.05
        cx, cy = p[iris, :2]
        eye = np.zeros(out.shape[:2], np.uint8)
        cv2.fillPoly(eye, [np.round(p[list(ring), :2]).astype(np.int32)], 1)
        # sclera colour: bright pixels of the opening outside the iris
        yy, xx = np.mgrid[0 : out.shape[0], 0 : out.shape[1]]
        disc = (xx - cx) ** 2 + (yy - cy) ** 2 <= r * r
        scl = out[(eye > 0) & ~disc]
        sclera = np.percentile(scl.reshape(-1, 3), 85, axis=0) if scl.size else np.array([220, 215, 210])
        src = m.rgb.copy()
        out[(eye > 0) & disc] = sclera.astype(np.uint8)
        moved = (xx - (cx - dx)) ** 2 + (yy - cy) ** 2 <= r * r  # iris now at cx - dx (image left)
        map_x = (xx + dx).astype(np.float32)
        map_y = yy.astype(np.float32)
        shifted = cv2.remap(src, map_x, map_y, cv2.INTER_LINEAR)
        sel = moved & (eye > 0)
        out[sel] = shifted[sel]
    return out


def t_glare(m: Made, a: FaceAnalysis) -> U8:
    """A specular reflection on a spectacle lens over the image-left eye."""
    assert a.face is not None
    e = a.face.eye_left
    h, w = m.rgb.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r = 0.11 * m.face_width
    # on the lens, up and out from the iris (where a ceiling light reflects)
    blob = np.exp(-((((xx - e.x + 0.45 * r) / r) ** 2 + ((yy - e.y + 0.55 * r) / (0.5 * r)) ** 2) ** 2))
    out = m.rgb.astype(np.float32) * (1 - blob[..., None]) + 253.0 * blob[..., None]
    return np.clip(out, 0, 255).astype(np.uint8)


def t_tinted(m: Made, a: FaceAnalysis, ev: float = -2.2) -> U8:
    """Tinted lenses: two lens-shaped areas around the eyes much darker."""
    assert a.face is not None
    h, w = m.rgb.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    lens = np.zeros((h, w), np.float32)
    rx, ry = 0.17 * m.face_width, 0.12 * m.face_width
    for e in (a.face.eye_left, a.face.eye_right):
        lens = np.maximum(
            lens, (((xx - e.x) / rx) ** 2 + ((yy - e.y - 0.1 * ry) / ry) ** 2 <= 1).astype(np.float32)
        )
    lens = cv2.GaussianBlur(lens, (0, 0), 1.0)
    lin = _linear(m.rgb)
    return _srgb(lin * (1 + (2.0**ev - 1) * lens[..., None]))


def t_fringe(m: Made, a: FaceAnalysis) -> U8:
    """Hair hanging over the forehead and eyebrows: a band of the subject's own hair pasted there."""
    assert a.face is not None and a.face.landmarks is not None
    p = a.face.landmarks
    f = a.face
    out = m.rgb.copy()
    brow_y = float(np.mean(p[[105, 66, 334, 296], 1]))
    top = int(f.forehead.y + 0.15 * (brow_y - f.forehead.y))
    bottom = int(brow_y + 0.06 * m.face_width)
    x0, x1 = int(f.cheek_left.x + 0.05 * m.face_width), int(f.cheek_right.x - 0.05 * m.face_width)
    # hair sample: dark hair pixels of the head top area (or a dark brown fallback)
    hair = np.array([52, 38, 30], np.float32)
    tex = np.random.default_rng(7).normal(0, 10, (bottom - top, x1 - x0, 1)).astype(np.float32)
    patch = np.clip(hair[None, None, :] + tex, 0, 255)
    yy = np.arange(bottom - top, dtype=np.float32)[:, None]
    xx = np.arange(x1 - x0, dtype=np.float32)[None, :]
    # ragged lower edge
    edge = (bottom - top) - 4 - 4 * np.abs(np.sin(xx / 6.0))
    alpha = np.clip((edge - yy) / 3.0, 0, 1)[..., None]
    region = out[top:bottom, x0:x1].astype(np.float32)
    out[top:bottom, x0:x1] = np.clip(region * (1 - alpha) + patch * alpha, 0, 255).astype(np.uint8)
    return out


def t_shoulder_tilt(m: Made, deg: float = 12.0) -> U8:
    """The body below the neck rotated about the neck (one shoulder higher), the head kept."""
    h, w = m.rgb.shape[:2]
    pivot = (m.eye_mid[0], m.chin_y + 0.05 * m.face_width)
    rot = cv2.getRotationMatrix2D(pivot, deg, 1.0)
    body = _affine(m.rgb, rot)
    rows = np.arange(h, dtype=np.float32)[:, None]
    wgt = np.clip((rows - (m.chin_y + 0.01 * m.face_width)) / (0.05 * m.face_width), 0, 1)
    wgt = np.broadcast_to(wgt, (h, w))[..., None]
    out = m.rgb.astype(np.float32) * (1 - wgt) + body.astype(np.float32) * wgt
    return np.clip(out, 0, 255).astype(np.uint8)


def t_second_face(m: Made, other: Made, size: float = 0.5) -> U8:
    """Another person's head pasted into the top-right background."""
    oh = int(other.chin_y + 0.05 * other.face_width)
    head = other.rgb[:oh]
    hm = other.mask[:oh]
    s = size
    small = cv2.resize(
        head, (max(1, int(head.shape[1] * s)), max(1, int(head.shape[0] * s))), interpolation=cv2.INTER_AREA
    )
    sm = cv2.resize(hm, (small.shape[1], small.shape[0]), interpolation=cv2.INTER_AREA)
    out = m.rgb.copy().astype(np.float32)
    _h, w = out.shape[:2]
    x0 = w - small.shape[1] + int(0.25 * small.shape[1])  # partly off the right edge
    y0 = 0
    x1 = min(w, x0 + small.shape[1])
    cw = x1 - x0
    region = out[y0 : y0 + small.shape[0], x0:x1]
    a = sm[:, :cw, None]
    out[y0 : y0 + small.shape[0], x0:x1] = region * (1 - a) + small[:, :cw].astype(np.float32) * a
    return np.clip(out, 0, 255).astype(np.uint8)


def t_no_face(m: Made) -> U8:
    """The chair without the person: a white background with a dark top at the bottom."""
    out = np.full_like(m.rgb, 255)
    out[-120:, 60:-60] = NAVY.astype(np.uint8)
    return out


# --- file-level defects (bytes) -------------------------------------------------------------


def f_wrong_size(m: Made, size: tuple[int, int] = (354, 441)) -> bytes:
    img = cv2.resize(m.rgb, size, interpolation=cv2.INTER_AREA)
    return encode_jpeg(img, m.profile).data


def f_wrong_dpi(m: Made, dpi: int = 72) -> bytes:
    return encode_quality(m.rgb, 70, dpi)


def f_no_dpi(m: Made) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(m.rgb).save(buf, "JPEG", quality=70)
    return buf.getvalue()


def f_greyscale_rgb(m: Made) -> bytes:
    grey = cv2.cvtColor(cv2.cvtColor(m.rgb, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    return encode_jpeg(grey, m.profile).data


def f_greyscale_l(m: Made) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(m.rgb).convert("L").save(buf, "JPEG", quality=85, dpi=(350, 350))
    return buf.getvalue()


def f_cmyk(m: Made) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(m.rgb).convert("CMYK").save(buf, "JPEG", quality=60, dpi=(350, 350))
    return buf.getvalue()


def f_too_big(m: Made) -> bytes:
    return encode_quality(m.rgb, 98, 350)


def f_too_small(m: Made) -> bytes:
    return encode_quality(m.rgb, 8, 350)


# --- the defect table shared by the tests and bench/accuracy.py ----------------------------------


@dataclass(frozen=True)
class Defect:
    name: str
    check_id: str  # the check that must fail
    # Other error-level checks that may fail as a side effect of the transform (the transform
    # changes more than the one property: e.g. a cast also tints the white background).
    side_effects: frozenset[str]
    make: Callable[[Made, FaceAnalysis, Made], bytes]


def _d(name: str, check_id: str, make: Callable[[Made, FaceAnalysis, Made], bytes], *side: str) -> Defect:
    return Defect(name, check_id, frozenset(side), make)


_PICTURE = ("clothing_contrast",)  # the thin strip of clothing moves with any re-render
# Geometric transforms fill the uncovered edge by repeating it: hair reaching an edge becomes streaks.
_EDGE = ("background_uniform", *_PICTURE)

DEFECTS: tuple[Defect, ...] = (
    _d("shift_right", "eye_center_x", lambda m, a, o: m.jpeg(t_shift(m, 40, 0)), *_EDGE),
    _d("shift_left", "eye_center_x", lambda m, a, o: m.jpeg(t_shift(m, -40, 0)), *_EDGE),
    _d(
        "shift_down",
        "eye_line",
        lambda m, a, o: m.jpeg(t_shift(m, 0, 45 + max(0.0, 441 - 207 - m.eye_mid[1]))),
        "head_top",
        *_EDGE,
    ),
    _d("shift_up", "head_top", lambda m, a, o: m.jpeg(t_shift(m, 0, -30)), *_EDGE),
    _d(
        "scale_up",
        "face_width",
        lambda m, a, o: m.jpeg(t_scale(m, 280 / m.face_width)),
        "head_top",
        *_EDGE,
    ),
    _d(
        "scale_down",
        "face_width",
        lambda m, a, o: m.jpeg(t_scale(m, 165 / m.face_width)),
        "head_top",
        *_EDGE,
    ),
    _d("tint_blue", "background_white", lambda m, a, o: m.jpeg(t_tint(m, (200, 220, 245))), *_PICTURE),
    _d("tint_grey", "background_white", lambda m, a, o: m.jpeg(t_tint(m, (205, 205, 205))), *_PICTURE),
    _d(
        "bg_gradient",
        "background_uniform",
        lambda m, a, o: m.jpeg(t_bg_gradient(m, 0.35)),
        "background_white",
        *_PICTURE,
    ),
    _d("bg_shadow", "background_uniform", lambda m, a, o: m.jpeg(t_bg_shadow(m, 0.4)), *_PICTURE),
    _d("bg_texture", "background_uniform", lambda m, a, o: m.jpeg(t_bg_texture(m)), *_PICTURE),
    _d("bg_object", "background_uniform", lambda m, a, o: m.jpeg(t_bg_object(m)), *_PICTURE),
    _d("border", "border", lambda m, a, o: m.jpeg(t_border(m)), "background_uniform", *_PICTURE),
    _d(
        "margin",
        "border",
        lambda m, a, o: m.jpeg(t_margin(m)),
        "head_top",
        "face_width",
        "background_uniform",
        *_PICTURE,
    ),
    _d("blur", "sharpness", lambda m, a, o: m.jpeg(t_blur(m, 2.5)), *_PICTURE),
    _d(
        "under_exposed",
        "exposure",
        lambda m, a, o: m.jpeg(t_exposure(m, -1.5)),
        "background_white",
        "color_cast",
        *_PICTURE,
    ),
    _d(
        "over_exposed",
        "exposure",
        lambda m, a, o: m.jpeg(t_exposure(m, 1.5)),
        "color_cast",
        "head_top",
        *_PICTURE,
    ),
    _d("side_dark", "lighting_balance", lambda m, a, o: m.jpeg(t_side_dark(m, -1.3)), "exposure", *_PICTURE),
    _d(
        "cast_blue",
        "color_cast",
        lambda m, a, o: m.jpeg(t_cast(m, (0.75, 0.95, 1.35))),
        "background_white",
        *_PICTURE,
    ),
    _d(
        "cast_green",
        "color_cast",
        lambda m, a, o: m.jpeg(t_cast(m, (0.8, 1.3, 0.8))),
        "background_white",
        *_PICTURE,
    ),
    _d(
        "cast_magenta",
        "color_cast",
        lambda m, a, o: m.jpeg(t_cast(m, (1.25, 0.75, 1.2))),
        "background_white",
        *_PICTURE,
    ),
    _d("roll", "head_pose", lambda m, a, o: m.jpeg(t_roll(m, 12)), "background_uniform", *_PICTURE),
    _d("wrong_size", "image_size", lambda m, a, o: f_wrong_size(m), *_PICTURE),
    _d("wrong_dpi", "resolution_dpi", lambda m, a, o: f_wrong_dpi(m), "file_size", *_PICTURE),
    _d("no_dpi", "resolution_dpi", lambda m, a, o: f_no_dpi(m), "file_size", *_PICTURE),
    _d("greyscale_rgb", "color_mode", lambda m, a, o: f_greyscale_rgb(m), "color_cast", *_PICTURE),
    _d("greyscale_l", "color_mode", lambda m, a, o: f_greyscale_l(m), "color_cast", "file_size", *_PICTURE),
    _d("cmyk", "color_mode", lambda m, a, o: f_cmyk(m), "file_size", *_PICTURE),
    _d("kb_big", "file_size", lambda m, a, o: f_too_big(m), *_PICTURE),
    _d("kb_small", "file_size", lambda m, a, o: f_too_small(m), "background_uniform", *_PICTURE),
    _d("two_faces", "face_count", lambda m, a, o: m.jpeg(t_second_face(m, o)), "glasses_glare", *_PICTURE),
    _d(
        "no_face",
        "face_count",
        lambda m, a, o: m.jpeg(t_no_face(m)),
        "file_size",
        "face_width",
        "head_top",
        "eye_center_x",
        "eye_line",
        "exposure",
        "sharpness",
        "lighting_balance",
        "color_cast",
        "head_pose",
        "eyes_open",
        "mouth_closed",
        "glasses_glare",
        "background_uniform",
        *_PICTURE,
    ),
    _d("eyes_closed", "eyes_open", lambda m, a, o: m.jpeg(t_closed_eyes(m, a)), *_PICTURE),
    _d("gaze_side", "gaze", lambda m, a, o: m.jpeg(t_gaze(m, a)), *_PICTURE),
    _d("glare", "glasses_glare", lambda m, a, o: m.jpeg(t_glare(m, a)), "eyes_open", *_PICTURE),
    _d("tinted_lenses", "glasses_glare", lambda m, a, o: m.jpeg(t_tinted(m, a)), *_PICTURE),
    _d("fringe", "occlusion", lambda m, a, o: m.jpeg(t_fringe(m, a)), *_PICTURE),
    _d("shoulders_tilt", "shoulders_level", lambda m, a, o: m.jpeg(t_shoulder_tilt(m, 14)), *_PICTURE),
)
DEFECT_BY_NAME = {d.name: d for d in DEFECTS}


# --- pytest fixtures (import them into a test module to use them) -------------------------------

# A varied few for the per-defect tests (the full sweep over all faces is bench/accuracy.py):
# fair female with the hair cut by the eye-line rule, fair male, dark-skinned female, East Asian male.
SAMPLE = ("london-001-neutral", "london-004-neutral", "london-025-neutral", "london-067-neutral")


@pytest.fixture(scope="session")
def analyzer() -> Iterator[FaceAnalyzer]:
    with FaceAnalyzer(still=True) as fa:
        yield fa


@pytest.fixture(scope="session")
def made(analyzer: FaceAnalyzer, faces_dir: Path) -> dict[str, Made]:
    """Every London photo made compliant (smiling ones too: they only fail mouth_closed)."""
    return {p.stem: make_compliant(p.stem, load(p), analyzer) for p in sorted(faces_dir.glob("london-*.jpg"))}


@pytest.fixture(scope="session")
def sample(made: dict[str, Made]) -> dict[str, Made]:
    return {k: made[k] for k in SAMPLE}
