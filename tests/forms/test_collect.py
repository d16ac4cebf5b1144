"""Building form values from the records: the photo receipt's three cases (issued here now,
issued here before, issued by another studio) and the six items against the newest reference."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from station.db import Database, open_database
from station.db.models import ReferenceRecord
from station.forms import collect
from station.forms.data import StationInfo
from station.forms.errors import FormDataError
from station.records import applicants, codes, photos
from tests.forms import samples

REPORT = {"compliant": True, "checks": []}
OTHER_STUDIO = StationInfo(code="440501", name="龙湖照相馆", operator="陈一")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'station.db'}", data_dir=tmp_path)
    yield database
    database.close()


def _enrol(db: Database, seq: int, *, receipt: str = "", photo: bool = True) -> int:
    born = date(2012, 3, 7) if not receipt else date(1990, 3, 7)  # under 16: no receipt needed
    number = samples.id_number(f"{born:%Y%m%d}", seq)
    data = samples.applicant(document_number=number, birth_date=born, photo_receipt_number=receipt)
    with db.session() as s:
        res = applicants.enroll(s, data, operator="tester", station_code="440501")
        if photo:
            photos.attach_photo(s, res.application_id, samples.sample_jpeg(), REPORT, operator="tester")
    return res.application_id


def test_receipt_issued_here_then_reprinted_with_its_studio(db: Database) -> None:
    app_id = _enrol(db, 11)
    with db.session() as s:
        first = collect.photo_receipt(s, app_id, OTHER_STUDIO)
    assert codes.is_valid_receipt_number(first.receipt_number)
    assert first.station == OTHER_STUDIO and first.photo_jpeg == samples.sample_jpeg()
    with db.session() as s:  # at another desk: the receipt keeps the studio that issued it
        again = collect.photo_receipt(s, app_id, samples.STATION, issue=False)
    assert again.receipt_number == first.receipt_number and again.taken_on == first.taken_on
    assert again.station == OTHER_STUDIO


def test_receipt_of_another_studio_prints_the_recorded_number(db: Database) -> None:
    app_id = _enrol(db, 13, receipt=samples.RECEIPT)
    now = datetime(2025, 5, 6, 10, 0)
    with db.session() as s:
        form = collect.photo_receipt(s, app_id, samples.STATION, now=now)
    assert form.receipt_number == samples.RECEIPT
    assert form.station == samples.STATION and form.taken_on == now.date()


def test_no_receipt_without_a_photo_or_when_not_issuing(db: Database) -> None:
    no_photo = _enrol(db, 15, photo=False)
    with db.session() as s, pytest.raises(FormDataError, match="no accepted photo"):
        collect.photo_receipt(s, no_photo, samples.STATION)
    app_id = _enrol(db, 17)
    with db.session() as s, pytest.raises(FormDataError, match="no photo receipt yet"):
        collect.photo_receipt(s, app_id, samples.STATION, issue=False)


def test_confirmation_uses_the_newest_reference(db: Database) -> None:
    app_id = _enrol(db, 19)
    number = samples.id_number("20120307", 19)
    with db.session() as s:
        # the newest import wins, whatever order the rows were written in
        for name, at in (("张三", datetime(2025, 2, 3)), ("旧名", datetime(2025, 1, 2))):
            s.add(ReferenceRecord(document_number=number, name=name, sex="1", imported_at=at))
    with db.session() as s:
        form = collect.confirmation_form(s, app_id, samples.STATION)
    name_item = next(i for i in form.items if i.item == "姓名")
    assert (name_item.reference, name_item.mark) == ("张三", "√")
