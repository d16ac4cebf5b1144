"""Layout regressions: each form's first page, rendered with pdftoppm, matches the reference
image committed under tests/forms/reference/ within a tolerance (regenerate them with
``python -m tests.forms.reference_images`` after an intended change, and look at them)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from tests.forms.reference_images import FORMS, REFERENCE, render

pytestmark = pytest.mark.usefixtures("poppler")

# Mean absolute difference (0-255) and share of strongly differing pixels that still pass:
# anti-aliasing may differ by a few levels; a moved table line or text block does not pass.
MAX_MEAN_DIFF = 1.5
MAX_CHANGED_SHARE = 0.004


@pytest.mark.parametrize("name", sorted(FORMS))
def test_page_matches_reference(name: str) -> None:
    ref_path = REFERENCE / f"{name}.png"
    assert ref_path.exists(), f"missing {ref_path}: run python -m tests.forms.reference_images"
    with Image.open(io.BytesIO(render(FORMS[name]()))) as im:
        got = np.asarray(im.convert("L"), dtype=np.int16)
    with Image.open(ref_path) as im:
        ref = np.asarray(im.convert("L"), dtype=np.int16)
    assert got.shape == ref.shape, f"page size changed: {got.shape} != {ref.shape}"
    diff = np.abs(got - ref)
    mean = float(diff.mean())
    changed = float((diff > 64).mean())
    assert mean <= MAX_MEAN_DIFF and changed <= MAX_CHANGED_SHARE, (
        f"{name}: mean diff {mean:.2f}, {changed:.2%} of pixels changed; if intended, regenerate with "
        "python -m tests.forms.reference_images"
    )


def test_a_layout_change_is_caught() -> None:
    """The tolerance is tight enough: the same form without its agent section fails it."""
    from station.forms import application_pdf
    from tests.forms import samples

    moved = application_pdf(samples.application("吉𠮷", agent=False))  # no agent section: rows move
    with Image.open(io.BytesIO(render(moved))) as im:
        got = np.asarray(im.convert("L"), dtype=np.int16)
    with Image.open(REFERENCE / "application.png") as im:
        ref = np.asarray(im.convert("L"), dtype=np.int16)
    diff = np.abs(got - ref)
    assert float(diff.mean()) > MAX_MEAN_DIFF or float((diff > 64).mean()) > MAX_CHANGED_SHARE
