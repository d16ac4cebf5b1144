"""exposure, sharpness, lighting_balance and color_cast on real faces."""

from __future__ import annotations

import pytest

from capture.face import FaceAnalyzer
from tests.capture.checking import assert_defect
from tests.capture.photos import SAMPLE, Made

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "defect",
    ["blur", "under_exposed", "over_exposed", "side_dark", "cast_blue", "cast_green", "cast_magenta"],
)
@pytest.mark.parametrize("face", SAMPLE)
def test_quality_defects_fail_their_check(
    defect: str, face: str, sample: dict[str, Made], made: dict[str, Made], analyzer: FaceAnalyzer
) -> None:
    if defect == "over_exposed" and face == "london-025-neutral":
        pytest.xfail("known limit: +1.5 EV on dark skin clips nothing and reads as lighter skin")
    assert_defect(defect, sample[face], made, analyzer)
