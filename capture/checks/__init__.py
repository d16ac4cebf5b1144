"""Every check of spec photo.md §4, with exactly its ids and levels, in one place for every path.

Two entry points give the same answers because the second is the body of the first:

``check_photo(jpeg, profile, *, analyzer=None, hair_cut=False, whitened=False, notes=(),
directions=()) -> ComplianceReport``
    Judges the FINAL file as it is: the header (pixel size, JFIF density, colour mode, also a
    greyscale picture stored as RGB, CMYK), its bytes against ``kb_window_bytes(profile)``, then
    decodes it, analyses it (still mode) and runs ``check_scene`` with the geometry measured on
    the file itself. ``measurements`` holds face_width, head_top, eye_center_x and eye_line in
    output px (eye_line = eye line to the bottom edge) and the pose angles. Used by the pipeline
    after encoding and by ``station photo check``.

``check_scene(rgb, analysis, profile, geometry=None, *, hair_cut=False) -> list[CheckResult]``
    The 20 picture checks (all but the four file checks) of one image and its ``FaceAnalysis``.
    The live view calls it per analysed frame with ``FaceAnalyzer(still=False)``'s analysis and
    ``geometry=plan.predicted`` (``capture.crop.plan_crop``: the geometry its crop would give, in
    output px). When ``geometry`` is None the image is taken to be the output itself if it has
    the profile's size; otherwise the geometry checks fail as not measurable. Image measurements
    (exposure, sharpness, glare...) are made on the face warped to a fixed scale
    (``capture.checks.regions``), and background figures at a fixed face scale
    (``capture.background``), so frame, file and command line agree. In the live view Pose does
    not run: shoulders_level then passes without a value (advice only).

Checks are grouped by module: ``file`` (image_size, resolution_dpi, color_mode, file_size),
``geometry`` (face_count, face_width, head_top, eye_center_x, eye_line), ``background``
(background_white, background_uniform, border), ``quality`` (exposure, sharpness,
lighting_balance, color_cast), ``face`` (head_pose, eyes_open, gaze, mouth_closed, glasses_glare,
occlusion), ``body`` (shoulders_level, clothing_contrast). Each threshold is a named constant there,
with its source (spec number, or calibration figures); docs/photo-checks.md lists them all.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from capture.checks import background as _bg
from capture.checks import body as _body
from capture.checks import face as _face
from capture.checks import file as _file
from capture.checks import geometry as _geo
from capture.checks import quality as _q
from capture.checks._common import (
    CHECK_IDS,
    FILE_CHECK_IDS,
    LEVELS,
    SCENE_CHECK_IDS,
    GeometryLike,
    no_face,
    result,
)
from capture.checks.regions import face_frame
from capture.face import FaceAnalyzer
from capture.profiles import Profile
from capture.report import CheckResult, ComplianceReport
from capture.types import FaceAnalysis

__all__ = [
    "CHECK_IDS",
    "FILE_CHECK_IDS",
    "LEVELS",
    "SCENE_CHECK_IDS",
    "GeometryLike",
    "check_photo",
    "check_scene",
    "measurements_of",
]


MIN_ANALYSED_SIDE = 16  # capture.face refuses smaller images


def _geometry_for(
    analysis: FaceAnalysis, profile: Profile, geometry: GeometryLike | None
) -> GeometryLike | None:
    if geometry is not None:
        return geometry
    if analysis.face is None:
        return None
    if (analysis.width, analysis.height) == (profile.width, profile.height):
        return _geo.measure_geometry(analysis.face, analysis.height)
    return None


def check_scene(
    rgb: npt.NDArray[np.uint8],
    analysis: FaceAnalysis,
    profile: Profile,
    geometry: GeometryLike | None = None,
    *,
    hair_cut: bool = False,
) -> list[CheckResult]:
    """The picture checks of ``rgb`` (the image ``analysis`` was made from), in spec order."""
    face = analysis.face
    res: dict[str, CheckResult] = {}
    res["face_count"] = _geo.check_face_count(analysis)
    geo = _geometry_for(analysis, profile, geometry)
    if geo is None and face is not None:
        why_zh, why_en = "无法确定裁切位置，未测量", "no crop could be placed: not measured"
        for cid, rng in (
            ("face_width", profile.face_width),
            ("head_top", profile.head_top),
            ("eye_center_x", profile.eye_center_x),
            ("eye_line", profile.eye_line),
        ):
            res[cid] = result(cid, False, None, f"{rng} px", why_zh, why_en)
    else:
        for r in _geo.check_geometry(geo, profile, hair_cut=hair_cut):
            res[r.id] = r
    for r in _bg.check_background(analysis.background):
        res[r.id] = r
    if (rgb.shape[1], rgb.shape[0]) == (profile.width, profile.height):
        res["border"] = _bg.check_border(rgb)
    else:
        # A frame or a larger photo has no border of its own: the crop makes the edges.
        res["border"] = result(
            "border", True, None, "no frame or margin", "在最终照片上检查", "judged on the final photo"
        )

    ff = face_frame(rgb, face) if face is not None else None
    if ff is None or face is None:
        for cid, exp in (
            ("exposure", "face exposure"),
            ("sharpness", f">= {_q.SHARPNESS_MIN:g}"),
            ("lighting_balance", f"<= {_q.CHEEK_DELTA_L_MAX:g}"),
            ("color_cast", "natural skin colour"),
        ):
            res[cid] = (
                no_face(cid, exp)
                if face is None
                else result(
                    cid, False, None, exp, "无法测量（缺少面部特征点）", "cannot be measured (no landmarks)"
                )
            )
        glasses = occl = None
    else:
        m = _q.measure_quality(ff, _q.image_white(rgb))
        res["exposure"] = _q.check_exposure(m)
        res["sharpness"] = _q.check_sharpness(m)
        res["lighting_balance"] = _q.check_lighting_balance(m)
        res["color_cast"] = _q.check_color_cast(m)
        glasses = _face.measure_glasses(ff, face)
        occl = _face.measure_occlusion(ff)
    res["head_pose"] = _face.check_head_pose(face)
    res["eyes_open"] = _face.check_eyes_open(face)
    res["gaze"] = _face.check_gaze(face)
    res["mouth_closed"] = _face.check_mouth_closed(face, analysis.expression)
    res["glasses_glare"] = _face.check_glasses_glare(glasses)
    res["shoulders_level"] = _body.check_shoulders_level(analysis.shoulder_tilt, analysis.shoulders)
    res["clothing_contrast"] = (
        _body.check_clothing_contrast(analysis.clothing)
        if face is not None
        else no_face("clothing_contrast", "")
    )
    res["occlusion"] = _face.check_occlusion(occl)
    return [res[i] for i in SCENE_CHECK_IDS]


def measurements_of(
    analysis: FaceAnalysis, profile: Profile, geometry: GeometryLike | None = None
) -> dict[str, float | None]:
    """The report's measurements: geometry in output px (None without a face), pose angles."""
    geo = _geometry_for(analysis, profile, geometry)
    face = analysis.face
    out: dict[str, float | None] = {
        "face_width": None if geo is None else round(geo.face_width, 1),
        "head_top": None if geo is None else round(geo.head_top, 1),
        "eye_center_x": None if geo is None else round(geo.eye_center_x, 1),
        "eye_line": None if geo is None else round(geo.eye_line, 1),
        "face_count": float(analysis.face_count),
    }
    if face is not None:
        out.update(yaw=round(face.yaw, 1), pitch=round(face.pitch, 1), roll=round(face.roll, 1))
    return out


def check_photo(
    jpeg: bytes,
    profile: Profile,
    *,
    analyzer: FaceAnalyzer | None = None,
    hair_cut: bool = False,
    whitened: bool = False,
    notes: tuple[str, ...] = (),
    directions: tuple[str, ...] = (),
) -> ComplianceReport:
    """Judge the final file as it is (see the module docstring). Raises
    ``capture.errors.ImageInputError`` when the bytes are not a decodable image and
    ``AnalysisError`` when the face models cannot run."""
    from capture.imageio import load_rgb

    rgb = load_rgb(jpeg)
    file_results = {r.id: r for r in _file.check_file(jpeg, profile, rgb)}
    if min(rgb.shape[:2]) < MIN_ANALYSED_SIDE:
        # Too few pixels for the face models: judged as a picture with no face (image_size fails).
        analysis = FaceAnalysis(
            width=rgb.shape[1], height=rgb.shape[0], face_count=0, face=None, background=None
        )
    else:
        own = analyzer is None
        fa = FaceAnalyzer(still=True) if analyzer is None else analyzer
        try:
            analysis = fa.analyze(rgb)
        finally:
            if own:
                fa.close()
    # The file is the output: its geometry is measured on it, whatever its size.
    geo = None if analysis.face is None else _geo.measure_geometry(analysis.face, analysis.height)
    scene = {r.id: r for r in check_scene(rgb, analysis, profile, geo, hair_cut=hair_cut)}
    checks = tuple({**file_results, **scene}[i] for i in CHECK_IDS)
    return ComplianceReport(
        profile=profile.id,
        checks=checks,
        measurements=measurements_of(analysis, profile, geo),
        whitened=whitened,
        hair_cut=hair_cut,
        directions=directions,
        notes=notes,
    )
