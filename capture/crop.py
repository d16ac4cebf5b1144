"""The crop solver (spec photo.md §2): from a larger photo, the scale and offsets that put the
face at the profile's geometry in the 358 x 441 output, and the render of that crop.

Geometry, in output pixels: face width (cheek to cheek) inside ``profile.face_width``, head top
(including hair) ``profile.head_top`` from the top edge, eye-centre midpoint ``profile.eye_center_x``
from the left edge, eye line ``profile.eye_line`` from the bottom edge. The output is
``(source - (x0, y0)) * scale``; the source rectangle must lie inside the photo (no padding).

Rules:
- The solver aims at the lower part of the face-width range (``FACE_WIDTH_AIM``: the head about
  2/3 of the height, the shoulders in the picture) and the middle of the other ranges, with a
  margin for the re-measurement on the final file; it relaxes the margins before it gives up.
- The eye line wins over head top (§2 priority): when the hair stands so high that head top and
  eye line cannot both hold at any allowed face width, the eye line is kept and the top of the
  hair is cut (``hair_cut=True``). A cut is only made when the measured head already forces it;
  the measured head top is a lower bound of the real one when the head touches the top edge.
- The face is never enlarged by more than ``MAX_UPSCALE``.
- When no compliant crop exists, ``ok=False`` with the reasons and operator directions. The
  directions say which way the head must move *in the picture* (not mirrored): ``up``, ``down``,
  ``left``, ``right``; ``closer`` / ``back`` for the subject's distance; ``higher_resolution``
  when the camera has too few pixels; ``show_shoulders`` when the frame stops above the chin or
  shoulders. The plan's rectangle then shows where the crop would have to be, partly outside the
  frame, so the live view can draw it.
- A photo already at the profile's size is checked as it is: the identity plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import cv2
import numpy as np
import numpy.typing as npt

from capture.profiles import Profile, Range
from capture.types import FaceAnalysis, Point

__all__ = [
    "DIRECTIONS",
    "MAX_UPSCALE",
    "CropPlan",
    "Guides",
    "OutputGeometry",
    "identity_plan",
    "plan_crop",
    "render_crop",
    "render_mask",
]

# The largest enlargement of the source. Interpolation invents no detail: at 1.25x a face keeps
# most of its edge sharpness (one source pixel spreads over 1.25 output pixels, well under the
# blur the sharpness check tolerates); beyond that, features visibly soften and the card centre
# rejects the photo as unsharp, so the operator is asked to move closer or use more pixels.
MAX_UPSCALE = 1.25

# Safety margins (output px) kept inside each range when possible, so that the re-measurement of
# the final 358 x 441 file (landmarks and segmentation at a lower resolution, JPEG noise) stays
# inside. From the spread between the plan's prediction and the final measurement on the test
# faces: face width within +/-4 px, head top within +/-3 px, eye x and eye line within +/-2 px.
MARGIN_FACE_WIDTH = 8.0
MARGIN_HEAD_TOP = 3.0
MARGIN_EYE_X = 8.0
MARGIN_EYE_LINE = 6.0
# Where in the (margin-shrunk) face-width range the solver aims, as a fraction from its lower end.
# Spec photo.md §2: "head is about 2/3 of the image height; both shoulders and both ears must
# show". On the 24 London photos the head (hair top to chin) is 1.44-2.37 face widths tall
# (median 1.76), so a 2/3 head (294 of 441 px) would need a face width of about 167 px, below
# every profile's range: the face widths nearest the rule are the lowest allowed. At the middle
# of the national range (217 px) the chin sat 40-90 px above the bottom edge, too little for the
# shoulder line and the clothing to be judged; at the lower end (about 193 px) it is ~90-130 px.
# 0.1 keeps the aim a little above the lower margin (8 px, which covers the +/-4 px spread of
# the final re-measurement), so a face measured 1-2 px narrower on the final file still passes.
FACE_WIDTH_AIM = 0.1
# Margins are scaled by these factors in turn before the solver gives up.
MARGIN_STEPS = (1.0, 0.5, 0.0)

# A head top or face edge this close (source px, or this fraction of the frame, whichever is
# larger) to the frame edge is "touching": the hair may continue outside the frame.
EDGE_TOUCH_PX = 2.0
EDGE_TOUCH_FRACTION = 0.005

# Candidate scales tried between the lowest and highest allowed scale.
SCALE_STEPS = 48

DIRECTIONS = ("closer", "back", "up", "down", "left", "right", "higher_resolution", "show_shoulders")


@dataclass(frozen=True)
class OutputGeometry:
    """The geometry the plan puts in the output, in output pixels (as the checks measure it)."""

    face_width: float
    head_top: float
    eye_center_x: float
    eye_line: float


@dataclass(frozen=True)
class Guides:
    """Where the profile's limits fall in the source frame, for the live view's overlay."""

    rect: tuple[float, float, float, float]  # the crop, x0, y0, x1, y1 (may leave the frame)
    head_top_band: tuple[float, float]  # source y between which the top of the hair belongs
    eye_line_max_y: float  # the eyes must be above this source y
    eye_x_band: tuple[float, float]  # source x between which the eye midpoint belongs
    face_width_band: tuple[float, float]  # allowed face width in source px


@dataclass(frozen=True)
class CropPlan:
    """Output = (source - (x0, y0)) * scale, an ``out_width`` x ``out_height`` image."""

    scale: float  # output px per source px
    x0: float  # top-left of the source rectangle, source px
    y0: float
    out_width: int
    out_height: int
    source_width: int
    source_height: int
    ok: bool  # a compliant crop exists and this is it
    hair_cut: bool = False  # the eye line rule cut the top of the hair
    reasons: tuple[str, ...] = ()  # why no compliant crop exists (one line each)
    directions: tuple[str, ...] = ()  # from DIRECTIONS
    predicted: OutputGeometry | None = None  # geometry in the output, None without a face
    identity: bool = False  # the photo is already at the profile's size: used as it is

    @property
    def source_rect(self) -> tuple[float, float, float, float]:
        return (
            self.x0,
            self.y0,
            self.x0 + self.out_width / self.scale,
            self.y0 + self.out_height / self.scale,
        )

    @property
    def inside_frame(self) -> bool:
        x0, y0, x1, y1 = self.source_rect
        tol = 1e-6
        return x0 >= -tol and y0 >= -tol and x1 <= self.source_width + tol and y1 <= self.source_height + tol

    def to_output(self, p: Point) -> Point:
        return p.scaled(self.scale, self.x0, self.y0)

    def to_source(self, p: Point) -> Point:
        return Point(p.x / self.scale + self.x0, p.y / self.scale + self.y0)

    def mapped(self, factor: float, dx: float, dy: float, source_width: int, source_height: int) -> CropPlan:
        """The same crop in another frame: one whose pixel (x, y) is this frame's
        ``((x + dx) * factor, (y + dy) * factor)``. E.g. a plan made on a region at offset
        (dx, dy), or on a draft-decoded JPEG, applied to the whole or full-resolution image."""
        return replace(
            self,
            scale=self.scale / factor,
            x0=(self.x0 + dx) * factor,
            y0=(self.y0 + dy) * factor,
            source_width=source_width,
            source_height=source_height,
        )

    def guides(self, profile: Profile) -> Guides:
        def sy(v: float) -> float:
            return v / self.scale + self.y0

        def sx(v: float) -> float:
            return v / self.scale + self.x0

        ht, ex, el, fw = profile.head_top, profile.eye_center_x, profile.eye_line, profile.face_width
        return Guides(
            rect=self.source_rect,
            head_top_band=(sy(ht.lo or 0.0), sy(ht.hi if ht.hi is not None else self.out_height)),
            eye_line_max_y=sy(self.out_height - (el.lo or 0.0)),
            eye_x_band=(sx(ex.lo or 0.0), sx(ex.hi if ex.hi is not None else self.out_width)),
            face_width_band=(
                (fw.lo or 0.0) / self.scale,
                (fw.hi if fw.hi is not None else self.out_width) / self.scale,
            ),
        )


def identity_plan(width: int, height: int, *, ok: bool = True) -> CropPlan:
    """The plan for a photo already at the output size: no scaling, no offset."""
    return CropPlan(1.0, 0.0, 0.0, width, height, width, height, ok=ok, identity=True)


# --- the solver -----------------------------------------------------------------------------


def _bounds(r: Range, default_lo: float, default_hi: float, margin: float) -> tuple[float, float]:
    lo = default_lo if r.lo is None else r.lo
    hi = default_hi if r.hi is None else r.hi
    m = min(margin, max(0.0, (hi - lo) / 4))
    return lo + m, hi - m


@dataclass(frozen=True)
class _Limits:
    """The profile's ranges in output px, shrunk by the margins."""

    fw: tuple[float, float]
    ht: tuple[float, float]
    ex: tuple[float, float]
    ey: tuple[float, float]  # allowed output y of the eye line (from eye_line, bottom-based)

    @classmethod
    def of(cls, p: Profile, t: float) -> _Limits:
        ow, oh = p.width, p.height
        fw = _bounds(p.face_width, 1.0, ow, MARGIN_FACE_WIDTH * t)
        ht = _bounds(p.head_top, 0.0, oh, MARGIN_HEAD_TOP * t)
        ex = _bounds(p.eye_center_x, 0.0, ow, MARGIN_EYE_X * t)
        el = _bounds(p.eye_line, 0.0, oh, MARGIN_EYE_LINE * t)
        return cls(fw=fw, ht=ht, ex=ex, ey=(oh - el[1], oh - el[0]))


def _aim_face_width(lim: _Limits) -> float:
    """The face width (output px) the solver prefers: FACE_WIDTH_AIM up the allowed range."""
    return lim.fw[0] + FACE_WIDTH_AIM * (lim.fw[1] - lim.fw[0])


def _interval(lo: float, hi: float, target: float) -> float | None:
    if lo > hi + 1e-9:
        return None
    return min(max(target, lo), hi)


@dataclass(frozen=True)
class _Face:
    ex: float  # eye midpoint
    ey: float
    fw: float  # face width
    ht: float  # head top y
    chin_y: float
    box: tuple[float, float, float, float]
    top_touch: bool


def _place(
    f: _Face, s: float, lim: _Limits, out_size: tuple[int, int], frame: tuple[int, int], *, cut: bool
) -> tuple[float, float] | None:
    """Offsets (x0, y0) for scale s, or None."""
    (ow, oh), (w, h) = out_size, frame
    fx0, fx1 = 0.0, w - ow / s
    x0 = _interval(max(f.ex - lim.ex[1] / s, fx0), min(f.ex - lim.ex[0] / s, fx1), f.ex - sum(lim.ex) / 2 / s)
    if x0 is None:
        return None
    fy0, fy1 = 0.0, h - oh / s
    # The eye line: output eye y = (ey - y0) * s inside lim.ey.
    e_lo, e_hi = f.ey - lim.ey[1] / s, f.ey - lim.ey[0] / s
    if cut:
        # Keep the eyes as low as allowed: the least hair is cut.
        y0 = _interval(max(e_lo, fy0), min(e_hi, fy1), -math.inf)
    else:
        t_lo, t_hi = f.ht - lim.ht[1] / s, f.ht - lim.ht[0] / s
        y0 = _interval(max(e_lo, t_lo, fy0), min(e_hi, t_hi, fy1), f.ht - sum(lim.ht) / 2 / s)
    if y0 is None:
        return None
    return x0, y0


def _geometry(f: _Face, s: float, x0: float, y0: float, oh: int) -> OutputGeometry:
    return OutputGeometry(
        face_width=f.fw * s,
        head_top=(f.ht - y0) * s,
        eye_center_x=(f.ex - x0) * s,
        eye_line=oh - (f.ey - y0) * s,
    )


def _candidates(s_lo: float, s_hi: float, s_pref: float) -> list[float]:
    if s_lo > s_hi:
        return []
    s_pref = min(max(s_pref, s_lo), s_hi)
    grid = {s_lo, s_hi, s_pref}
    if s_hi > s_lo:
        ratio = s_hi / s_lo
        grid.update(s_lo * ratio ** (i / SCALE_STEPS) for i in range(1, SCALE_STEPS))
    return sorted(grid, key=lambda s: abs(math.log(s / s_pref)))


def plan_crop(analysis: FaceAnalysis, profile: Profile, *, decoded_scale: float = 1.0) -> CropPlan:
    """Choose scale and offsets meeting the profile's geometry; see the module docstring.

    ``decoded_scale``: analysed px per px of the original photo, below 1 when the photo was
    decoded at a reduced scale (JPEG draft mode). The enlargement limit applies to the original's
    pixels, so the plan's scale may then exceed 1 (the caller decodes finer to render it)."""
    max_scale = MAX_UPSCALE / decoded_scale
    ow, oh = profile.width, profile.height
    w, h = analysis.width, analysis.height
    if (w, h) == (ow, oh):
        return identity_plan(ow, oh)
    face = analysis.face
    if face is None or w <= 0 or h <= 0:
        return _centre_plan(w, h, ow, oh, ("no face found",))

    mid = face.eye_mid
    touch = max(EDGE_TOUCH_PX, EDGE_TOUCH_FRACTION * h)
    f = _Face(
        ex=mid.x,
        ey=mid.y,
        fw=face.face_width,
        ht=face.head_top_y,
        chin_y=face.chin.y,
        box=face.box,
        top_touch=face.head_top_y <= touch,
    )
    d = f.ey - f.ht  # eye line to head top, source px
    if f.fw <= 1.0 or d <= 0.0 or not all(map(math.isfinite, (f.ex, f.ey, f.fw, f.ht))):
        return _centre_plan(w, h, ow, oh, ("the face could not be measured",))

    s_frame = max(ow / w, oh / h)  # below this the crop window is larger than the photo
    # A cut is legitimate only when the measured head (a lower bound of the real one when it
    # touches the top edge) cannot fit between head top and eye line at the smallest allowed face
    # width. Judged with half the margins: a head that fits only with no margin at all would land
    # on the edge of both ranges, and the final measurement could fail either.
    half = _Limits.of(profile, 0.5)
    cut_forced = d * half.fw[0] / f.fw > half.ey[1] - half.ht[0]

    attempts = [(False, t) for t in MARGIN_STEPS if not (f.top_touch or (cut_forced and t < 0.5))]
    if cut_forced:
        attempts += [(True, t) for t in MARGIN_STEPS]
    for cut, t in attempts:
        lim = _Limits.of(profile, t)
        s_lo = max(lim.fw[0] / f.fw, s_frame)
        s_hi = min(lim.fw[1] / f.fw, max_scale)
        if cut:
            s_pref = s_lo  # the least hair cut
        else:
            # The lower part of the face-width range (FACE_WIDTH_AIM: the shoulders show), made
            # smaller when the head would not fit between the middle of the head-top range and
            # the lowest eye line allowed.
            s_pref = min(_aim_face_width(lim) / f.fw, (lim.ey[1] - sum(lim.ht) / 2) / d)
        for s in _candidates(s_lo, s_hi, s_pref):
            placed = _place(f, s, lim, (ow, oh), (w, h), cut=cut)
            if placed is not None:
                x0, y0 = placed
                return CropPlan(
                    s,
                    x0,
                    y0,
                    ow,
                    oh,
                    w,
                    h,
                    ok=True,
                    hair_cut=cut,
                    predicted=_geometry(f, s, x0, y0, oh),
                )
    return _diagnose(f, profile, (w, h), cut_forced, max_scale)


def _centre_plan(w: int, h: int, ow: int, oh: int, reasons: tuple[str, ...]) -> CropPlan:
    """The largest centred crop of the output's aspect ratio (a best effort without a face)."""
    if w <= 0 or h <= 0:
        return CropPlan(1.0, 0.0, 0.0, ow, oh, max(w, 0), max(h, 0), ok=False, reasons=reasons)
    s = max(ow / w, oh / h)
    return CropPlan(s, (w - ow / s) / 2, (h - oh / s) / 2, ow, oh, w, h, ok=False, reasons=reasons)


def _diagnose(f: _Face, profile: Profile, frame: tuple[int, int], cut: bool, max_scale: float) -> CropPlan:
    """No compliant crop: say why, and which way to go. The plan is the ideal crop at the
    preferred scale, ignoring the frame (the live view draws it)."""
    w, h = frame
    ow, oh = profile.width, profile.height
    lim = _Limits.of(profile, 0.0)
    reasons: list[str] = []
    dirs: list[str] = []

    def add(reason: str, *directions: str) -> None:
        reasons.append(reason)
        for dname in directions:
            if dname not in dirs:
                dirs.append(dname)

    d = f.ey - f.ht
    s_need = lim.fw[0] / f.fw
    s_max = lim.fw[1] / f.fw
    if s_need > max_scale:
        room = f.fw / w < lim.fw[0] / ow * 0.9  # the face could be bigger within this frame
        k = MAX_UPSCALE / max_scale  # analysed px per original px
        add(
            f"face too small for the resolution: {f.fw / k:.0f} px wide needs x{s_need * k:.2f} to reach "
            f"{lim.fw[0]:.0f} px, more than the x{MAX_UPSCALE} enlargement allowed",
            *(("closer", "higher_resolution") if room else ("higher_resolution",)),
        )
    if max(ow / w, oh / h) > s_max:
        add(
            f"face too large for the frame: the crop at the largest face width needs "
            f"{ow / s_max:.0f} x {oh / s_max:.0f} px, the photo is {w} x {h}",
            "back",
        )
    touch = max(EDGE_TOUCH_PX, EDGE_TOUCH_FRACTION * h)
    touch_x = max(EDGE_TOUCH_PX, EDGE_TOUCH_FRACTION * w)
    if f.top_touch and not cut:
        add("the head touches the top edge of the frame: the top of the hair is not in the photo", "down")
    if f.box[0] <= touch_x:
        add("the face touches the left edge of the frame", "right")
    if f.box[2] >= w - touch_x:
        add("the face touches the right edge of the frame", "left")
    if f.chin_y >= h - touch:
        add("the chin is not in the photo", "up", "show_shoulders")

    s = min(max(_aim_face_width(lim) / f.fw, s_need), s_max)
    if not cut:
        s = max(min(s, (lim.ey[1] - sum(lim.ht) / 2) / d), s_need)
    x0 = f.ex - sum(lim.ex) / 2 / s
    if cut:
        y0 = f.ey - lim.ey[1] / s
    else:
        y0 = max(f.ht - sum(lim.ht) / 2 / s, f.ey - lim.ey[1] / s)
    x1, y1 = x0 + ow / s, y0 + oh / s
    if x0 < 0 and x1 > w:
        pass  # reported as too large above
    elif x0 < 0:
        add(f"the face is too near the left edge: the crop needs {-x0:.0f} px more on the left", "right")
    elif x1 > w:
        add(f"the face is too near the right edge: the crop needs {x1 - w:.0f} px more on the right", "left")
    if y0 < 0 and y1 > h:
        if "back" not in dirs:
            add("the head and shoulders do not fit in the frame", "back")
    elif y0 < 0 and not f.top_touch:
        add(f"the head is too near the top edge: the crop needs {-y0:.0f} px more above", "down")
    elif y1 > h:
        add(
            f"the frame stops {y1 - h:.0f} px above the bottom of the crop: chin or shoulders missing",
            "up",
            "show_shoulders",
        )
    if not reasons:
        add("no crop meets face width, head top, eye x and eye line together")
    return CropPlan(
        s,
        x0,
        y0,
        ow,
        oh,
        w,
        h,
        ok=False,
        hair_cut=cut,
        reasons=tuple(reasons),
        directions=tuple(dirs),
        predicted=_geometry(f, s, x0, y0, oh),
    )


# --- rendering ------------------------------------------------------------------------------


def render_crop(
    rgb: npt.NDArray[np.uint8], plan: CropPlan, profile: Profile | None = None
) -> npt.NDArray[np.uint8]:
    """The plan's ``out_width x out_height`` RGB image (uint8, own buffer).

    Downscaling uses area averaging (cv2.INTER_AREA, no aliasing); enlarging uses bicubic. Parts
    of the rectangle outside the photo (only in a best-effort render of a plan that is not ok)
    are white."""
    ow, oh = (profile.width, profile.height) if profile is not None else (plan.out_width, plan.out_height)
    if plan.identity and rgb.shape[1] == ow and rgb.shape[0] == oh:
        return np.ascontiguousarray(rgb).copy()
    out = _render(rgb, plan, ow, oh, (255, 255, 255))
    return np.asarray(out, dtype=np.uint8)


def render_mask(
    mask: npt.NDArray[np.float32], plan: CropPlan, profile: Profile | None = None
) -> npt.NDArray[np.float32]:
    """A float mask of the source (e.g. ``FaceAnalysis.person_mask``) cut like the photo."""
    ow, oh = (profile.width, profile.height) if profile is not None else (plan.out_width, plan.out_height)
    if plan.identity and mask.shape[1] == ow and mask.shape[0] == oh:
        return np.ascontiguousarray(mask, dtype=np.float32).copy()
    if mask.shape[:2] != (plan.source_height, plan.source_width):
        # A mask of another resolution (segmentation often runs smaller): bring it to the source.
        mask = cv2.resize(
            mask.astype(np.float32), (plan.source_width, plan.source_height), interpolation=cv2.INTER_LINEAR
        )
    out = _render(mask.astype(np.float32), plan, ow, oh, 0.0)
    return np.asarray(out, dtype=np.float32)


def _render(
    img: npt.NDArray[np.generic], plan: CropPlan, ow: int, oh: int, fill: float | tuple[int, int, int]
) -> npt.NDArray[np.generic]:
    h, w = img.shape[:2]
    x0, y0, x1, y1 = plan.source_rect
    ix0, iy0 = round(x0), round(y0)
    ix1, iy1 = round(x1), round(y1)
    if 0 <= ix0 < ix1 <= w and 0 <= iy0 < iy1 <= h:
        region = img[iy0:iy1, ix0:ix1]
        interp = cv2.INTER_AREA if plan.scale < 1.0 else cv2.INTER_CUBIC
        return np.ascontiguousarray(cv2.resize(region, (ow, oh), interpolation=interp))
    s = plan.scale
    kx = ky = 1.0
    if s < 1.0:
        # Pre-shrink with area averaging so that the affine warp does not alias.
        small = cv2.resize(img, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA)
        kx, ky = small.shape[1] / w, small.shape[0] / h
        img = small
    m = np.array([[s / kx, 0.0, -plan.x0 * s], [0.0, s / ky, -plan.y0 * s]])
    border = fill if isinstance(fill, tuple) else (fill,)
    out = cv2.warpAffine(
        img, m, (ow, oh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border
    )
    return np.ascontiguousarray(out)
