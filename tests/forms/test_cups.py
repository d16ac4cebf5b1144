"""The real print path: forms printed through a CUPS queue (cupsd + cups-pdf, started by
tests/fixtures/cups.py) come out as PDFs in the queue's output folder; a disabled, rejecting or
missing queue gives one clear line and keeps the saved PDF."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest

from station.forms import application_pdf, save_pdf
from station.printing import PrinterUnavailable, default_printer, list_printers, printer_state, submit_pdf
from tests.fixtures.cups import CupsServer
from tests.forms import samples

pytestmark = pytest.mark.cups


def _ink(pdf: Path) -> float:
    """Share of dark pixels on page 1 at 30 dpi."""
    png = subprocess.run(
        ["pdftoppm", "-r", "30", "-gray", "-f", "1", "-l", "1", "-png", str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        hist = im.convert("L").histogram()
    return sum(hist[:128]) / sum(hist)


@pytest.fixture
def form_pdf(tmp_path: Path) -> Path:
    return save_pdf(application_pdf(samples.application("吉𠮷")), tmp_path / "forms" / "application-1.pdf")


def test_lists_the_queue(cups_env: CupsServer) -> None:
    printers = {p.name: p for p in list_printers()}
    assert cups_env.queue in printers
    assert printers[cups_env.queue].ready
    assert printers[cups_env.queue].is_default
    assert default_printer() == cups_env.queue


def test_print_through_cups_pdf(cups_env: CupsServer, form_pdf: Path) -> None:
    before = len(cups_env.pdfs())
    job = submit_pdf(form_pdf, cups_env.queue, title="申领登记表 1")
    assert job.job_id.startswith(cups_env.queue)
    out = cups_env.wait_for_pdf(before)
    assert out.read_bytes()[:5] == b"%PDF-"
    # cups-pdf re-renders through PostScript and Ghostscript: the page, not the text, survives.
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    assert re.search(r"^Page size:\s+595(\.\d+)? x 842", info, re.M), info  # A4
    # and the page is not blank: its ink covers a few per cent like the original's.
    assert _ink(out) == pytest.approx(_ink(form_pdf), rel=0.35)
    assert form_pdf.exists()


def test_disabled_queue_refuses_and_keeps_pdf(cups_env: CupsServer, form_pdf: Path) -> None:
    assert cups_env.run("cupsdisable", "-r", "paper jam", cups_env.queue).returncode == 0
    try:
        assert not printer_state(cups_env.queue).ready
        with pytest.raises(PrinterUnavailable) as err:
            submit_pdf(form_pdf, cups_env.queue)
        msg = str(err.value)
        assert "\n" not in msg
        assert "stopped" in msg and cups_env.queue in msg and str(form_pdf) in msg
        assert form_pdf.exists()
    finally:
        cups_env.run("cupsenable", cups_env.queue)


def test_rejecting_queue_refuses(cups_env: CupsServer, form_pdf: Path) -> None:
    assert cups_env.run("cupsreject", "-r", "maintenance", cups_env.queue).returncode == 0
    try:
        with pytest.raises(PrinterUnavailable, match="not accepting jobs"):
            submit_pdf(form_pdf, cups_env.queue)
    finally:
        cups_env.run("cupsaccept", cups_env.queue)


def test_unknown_printer(cups_env: CupsServer, form_pdf: Path) -> None:
    with pytest.raises(PrinterUnavailable, match="no printer named"):
        submit_pdf(form_pdf, "No-Such-Printer")
