"""Records services, each test on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from station.db import Database
from station.db.models import Applicant, Application, Card, Photo, PhotoBlob
from station.errors import InputError
from station.records import applicants, applications, audit, codes, operators, photos, receipts, units
from station.records.errors import AuditChainError, Duplicate, InvalidTransition, NotFound
from tests.records.factory import applicant, id_number, jpeg_bytes, report

OP = "tester"
ST = "000001"
TODAY = date(2025, 1, 15)


def enroll(db: Database, i: int = 1, **changes: object) -> applicants.EnrollResult:
    with db.session() as s:
        return applicants.enroll(s, applicant(i, **changes), operator=OP, station_code=ST, today=TODAY)


def test_enroll_and_read_back_every_field(db: Database) -> None:
    data = applicant(
        3,
        household_place="110105",
        household_address="北京市东城区",
        household_type="11",
        agent_name="王五",
        agent_document_type="01",
        agent_document_number=id_number(date(1970, 1, 1), 11),
        agent_phone="010-62345678",
        social_security_number="S123456",
        employer="某某公司",
        valid_until=None,
    )
    with db.session() as s:
        res = applicants.enroll(s, data, operator=OP, station_code=ST, today=TODAY)
    assert codes.is_valid_retrieval_code(res.retrieval_code)
    with db.session(readonly=True) as s:
        rec = applicants.get_applicant(s, res.applicant_id)
        app = applications.get_application(s, res.application_id)
    assert rec.data == data
    assert app.status == "collected" and app.active
    assert res.to_json()["application_id"] == res.application_id


def test_name_outside_bmp_kept_exactly(db: Database) -> None:
    res = enroll(db, 5, name="𠮷野家", name_pinyin="JI YEJIA")
    with db.session(readonly=True) as s:
        assert applicants.get_applicant(s, res.applicant_id).data.name == "𠮷野家"
        found = applicants.search(s, "𠮷")
        raw = s.execute(select(Applicant.name).where(Applicant.id == res.applicant_id)).scalar()
    assert [f.name for f in found] == ["𠮷野家"]
    assert raw == "𠮷野家"


def test_bad_check_digit_refused_naming_field(db: Database) -> None:
    good = applicant(1).document_number
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(InputError, match="document_number"), db.session() as s:
        applicants.enroll(s, applicant(1, document_number=bad), operator=OP, station_code=ST, today=TODAY)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Applicant)) == 0


def test_duplicate_active_application_blocked_with_reason(db: Database) -> None:
    first = enroll(db, 7)
    with pytest.raises(Duplicate, match=r"active application .*collected") as err:
        enroll(db, 7)
    assert applicant(7).document_number not in str(err.value)  # masked
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Application)) == 1
    # After the card is reported lost, a replacement may be collected for the same person.
    with db.session() as s:
        app = s.get(Application, first.application_id)
        assert app is not None
        app.status, app.active = "reported_lost", False
    again = enroll(db, 7)
    assert again.applicant_id == first.applicant_id and again.updated_existing
    assert again.application_id != first.application_id


def test_active_card_blocks(db: Database) -> None:
    res = enroll(db, 8)
    with db.session() as s:
        app = s.get(Application, res.application_id)
        assert app is not None
        app.status, app.active = "exchanged", False
        s.add(
            Card(
                application_id=res.application_id,
                applicant_id=res.applicant_id,
                card_number="HA1046924",
                status="issued",
            )
        )
    with pytest.raises(Duplicate, match="card HA1046924"):
        enroll(db, 8)


def test_status_machine_refuses_bad_moves(db: Database) -> None:
    res = enroll(db, 9)
    with db.session() as s, pytest.raises(InvalidTransition, match="cannot become issued"):
        applications.set_status(s, res.application_id, "issued", operator=OP)
    with db.session() as s, pytest.raises(InvalidTransition):
        applications.set_status(s, res.application_id, "photo_accepted", operator=OP)
        applications.set_status(s, res.application_id, "submitted", operator=OP)  # no photo
    with db.session() as s:
        photos.attach_photo(s, res.application_id, jpeg_bytes(2000), report(), operator=OP)
    path = [
        "submitted",
        "rejected",
        "recollected",
        "submitted",
        "card_produced",
        "card_encoded",
        "issued",
        "pre_reported_lost",
        "issued",
        "pre_reported_lost",
        "reported_lost",
        "replaced",
    ]
    for st in path:
        with db.session() as s:
            info = applications.set_status(s, res.application_id, st, operator=OP, reason="test")
        assert info.status == st
    assert not info.active
    with db.session() as s, pytest.raises(InputError):
        applications.set_status(s, res.application_id, "bogus", operator=OP)


def test_photos_accepted_rejected_superseded(db: Database) -> None:
    res = enroll(db, 10)
    img1, img2 = jpeg_bytes(3000, 1), jpeg_bytes(3000, 2)
    with db.session() as s:
        bad = photos.attach_photo(
            s, res.application_id, img1, report(False), operator=OP, source="file:a.jpg"
        )
        assert not bad.accepted and bad.failing_checks()[0]["id"] == "face_width"
        assert applications.get_application(s, res.application_id).status == "collected"
        ok1 = photos.attach_photo(
            s, res.application_id, img1, report(), operator=OP, original=b"RAW", keep_originals_days=3
        )
        ok2 = photos.attach_photo(s, res.application_id, img2, report(), operator=OP, original=b"RAW")
    assert ok1.has_original and not ok2.has_original
    with db.session(readonly=True) as s:
        assert applications.get_application(s, res.application_id).status == "photo_accepted"
        got = photos.accepted_photo(s, res.application_id)
        assert got is not None and got[0].id == ok2.id and got[1] == img2
        assert [p.status for p in photos.photos_of(s, res.application_id)] == [
            "rejected",
            "superseded",
            "accepted",
        ]
        assert photos.photo_bytes(s, bad.id) == img1  # rejected attempts are kept
    with db.session() as s:
        assert photos.purge_originals(s, 3, now=ok1.created_at + timedelta(days=2)) == 0
        assert photos.purge_originals(s, 3, now=ok1.created_at + timedelta(days=4)) == 1


def test_delete_person_deletes_photos(db: Database) -> None:
    res = enroll(db, 11)
    with db.session() as s:
        photos.attach_photo(s, res.application_id, jpeg_bytes(2000), report(), operator=OP)
    with db.session() as s:
        applicants.delete_applicant(s, res.applicant_id, operator=OP)
    with db.session() as s:
        for model in (Applicant, Application, Photo, PhotoBlob):
            assert s.scalar(select(func.count()).select_from(model)) == 0
        with pytest.raises(NotFound):
            applicants.get_applicant(s, res.applicant_id)


def test_edit_validates_and_refuses_after_submission(db: Database) -> None:
    res = enroll(db, 12)
    with db.session() as s:
        rec, _warn = applicants.update_applicant(
            s, res.applicant_id, {"address": "新地址"}, operator=OP, today=TODAY
        )
        assert rec.data.address == "新地址"
    with db.session() as s, pytest.raises(InputError, match="mobile"):
        applicants.update_applicant(s, res.applicant_id, {"mobile": "12"}, operator=OP, today=TODAY)
    with db.session() as s, pytest.raises(InputError, match="address"):
        applicants.update_applicant(s, res.applicant_id, {"address": "a\tb"}, operator=OP, today=TODAY)
    with db.session() as s:
        photos.attach_photo(s, res.application_id, jpeg_bytes(2000), report(), operator=OP)
        applications.set_status(s, res.application_id, "submitted", operator=OP)
    with db.session() as s, pytest.raises(InvalidTransition, match="cannot be edited"):
        applicants.update_applicant(s, res.applicant_id, {"address": "x"}, operator=OP, today=TODAY)


def test_find_search_and_masked_list(db: Database) -> None:
    made = [enroll(db, i) for i in range(20, 31)]
    with db.session(readonly=True) as s:
        rec = applicants.find_by_document_number(s, applicant(25).document_number.lower())
        assert rec is not None and rec.id == made[5].applicant_id
        assert applicants.find_by_document_number(s, id_number(date(2001, 1, 1), 1)) is None
        page = applicants.list_page(s, 1, 5)
        assert page.total == 11 and len(page.items) == 5 and page.pages == 3
        first = page.items[0]
        assert "*" in first.document_number and first.document_number[:6] == applicant(30).document_number[:6]
        assert first.retrieval_code and first.status == "collected" and not first.has_photo
        full = applicants.list_page(s, 3, 5, full=True)
        assert len(full.items) == 1 and "*" not in full.items[0].document_number
        name = applicant(22).name
        hits = applicants.search(s, name[:2])
        assert any(h.name == name for h in hits) and all(h.name.startswith(name[:2]) for h in hits)
        py = applicant(22).name_pinyin.split()[0].lower()
        assert any(h.name == name for h in applicants.search(s, py))
        assert applicants.search(s, "%") == ()


def test_receipts_and_codes_unique(db: Database) -> None:
    res = enroll(db, 40)
    with db.session() as s:
        r1 = receipts.issue_receipt(
            s, station_code=ST, operator=OP, applicant_id=res.applicant_id, today=TODAY
        )
        r2 = receipts.issue_receipt(s, station_code=ST, operator=OP, today=TODAY)
        r3 = receipts.issue_receipt(s, station_code="000002", operator=OP, today=TODAY)
    assert r1.number.startswith("00000120250115") and r1.sequence == 1 and r2.sequence == 2
    assert r3.sequence == 1 and len({r1.number, r2.number, r3.number}) == 3
    assert all(codes.is_valid_receipt_number(r.number) for r in (r1, r2, r3))
    assert not codes.is_valid_receipt_number(r1.number[:-1] + ("0" if r1.number[-1] != "0" else "1"))
    with db.session(readonly=True) as s:
        assert applicants.get_applicant(s, res.applicant_id).data.photo_receipt_number == r1.number
        assert receipts.get_receipt(s, r2.number).sequence == 2


def test_receipt_prints_the_operator_and_audits_the_actor(db: Database) -> None:
    """The name stored with a receipt is printed on it for the applicant; the audit trail keeps
    who acted (an unverified claim carries the OS login, which has no place on the paper)."""
    actor = "wang (unverified, os user root)"
    with db.session() as s:
        r = receipts.issue_receipt(s, station_code=ST, operator="王小明", actor=actor, today=TODAY)
        plain = receipts.issue_receipt(s, station_code=ST, operator=OP, today=TODAY)
    with db.session(readonly=True) as s:
        assert receipts.get_receipt(s, r.number).operator == "王小明" == r.operator
        events = {e.entity_id: e.operator for e in audit.recent(s) if e.action == "receipt.issue"}
    assert events == {r.number: actor, plain.number: OP}


def test_mod11_2_matches_gb11643() -> None:
    assert codes.mod11_2("11010519491231002") == "X"
    assert codes.mod11_2("44052418800101001") == "4"


def test_units(db: Database) -> None:
    with db.session() as s:
        u = units.add_unit(
            s, number="U001", name="第一中学", contact="李老师", contact_phone="010-62345678", operator=OP
        )
    with db.session() as s, pytest.raises(Duplicate):
        units.add_unit(s, number="U001", name="x", contact="y", contact_phone="13800138000", operator=OP)
    with db.session() as s, pytest.raises(InputError, match="contact_phone"):
        units.add_unit(s, number="U002", name="x", contact="y", contact_phone="62345678", operator=OP)
    with db.session() as s, pytest.raises(InputError, match="name"):
        units.add_unit(s, number="U003", name="a\nb", contact="y", contact_phone="13800138000", operator=OP)
    with db.session(readonly=True) as s:
        assert units.list_units(s) == (u,)
        assert units.find_unit(s, "U001") == u
    res = enroll(db, 41)
    with db.session() as s:
        applicants.update_applicant(s, res.applicant_id, {}, operator=OP, unit_id=u.id, today=TODAY)
        assert applicants.list_page(s, unit_id=u.id).total == 1


def test_operators_scrypt_and_lockout(db: Database) -> None:
    with db.session() as s:
        info = operators.add_operator(s, "boss", "correct horse", role="supervisor", by=OP)
    assert info.role == "supervisor"
    with db.session() as s:
        stored = s.execute(text("SELECT password_hash FROM operators")).scalar()
    assert stored.startswith("scrypt$") and "correct horse" not in stored
    with db.session() as s, pytest.raises(Duplicate):
        operators.add_operator(s, "boss", "another one", by=OP)
    with db.session() as s:
        assert operators.login(s, "boss", "correct horse", require_role="supervisor").ok
    for _ in range(operators.MAX_FAILURES):
        with db.session() as s:
            assert not operators.login(s, "boss", "wrong password").ok
    with db.session() as s:
        out = operators.login(s, "boss", "correct horse")
    assert not out.ok and "locked" in out.message
    with db.session() as s:
        operators.set_password(s, "boss", "new password!", by="admin")
    with db.session() as s:
        assert operators.login(s, "boss", "new password!").ok
        assert not operators.login(s, "boss", "new password!", require_role="admin").ok
    with db.session() as s, pytest.raises(InputError):
        operators.add_operator(s, "x", "short", by=OP)


def test_audit_chain_detects_tampering(db: Database) -> None:
    enroll(db, 50)
    with db.session() as s:
        audit.record(s, "note", operator=OP, detail=f"id {applicant(51).document_number} pin=123456")
    with db.session(readonly=True) as s:
        result = audit.verify(s)
        events = audit.recent(s)
    assert result.ok and result.count == 2
    assert applicant(51).document_number not in events[0].detail and "123456" not in events[0].detail
    # Append-only: the database refuses changes.
    with pytest.raises(Exception, match="append-only"), db.session() as s:
        s.execute(text("UPDATE audit_events SET detail = 'x'"))
    with pytest.raises(Exception, match="append-only"), db.session() as s:
        s.execute(text("DELETE FROM audit_events"))
    # Someone with the power to drop the trigger changes an event: verify finds it.
    with db.engine.begin() as conn:
        if db.dialect == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER audit_events_no_update")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
        conn.exec_driver_sql(
            "UPDATE audit_events SET operator = 'mallory' WHERE id = (SELECT min(id) FROM audit_events)"
        )
    with db.session(readonly=True) as s:
        bad = audit.verify(s)
    assert not bad.ok and bad.bad_event_id is not None and "changed" in bad.message
    assert issubclass(AuditChainError, Exception)
