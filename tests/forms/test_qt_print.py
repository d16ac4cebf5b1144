"""The window's print path (ui/printing.py), offscreen with pytest-qt: form PDFs rendered with
QtPdf onto a QPrinter - a PDF-file printer, and the real CUPS queue of tests/fixtures/cups.py -
page by page at the printer's resolution, plus the preview and the error messages."""

from __future__ import annotations

import ctypes
import ctypes.util
import io
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("PySide6.QtPdf")

from PySide6.QtCore import QThreadPool
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import QLabel, QPushButton

from station.forms import application_pdf, receipt_pdf, save_pdf, unit_application_pdf
from station.printing import PrintError, PrinterUnavailable
from tests.fixtures.cups import CupsServer
from tests.forms import samples
from ui.printing import PrintJob, make_printer, preview_dialog, print_pdf

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("poppler")]


def _gray(pdf: Path, page: int = 1) -> np.ndarray:
    """Page ``page`` at 160 dpi, averaged over 8x8 blocks (20 dpi): a raster print and the vector
    original then agree, whatever their anti-aliasing of hairlines and small text."""
    png = subprocess.run(
        ["pdftoppm", "-r", "160", "-gray", "-f", str(page), "-l", str(page), "-png", str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    with Image.open(io.BytesIO(png)) as im:
        a = np.asarray(im.convert("L"), dtype=np.float64)
    h, w = 1856, 1312  # A4 at 160 dpi is 1871 x 1323 (one pixel more or less after rounding)
    return a[:h, :w].reshape(h // 8, 8, w // 8, 8).mean(axis=(1, 3))


def _info(pdf: Path) -> str:
    return subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def app_pdf(tmp_path: Path) -> Path:
    return save_pdf(application_pdf(samples.application("吉𠮷", agent=True)), tmp_path / "forms" / "app.pdf")


def test_print_to_pdf_printer_matches_the_form(qapp: object, app_pdf: Path, tmp_path: Path) -> None:
    out = tmp_path / "printed.pdf"
    printer = make_printer(output_file=out)
    assert print_pdf(app_pdf, printer) == 1
    info = _info(out)
    assert "Pages:           1" in info or "Pages:          1" in info
    assert "595" in info and "842" in info  # A4 portrait
    printed, original = _gray(out), _gray(app_pdf)
    assert printed.shape == original.shape
    assert float(np.abs(printed - original).mean()) < 5.0  # the same page, as an image


def test_landscape_multi_page_and_card(qapp: object, tmp_path: Path) -> None:
    unit = save_pdf(unit_application_pdf(samples.unit_application(15)), tmp_path / "unit.pdf")
    out = tmp_path / "unit-printed.pdf"
    assert print_pdf(unit, make_printer(output_file=out)) == 2
    info = _info(out)
    assert "Pages:           2" in info or "Pages:          2" in info
    assert "842" in info.split("Page size:")[1].split("x")[0]  # landscape: 842 wide
    card = save_pdf(receipt_pdf(samples.receipt(), "card"), tmp_path / "card.pdf")
    out2 = tmp_path / "card-printed.pdf"
    print_pdf(card, make_printer(output_file=out2))
    size = _info(out2).split("Page size:")[1].split("pts")[0]
    w, h = (float(v) for v in size.split("x"))
    assert (w, h) == pytest.approx((255.1, 153.1), abs=1.5)  # 90 x 54 mm


def test_print_job_runs_off_the_gui_thread(qtbot: object, app_pdf: Path, tmp_path: Path) -> None:
    out = tmp_path / "job.pdf"
    job = PrintJob(app_pdf, output_file=out, title="申领登记表")
    with qtbot.waitSignal(job.signals.finished, timeout=30_000) as blocker:  # type: ignore[attr-defined]
        QThreadPool.globalInstance().start(job)
    assert blocker.args == [1]
    assert out.stat().st_size > 0


def test_errors_are_one_line(qtbot: object, qapp: object, app_pdf: Path, tmp_path: Path) -> None:
    with pytest.raises(PrinterUnavailable, match="no printer named"):
        make_printer("No-Such-Printer")
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    with pytest.raises(PrintError, match="cannot read the form"):
        print_pdf(bad, make_printer(output_file=tmp_path / "x.pdf"))
    job = PrintJob(app_pdf, "No-Such-Printer")
    with qtbot.waitSignal(job.signals.failed, timeout=30_000) as blocker:  # type: ignore[attr-defined]
        QThreadPool.globalInstance().start(job)
    msg = blocker.args[0]
    assert "\n" not in msg and "No-Such-Printer" in msg and str(app_pdf) in msg


def test_preview_shows_the_pages(qtbot: object, tmp_path: Path) -> None:
    unit = save_pdf(unit_application_pdf(samples.unit_application(15)), tmp_path / "unit.pdf")
    out = tmp_path / "preview.pdf"
    dlg = preview_dialog(unit, make_printer(output_file=out))
    qtbot.addWidget(dlg)  # type: ignore[attr-defined]
    dlg.show()
    view = dlg.findChild(QPdfView, "preview_pages")
    assert view is not None
    assert view.document().pageCount() == 2
    assert view.pageMode() == QPdfView.PageMode.MultiPage
    assert str(out) in dlg.findChild(QLabel, "preview_printer").text()
    zoom_in = dlg.findChild(QPushButton, "preview_zoom_in")
    zoom_in.click()
    assert view.zoomMode() == QPdfView.ZoomMode.Custom
    before = view.zoomFactor()
    zoom_in.click()
    assert view.zoomFactor() > before
    dlg.findChild(QPushButton, "preview_fit_width").click()
    assert view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    # Looking at the preview prints nothing; Cancel closes it without a job.
    dlg.findChild(QPushButton, "preview_cancel").click()
    assert dlg.job is None and not out.exists()
    # A printer by name works too (the system default when empty).
    named = preview_dialog(unit, "Counter-1")
    qtbot.addWidget(named)  # type: ignore[attr-defined]
    assert "Counter-1" in named.findChild(QLabel, "preview_printer").text()


def test_print_from_the_preview(qtbot: object, tmp_path: Path, app_pdf: Path) -> None:
    out = tmp_path / "from-preview.pdf"
    dlg = preview_dialog(app_pdf, make_printer(output_file=out))
    qtbot.addWidget(dlg)  # type: ignore[attr-defined]
    dlg.show()
    with qtbot.waitSignal(dlg.events.finished, timeout=30_000) as blocker:  # type: ignore[attr-defined]
        dlg.findChild(QPushButton, "preview_print").click()
        assert not dlg.isVisible()  # Print closes the preview; the job runs on
    assert blocker.args == [1]
    assert re.search(r"^Pages:\s+1$", _info(out), re.M)


def test_print_from_the_preview_renders_off_the_gui_thread(
    qtbot: object, tmp_path: Path, app_pdf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from PySide6.QtCore import QCoreApplication, QThread

    import ui.printing

    threads: list[tuple[threading.Thread, bool]] = []
    real_paint = ui.printing._paint

    def paint(*args: object, **kw: object) -> int:
        app = QCoreApplication.instance()
        threads.append(
            (threading.current_thread(), app is not None and QThread.currentThread() == app.thread())
        )
        return int(real_paint(*args, **kw))  # type: ignore[arg-type]

    monkeypatch.setattr(ui.printing, "_paint", paint)
    out = tmp_path / "threaded.pdf"
    dlg = preview_dialog(app_pdf, make_printer(output_file=out))
    qtbot.addWidget(dlg)  # type: ignore[attr-defined]
    dlg.show()
    with qtbot.waitSignal(dlg.events.finished, timeout=30_000):  # type: ignore[attr-defined]
        dlg.findChild(QPushButton, "preview_print").click()
    assert len(threads) == 1
    thread, on_gui_thread = threads[0]
    assert thread is not threading.main_thread() and not on_gui_thread
    assert out.stat().st_size > 0


@pytest.fixture
def qt_cups(qapp: object, cups_env: CupsServer) -> Iterator[CupsServer]:
    """Point the libcups that Qt's print plugin loaded at the test server: libcups reads
    CUPS_SERVER once per thread, and the QApplication may be older than the server."""
    lib = ctypes.util.find_library("cups")
    if lib is None:
        pytest.skip("libcups is not installed")
    cups = ctypes.CDLL(lib)
    cups.cupsSetServer.argtypes = [ctypes.c_char_p]
    cups.cupsSetServer(str(cups_env.socket).encode())
    try:
        if cups_env.queue not in QPrinterInfo.availablePrinterNames():
            pytest.fail(f"Qt does not see the test queue; it sees {QPrinterInfo.availablePrinterNames()}")
        yield cups_env
    finally:
        cups.cupsSetServer(None)


@pytest.mark.cups
@pytest.mark.slow  # the queue renders at 1200 dpi: about 20 s through Ghostscript
def test_print_to_the_cups_queue(qt_cups: CupsServer, app_pdf: Path) -> None:
    before = len(qt_cups.pdfs())
    printer = make_printer(qt_cups.queue)
    assert printer.resolution() >= 300  # the queue's own resolution, not the screen's
    assert print_pdf(app_pdf, printer) == 1
    out = qt_cups.wait_for_pdf(before)
    assert re.search(r"^Pages:\s+1$", _info(out), re.M)


@pytest.mark.cups
def test_stopped_cups_queue_refused(qt_cups: CupsServer, app_pdf: Path) -> None:
    qt_cups.run("cupsdisable", "-r", "offline for the test", qt_cups.queue)
    try:
        with pytest.raises(PrinterUnavailable, match="stopped") as err:
            print_pdf(app_pdf, make_printer(qt_cups.queue))
        assert str(app_pdf) in str(err.value) and "\n" not in str(err.value)
    finally:
        qt_cups.run("cupsenable", qt_cups.queue)


@pytest.mark.cups
def test_preview_print_to_stopped_queue_says_so(qtbot: object, qt_cups: CupsServer, app_pdf: Path) -> None:
    dlg = preview_dialog(app_pdf, make_printer(qt_cups.queue))
    qtbot.addWidget(dlg)  # type: ignore[attr-defined]
    dlg.show()  # the preview itself is drawn whatever the queue's state
    assert dlg.findChild(QPdfView, "preview_pages").document().pageCount() == 1
    qt_cups.run("cupsdisable", "-r", "offline for the test", qt_cups.queue)
    try:
        with qtbot.waitSignal(dlg.events.failed, timeout=30_000) as blocker:  # type: ignore[attr-defined]
            dlg.findChild(QPushButton, "preview_print").click()
        assert "stopped" in blocker.args[0] and str(app_pdf) in blocker.args[0]
    finally:
        qt_cups.run("cupsenable", qt_cups.queue)
