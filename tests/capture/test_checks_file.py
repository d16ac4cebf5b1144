"""File checks on real-face photos: image_size, resolution_dpi, color_mode, file_size."""

from __future__ import annotations

import pytest

from capture.checks import CHECK_IDS, FILE_CHECK_IDS, LEVELS, check_photo
from capture.checks.file import file_info, greyness
from capture.face import FaceAnalyzer
from capture.profiles import kb_window_bytes
from tests.capture.checking import assert_defect
from tests.capture.photos import SAMPLE, Made

pytestmark = pytest.mark.slow

SPEC_IDS = [
    "image_size",
    "resolution_dpi",
    "color_mode",
    "file_size",
    "face_count",
    "face_width",
    "head_top",
    "eye_center_x",
    "eye_line",
    "background_white",
    "background_uniform",
    "border",
    "exposure",
    "sharpness",
    "lighting_balance",
    "color_cast",
    "head_pose",
    "eyes_open",
    "gaze",
    "mouth_closed",
    "glasses_glare",
    "shoulders_level",
    "clothing_contrast",
    "occlusion",
]
ADVICE = {"gaze", "shoulders_level", "occlusion"}


def test_check_ids_are_exactly_the_spec_table() -> None:
    assert list(CHECK_IDS) == SPEC_IDS
    assert {i for i, lv in LEVELS.items() if lv == "advice"} == ADVICE
    assert set(FILE_CHECK_IDS) == {"image_size", "resolution_dpi", "color_mode", "file_size"}


def test_compliant_file_header(sample: dict[str, Made], analyzer: FaceAnalyzer) -> None:
    m = sample["london-004-neutral"]
    data = m.jpeg()
    info = file_info(data)
    assert info is not None
    assert info.size == (358, 441) and info.mode == "RGB" and info.dpi == (350.0, 350.0)
    lo, hi = kb_window_bytes(m.profile)
    assert lo is not None and hi is not None and lo <= len(data) <= hi
    rep = check_photo(data, m.profile, analyzer=analyzer, hair_cut=m.hair_cut)
    assert [c.id for c in rep.checks] == SPEC_IDS
    for cid in FILE_CHECK_IDS:
        assert rep.get(cid).passed, rep.get(cid)
    j = rep.to_json("en")
    assert j["compliant"] is True and j["profile"] == "mohrss"
    assert {"face_width", "head_top", "eye_center_x", "eye_line"} <= set(j["measurements"])
    for c in j["checks"]:
        assert set(c) == {"id", "passed", "level", "value", "expected", "message"}
        assert c["expected"] and c["message"]
    for c in rep.checks:
        assert c.message_zh and c.message_en and c.level == LEVELS[c.id]


@pytest.mark.parametrize(
    "defect",
    ["wrong_size", "wrong_dpi", "no_dpi", "greyscale_rgb", "greyscale_l", "cmyk", "kb_big", "kb_small"],
)
@pytest.mark.parametrize("face", SAMPLE[:2])
def test_file_defects_fail_their_check(
    defect: str, face: str, sample: dict[str, Made], made: dict[str, Made], analyzer: FaceAnalyzer
) -> None:
    assert_defect(defect, sample[face], made, analyzer)


def test_greyness_of_colour_photos_is_far_above_the_limit(made: dict[str, Made]) -> None:
    from capture.checks.file import GREY_CHANNEL_SPREAD

    spreads = [greyness(m.rgb) for m in made.values()]
    assert min(spreads) > 3 * GREY_CHANNEL_SPREAD, spreads


def test_file_size_reports_the_window(sample: dict[str, Made], analyzer: FaceAnalyzer) -> None:
    from tests.capture.photos import f_too_big

    m = sample["london-067-neutral"]
    rep = check_photo(f_too_big(m), m.profile, analyzer=analyzer)
    c = rep.get("file_size")
    assert not c.passed and "14-40" in c.expected and "above" in c.message_en


def test_report_is_json_and_tiny_files_are_judged(analyzer: FaceAnalyzer) -> None:
    import io
    import json

    from PIL import Image

    from capture.profiles import load_profile

    buf = io.BytesIO()
    Image.new("RGB", (12, 10), (200, 40, 40)).save(buf, "JPEG", dpi=(350, 350))
    rep = check_photo(buf.getvalue(), load_profile("mohrss"), analyzer=analyzer)
    assert not rep.get("image_size").passed and not rep.get("face_count").passed
    assert rep.get("resolution_dpi").passed
    text = json.dumps(rep.to_json("zh"), ensure_ascii=False)
    assert json.loads(text)["compliant"] is False
