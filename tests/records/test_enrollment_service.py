"""``station.records.enrollment.save_enrollment``: enroll or update, the photo and the receipt
number in one transaction; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from station.db import Database
from station.db.models import Applicant, Application, Photo, PhotoReceipt
from station.domain import ApplicantData
from station.errors import InputError
from station.records import applicants, photos
from station.records.enrollment import EnrollmentPhoto, EnrollmentResult, save_enrollment
from tests.records.factory import applicant, jpeg_bytes, report

OP = "tester"
ST = "000001"
TODAY = date(2025, 1, 15)


def save(
    db: Database, data: ApplicantData, applicant_id: int | None = None, photo: EnrollmentPhoto | None = None
) -> EnrollmentResult:
    with db.session() as s:
        return save_enrollment(
            s, data, applicant_id=applicant_id, photo=photo, operator=OP, station_code=ST, today=TODAY
        )


def counts(db: Database) -> tuple[int, ...]:
    with db.session(readonly=True) as s:
        return tuple(
            s.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (Applicant, Application, Photo, PhotoReceipt)
        )


def test_new_person_with_photo_gets_receipt_and_photo_in_one_save(db: Database) -> None:
    photo = EnrollmentPhoto(jpeg_bytes(seed=1), report(), source="camera")
    res = save(db, applicant(1, photo_receipt_number=""), photo=photo)
    assert res.status == "photo_accepted"
    assert res.receipt_number and res.photo_id is not None
    assert res.photo_sha256 == photo.sha256
    with db.session(readonly=True) as s:
        rec = applicants.get_applicant(s, res.applicant_id)
        got = photos.accepted_photo(s, res.application_id)
        rcpt = s.execute(select(PhotoReceipt)).scalar_one()
        assert (rcpt.applicant_id, rcpt.photo_id) == (res.applicant_id, res.photo_id)
    assert rec.data.photo_receipt_number == res.receipt_number
    assert got is not None and got[1] == photo.jpeg


def test_resave_updates_and_does_not_attach_the_same_photo_again(db: Database) -> None:
    photo = EnrollmentPhoto(jpeg_bytes(seed=2), report())
    first = save(db, applicant(2, photo_receipt_number=""), photo=photo)
    data = applicant(2, photo_receipt_number=first.receipt_number, mobile="13900139000")
    again = save(db, data, first.applicant_id, photo)
    assert (again.applicant_id, again.application_id) == (first.applicant_id, first.application_id)
    assert again.updated_existing and again.photo_id is None
    assert again.photo_sha256 == photo.sha256
    assert counts(db) == (1, 1, 1, 1)
    other = EnrollmentPhoto(jpeg_bytes(seed=3), report())
    third = save(db, data, first.applicant_id, other)
    assert third.photo_id is not None and third.photo_sha256 == other.sha256
    assert counts(db) == (1, 1, 2, 1)  # the form's receipt number is kept


def test_update_returns_the_validation_warnings(db: Database) -> None:
    first = save(db, applicant(4))
    res = save(db, applicant(4, address="北京市" * 40), first.applicant_id)
    assert res.updated_existing
    assert [w.code for w in res.warnings] == ["too_long"]


def test_a_failing_photo_step_leaves_nothing_saved(db: Database) -> None:
    bad = EnrollmentPhoto(b"not a jpeg", report())
    with pytest.raises(InputError):
        save(db, applicant(5, photo_receipt_number=""), photo=bad)
    assert counts(db) == (0, 0, 0, 0)
    # An update of a person on file: their change and the receipt are rolled back too.
    first = save(db, applicant(6))
    with pytest.raises(InputError):
        save(db, applicant(6, photo_receipt_number="", mobile="13900139000"), first.applicant_id, bad)
    assert counts(db) == (1, 1, 0, 0)
    with db.session(readonly=True) as s:
        assert applicants.get_applicant(s, first.applicant_id).data == applicant(6)


def test_receipt_prints_the_display_name_and_the_audit_names_the_account(db: Database) -> None:
    from station.db.models import AuditEvent

    photo = EnrollmentPhoto(jpeg_bytes(seed=9), report())
    with db.session() as s:
        res = save_enrollment(
            s,
            applicant(9, photo_receipt_number=""),
            applicant_id=None,
            photo=photo,
            operator="chief",
            operator_name="王主任",
            station_code=ST,
            today=TODAY,
        )
    with db.session(readonly=True) as s:
        row = s.execute(select(PhotoReceipt).where(PhotoReceipt.number == res.receipt_number)).scalar_one()
        issued = s.execute(select(AuditEvent).where(AuditEvent.action == "receipt.issue")).scalar_one()
    assert row.operator == "王主任"
    assert issued.operator == "chief"
