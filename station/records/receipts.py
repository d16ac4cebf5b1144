"""Photo receipts (数字相片采集回执): numbered per station and day (see ``codes``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.db.models import Applicant, Photo, PhotoReceipt
from station.records import audit
from station.records.codes import make_receipt_number, next_value
from station.records.errors import NotFound
from station.records.types import ReceiptInfo

__all__ = ["get_receipt", "issue_receipt"]


def _info(r: PhotoReceipt) -> ReceiptInfo:
    return ReceiptInfo(
        r.number,
        r.station_code,
        r.issued_on,
        r.sequence,
        r.applicant_id,
        r.photo_id,
        r.studio,
        r.created_at,
        r.operator,
    )


def issue_receipt(
    session: Session,
    *,
    station_code: str,
    operator: str,
    studio: str = "",
    applicant_id: int | None = None,
    photo_id: int | None = None,
    today: date | None = None,
    actor: str | None = None,
) -> ReceiptInfo:
    """Draw the next receipt number of the day; when given an applicant, store it on the person
    (``photo_receipt_number``) in the same transaction.

    ``operator`` is stored with the receipt and printed on it for the applicant (a display
    name); ``actor`` is who the audit trail names (a user name, or an unverified claim with
    the OS login), by default ``operator``."""
    day = today or date.today()
    if photo_id is not None and session.get(Photo, photo_id) is None:
        raise NotFound(f"photo {photo_id} does not exist")
    person = None
    if applicant_id is not None:
        person = session.get(Applicant, applicant_id)
        if person is None:
            raise NotFound(f"applicant {applicant_id} does not exist")
    seq = next_value(session, f"receipt:{station_code}:{day:%Y%m%d}")
    receipt = PhotoReceipt(
        number=make_receipt_number(station_code, day, seq),
        station_code=station_code,
        issued_on=day,
        sequence=seq,
        applicant_id=applicant_id,
        photo_id=photo_id,
        studio=studio,
        operator=operator,
    )
    session.add(receipt)
    if person is not None:
        person.photo_receipt_number = receipt.number
    session.flush()
    audit.record(
        session,
        "receipt.issue",
        operator=operator if actor is None else actor,
        entity="receipt",
        entity_id=receipt.number,
        detail=f"applicant {applicant_id or '-'} photo {photo_id or '-'}",
    )
    return _info(receipt)


def get_receipt(session: Session, number: str) -> ReceiptInfo:
    r = session.execute(select(PhotoReceipt).where(PhotoReceipt.number == number.strip().upper())).scalar()
    if r is None:
        raise NotFound(f"no photo receipt {number}")
    return _info(r)
