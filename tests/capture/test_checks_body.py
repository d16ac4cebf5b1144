"""clothing_contrast (the London white T-shirts) and shoulders_level on real faces."""

from __future__ import annotations

import pytest

from capture.checks import check_photo
from capture.face import FaceAnalyzer
from tests.capture.checking import assert_caught, assert_defect
from tests.capture.photos import SAMPLE, Made, load, make_compliant

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("face", SAMPLE)
def test_white_tshirt_fails_clothing_contrast(face: str, faces_dir, analyzer: FaceAnalyzer) -> None:  # type: ignore[no-untyped-def]
    """The London photos made with their own white T-shirts (background whitened, not recoloured)."""
    m = make_compliant(face, load(faces_dir / f"{face}.jpg"), analyzer, clothes=False)
    rep = check_photo(m.jpeg(), m.profile, analyzer=analyzer, hair_cut=m.hair_cut)
    assert_caught(rep, "clothing_contrast")


# Photos whose shoulder edges show on both sides. Long hair or a braid over a shoulder hides the
# edge (london-001, -006, -025): a documented limit of shoulders_level.
SHOULDERS_VISIBLE = ("london-004-neutral", "london-037-neutral", "london-064-neutral", "london-067-neutral")


@pytest.mark.parametrize("face", SHOULDERS_VISIBLE)
def test_tilted_shoulders_fail_shoulders_level(
    face: str, sample: dict[str, Made], made: dict[str, Made], analyzer: FaceAnalyzer
) -> None:
    rep = assert_defect("shoulders_tilt", made[face], made, analyzer)
    assert rep.get("shoulders_level").level == "advice"
