"""Saving an enrollment from the station window: one service, one transaction.

The rule lives here, not in the window: when the person (``applicant_id``) has an active
application, the person is updated and that application is kept; otherwise the person is
enrolled (a new application; a person already on file by document number is reused). When the
station took the photo (``photo``) and the form has no receipt number, the photo receipt
number is drawn first, so the saved person carries it; the photo is attached to the
application unless the same JPEG (by SHA-256) is already its accepted photo.

Everything runs in the caller's session (``Database.session()``): on any error nothing is
saved (no person, no application, no receipt number, no photo)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from station.db.models import PhotoReceipt
from station.domain import ApplicantData, FieldIssue
from station.records import applicants, applications, photos, receipts

__all__ = ["EnrollmentPhoto", "EnrollmentResult", "save_enrollment"]


@dataclass(frozen=True)
class EnrollmentPhoto:
    """The accepted photo to attach: its JPEG and its compliance report."""

    jpeg: bytes
    report: Any
    source: str = ""
    profile: str = ""
    original: bytes | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.jpeg).hexdigest()


@dataclass(frozen=True)
class EnrollmentResult:
    applicant_id: int
    application_id: int
    retrieval_code: str
    status: str
    receipt_number: str  # the person's photo receipt number ("" when none)
    warnings: tuple[FieldIssue, ...] = ()
    photo_id: int | None = None  # the photo attached by this save (None: none attached)
    photo_sha256: str | None = None  # SHA-256 of the application's accepted photo, if it is ours
    updated_existing: bool = False  # the person's active application was kept


def save_enrollment(
    session: Session,
    data: ApplicantData,
    *,
    applicant_id: int | None,
    photo: EnrollmentPhoto | None,
    operator: str,
    station_code: str,
    studio: str = "",
    operator_name: str = "",
    keep_originals_days: int = 0,
    today: date | None = None,
) -> EnrollmentResult:
    """Enroll or update the person, attach the photo when it is new, draw the receipt number;
    all in ``session``'s transaction. Raises the services' errors (``InputError``,
    ``Duplicate``, ``InvalidTransition``, ``NotFound``); the caller's rollback then leaves
    nothing saved. ``operator`` is the account the audit trail names; ``operator_name`` (default:
    the same) is stored with a new receipt and printed on it, for the applicant to read."""
    active = None
    if applicant_id is not None:
        applicants.get_applicant(session, applicant_id)  # NotFound for a deleted person
        found = [a for a in applications.applications_of(session, applicant_id) if a.active]
        active = found[-1] if found else None

    sha = photo.sha256 if photo is not None else None
    already = False
    if photo is not None and active is not None:
        current = photos.accepted_photo_id(session, active.id)
        already = current is not None and photos.get_photo(session, current).sha256 == sha
    attach = photo is not None and not already

    receipt_number = ""
    if attach and not data.photo_receipt_number:
        receipt = receipts.issue_receipt(
            session,
            station_code=station_code,
            operator=operator_name or operator,
            actor=operator,
            studio=studio,
            today=today,
        )
        receipt_number = receipt.number
        data = data.replace(photo_receipt_number=receipt.number)

    updated = False
    if applicant_id is not None and active is not None:
        _rec, warnings = applicants.update_applicant(
            session, applicant_id, data, operator=operator, today=today
        )
        person_id, app_id, code = applicant_id, active.id, active.retrieval_code
        updated = True
    else:
        if applicant_id is not None:
            # The person on the form (no active application): their own row is updated first,
            # so a corrected document number does not create a second person.
            applicants.update_applicant(session, applicant_id, data, operator=operator, today=today)
        res = applicants.enroll(session, data, operator=operator, station_code=station_code, today=today)
        person_id, app_id, code, warnings = (
            res.applicant_id,
            res.application_id,
            res.retrieval_code,
            res.warnings,
        )

    photo_id: int | None = None
    accepted_sha = sha if already else None
    if attach and photo is not None:
        info = photos.attach_photo(
            session,
            app_id,
            photo.jpeg,
            photo.report,
            operator=operator,
            source=photo.source,
            profile=photo.profile,
            original=photo.original,
            keep_originals_days=keep_originals_days,
        )
        photo_id = info.id
        if info.accepted:
            accepted_sha = info.sha256
    if receipt_number:
        session.execute(
            update(PhotoReceipt)
            .where(PhotoReceipt.number == receipt_number)
            .values(applicant_id=person_id, photo_id=photo_id)
            .execution_options(synchronize_session=False)
        )
    app = applications.get_application(session, app_id)
    person = applicants.get_applicant(session, person_id)
    return EnrollmentResult(
        applicant_id=person_id,
        application_id=app_id,
        retrieval_code=code,
        status=app.status,
        receipt_number=person.data.photo_receipt_number or "",
        warnings=tuple(warnings),
        photo_id=photo_id,
        photo_sha256=accepted_sha,
        updated_existing=updated,
    )
