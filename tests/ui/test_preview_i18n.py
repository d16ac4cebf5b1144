"""The print preview (ui/printing.py) speaks through Qt's translations like the rest of the
window: English sources, Chinese from resources/i18n/station_zh_CN.qm (scripts/i18n.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6.QtPdf")

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from station.forms import save_pdf, unit_application_pdf
from tests.forms import samples
from ui.printing import make_printer, preview_dialog

pytestmark = [pytest.mark.gui]

REPO = Path(__file__).resolve().parents[2]
BUTTONS = ("preview_zoom_out", "preview_zoom_in", "preview_fit_width", "preview_print", "preview_cancel")


@pytest.fixture
def unit_pdf(tmp_path: Path) -> Path:
    return save_pdf(unit_application_pdf(samples.unit_application(15)), tmp_path / "unit.pdf")


@pytest.fixture
def chinese(qapp: Any) -> Iterator[None]:
    from ui.app import install_translator

    locale = QLocale()
    tr = install_translator(QApplication.instance(), "zh_CN")
    assert tr is not None
    try:
        yield
    finally:
        QApplication.instance().removeTranslator(tr)
        QLocale.setDefault(locale)


def _texts(dlg: Any) -> dict[str, str]:
    texts = {name: dlg.findChild(QPushButton, name).text() for name in BUTTONS}
    texts["preview_printer"] = dlg.findChild(QLabel, "preview_printer").text()
    texts["preview_page_count"] = dlg.findChild(QLabel, "preview_page_count").text()
    texts["title"] = dlg.windowTitle()
    return texts


def test_preview_is_english_without_a_translator(qtbot: Any, unit_pdf: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    dlg = preview_dialog(unit_pdf, make_printer(output_file=out))
    qtbot.addWidget(dlg)
    t = _texts(dlg)
    assert t["preview_print"] == "Print" and t["preview_cancel"] == "Cancel"
    assert t["preview_zoom_in"] == "Zoom in" and t["preview_fit_width"] == "Fit width"
    assert t["preview_printer"] == f"Printer: {out}"
    assert t["preview_page_count"] == "Pages: 2"
    assert t["title"] == "Print preview - unit.pdf"


def test_preview_is_chinese_with_the_station_translation(
    qtbot: Any, chinese: None, unit_pdf: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.pdf"
    dlg = preview_dialog(unit_pdf, make_printer(output_file=out))
    qtbot.addWidget(dlg)
    t = _texts(dlg)
    assert t == {
        "preview_zoom_out": "缩小",
        "preview_zoom_in": "放大",
        "preview_fit_width": "适合宽度",
        "preview_print": "打印",
        "preview_cancel": "取消",
        "preview_printer": f"打印机：{out}",
        "preview_page_count": "共 2 页",
        "title": "打印预览 - unit.pdf",
    }


def test_printing_has_no_chinese_literals() -> None:
    """Chinese belongs in resources/i18n/zh_CN.json, not in the code (comments aside)."""
    code = [
        line
        for line in (REPO / "ui" / "printing.py").read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
    ]
    assert not [line for line in code if re.search(r"[\u4e00-\u9fff]", line)]
