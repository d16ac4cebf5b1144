"""Reference images of the forms' first pages, for the layout regression test.

Regenerate them after an intended layout change (and look at them before committing):

    .venv/bin/python -m tests.forms.reference_images

They are rendered with poppler's ``pdftoppm`` at 36 dpi in grey from the fixed sample data of
``tests/forms/samples.py`` (no clock, no randomness), so the same code gives the same pixels.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from station.forms import (
    application_pdf,
    confirmation_pdf,
    receipt_pdf,
    unit_application_pdf,
    unit_list_pdf,
)
from tests.forms import samples

REFERENCE = Path(__file__).resolve().parent / "reference"
DPI = 36

FORMS: dict[str, Callable[[], bytes]] = {
    "application": lambda: application_pdf(samples.application("吉𠮷", agent=True)),
    "application-no-photo": lambda: application_pdf(samples.application(samples.LONG_NAME, photo=False)),
    "confirmation": lambda: confirmation_pdf(samples.confirmation("王㵘")),
    "receipt-card": lambda: receipt_pdf(samples.receipt("李䶮"), "card"),
    "receipt-a4": lambda: receipt_pdf(samples.receipt("张堃"), "a4"),
    "unit-application": lambda: unit_application_pdf(samples.unit_application(15)),
    "unit-list": lambda: unit_list_pdf(samples.unit_list(30)),
}


def render(pdf: bytes, dpi: int = DPI) -> bytes:
    """Page 1 as a grey PNG."""
    out = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-f", "1", "-l", "1", "-png", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return out.stdout


def main() -> int:
    REFERENCE.mkdir(exist_ok=True)
    for name, make in FORMS.items():
        path = REFERENCE / f"{name}.png"
        path.write_bytes(render(make()))
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
