"""Compliant results pass, and the live view (check_scene on video-mode analysis) agrees with the
file check."""

from __future__ import annotations

import pytest

from capture.checks import SCENE_CHECK_IDS, check_photo, check_scene
from capture.face import FaceAnalyzer
from capture.imageio import load_rgb
from tests.capture.photos import Made

pytestmark = pytest.mark.slow


def test_every_compliant_neutral_photo_passes(made: dict[str, Made], analyzer: FaceAnalyzer) -> None:
    failed = {}
    for name, m in made.items():
        if "smiling" in name:
            continue
        rep = check_photo(m.jpeg(), m.profile, analyzer=analyzer, hair_cut=m.hair_cut)
        if not rep.compliant:
            failed[name] = list(rep.failing("error"))
    assert not failed


def test_live_view_agrees_with_the_file(sample: dict[str, Made], analyzer: FaceAnalyzer) -> None:
    with FaceAnalyzer(still=False) as live:
        for m in sample.values():
            data = m.jpeg()
            rgb = load_rgb(data)
            file_rep = check_photo(data, m.profile, analyzer=analyzer, hair_cut=m.hair_cut)
            for _ in range(2):  # tracking mode: the second frame uses the tracked landmarks
                scene = check_scene(rgb, live.analyze(rgb), m.profile, hair_cut=m.hair_cut)
            assert [r.id for r in scene] == list(SCENE_CHECK_IDS)
            for r in scene:
                if r.id in ("shoulders_level",):
                    continue
                assert r.passed == file_rep.get(r.id).passed, (m.name, r, file_rep.get(r.id))


def test_live_frame_with_crop_geometry_agrees_with_the_file(
    sample: dict[str, Made], analyzer: FaceAnalyzer
) -> None:
    """A camera frame larger than the photo (the made photo enlarged 2x, its edges continued to
    1280x960: the body goes on below, the wall around): check_scene with the crop's predicted
    geometry gives the same answers as check_photo on the file made from it."""
    import cv2

    from capture.crop import plan_crop

    with FaceAnalyzer(still=False) as live:
        for m in sample.values():
            big = cv2.resize(m.rgb, (716, 882), interpolation=cv2.INTER_CUBIC)
            frame = cv2.copyMakeBorder(big, 39, 39, 282, 282, cv2.BORDER_REPLICATE)
            for _ in range(2):
                a = live.analyze(frame)
            plan = plan_crop(a, m.profile)
            assert plan.ok and plan.predicted is not None, plan.reasons
            scene = {
                r.id: r for r in check_scene(frame, a, m.profile, plan.predicted, hair_cut=plan.hair_cut)
            }
            file_rep = check_photo(m.jpeg(), m.profile, analyzer=analyzer, hair_cut=m.hair_cut)
            for cid in SCENE_CHECK_IDS:
                if cid in ("shoulders_level", "border"):
                    continue
                if cid in ("face_width", "head_top", "eye_center_x", "eye_line"):
                    assert scene[cid].passed, (m.name, scene[cid])  # the crop meets the geometry
                    continue
                assert scene[cid].passed == file_rep.get(cid).passed, (m.name, scene[cid], file_rep.get(cid))
