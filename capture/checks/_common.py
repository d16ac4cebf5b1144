"""Shared pieces of the checks: the ids and levels of spec photo.md §4, and result builders."""

from __future__ import annotations

from typing import Any, Protocol

from capture.report import CheckResult, Level

__all__ = [
    "CHECK_IDS",
    "FILE_CHECK_IDS",
    "LEVELS",
    "SCENE_CHECK_IDS",
    "GeometryLike",
    "fmt",
    "no_face",
    "result",
]

# Every check id of spec photo.md §4, in the order of its table, with the table's level.
LEVELS: dict[str, Level] = {
    "image_size": "error",
    "resolution_dpi": "error",
    "color_mode": "error",
    "file_size": "error",
    "face_count": "error",
    "face_width": "error",
    "head_top": "error",
    "eye_center_x": "error",
    "eye_line": "error",
    "background_white": "error",
    "background_uniform": "error",
    "border": "error",
    "exposure": "error",
    "sharpness": "error",
    "lighting_balance": "error",
    "color_cast": "error",
    "head_pose": "error",
    "eyes_open": "error",
    "gaze": "advice",
    "mouth_closed": "error",
    "glasses_glare": "error",
    "shoulders_level": "advice",
    "clothing_contrast": "error",
    "occlusion": "advice",
}
CHECK_IDS: tuple[str, ...] = tuple(LEVELS)
# Checks of the file itself (header, bytes); the rest judge the picture ("scene").
FILE_CHECK_IDS: tuple[str, ...] = ("image_size", "resolution_dpi", "color_mode", "file_size")
SCENE_CHECK_IDS: tuple[str, ...] = tuple(i for i in CHECK_IDS if i not in FILE_CHECK_IDS)


class GeometryLike(Protocol):
    """Geometry in output pixels (``capture.crop.OutputGeometry`` has these fields)."""

    @property
    def face_width(self) -> float: ...
    @property
    def head_top(self) -> float: ...
    @property
    def eye_center_x(self) -> float: ...
    @property
    def eye_line(self) -> float: ...


def fmt(v: float, digits: int = 1) -> float:
    """A measured value rounded for the report (JSON-friendly float)."""
    return round(float(v), digits)


def result(  # noqa: PLR0917
    check_id: str, passed: bool, value: Any, expected: str, zh: str, en: str
) -> CheckResult:
    return CheckResult(
        id=check_id,
        passed=bool(passed),
        level=LEVELS[check_id],
        value=value,
        expected=expected,
        message_zh=zh,
        message_en=en,
    )


def no_face(check_id: str, expected: str) -> CheckResult:
    """A check that needs a face, on a picture where none was found: it cannot pass."""
    return result(
        check_id, False, None, expected, "未检测到人脸，无法判断", "no face found, cannot be judged"
    )
