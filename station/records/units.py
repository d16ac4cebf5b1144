"""Units (enrollment.md §2): number, name, contact and contact phone, all required; no tabs
or line breaks; the phone a mobile or a landline written ``area-code-number``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from station.db.models import Unit
from station.errors import InputError
from station.records import audit
from station.records.errors import Duplicate, NotFound
from station.records.types import UnitInfo

__all__ = ["add_unit", "find_unit", "get_unit", "list_units"]


def _info(u: Unit) -> UnitInfo:
    return UnitInfo(u.id, u.number, u.name, u.contact, u.contact_phone)


def _check(number: str, name: str, contact: str, contact_phone: str) -> None:
    from station.validation.phones import check_phone
    from station.validation.text import check_text

    for field, value in (
        ("number", number),
        ("name", name),
        ("contact", contact),
        ("contact_phone", contact_phone),
    ):
        issues = [i for i in check_text(field, value) if i.level == "error"]
        if issues:
            raise InputError(str(issues[0]))
        if not value.strip():
            raise InputError(f"{field}: required")
    errors = [i for i in check_phone("contact_phone", contact_phone.strip()) if i.level == "error"]
    if errors:
        raise InputError(str(errors[0]))


def add_unit(
    session: Session, *, number: str, name: str, contact: str, contact_phone: str, operator: str
) -> UnitInfo:
    _check(number, name, contact, contact_phone)
    unit = Unit(
        number=number.strip(), name=name.strip(), contact=contact.strip(), contact_phone=contact_phone.strip()
    )
    try:
        with session.begin_nested():
            session.add(unit)
    except IntegrityError as exc:
        raise Duplicate(f"unit number {number.strip()} already exists") from exc
    audit.record(
        session,
        "unit.add",
        operator=operator,
        entity="unit",
        entity_id=unit.id,
        detail=f"{unit.number} {unit.name}",
    )
    return _info(unit)


def get_unit(session: Session, unit_id: int) -> UnitInfo:
    u = session.get(Unit, unit_id)
    if u is None:
        raise NotFound(f"unit {unit_id} does not exist")
    return _info(u)


def find_unit(session: Session, key: str) -> UnitInfo:
    """A unit by its number, or by its id when ``key`` is ``#ID`` or no unit has that number."""
    k = key.strip()
    u = session.execute(select(Unit).where(Unit.number == k)).scalar()
    if u is None and k.lstrip("#").isdigit():
        u = session.get(Unit, int(k.lstrip("#")))
    if u is None:
        raise NotFound(f"no unit {key}")
    return _info(u)


def list_units(session: Session) -> tuple[UnitInfo, ...]:
    return tuple(_info(u) for u in session.execute(select(Unit).order_by(Unit.number)).scalars())
