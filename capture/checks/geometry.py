"""Geometry checks (spec photo.md §2): face_count, face_width, head_top, eye_center_x, eye_line.

All four measurements are in output pixels. On a file they are measured directly (the file is the
output); in the live view the caller passes the geometry its crop would give
(``capture.crop.CropPlan.predicted`` has the right fields)."""

from __future__ import annotations

from dataclasses import dataclass

from capture.checks._common import GeometryLike, fmt, no_face, result
from capture.profiles import Profile, Range
from capture.report import CheckResult
from capture.types import FaceAnalysis, FaceGeometry

__all__ = ["MeasuredGeometry", "check_face_count", "check_geometry", "measure_geometry"]


# When the crop reports a forced hair cut, the eye line may sit this much above its limit (the
# crop keeps MARGIN_EYE_LINE = 6 px from it, capture/crop.py; +2 px for re-measurement on the file).
HAIR_CUT_SLACK = 8.0


@dataclass(frozen=True)
class MeasuredGeometry:
    face_width: float
    head_top: float
    eye_center_x: float
    eye_line: float
    head_top_clipped: bool = False  # the hair reaches the top edge (head_top is then 0)


def measure_geometry(face: FaceGeometry, height: int) -> MeasuredGeometry:
    """Geometry of a picture that *is* the output (the final file): scale 1, no offset."""
    mid = face.eye_mid
    return MeasuredGeometry(
        face_width=face.face_width,
        head_top=face.head_top_y,
        eye_center_x=mid.x,
        eye_line=height - mid.y,
        head_top_clipped=face.head_top_clipped,
    )


def check_face_count(analysis: FaceAnalysis) -> CheckResult:
    n = analysis.face_count
    ok = n == 1
    if n == 0:
        zh, en = "未检测到人脸", "no face found"
    elif n == 1:
        zh, en = "一张人脸", "one face"
    else:
        zh, en = f"检测到 {n} 张人脸，只能有一人", f"{n} faces found, only one person may be in the photo"
    return result("face_count", ok, n, "1", zh, en)


def _range_msg(  # noqa: PLR0917
    check_id: str,
    v: float,
    r: Range,
    name_zh: str,
    name_en: str,
    low_zh: str,
    low_en: str,
    high_zh: str,
    high_en: str,
) -> CheckResult:
    ok = r.contains(v)
    val = fmt(v)
    exp = f"{r} px"
    if ok:
        return result(check_id, True, val, exp, f"{name_zh} {val} 像素", f"{name_en} {val} px")
    low = r.lo is not None and v < r.lo
    return result(
        check_id,
        False,
        val,
        exp,
        f"{name_zh} {val} 像素，应为 {r}：{low_zh if low else high_zh}",
        f"{name_en} {val} px, must be {r}: {low_en if low else high_en}",
    )


def check_geometry(
    geometry: GeometryLike | None,
    profile: Profile,
    *,
    hair_cut: bool = False,
) -> list[CheckResult]:
    """face_width, head_top, eye_center_x, eye_line against the profile.

    head_top below its range passes when the eye-line rule forced the cut (spec §2 priority): when
    ``hair_cut`` is set by the crop, or when the head top could not be moved down to the range
    without breaking the eye line (then no placement meets both, and the eye line wins)."""
    if geometry is None:
        return [
            no_face("face_width", f"{profile.face_width} px"),
            no_face("head_top", f"{profile.head_top} px"),
            no_face("eye_center_x", f"{profile.eye_center_x} px"),
            no_face("eye_line", f"{profile.eye_line} px"),
        ]
    out = [
        _range_msg(
            "face_width",
            geometry.face_width,
            profile.face_width,
            "脸宽",
            "face width",
            "脸太小，请靠近",
            "face too small, move closer",
            "脸太大，请后退",
            "face too large, move back",
        )
    ]
    ht = profile.head_top
    el = profile.eye_line
    eye_ok = el.contains(geometry.eye_line)
    v = geometry.head_top
    forced = False
    if ht.lo is not None and v < ht.lo and eye_ok:
        room = geometry.eye_line - (el.lo if el.lo is not None else 0.0)  # how far the head could move down
        # With hair_cut from the crop, the crop's own safety margin is allowed on top.
        forced = room < (ht.lo - v) + (HAIR_CUT_SLACK if hair_cut else 0.0)
    if forced:
        out.append(
            result(
                "head_top",
                True,
                fmt(v),
                f"{ht} px",
                f"头顶 {fmt(v)} 像素：为保证双眼位置，头发顶部被裁去（允许）",
                f"head top {fmt(v)} px: the top of the hair is cut to keep the eye line (allowed)",
            )
        )
    else:
        out.append(
            _range_msg(
                "head_top",
                v,
                ht,
                "头顶距上边",
                "head top from the top edge",
                "头顶太靠上或被裁切",
                "the head is too high or cut off",
                "头顶上方空白太多",
                "too much space above the head",
            )
        )
    out.append(
        _range_msg(
            "eye_center_x",
            geometry.eye_center_x,
            profile.eye_center_x,
            "双眼中点距左边",
            "eye midpoint from the left edge",
            "人像偏左",
            "the face is too far left",
            "人像偏右",
            "the face is too far right",
        )
    )
    out.append(
        _range_msg(
            "eye_line",
            geometry.eye_line,
            el,
            "双眼连线距下边",
            "eye line from the bottom edge",
            "双眼位置太低",
            "the eyes are too low",
            "双眼位置太高",
            "the eyes are too high",
        )
    )
    return out
