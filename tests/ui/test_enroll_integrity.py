"""The enrollment page keeps each person's data to that person: the accepted photo belongs to
the applicant it was taken for, a re-save does not attach it again, a search that finds no one
(or someone else) leaves nothing of the previous person, unsaved changes are not overwritten
without asking, and saving is one transaction (``station.records.enrollment``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from station.db.models import Application, Photo, PhotoReceipt
from station.records import applicants
from tests.records.factory import applicant, jpeg_bytes, report
from tests.ui.conftest import APPLICANT
from ui.services import PhotoOutcome

pytestmark = pytest.mark.gui

RECEIPT = "0000012026010500078"
OTHER = {
    **APPLICANT,
    "document_number": "110105199001011232",
    "name": "李四",
    "name_pinyin": "LI SI",
    "birth_date": "1990-01-01",
    "sex": "1",
}


@dataclass(frozen=True)
class FakeReport:
    compliant: bool = True
    profile: str = "mohrss"

    def to_json(self) -> dict[str, Any]:
        return report(self.compliant)


def outcome(seed: int) -> PhotoOutcome:
    return PhotoOutcome(jpeg_bytes(8000, seed=seed), FakeReport(), "camera", False)  # type: ignore[arg-type]


def accept(w: Any, out: PhotoOutcome) -> None:
    """What the review's accept does, without running the photo pipeline."""
    w.accepted_photo = out
    w.act_save_jpeg.setEnabled(True)
    w.photo_accepted.emit(out)


def sha(out: PhotoOutcome) -> str:
    return hashlib.sha256(out.jpeg).hexdigest()


def photos_of(w: Any, application_id: int) -> list[str]:
    with w.deps.records.db.session(readonly=True) as s:
        return list(s.execute(select(Photo.sha256).where(Photo.application_id == application_id)).scalars())


def fill_and_save(page: Any, values: dict[str, str]) -> None:
    page.form.set_values(values)
    page.form._revalidate()
    assert page.form.valid, page.form.issues
    page._on_save_clicked()


def test_new_applicant_does_not_get_the_previous_persons_photo(make_window: Any) -> None:
    w = make_window()
    page = w.enroll_page
    a = outcome(1)
    accept(w, a)
    fill_and_save(page, APPLICANT)
    assert page.attached_sha == sha(a)
    assert photos_of(w, page.application_id) == [sha(a)]
    page._on_new_clicked()
    assert w.accepted_photo is None and page.attached_sha is None
    assert not w.act_save_jpeg.isEnabled()
    fill_and_save(page, dict(OTHER, photo_receipt_number=RECEIPT))
    assert photos_of(w, page.application_id) == []
    with w.deps.records.db.session(readonly=True) as s:
        assert s.execute(select(func.count()).select_from(PhotoReceipt)).scalar_one() == 1


def test_find_or_open_another_person_drops_the_photo(make_window: Any) -> None:
    w = make_window()
    page = w.enroll_page
    fill_and_save(page, dict(OTHER, photo_receipt_number=RECEIPT))
    other_id = page.applicant_id
    page._on_new_clicked()
    accept(w, outcome(2))
    fill_and_save(page, APPLICANT)
    page.search.setText(OTHER["document_number"])
    page._on_find_clicked()
    assert page.applicant_id == other_id and w.accepted_photo is None
    page._on_save_clicked()
    assert photos_of(w, page.application_id) == []
    # Opening a record from the browser / retake queue does the same.
    accept(w, outcome(3))
    assert photos_of(w, page.application_id) == [sha(outcome(3))]  # taken for this person
    page.load_applicant(other_id, None)
    assert w.accepted_photo is None


def test_photo_taken_before_finding_the_person_is_attached_to_them(make_window: Any) -> None:
    w = make_window()
    page = w.enroll_page
    fill_and_save(page, dict(OTHER, photo_receipt_number=RECEIPT))
    other_id, app_id = page.applicant_id, page.application_id
    page._on_new_clicked()
    out = outcome(4)
    accept(w, out)  # on an empty form: for whoever is found next
    page.search.setText(OTHER["document_number"])
    page._on_find_clicked()
    assert page.applicant_id == other_id and w.accepted_photo is out
    page._on_save_clicked()
    assert page.application_id == app_id and photos_of(w, app_id) == [sha(out)]


def test_resave_does_not_attach_the_same_jpeg_again(make_window: Any) -> None:
    w = make_window()
    page = w.enroll_page
    accept(w, outcome(5))
    fill_and_save(page, APPLICANT)
    page.form.set_values({"mobile": "13900139000"})
    page._on_save_clicked()
    page._on_save_clicked()
    assert photos_of(w, page.application_id) == [sha(outcome(5))]


def test_attached_sha_is_the_photo_that_was_sent(make_window: Any) -> None:
    w = make_window()
    page = w.enroll_page
    records = w.deps.records
    first, newer = outcome(6), outcome(7)
    swap = {"to": newer}
    real_comparison = records.comparison

    def comparison_while_another_photo_is_accepted(app_id: int) -> Any:
        w.accepted_photo = swap["to"]  # accepted while the save / attach job ran
        return real_comparison(app_id)

    records.comparison = comparison_while_another_photo_is_accepted
    accept(w, first)
    fill_and_save(page, APPLICANT)
    assert page.attached_sha == sha(first)
    assert photos_of(w, page.application_id) == [sha(first)]
    # The same on the attach path (a photo accepted for a saved application).
    swap["to"] = first
    accept(w, newer)
    assert page.attached_sha == sha(newer)


def test_search_without_a_match_clears_the_previous_person(make_window: Any) -> None:
    w = make_window()
    page = w.enroll_page
    accept(w, outcome(8))
    fill_and_save(page, APPLICANT)
    assert page.retrieval_code and page.compare.rowCount() == 6
    page.search.setText("110105199001011238")
    page._on_find_clicked()
    assert page.applicant_id is None and page.application_id is None
    assert page.retrieval_code == "" and page.status == "" and page.attached_sha is None
    assert page.compare.rowCount() == 0
    assert page.app_label.text() == page.tr("No application yet.")
    assert page.form.value("document_number") == "110105199001011238"
    assert page.form.value("name") == ""
    assert not page._form_dirty()  # searching again does not ask about the number it put there


def test_update_shows_the_validation_warnings(make_window: Any) -> None:
    w = make_window()
    page = w.enroll_page
    fill_and_save(page, dict(APPLICANT, photo_receipt_number=RECEIPT))
    page.form.set_values({"address": "北京市朝阳区建国路" * 12})
    page._on_save_clicked()
    assert "100" in w.status.currentMessage(), w.status.currentMessage()


def test_find_asks_before_overwriting_unsaved_changes(make_window: Any) -> None:
    w = make_window()
    page = w.enroll_page
    fill_and_save(page, dict(APPLICANT, photo_receipt_number=RECEIPT))
    saved_id = page.applicant_id
    page._on_new_clicked()
    page.form.set_values(dict(OTHER, photo_receipt_number=RECEIPT))  # typed, not saved
    asked: list[bool] = []
    page._ask_discard = lambda: asked.append(True) or False  # the clerk keeps the form
    page.search.setText(APPLICANT["document_number"])
    page._on_find_clicked()
    assert asked and page.form.value("name") == "李四"
    assert page.load_applicant(saved_id, None) is False
    assert page.form.value("name") == "李四"
    page._ask_discard = lambda: True
    page._on_find_clicked()
    assert page.form.value("name") == "张三" and page.applicant_id == saved_id


def test_find_by_name_offers_the_choices(make_window: Any) -> None:
    w = make_window()
    page = w.enroll_page
    with w.deps.records.db.session() as s:
        ids = [
            applicants.enroll(s, applicant(i), operator="t", station_code="000001").applicant_id
            for i in (2, 22)
        ]
        names = [applicants.get_applicant(s, i).data.name for i in ids]
    assert names[0][0] == names[1][0] == "张"
    page.search.setText(names[1])
    page._on_find_clicked()
    assert page.applicant_id == ids[1] and page.form.value("name") == names[1]
    page.search.setText("张")
    page._on_find_clicked()
    assert not page.choices.isHidden() and page.choices.count() == 2
    page._on_choices_item_activated(page.choices.item(0))
    assert page.applicant_id == ids[0] and page.choices.isHidden()


def test_open_a_person_without_an_application(make_window: Any) -> None:
    w = make_window()
    page = w.enroll_page
    with w.deps.records.db.session() as s:
        res = applicants.enroll(s, applicant(3), operator="t", station_code="000001")
        s.execute(delete(Application).where(Application.id == res.application_id))
    assert page.load_applicant(res.applicant_id, None)
    assert page.applicant_id == res.applicant_id and page.application_id is None
    assert page.form.value("name") == applicant(3).name


def test_saving_the_jpeg_to_a_bad_place_shows_one_line(
    make_window: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QMessageBox

    import ui.main_window

    w = make_window()
    accept(w, outcome(9))
    target = tmp_path / "missing" / "photo.jpg"
    monkeypatch.setattr(ui.main_window.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    w._on_save_jpeg_requested()
    boxes = [b for b in w.findChildren(QMessageBox) if b.isVisible() and b.objectName() == "error_dialog"]
    assert len(boxes) == 1 and "\n" not in boxes[0].text() + boxes[0].informativeText()


def test_print_to_file_runs_on_the_window_job_runner(make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    w = make_window()
    page = w.enroll_page
    fill_and_save(page, dict(APPLICANT, photo_receipt_number=RECEIPT))
    names: list[str] = []
    real_run = w.deps.jobs.run

    def run(name: str, *args: Any, **kw: Any) -> None:
        names.append(name)
        real_run(name, *args, **kw)

    w.deps.jobs.run = run
    target = tmp_path / "application.pdf"
    page._on_print_clicked("application", target)
    qtbot.waitUntil(lambda: page.last_print.get("state") in ("printed", "failed"), timeout=20000)
    assert page.last_print["state"] == "printed", page.last_print
    assert "print application to file" in names


def test_photo_taken_on_an_empty_form_goes_with_the_person_then_typed(make_window: Any) -> None:
    w = make_window()
    page = w.enroll_page
    accept(w, outcome(10))  # empty form
    page.form.set_values(APPLICANT)  # the clerk types this person, does not save...
    page._ask_discard = lambda: False
    page._on_new_clicked()  # New asks first too: kept
    assert page.form.value("name") == "张三" and w.accepted_photo is not None
    page._ask_discard = lambda: True
    page._on_new_clicked()  # ...and starts another one: the photo is not theirs
    assert w.accepted_photo is None
    fill_and_save(page, dict(OTHER, photo_receipt_number=RECEIPT))
    assert photos_of(w, page.application_id) == []
