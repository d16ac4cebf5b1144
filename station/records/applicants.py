"""Applicants: enroll (a person + an application), edit, delete, find and list.

Every function takes the session of one user action. Validation is ``station.validation``'s
(errors refuse the action with ``InputError`` naming the field; warnings are returned).
Document numbers are stored in ``station.validation.normalize_document_number``'s form
(type-aware: trimmed, letters upper-cased only for types whose letters are upper case), so
what validation checked, what is stored and what a lookup searches agree.
Duplicates: an active application or card for the same document number blocks a new
application, and the message says which one, in what state, and what would allow a new one.
A card reported lost, replaced or exchanged (its application moved there, the card followed)
blocks nothing: the person may be collected again for a replacement, and the new card will
link the old one (``records.cards``).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from station.db.models import Applicant, Application, Card, Unit
from station.domain import ApplicantData, FieldIssue, mask_id
from station.errors import InputError
from station.records import audit
from station.records.applications import info as application_info
from station.records.applications import new_application
from station.records.errors import Duplicate, InvalidTransition, NotFound
from station.records.photos import with_accepted_photo
from station.records.status import (
    ACTIVE_CARD_STATUSES,
    CARD_STATUS_LABELS,
    EDITABLE,
    LABELS,
    REPLACEABLE_CARD_STATUSES,
)
from station.records.types import ApplicantRecord, ApplicantSummary, ApplicationInfo, EnrollResult, Page
from station.validation.documents import full_width_to_ascii, normalize_document_number
from station.validation.idnumber import upgrade_15_to_18

__all__ = [
    "DATA_FIELDS",
    "delete_applicant",
    "enroll",
    "find_by_document_number",
    "get_applicant",
    "list_page",
    "lookup_forms",
    "of_unit",
    "search",
    "update_applicant",
    "validate",
]

DATA_FIELDS = tuple(f.name for f in dataclasses.fields(ApplicantData))
MAX_PAGE_SIZE = 500


def lookup_forms(number: str) -> tuple[str, ...]:
    """The stored forms (``normalize_document_number``'s, for some type) a document number given
    without its type can have, in order of preference: in ASCII (``full_width_to_ascii``) and
    trimmed, as the types that keep their case store it; upper-cased, as ID numbers, passports
    and permits are stored; for a 15-digit ID number, its 18-digit form (validation refuses 15
    digits, imports convert them). The one lookup of a person's number for the records, the
    imports and the reference data (``station.transfer``)."""
    n = full_width_to_ascii(number).strip()
    forms = [n, n.upper()]
    with contextlib.suppress(ValueError):  # IdNumberError: not a 15-digit ID number
        forms.append(upgrade_15_to_18(n))
    return tuple(dict.fromkeys(forms))


def _by_number(session: Session, number: str) -> Applicant | None:
    forms = lookup_forms(number)
    rows = {
        r.document_number: r
        for r in session.execute(select(Applicant).where(Applicant.document_number.in_(forms))).scalars()
    }
    return next((rows[f] for f in forms if f in rows), None)


def validate(data: ApplicantData, *, today: date | None = None) -> tuple[FieldIssue, ...]:
    """Run the validation library; raise ``InputError`` on the first error, return warnings."""
    from station.validation import validate_applicant

    issues = validate_applicant(data, today=today)
    errors = [i for i in issues if i.level == "error"]
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InputError(f"{first.field}: {first.message}{more}")
    return tuple(i for i in issues if i.level != "error")


def _data(row: Applicant) -> ApplicantData:
    values = {name: getattr(row, name) for name in DATA_FIELDS}
    return ApplicantData(**values)


def _record(row: Applicant) -> ApplicantRecord:
    return ApplicantRecord(row.id, row.unit_id, _data(row), row.created_at, row.updated_at, row.created_by)


def _apply(row: Applicant, data: ApplicantData) -> None:
    for name in DATA_FIELDS:
        setattr(row, name, getattr(data, name))
    row.document_number = normalize_document_number(data.document_type, data.document_number)


def _check_unit(session: Session, unit_id: int | None) -> None:
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise NotFound(f"unit {unit_id} does not exist")


# What allows a new application while the active one is in these statuses.
_WHAT_NEXT = {
    "issued": "report the card lost or exchange it before a new card is applied for",
    "pre_reported_lost": "confirm the loss (reported_lost) before a replacement is applied for",
}


def blocking_reason(session: Session, applicant_id: int, document_number: str) -> str | None:
    """Why a new application for this person is refused, or None."""
    app = session.execute(
        select(Application).where(Application.applicant_id == applicant_id, Application.active)
    ).scalar()
    masked = mask_id(document_number)
    if app is not None:
        return (
            f"document number {masked} already has an active application {app.id} "
            f"(检索码 {app.retrieval_code}, status {app.status} {LABELS.get(app.status, '')}); "
            + _WHAT_NEXT.get(app.status, "finish or continue that application")
        )
    card = session.execute(
        select(Card)
        .where(Card.applicant_id == applicant_id, Card.status.in_(ACTIVE_CARD_STATUSES))
        .order_by(Card.id.desc())
        .limit(1)
    ).scalar()
    if card is not None:
        return (
            f"document number {masked} already has a card {card.card_number or card.id} "
            f"({card.status} {CARD_STATUS_LABELS.get(card.status, '')}) on application "
            f"{card.application_id}"
        )
    return None


def replaced_card(session: Session, applicant_id: int, *, other_than: int | None = None) -> Card | None:
    """The person's newest card out of use (reported lost, replaced, exchanged), the one a new
    card replaces; ``other_than`` leaves out the cards of that application."""
    stmt = select(Card).where(Card.applicant_id == applicant_id, Card.status.in_(REPLACEABLE_CARD_STATUSES))
    if other_than is not None:
        stmt = stmt.where(Card.application_id != other_than)
    return session.execute(stmt.order_by(Card.id.desc()).limit(1)).scalar()


def enroll(
    session: Session,
    data: ApplicantData,
    *,
    operator: str,
    station_code: str,
    unit_id: int | None = None,
    today: date | None = None,
) -> EnrollResult:
    """Save a person and open a new application (status ``collected``) with a retrieval code.

    A person already on file (same document number) with no active application or card is
    updated and gets a new application (re-collection after a loss, for example)."""
    warnings = validate(data, today=today)
    _check_unit(session, unit_id)
    number = normalize_document_number(data.document_type, data.document_number)
    existing = session.execute(
        select(Applicant).where(Applicant.document_number == number).with_for_update()
    ).scalar()
    updated = existing is not None
    previous: Card | None = None
    if existing is not None:
        reason = blocking_reason(session, existing.id, number)
        if reason:
            raise Duplicate(reason)
        previous = replaced_card(session, existing.id)
        row = existing
        _apply(row, data)
        if unit_id is not None:
            row.unit_id = unit_id
    else:
        row = Applicant(unit_id=unit_id, created_by=operator)
        _apply(row, data)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError as exc:
            raise Duplicate(
                f"document number {mask_id(number)} was saved by another station at the same moment"
            ) from exc
    session.flush()
    app = new_application(session, row.id, unit_id=row.unit_id, operator=operator, station_code=station_code)
    audit.record(
        session,
        "enroll",
        operator=operator,
        entity="application",
        entity_id=app.id,
        detail=f"applicant {row.id} {mask_id(number)} retrieval code {app.retrieval_code}"
        + (" (existing person)" if updated else "")
        + (
            f"; replacement for card {previous.card_number or previous.id} ({previous.status}) "
            f"of application {previous.application_id}"
            if previous is not None
            else ""
        ),
    )
    return EnrollResult(
        row.id, app.id, app.retrieval_code, warnings, updated, previous.id if previous else None
    )


def _get(session: Session, applicant_id: int, *, lock: bool = False) -> Applicant:
    stmt = select(Applicant).where(Applicant.id == applicant_id)
    if lock:
        stmt = stmt.with_for_update()
    row = session.execute(stmt).scalar()
    if row is None:
        raise NotFound(f"applicant {applicant_id} does not exist")
    return row


def get_applicant(session: Session, applicant_id: int) -> ApplicantRecord:
    return _record(_get(session, applicant_id))


def find_by_document_number(
    session: Session, number: str, document_type: str | None = None
) -> ApplicantRecord | None:
    """The person with this document number, normalised as it was stored: by its type's rule
    when ``document_type`` is given, else in each form of ``lookup_forms``."""
    if document_type is not None:
        number = normalize_document_number(document_type, number)
        row = session.execute(select(Applicant).where(Applicant.document_number == number)).scalar()
    else:
        row = _by_number(session, number)
    return None if row is None else _record(row)


def of_unit(session: Session, unit_id: int) -> tuple[tuple[ApplicationInfo, ApplicantData], ...]:
    """A unit's active applications with their people, oldest first, in one query (the
    applications joined with their applicants, however many there are)."""
    rows = session.execute(
        select(Application, Applicant)
        .join(Applicant, Applicant.id == Application.applicant_id)
        .where(Application.unit_id == unit_id, Application.active.is_(True))
        .order_by(Application.id)
    )
    return tuple((application_info(app), _data(person)) for app, person in rows)


def update_applicant(
    session: Session,
    applicant_id: int,
    changes: Mapping[str, Any] | ApplicantData,
    *,
    operator: str,
    unit_id: int | None = None,
    today: date | None = None,
) -> tuple[ApplicantRecord, tuple[FieldIssue, ...]]:
    """Change fields of a person (validated as a whole). Refused once the batch has left."""
    row = _get(session, applicant_id, lock=True)
    active = session.execute(
        select(Application).where(Application.applicant_id == row.id, Application.active)
    ).scalar()
    if active is not None and active.status not in EDITABLE:
        raise InvalidTransition(
            f"applicant {applicant_id} cannot be edited: application {active.id} is {active.status}"
        )
    if isinstance(changes, ApplicantData):
        new = changes
    else:
        unknown = sorted(set(changes) - set(DATA_FIELDS))
        if unknown:
            raise InputError(f"{unknown[0]}: not an applicant field")
        new = _data(row).replace(**dict(changes))
    warnings = validate(new, today=today)
    old_number = row.document_number
    new_number = normalize_document_number(new.document_type, new.document_number)
    if new_number != old_number:
        other = session.execute(select(Applicant.id).where(Applicant.document_number == new_number)).scalar()
        if other is not None:
            raise Duplicate(f"document number {mask_id(new_number)} belongs to applicant {other}")
    changed = [name for name in DATA_FIELDS if getattr(new, name) != getattr(row, name)]
    _apply(row, new)
    if unit_id is not None:
        _check_unit(session, unit_id)
        row.unit_id = unit_id
    session.flush()
    audit.record(
        session,
        "applicant.edit",
        operator=operator,
        entity="applicant",
        entity_id=row.id,
        detail=f"{mask_id(new_number)} changed: {', '.join(changed) or 'nothing'}",
    )
    return _record(row), warnings


def delete_applicant(session: Session, applicant_id: int, *, operator: str) -> None:
    """Delete a person with their applications and photos (enrollment.md §2). A person with a
    card is never deleted: the card record must stay."""
    row = _get(session, applicant_id, lock=True)
    has_card = session.execute(select(exists().where(Card.applicant_id == row.id))).scalar()
    if has_card:
        raise InvalidTransition(f"applicant {applicant_id} has a card on record and cannot be deleted")
    number = row.document_number
    session.delete(row)
    session.flush()
    audit.record(
        session,
        "applicant.delete",
        operator=operator,
        entity="applicant",
        entity_id=applicant_id,
        detail=f"{mask_id(number)} deleted with applications and photos",
    )


# -- lists -------------------------------------------------------------------------------------


def _summaries(session: Session, rows: Sequence[Applicant], *, full: bool) -> tuple[ApplicantSummary, ...]:
    if not rows:
        return ()
    ids = [r.id for r in rows]
    # The newest application of each person.
    newest = (
        select(func.max(Application.id))
        .where(Application.applicant_id.in_(ids))
        .group_by(Application.applicant_id)
        .scalar_subquery()
    )
    apps = {
        a.applicant_id: a
        for a in session.execute(select(Application).where(Application.id.in_(newest))).scalars()
    }
    with_photo = with_accepted_photo(session, (a.id for a in apps.values()))
    out = []
    for r in rows:
        app = apps.get(r.id)
        out.append(
            ApplicantSummary(
                applicant_id=r.id,
                name=r.name,
                name_pinyin=r.name_pinyin,
                sex=r.sex,
                birth_date=r.birth_date,
                document_type=r.document_type,
                document_number=r.document_number if full else mask_id(r.document_number),
                unit_id=r.unit_id,
                application_id=app.id if app else None,
                retrieval_code=app.retrieval_code if app else "",
                status=app.status if app else "",
                has_photo=app is not None and app.id in with_photo,
            )
        )
    return tuple(out)


def _prefix_upper(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix`` (code points)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1) if ord(prefix[-1]) < 0x10FFFF else prefix + "\U0010ffff"


def search(
    session: Session, prefix: str, *, limit: int = 50, full: bool = False
) -> tuple[ApplicantSummary, ...]:
    """People whose name (or, for Latin letters, name pinyin) starts with ``prefix``, or whose
    document number equals it."""
    prefix = prefix.strip()
    if not prefix:
        raise InputError("search: give the beginning of a name")
    if "\t" in prefix or "\n" in prefix:
        raise InputError("search: no tabs or line breaks")
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    column = (
        Applicant.name_pinyin if prefix.isascii() and prefix.replace(" ", "").isalpha() else Applicant.name
    )
    needle = prefix.upper() if column is Applicant.name_pinyin else prefix
    # A range on the column uses its index on both databases (binary/"C" order on PostgreSQL via
    # text_pattern_ops for LIKE, code-point order on SQLite).
    cond: ColumnElement[bool]
    if session.get_bind().dialect.name == "postgresql":
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        cond = column.like(escaped + "%", escape="\\")
    else:
        cond = (column >= needle) & (column < _prefix_upper(needle))
    stmt = select(Applicant).where(cond).order_by(column, Applicant.id).limit(limit)
    rows = list(session.execute(stmt).scalars())
    if not rows and prefix.replace("x", "X").isalnum():
        row = _by_number(session, prefix)
        rows = [row] if row is not None else []
    return _summaries(session, rows, full=full)


def list_page(
    session: Session,
    page: int = 1,
    page_size: int = 50,
    *,
    unit_id: int | None = None,
    status: str | None = None,
    full: bool = False,
) -> Page[ApplicantSummary]:
    """One page of people, newest first; document numbers masked unless ``full``."""
    if page < 1:
        raise InputError("page: pages start at 1")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InputError(f"page_size: 1 to {MAX_PAGE_SIZE}")
    stmt = select(Applicant)
    count = select(func.count()).select_from(Applicant)
    if unit_id is not None:
        stmt = stmt.where(Applicant.unit_id == unit_id)
        count = count.where(Applicant.unit_id == unit_id)
    if status:
        has_status = exists().where(Application.applicant_id == Applicant.id, Application.status == status)
        stmt = stmt.where(has_status)
        count = count.where(has_status)
    total = int(session.execute(count).scalar_one())
    rows = list(
        session.execute(
            stmt.order_by(Applicant.id.desc()).limit(page_size).offset((page - 1) * page_size)
        ).scalars()
    )
    return Page(_summaries(session, rows, full=full), total, page, page_size)
