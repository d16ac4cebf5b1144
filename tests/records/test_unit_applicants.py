"""``station.records.applicants.of_unit``: a unit's active applications with their people, in
one SQL statement (the unit forms build on it); on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from station.db import Database
from station.db.models import Application
from station.records import applicants, applications, units
from tests.records.factory import applicant

OP = "tester"


def _unit(db: Database, number: str, people: range) -> tuple[int, list[int]]:
    with db.session() as s:
        unit = units.add_unit(
            s,
            number=number,
            name=f"单位{number}",
            contact="王老师",
            contact_phone="010-62345678",
            operator=OP,
        )
        apps = [
            applicants.enroll(
                s, applicant(i), operator=OP, station_code="000001", unit_id=unit.id
            ).application_id
            for i in people
        ]
    return unit.id, apps


def test_of_unit_gives_the_active_applications_with_their_people_in_one_query(db: Database) -> None:
    unit_id, apps = _unit(db, "U1", range(1, 6))
    _unit(db, "U2", range(11, 13))  # another unit's people
    with db.session() as s:  # an application no longer active (its card reported lost, say)
        row = s.get(Application, apps[2])
        assert row is not None
        row.active = False
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    with db.session(readonly=True) as s:
        s.connection()  # the transaction's own statements are not the lookup's
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            found = applicants.of_unit(s, unit_id)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        expected = []
        for a in (apps[0], apps[1], apps[3], apps[4]):
            info = applications.get_application(s, a)
            expected.append((info, applicants.get_applicant(s, info.applicant_id).data))
    assert list(found) == expected
    assert len(statements) == 1, statements
