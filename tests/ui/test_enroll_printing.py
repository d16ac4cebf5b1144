"""Printing from the enrollment page's preview: the page says "printed" only when the print
reports that it finished, and shows the one-line error (the PDF kept, retry possible) when it
fails - pressing print in the preview is not the same as a printed form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.ui.conftest import APPLICANT

pytestmark = pytest.mark.gui


def _saved_page(make_window: Any) -> Any:
    w = make_window()
    page = w.enroll_page
    page.form.set_values(dict(APPLICANT, photo_receipt_number="0000012026010500078"))
    page._on_save_clicked()
    assert page.application_id is not None
    return page


def _print_from_preview(monkeypatch: pytest.MonkeyPatch, printer_file: Path, opened: list[Any]) -> None:
    """The settings' printer is a PDF file; the preview's exec() does what the operator does:
    look at the pages, then press the dialog's Print button, which closes the preview and starts
    the print job on a worker."""
    from PySide6.QtPdfWidgets import QPdfView
    from PySide6.QtWidgets import QLabel, QPushButton

    import ui.printing

    real_preview, real_printer = ui.printing.preview_dialog, ui.printing.make_printer

    def preview(path: Path, printer: Any, parent: Any = None, **kw: Any) -> Any:
        dlg = real_preview(path, printer, parent, **kw)

        def press_print() -> int:
            dlg.show()
            view = dlg.findChild(QPdfView, "preview_pages")
            assert view is not None and view.document().pageCount() >= 1
            label = dlg.findChild(QLabel, "preview_printer")
            assert label is not None and str(printer_file) in label.text()
            button = dlg.findChild(QPushButton, "preview_print")
            assert button is not None
            button.click()
            assert not dlg.isVisible()  # Print closes the preview
            return int(dlg.result())

        dlg.exec = press_print
        opened.append(dlg)
        return dlg

    monkeypatch.setattr(
        ui.printing, "make_printer", lambda _name="", **_kw: real_printer(output_file=printer_file)
    )
    monkeypatch.setattr(ui.printing, "preview_dialog", preview)


def _wait_for_the_job(qtbot: Any, page: Any) -> None:
    """The print runs on a worker: the page says nothing final until the job reports."""
    qtbot.waitUntil(lambda: page.last_print.get("state") in ("printed", "failed"), timeout=30_000)


def _error_dialogs(page: Any) -> list[str]:
    from PySide6.QtWidgets import QMessageBox

    return [b.text() for b in page.window_.findChildren(QMessageBox, "error_dialog") if b.isVisible()]


def test_preview_print_that_finishes_says_printed(
    make_window: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, qtbot: Any
) -> None:
    page = _saved_page(make_window)
    opened: list[Any] = []
    target = tmp_path / "printed.pdf"
    _print_from_preview(monkeypatch, target, opened)
    page._on_print_clicked("application")
    assert len(opened) == 1
    _wait_for_the_job(qtbot, page)
    assert page.last_print["state"] == "printed", page.last_print
    assert page.last_print["where"] == str(target)
    assert target.stat().st_size > 1000
    assert str(target) in page.print_state.text()
    assert _error_dialogs(page) == []


@pytest.mark.parametrize("failure", ["refused", "stopped"])
def test_preview_print_that_fails_does_not_say_printed(
    make_window: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, failure: str, qtbot: Any
) -> None:
    import ui.printing
    from station.printing import PrinterUnavailable

    page = _saved_page(make_window)
    opened: list[Any] = []
    if failure == "refused":
        # A printer that cannot start the job: QPainter.begin() on it returns false.
        _print_from_preview(monkeypatch, tmp_path / "no such folder" / "x.pdf", opened)
    else:
        # A stopped CUPS queue, as the queue check reports it.
        _print_from_preview(monkeypatch, tmp_path / "x.pdf", opened)

        def stopped(printer: Any, path: Path) -> None:
            raise PrinterUnavailable(f"printer Counter-1 is stopped; the form is kept in {path}")

        monkeypatch.setattr(ui.printing, "_check_queue", stopped)
    page._on_print_clicked("application")
    assert len(opened) == 1
    _wait_for_the_job(qtbot, page)
    assert page.last_print["state"] == "failed", page.last_print
    pdf = page.last_print["pdf"]
    assert Path(pdf).is_file()  # the form is kept for the retry
    shown = page.print_state.text()
    assert not shown.startswith("Printed")
    assert "\n" not in page.last_print["error"] and pdf in page.last_print["error"]
    assert pdf in shown and "try again" in shown
    assert _error_dialogs(page) == [page.last_print["error"]]
    if failure == "stopped":
        assert "stopped" in shown and not (tmp_path / "x.pdf").exists()
    # The print buttons stay usable: the operator can try again.
    assert page.print_buttons["application"].isEnabled()


def test_preview_print_renders_off_the_gui_thread(
    make_window: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, qtbot: Any
) -> None:
    """Pressing Print in the preview leaves the GUI thread free: the queue check and the
    rendering at the printer's resolution run in the print job's worker."""
    import threading

    import ui.printing

    page = _saved_page(make_window)
    opened: list[Any] = []
    _print_from_preview(monkeypatch, tmp_path / "printed.pdf", opened)
    seen: dict[str, list[threading.Thread]] = {"paint": [], "check": []}
    real_paint, real_check = ui.printing._paint, ui.printing._check_queue

    def paint(*args: Any, **kw: Any) -> int:
        seen["paint"].append(threading.current_thread())
        return int(real_paint(*args, **kw))

    def check(*args: Any, **kw: Any) -> None:
        seen["check"].append(threading.current_thread())
        real_check(*args, **kw)

    monkeypatch.setattr(ui.printing, "_paint", paint)
    monkeypatch.setattr(ui.printing, "_check_queue", check)
    page._on_print_clicked("application")
    assert len(opened) == 1
    assert page.last_print["state"] in ("printing", "printed")  # the button did not wait for it
    _wait_for_the_job(qtbot, page)
    assert page.last_print["state"] == "printed", page.last_print
    assert seen["paint"] and seen["check"]
    main = threading.main_thread()
    assert all(t is not main for t in seen["paint"] + seen["check"]), seen
