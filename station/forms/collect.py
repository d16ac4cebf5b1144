"""Build the forms' plain values from the records database.

Each function takes a session (one per user action, from ``Database.session()``), reads through
the records services (``station.records``) and the six-item comparison (``station.compare``), and
returns a frozen value of :mod:`station.forms.data`; no ORM row leaves this module.

The photo receipt is the one form that may write: when the application's person has no receipt
yet but has an accepted photo, :func:`photo_receipt` issues one (``records.receipts``) in the
caller's transaction, the way the studio hands it out right after the photo.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from station.compare import compare
from station.domain import ApplicantData
from station.forms.data import (
    ApplicationForm,
    ComparisonItem,
    ConfirmationForm,
    PhotoReceipt,
    StationInfo,
    UnitApplicant,
    UnitApplicationForm,
    UnitInfo,
    UnitList,
    UnitListRow,
)
from station.forms.errors import FormDataError
from station.records import applicants, applications, photos, receipts, units
from station.records.errors import NotFound
from station.records.status import LABELS
from station.records.types import ApplicationInfo
from station.transfer.reference import find_reference

__all__ = [
    "application_form",
    "confirmation_form",
    "photo_receipt",
    "reference_for",
    "unit_application_form",
    "unit_list",
]

# The one lookup of reference data is ``station.transfer.find_reference`` (it also normalises the
# number and takes the newest import); this name stays for callers of the forms package
# (ui/records_adapter.py).
reference_for = find_reference


def _unit(session: Session, unit_id: int | None) -> UnitInfo | None:
    if unit_id is None:
        return None
    u = units.get_unit(session, unit_id)
    return UnitInfo(u.number, u.name, u.contact, u.contact_phone)


def _photo(session: Session, application_id: int) -> bytes | None:
    found = photos.accepted_photo(session, application_id)
    return found[1] if found else None


def application_form(
    session: Session, application_id: int, station: StationInfo, *, now: datetime | None = None
) -> ApplicationForm:
    """申领登记表 of one application."""
    app = applications.get_application(session, application_id)
    person = applicants.get_applicant(session, app.applicant_id)
    return ApplicationForm(
        applicant=person.data,
        retrieval_code=app.retrieval_code,
        station=station,
        photo_jpeg=_photo(session, app.id),
        application_id=str(app.id),
        printed_at=now,
        unit=_unit(session, app.unit_id if app.unit_id is not None else person.unit_id),
    )


def confirmation_form(
    session: Session, application_id: int, station: StationInfo, *, now: datetime | None = None
) -> ConfirmationForm:
    """信息确认表: the six items compared with the imported reference data."""
    app = applications.get_application(session, application_id)
    person = applicants.get_applicant(session, app.applicant_id)
    photo = _photo(session, app.id)
    result = compare(
        person.data, find_reference(session, person.data.document_number), has_photo=photo is not None
    )
    items = tuple(ComparisonItem(i.label, i.reference, i.collected, i.mark) for i in result.items)
    return ConfirmationForm(
        name=person.data.name,
        document_number=person.data.document_number,
        items=items,
        has_id_card_photo=result.has_id_card_photo,
        station=station,
        photo_jpeg=photo,
        retrieval_code=app.retrieval_code,
        application_id=str(app.id),
        printed_at=now,
    )


def photo_receipt(
    session: Session,
    application_id: int,
    station: StationInfo,
    *,
    issue: bool = True,
    now: datetime | None = None,
    actor: str | None = None,
) -> PhotoReceipt:
    """数字相片采集回执 of an application's person; issues the receipt first when the person has
    an accepted photo but no receipt yet (and ``issue`` is true): ``station.operator`` is printed
    and stored with it, ``actor`` (default: the same) is named by the audit trail."""
    app = applications.get_application(session, application_id)
    person = applicants.get_applicant(session, app.applicant_id)
    found = photos.accepted_photo(session, app.id)
    jpeg = found[1] if found else None
    number = person.data.photo_receipt_number
    try:
        receipt = receipts.get_receipt(session, number) if number else None
    except NotFound:  # a receipt from another studio: print what the record says
        receipt = None
    if receipt is None and not number:
        if found is None:
            raise FormDataError(f"application {application_id} has no accepted photo, so no photo receipt")
        if not issue:
            raise FormDataError(f"application {application_id} has no photo receipt yet")
        receipt = receipts.issue_receipt(
            session,
            station_code=station.code,
            operator=station.operator,
            studio=station.name,
            applicant_id=person.id,
            photo_id=found[0].id,
            actor=actor,
        )
    if receipt is not None:
        number, taken_on = receipt.number, receipt.issued_on
        studio = StationInfo(
            code=receipt.station_code, name=receipt.studio or station.name, operator=receipt.operator
        )
        if receipt.photo_id:
            jpeg = photos.photo_bytes(session, receipt.photo_id)
    else:
        taken_on, studio = (now or datetime.now()).date(), station
    return PhotoReceipt(
        receipt_number=number,
        name=person.data.name,
        document_number=person.data.document_number,
        taken_on=taken_on,
        station=studio,
        photo_jpeg=jpeg,
        printed_at=now,
    )


def _unit_applications(
    session: Session, unit_key: str
) -> tuple[UnitInfo, tuple[tuple[ApplicationInfo, ApplicantData], ...]]:
    """The unit and its active applications with their people, oldest first: one query for the
    unit and one for the applications with their people (``applicants.of_unit``), however many
    there are."""
    u = units.find_unit(session, unit_key)
    rows = applicants.of_unit(session, u.id)
    if not rows:
        raise FormDataError(f"unit {u.number} has no active application")
    return UnitInfo(u.number, u.name, u.contact, u.contact_phone), rows


def unit_application_form(
    session: Session, unit_key: str, station: StationInfo, *, now: datetime | None = None
) -> UnitApplicationForm:
    """申领登记表 (unit) of every active application of a unit (by number, or ``#ID``)."""
    unit, rows = _unit_applications(session, unit_key)
    people = tuple(UnitApplicant(d, a.retrieval_code, str(a.id)) for a, d in rows)
    return UnitApplicationForm(unit=unit, applicants=people, station=station, printed_at=now)


def unit_list(
    session: Session, unit_key: str, station: StationInfo, *, batch: str = "", now: datetime | None = None
) -> UnitList:
    """A unit's list of its active applications (ID numbers are masked on the form). A constant
    number of queries: the unit, the applications with their people, and which have a photo."""
    unit, rows = _unit_applications(session, unit_key)
    with_photo = photos.with_accepted_photo(session, (a.id for a, _d in rows))
    out = tuple(
        UnitListRow(
            name=d.name,
            sex=d.sex,
            document_number=d.document_number,
            retrieval_code=a.retrieval_code,
            photo_receipt_number=d.photo_receipt_number,
            has_photo=a.id in with_photo,
            status=LABELS.get(a.status, a.status),
        )
        for a, d in rows
    )
    when = now or datetime.now()
    return UnitList(unit=unit, rows=out, station=station, batch=batch or f"{when:%Y-%m-%d}", printed_at=now)
