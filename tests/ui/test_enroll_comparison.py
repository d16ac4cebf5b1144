"""The enrollment page's six-item comparison uses the imported reference data (looked up by
``station.transfer.find_reference``, which normalises the number as the import stored it)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from station.db.models import ReferenceRecord
from tests.ui.conftest import APPLICANT

pytestmark = pytest.mark.gui


def test_comparison_shows_the_reference_record(make_window: Any) -> None:
    w = make_window()
    page = w.enroll_page
    with w.deps.records.db.session() as s:
        s.add(
            ReferenceRecord(
                document_number=APPLICANT["document_number"],
                name="张山",  # differs from the applicant's 张三
                sex="1",
                ethnicity="01",
                birth_date=date(1985, 3, 15),
                has_photo=True,
                source="reference.csv",
            )
        )
    page.form.set_values(dict(APPLICANT, photo_receipt_number="0000012026010500078"))
    page._on_save_clicked()
    assert page.application_id is not None
    rows = {
        page.compare.item(r, 0).text(): (page.compare.item(r, 1).text(), page.compare.item(r, 3).text())
        for r in range(page.compare.rowCount())
    }
    assert len(rows) == 6
    marks = [mark for _ref, mark in rows.values()]
    assert marks.count("×") == 1 and "张山" in [ref for ref, _m in rows.values()]
    assert [ref for ref, mark in rows.values() if mark == "×"] == ["张山"]
