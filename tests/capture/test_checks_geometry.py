"""face_count and the four geometry checks, on real faces, and the hair-cut rule."""

from __future__ import annotations

import pytest

from capture.checks import check_photo
from capture.checks.geometry import MeasuredGeometry, check_geometry
from capture.face import FaceAnalyzer
from capture.profiles import load_profile
from tests.capture.checking import assert_defect
from tests.capture.photos import SAMPLE, Made

GEOMETRY_DEFECTS = ["shift_right", "shift_left", "shift_down", "shift_up", "scale_up", "scale_down"]


@pytest.mark.slow
@pytest.mark.parametrize("defect", [*GEOMETRY_DEFECTS, "two_faces", "no_face"])
@pytest.mark.parametrize("face", SAMPLE)
def test_geometry_defects_fail_their_check(
    defect: str, face: str, sample: dict[str, Made], made: dict[str, Made], analyzer: FaceAnalyzer
) -> None:
    assert_defect(defect, sample[face], made, analyzer)


@pytest.mark.slow
def test_measurements_are_output_pixels(sample: dict[str, Made], analyzer: FaceAnalyzer) -> None:
    m = sample["london-004-neutral"]
    rep = check_photo(m.jpeg(), m.profile, analyzer=analyzer)
    meas = rep.measurements
    assert abs(meas["eye_center_x"] - m.eye_mid[0]) < 3  # type: ignore[operator]
    assert abs(meas["eye_line"] - (441 - m.eye_mid[1])) < 3  # type: ignore[operator]
    assert abs(meas["face_width"] - m.face_width) < 6  # type: ignore[operator]
    assert 7 <= meas["head_top"] <= 21  # type: ignore[operator]
    assert rep.get("face_count").value == 1


def _geo(head_top: float, eye_line: float) -> MeasuredGeometry:
    return MeasuredGeometry(face_width=215, head_top=head_top, eye_center_x=179, eye_line=eye_line)


def _head_top(head_top: float, eye_line: float, hair_cut: bool) -> bool:
    p = load_profile("mohrss")
    res = {r.id: r for r in check_geometry(_geo(head_top, eye_line), p, hair_cut=hair_cut)}
    return res["head_top"].passed


def test_eye_line_wins_over_head_top() -> None:
    # hair cut at the top, eyes as low as allowed: moving the head down would break the eye line
    assert _head_top(0.0, 210.0, hair_cut=False)
    assert _head_top(0.0, 213.0, hair_cut=True)  # the crop's margin is allowed when it cut
    # room to move the head down: the cut was not forced
    assert not _head_top(0.0, 240.0, hair_cut=False)
    assert not _head_top(0.0, 240.0, hair_cut=True)
    # eye line broken: nothing excuses the head top
    assert not _head_top(0.0, 200.0, hair_cut=True)
    # too much space above the head is never excused
    assert not _head_top(30.0, 208.0, hair_cut=True)
    assert _head_top(14.0, 230.0, hair_cut=False)


@pytest.mark.slow
def test_hair_cut_photo_passes_head_top(made: dict[str, Made], analyzer: FaceAnalyzer) -> None:
    m = made["london-001-neutral"]  # tall bun: the crop keeps the eye line and cuts the hair
    assert m.hair_cut
    for flag in (True, False):  # also judged from the file alone
        rep = check_photo(m.jpeg(), m.profile, analyzer=analyzer, hair_cut=flag)
        assert rep.get("head_top").passed, rep.get("head_top")
        assert rep.get("eye_line").passed
