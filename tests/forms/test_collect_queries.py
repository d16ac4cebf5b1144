"""The unit forms read a unit's people in a constant number of SQL statements (no query per
applicant), on SQLite and PostgreSQL, and still give what the records services say of each."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from station.db import Database, open_database
from station.forms import collect
from station.records import applicants, applications, photos, units
from station.records.status import LABELS
from tests.forms import samples
from tests.records.factory import applicant, jpeg_bytes, report

OP = "tester"
NOW = datetime(2025, 5, 6, 10, 0)


@pytest.fixture
def db(any_db_url: str, tmp_path: Path) -> Iterator[Database]:
    database = open_database(any_db_url, data_dir=tmp_path)
    yield database
    database.close()


def _unit_with(db: Database, number: str, people: range) -> None:
    """A unit with one active application per person; every other person has a photo."""
    jpeg = jpeg_bytes(20_000)
    with db.session() as s:
        unit = units.add_unit(
            s,
            number=number,
            name=f"单位{number}",
            contact="王老师",
            contact_phone="010-62345678",
            operator=OP,
        )
        for i in people:
            res = applicants.enroll(s, applicant(i), operator=OP, station_code="440501", unit_id=unit.id)
            if i % 2:
                photos.attach_photo(s, res.application_id, jpeg, report(True), operator=OP)


class _Statements:
    """The SQL statements the engine sends while ``counting`` is true."""

    def __init__(self, db: Database) -> None:
        self.sql: list[str] = []
        self.counting = False
        self._engine = db.engine
        event.listen(self._engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self.counting:
            self.sql.append(statement)

    def close(self) -> None:
        event.remove(self._engine, "before_cursor_execute", self._on_execute)

    def count(self, fn: Any, *args: Any) -> tuple[int, Any]:
        self.sql.clear()
        self.counting = True
        try:
            result = fn(*args)
        finally:
            self.counting = False
        return len(self.sql), result


def _forms(db: Database, unit: str) -> tuple[Any, Any]:
    with db.session(readonly=True) as s:
        return (
            collect.unit_list(s, unit, samples.STATION, batch="b1", now=NOW),
            collect.unit_application_form(s, unit, samples.STATION, now=NOW),
        )


def test_unit_forms_take_the_same_number_of_queries_for_3_or_30_people(db: Database) -> None:
    _unit_with(db, "U3", range(1, 4))
    _unit_with(db, "U30", range(101, 131))
    statements = _Statements(db)
    try:
        counts: dict[str, tuple[int, int]] = {}
        for unit in ("U3", "U30"):
            with db.session(readonly=True) as s:
                n_list, listed = statements.count(collect.unit_list, s, unit, samples.STATION)
                n_form, _form = statements.count(collect.unit_application_form, s, unit, samples.STATION)
            counts[unit] = (n_list, n_form)
            assert len(listed.rows) == (3 if unit == "U3" else 30)
    finally:
        statements.close()
    assert counts["U3"] == counts["U30"], statements.sql
    assert max(counts["U30"]) <= 4  # the unit, the applications with their people, the photos


def test_unit_forms_give_what_the_records_say_of_each_person(db: Database) -> None:
    _unit_with(db, "U7", range(201, 208))
    _unit_with(db, "OTHER", range(301, 303))  # another unit's people stay off the list
    unit_list, unit_form = _forms(db, "U7")
    with db.session(readonly=True) as s:
        apps = sorted(
            (applications.get_application(s, int(r.application_id)) for r in unit_form.applicants),
            key=lambda a: a.id,
        )
        expected_rows = []
        expected_people = []
        for a in apps:
            person = applicants.get_applicant(s, a.applicant_id).data
            expected_people.append((person, a.retrieval_code, str(a.id)))
            expected_rows.append(
                (
                    person.name,
                    person.sex,
                    person.document_number,
                    a.retrieval_code,
                    person.photo_receipt_number,
                    photos.accepted_photo_id(s, a.id) is not None,
                    LABELS.get(a.status, a.status),
                )
            )
    assert len(apps) == 7
    people = [(p.applicant, p.retrieval_code, p.application_id) for p in unit_form.applicants]
    assert people == expected_people
    assert [
        (
            r.name,
            r.sex,
            r.document_number,
            r.retrieval_code,
            r.photo_receipt_number,
            r.has_photo,
            r.status,
        )
        for r in unit_list.rows
    ] == expected_rows
    assert {r.has_photo for r in unit_list.rows} == {True, False}
    assert unit_list.unit.number == unit_form.unit.number == "U7" and unit_list.batch == "b1"


def test_the_unit_forms_read_through_the_records_services() -> None:
    """No query of its own in station.forms.collect (it read ORM rows around the records, with
    a copy of their ApplicantData builder): the unit's people come from applicants.of_unit."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(collect))
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not {m for m in modules if m and (m == "sqlalchemy" or m.startswith("station.db"))}
