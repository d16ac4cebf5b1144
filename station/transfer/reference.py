"""Reference data for the six-item comparison, read from the database: the newest imported
record for a document number, and the whole comparison for one application (what the
confirmation form and the window show)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.compare import Comparison, ReferenceData, compare
from station.db.models import Application, ReferenceRecord
from station.records.applicants import get_applicant, lookup_forms
from station.records.errors import NotFound

__all__ = ["comparison_for_application", "find_reference"]


def find_reference(session: Session, document_number: str) -> ReferenceData | None:
    """The newest reference record for this number, in any of the forms a person's number is
    stored in (``records.applicants.lookup_forms``: imports store validation's form for the
    type the number's shape says, 15-digit ID numbers converted)."""
    r = session.execute(
        select(ReferenceRecord)
        .where(ReferenceRecord.document_number.in_(lookup_forms(document_number)))
        .order_by(ReferenceRecord.imported_at.desc(), ReferenceRecord.id.desc())
        .limit(1)
    ).scalar()
    if r is None:
        return None
    return ReferenceData(
        document_number=r.document_number,
        name=r.name,
        sex=r.sex,
        ethnicity=r.ethnicity,
        birth_date=r.birth_date,
        has_photo=r.has_photo,
        source=r.source,
    )


def comparison_for_application(session: Session, application_id: int) -> Comparison:
    """Compare an application's person (and whether it has an accepted photo) with the reference
    data on file."""
    from station.records.photos import accepted_photo_id

    app = session.get(Application, application_id)
    if app is None:
        raise NotFound(f"application {application_id} does not exist")
    person = get_applicant(session, app.applicant_id)
    has_photo = accepted_photo_id(session, app.id) is not None
    ref = find_reference(session, person.data.document_number)
    return compare(person.data, ref, has_photo=has_photo)
