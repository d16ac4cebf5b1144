"""The one photo pipeline. Every path that makes or judges a photo comes through here: the
command line, folder import, the studio hot folder and the window's shutter, so they all give the
same answer (design/architecture.md, "Data flowing through it").

    make_photo(src, profile)  decode -> analyse -> crop plan -> render 358x441 -> [whiten]
                              -> encode into the KB window -> checks on the final file
    check_file(path, profile) decode (to refuse unusable input) -> checks on the file as it is

A photo already at the profile's size is not re-cropped: its pixels are used as they are, and
its own bytes are kept when the file already meets the file rules (JPEG, RGB, dpi, KB window).

Large JPEGs are decoded with Pillow's draft mode at the smallest 1/2, 1/4 or 1/8 scale that keeps
at least ``ANALYSIS_MIN_SIDE`` pixels on the short side, and analysed there. When the crop needs
more pixels than the draft has (a small face), the file is decoded again at the scale the crop
needs and rendered from that. The enlargement limit of the crop applies to the file's own
pixels, not to the draft's. A face that is small in its frame is measured a second time on the
neighbourhood of the head, where segmentation finds the top of the hair.
"""

from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from PIL import Image

from capture.crop import MAX_UPSCALE, CropPlan, plan_crop, render_crop, render_mask
from capture.encode import encode_jpeg
from capture.errors import ImageInputError
from capture.imageio import Decoded, load_image
from capture.profiles import Profile, kb_window_bytes
from capture.report import ComplianceReport
from capture.types import FaceAnalysis
from capture.whiten import whiten_background

if TYPE_CHECKING:
    from capture.face import FaceAnalyzer

__all__ = ["ANALYSIS_MIN_SIDE", "MadePhoto", "check_bytes", "check_file", "make_photo"]

# Short side the draft decode keeps for analysis and rendering: a 1600x1200 camera file is
# analysed at 800x600, a 4000x3000 one at 1000x750. A head-and-shoulders framing then still has a
# face of ~200 px (what FaceMesh and segmentation need, and about the output's own face width);
# a smaller face is decoded finer (DRAFT_MAX_ENLARGE) or measured on its neighbourhood.
ANALYSIS_MIN_SIDE = 600
# Faces analysed below this size cannot be measured (FaceAnalyzer's own limit is 16 px).
MIN_IMAGE_SIDE = 16
# Segmentation sees the whole image at 256 x 256 px, so the top of the hair of a face narrower
# than this fraction of the image's long side is measured too low (a 428 px face in a 4000 px
# frame lost ~60 px of afro; the London photos, at ~0.33, measure within 3 px). Such a face is
# measured again on a square of NEIGHBOURHOOD_FACES face widths around it.
REFINE_FACE_FRACTION = 0.2
# A draft decode is used for the render when the crop enlarges it by at most this much, otherwise
# the file is decoded finer. Pillow's draft is a DCT-domain reduction (sharp), and enlarging it by
# up to 1.25 did not lower the sharpness measure: 8 London faces on 1600x1200 canvases, draft
# enlarged 0.97-1.14x, sharpness 0.446-0.589 from the draft vs 0.449-0.589 from a full decode
# (threshold 0.27). The same bound as the crop's own enlargement limit.
DRAFT_MAX_ENLARGE = MAX_UPSCALE
NEIGHBOURHOOD_FACES = 4.5

Source = npt.NDArray[np.uint8] | Path | str | bytes


@dataclass(frozen=True)
class MadePhoto:
    """The result of ``make_photo``. ``jpeg`` is always a 358x441 file (a best effort when
    ``plan.ok`` is False, e.g. no face or no compliant crop: show it, do not submit it)."""

    jpeg: bytes
    report: ComplianceReport
    plan: CropPlan  # in the pixels of the input image (full resolution, upright)
    # The measurements of the whole input, at ``analysis_scale`` analysed px per input px (below 1
    # when a large JPEG was draft-decoded). None only when a given plan needed no analysis.
    analysis: FaceAnalysis | None
    analysis_scale: float
    quality: int  # JPEG quality used; 0 when the input file's own bytes were kept
    whitened: bool
    # x0, y0, x1, y1 (analysed px) of the neighbourhood of a small face that was measured again
    # for the crop; None when the whole image's measurements were used.
    region: tuple[int, int, int, int] | None = None

    @property
    def compliant(self) -> bool:
        return self.report.compliant

    @property
    def made(self) -> bool:
        """A compliant crop existed (the photo may still fail scene checks)."""
        return self.plan.ok


def _load_for_make(src: Path | str | bytes) -> Decoded:
    """Decode for analysis: large JPEGs draft-reduced, keeping ANALYSIS_MIN_SIDE px on both sides."""
    return load_image(src, min_size=(ANALYSIS_MIN_SIDE, ANALYSIS_MIN_SIDE))


def _neighbourhood(analysis: FaceAnalysis) -> tuple[int, int, int, int] | None:
    """The part of the image around the head to measure again, when the face is small in it."""
    face = analysis.face
    w, h = analysis.width, analysis.height
    if face is None or face.face_width <= 0:
        return None
    fw = face.face_width
    if fw / max(w, h) >= REFINE_FACE_FRACTION:
        return None
    side = fw * NEIGHBOURHOOD_FACES  # a square around the head, ~3x the crop's width
    cx, cy = face.eye_mid.x, face.eye_mid.y + 0.3 * fw  # the crop's centre is below the eyes
    x0, y0 = max(0, round(cx - side / 2)), max(0, round(cy - side / 2))
    x1, y1 = min(w, round(cx + side / 2)), min(h, round(cy + side / 2))
    if (x1 - x0) * (y1 - y0) > 0.6 * w * h or min(x1 - x0, y1 - y0) < MIN_IMAGE_SIDE:
        return None  # hardly smaller than the image: nothing to gain
    return x0, y0, x1, y1


def _own_bytes_if_compliant_file(src: Path | str | bytes, dec: Decoded, profile: Profile) -> bytes | None:
    """The input's bytes, when it is already a JPEG meeting the file rules of the profile."""
    if dec.format != "JPEG" or dec.mode != "RGB" or dec.dpi is None:
        return None
    if round(dec.dpi[0]) != profile.dpi or round(dec.dpi[1]) != profile.dpi:
        return None
    data = bytes(src) if isinstance(src, (bytes, bytearray, memoryview)) else Path(src).read_bytes()
    lo, hi = kb_window_bytes(profile)
    if (lo is not None and len(data) < lo) or (hi is not None and len(data) > hi):
        return None
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.info.get("progressive") or im.info.get("progression"):
                return None
    except Exception:  # it decoded a moment ago; be safe and re-encode
        return None
    return data


@contextlib.contextmanager
def _analyzer(given: FaceAnalyzer | None) -> Iterator[FaceAnalyzer]:
    """The caller's analyzer, or a still-mode one made for this call and closed after it."""
    if given is not None:
        yield given
        return
    from capture.face import FaceAnalyzer

    with FaceAnalyzer(still=True) as fa:
        yield fa


def make_photo(
    src: Source,
    profile: Profile,
    *,
    analyzer: FaceAnalyzer | None = None,
    whiten: bool = False,
    analysis: FaceAnalysis | None = None,
    crop_analyzer: FaceAnalyzer | None = None,
    plan: CropPlan | None = None,
    notes: tuple[str, ...] = (),
) -> MadePhoto:
    """Make the profile's photo from a path, file bytes or an RGB array (see module docstring).

    ``analyzer``: a still-mode ``FaceAnalyzer`` to use (one is made and closed when None).
    ``crop_analyzer``: optionally a second still analyzer for the source, e.g. one without Pose
    and the expression classifier (the crop uses neither; saves ~35 + 7 ms a photo in folder
    mode); default ``analyzer``.
    ``analysis``: an analysis of ``src`` already made with a still analyzer (RGB arrays only).
    ``plan``: a crop to use instead of the solver's (RGB arrays only; e.g. the operator's
    adjusted crop), in the array's pixels; the steps from the render on are the same.
    ``whiten``: replace the background with white (recorded in the report).
    ``notes``: added to the report's notes.

    Raises ImageInputError for unusable input; other ``CaptureError`` for model failures."""
    # Decode first: unusable input fails before any model is loaded.
    if isinstance(src, np.ndarray):
        source: npt.NDArray[np.uint8] | Decoded = _as_rgb(src)
    else:
        if plan is not None:
            raise ValueError("make_photo: a given plan needs the RGB array it was made on")
        source = _load_for_make(src)
        analysis = None
    h, w = (source.rgb if isinstance(source, Decoded) else source).shape[:2]
    if min(w, h) < MIN_IMAGE_SIDE:
        raise ImageInputError(f"image too small: {w}x{h} px")
    with _analyzer(analyzer) as fa:
        return _make(
            src,
            source,
            profile,
            analyzer=fa,
            crop_analyzer=crop_analyzer or fa,
            whiten=whiten,
            analysis=analysis,
            given_plan=plan,
            extra_notes=notes,
        )


def _make(
    src: Source,
    source: npt.NDArray[np.uint8] | Decoded,
    profile: Profile,
    *,
    analyzer: FaceAnalyzer,
    crop_analyzer: FaceAnalyzer,
    whiten: bool,
    analysis: FaceAnalysis | None,
    given_plan: CropPlan | None,
    extra_notes: tuple[str, ...],
) -> MadePhoto:
    from capture.checks import check_photo

    notes: list[str] = []
    dec = source if isinstance(source, Decoded) else None
    k = 1.0 if dec is None else dec.scale  # analysed px per px of the input
    rgb = source.rgb if isinstance(source, Decoded) else source
    h, w = rgb.shape[:2]
    if analysis is not None and (analysis.width, analysis.height) != (w, h):
        analysis = None
    if given_plan is None or whiten:
        analysis = analysis or crop_analyzer.analyze(rgb)

    # ``plan`` is in the pixels of ``rgb``; the whitening mask is cut with ``mask_plan`` from
    # ``mask_analysis`` (the same, or the neighbourhood measured again).
    region = None
    if given_plan is not None:
        plan = given_plan
    else:
        assert analysis is not None
        plan = plan_crop(analysis, profile, decoded_scale=k)
    mask_analysis, mask_plan = analysis, plan
    near = None if given_plan is not None or analysis is None else _neighbourhood(analysis)
    if near is not None:
        # A small face in a wide frame: segmentation (which sees the whole frame at 256 px)
        # loses the top of the hair. Measure again on the neighbourhood of the head.
        rx0, ry0, rx1, ry1 = near
        sub_analysis = crop_analyzer.analyze(np.ascontiguousarray(rgb[ry0:ry1, rx0:rx1]))
        sub_plan = plan_crop(sub_analysis, profile, decoded_scale=k)
        if sub_plan.ok or not plan.ok:
            mask_analysis, mask_plan, region = sub_analysis, sub_plan, near
            plan = sub_plan.mapped(1.0, rx0, ry0, w, h)

    render_rgb, render_plan = rgb, plan
    if dec is not None and k < 1.0 and plan.scale > DRAFT_MAX_ENLARGE:
        # The face is small in the draft: rendering would enlarge it. Decode at the scale the
        # crop needs (at most the full size) and render from that, with the same plan.
        assert not isinstance(src, np.ndarray)
        need = min(1.0, plan.scale * k / DRAFT_MAX_ENLARGE)  # decoded px per px of the input
        fw, fh = dec.full_size
        finer = load_image(src, min_size=(math.ceil(fw * need), math.ceil(fh * need)))
        if finer.scale > k:
            fh_px, fw_px = finer.rgb.shape[:2]
            render_rgb, render_plan = finer.rgb, plan.mapped(fw_px / w, 0.0, 0.0, fw_px, fh_px)
    out = render_crop(render_rgb, render_plan, profile)

    whitened = False
    if whiten:
        if mask_analysis is not None and mask_analysis.person_mask is not None:
            out = whiten_background(out, render_mask(mask_analysis.person_mask, mask_plan, profile))
            whitened = True
        else:
            notes.append("background not whitened: no person mask (analyse with a still analyzer)")

    jpeg: bytes | None = None
    quality = 0
    if plan.identity and not whitened and dec is not None:
        jpeg = _own_bytes_if_compliant_file(src if not isinstance(src, np.ndarray) else b"", dec, profile)
        if jpeg is not None:
            notes.append("already at the profile's size and file rules: kept as it is")
    if jpeg is None:
        enc = encode_jpeg(out, profile)
        jpeg, quality = enc.data, enc.quality
        if not enc.ok:
            notes.append(enc.reason)
    report = check_photo(
        jpeg,
        profile,
        analyzer=analyzer,
        hair_cut=plan.hair_cut,
        whitened=whitened,
        notes=(*plan.reasons, *extra_notes, *notes),
        directions=plan.directions,
    )
    if dec is not None and k != 1.0:
        fw, fh = dec.full_size
        plan = plan.mapped(1.0 / k, 0.0, 0.0, fw, fh)
    return MadePhoto(
        jpeg=jpeg,
        report=report,
        plan=plan,
        analysis=analysis,
        analysis_scale=k,
        quality=quality,
        whitened=whitened,
        region=region,
    )


def _as_rgb(arr: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    if arr.dtype != np.uint8 or arr.ndim != 3 or arr.shape[2] != 3:
        raise ImageInputError(f"expected an HxWx3 uint8 RGB image, got {arr.dtype} {arr.shape}")
    return np.ascontiguousarray(arr)


def check_bytes(
    data: bytes, profile: Profile, *, analyzer: FaceAnalyzer | None = None, name: str = "image data"
) -> ComplianceReport:
    """Judge a file's bytes as they are (no crop, no re-encode)."""
    from capture.checks import check_photo

    load_image(data, name=name)  # unusable input -> ImageInputError (exit 2), before any model
    with _analyzer(analyzer) as fa:
        return check_photo(data, profile, analyzer=fa)


def check_file(
    path: Path | str, profile: Profile, *, analyzer: FaceAnalyzer | None = None
) -> ComplianceReport:
    """Judge a photo file as it is: the same checks ``make_photo`` runs on its own output."""
    p = Path(path)
    if p.is_dir():
        raise ImageInputError(f"{p.name}: is a folder, not an image")
    try:
        data = p.read_bytes()
    except FileNotFoundError as exc:
        raise ImageInputError(f"{p.name}: no such file") from exc
    except OSError as exc:
        raise ImageInputError(f"{p.name}: cannot read ({exc.strerror or exc})") from exc
    return check_bytes(data, profile, analyzer=analyzer, name=p.name)
