"""The real ``station`` program as a subprocess: enroll, unit, user, audit and db commands, on
SQLite and on PostgreSQL (``--db``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from station.db.migrate import head_revision
from tests.records.factory import applicant_json, jpeg_bytes

REPO = Path(__file__).resolve().parents[2]


class Station:
    def __init__(self, data_dir: Path, db_url: str) -> None:
        self.data_dir, self.db_url = data_dir, db_url

    def __call__(
        self, *args: str, stdin: str | None = None, operator: str = "clerk"
    ) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "STATION_DATA_DIR": str(self.data_dir), "PYTHONPATH": str(REPO)}
        env.pop("STATION_DB", None)
        return subprocess.run(
            [sys.executable, "-m", "station", "--db", self.db_url, "--operator", operator, *args],
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
            timeout=300,
        )


@pytest.fixture
def station(any_db_url: str, data_dir: Path) -> Station:
    return Station(data_dir, any_db_url)


def _write(path: Path, obj: object) -> Path:
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return path


def test_enroll_add_list_show_search(station: Station, tmp_path: Path) -> None:
    person = applicant_json(3, name="𠮷田一", name_pinyin="JI TIANYI", household_type="11", employer="某公司")
    f = _write(tmp_path / "a.json", person)
    out = station("enroll", "add", "--from", str(f), "--json")
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    assert set(res) >= {"application_id", "applicant_id", "warnings"}
    assert isinstance(res["warnings"], list)

    dup = station("enroll", "add", "--from", str(f), "--json")
    assert dup.returncode == 1
    assert "active application" in dup.stderr and len(dup.stderr.strip().splitlines()) == 1
    assert person["document_number"] not in dup.stderr

    listed = station("enroll", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)["items"]
    assert items[0]["name"] == "𠮷田一" and "*" in items[0]["document_number"]
    assert person["document_number"] not in listed.stdout

    shown = station("enroll", "show", str(res["applicant_id"]), "--json")
    data = json.loads(shown.stdout)["data"]
    assert data["name"] == "𠮷田一" and data["employer"] == "某公司" and data["household_type"] == "11"
    by_number = station("enroll", "show", "--number", person["document_number"], "--json")
    assert json.loads(by_number.stdout)["applicant_id"] == res["applicant_id"]

    found = station("enroll", "search", "𠮷", "--json")
    assert [r["applicant_id"] for r in json.loads(found.stdout)] == [res["applicant_id"]]

    edited = station("enroll", "edit", str(res["applicant_id"]), "--set", "address=新地址一号", "--json")
    assert edited.returncode == 0, edited.stderr
    bad_edit = station("enroll", "edit", str(res["applicant_id"]), "--set", "mobile=123")
    assert bad_edit.returncode == 2 and bad_edit.stderr.count("\n") == 1 and "mobile" in bad_edit.stderr

    status = station("enroll", "status", str(res["application_id"]), "issued")
    assert status.returncode == 1 and "cannot become issued" in status.stderr

    rm = station("enroll", "delete", str(res["applicant_id"]), "--yes")
    assert rm.returncode == 0, rm.stderr
    assert json.loads(station("enroll", "list", "--json").stdout)["total"] == 0

    verify = station("audit", "verify", "--json")
    assert verify.returncode == 0 and json.loads(verify.stdout)["ok"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"document_number": "BAD"}, "document_number"),
        ({"sex": "7"}, "sex"),
        ({"address": "a\tb"}, "address"),
        ({"valid_from": "2020/01/01"}, "valid_from"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    station: Station, tmp_path: Path, change: dict[str, str], field: str
) -> None:
    f = _write(tmp_path / "a.json", {**applicant_json(4), **change})
    out = station("enroll", "add", "--from", str(f))
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and field in out.stderr
    assert "Traceback" not in out.stderr


def test_bad_check_digit(station: Station, tmp_path: Path) -> None:
    person = applicant_json(5)
    num = person["document_number"]
    person["document_number"] = num[:-1] + ("0" if num[-1] != "0" else "1")
    out = station("enroll", "add", "--from", str(_write(tmp_path / "a.json", person)))
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "document_number" in out.stderr
    assert station("enroll", "add", "--from", str(tmp_path / "missing.json")).returncode == 2
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    assert station("enroll", "add", "--from", str(tmp_path / "broken.json")).returncode == 2


def test_users_full_list_and_units(station: Station, tmp_path: Path) -> None:
    f = _write(tmp_path / "a.json", applicant_json(6))
    assert station("enroll", "add", "--from", str(f)).returncode == 0
    # The first admin needs no login; later users need an admin's password first.
    add = station("user", "add", "root", "--role", "admin", "--password-stdin", stdin="admin-pass-1\n")
    assert add.returncode == 0, add.stderr
    add2 = station(
        "user",
        "add",
        "sup",
        "--role",
        "supervisor",
        "--password-stdin",
        stdin="admin-pass-1\nsuper-pass-1\n",
        operator="root",
    )
    assert add2.returncode == 0, add2.stderr
    refused = station(
        "user", "add", "x", "--password-stdin", stdin="wrong-pass\nwhatever-1\n", operator="root"
    )
    assert refused.returncode == 2 and "password" in refused.stderr  # a wrong password: bad input
    assert "admin-pass-1" not in add.stdout + add.stderr

    masked = station(
        "enroll", "list", "--full", "--json", "--password-stdin", stdin="admin-pass-x\n", operator="sup"
    )
    assert masked.returncode == 2
    full = station(
        "enroll", "list", "--full", "--json", "--password-stdin", stdin="super-pass-1\n", operator="sup"
    )
    assert full.returncode == 0, full.stderr
    assert json.loads(full.stdout)["items"][0]["document_number"] == applicant_json(6)["document_number"]
    clerk = station(
        "user", "add", "clerk", "--password-stdin", stdin="admin-pass-1\nclerk-pass-1\n", operator="root"
    )
    assert clerk.returncode == 0
    denied = station("enroll", "list", "--full", "--password-stdin", stdin="clerk-pass-1\n", operator="clerk")
    assert denied.returncode == 1 and "supervisor" in denied.stderr

    pw = station(
        "user", "passwd", "sup", "--password-stdin", stdin="super-pass-1\nsuper-pass-2\n", operator="sup"
    )
    assert pw.returncode == 0, pw.stderr

    # Operator accounts exist now: commands that write need the operator's password.
    no_pw = station(
        "unit", "add", "--number", "S01", "--name", "x", "--contact", "y", "--phone", "13800138000"
    )
    assert no_pw.returncode == 2 and "--password-stdin" in no_pw.stderr
    unit = station(
        "unit",
        "add",
        "--number",
        "S01",
        "--name",
        "第一小学",
        "--contact",
        "王老师",
        "--phone",
        "0571-87654321",
        "--json",
        "--password-stdin",
        stdin="clerk-pass-1\n",
    )
    assert unit.returncode == 0, unit.stderr
    bad_unit = station(
        "unit", "add", "--number", "S02", "--name", "x", "--contact", "y", "--phone", "87654321",
        "--password-stdin", stdin="clerk-pass-1\n",
    )  # fmt: skip
    assert bad_unit.returncode == 2 and "contact_phone" in bad_unit.stderr
    units = json.loads(station("unit", "list", "--json").stdout)  # reading needs no password
    assert [u["number"] for u in units] == ["S01"]
    events = json.loads(station("audit", "show", "--limit", "50", "--json").stdout)
    assert next(e for e in events if e["action"] == "unit.add")["operator"] == "clerk"
    assert next(e for e in events if e["action"] == "user.add" and e["entity_id"] == "root")[
        "operator"
    ].startswith("clerk (unverified, os user")
    for pw in ("admin-pass-1", "super-pass-1", "super-pass-2", "clerk-pass-1"):
        assert pw not in json.dumps(events)


def test_db_upgrade(station: Station) -> None:
    out = station("db", "upgrade", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["to"] == head_revision() == "0002"
    again = station("db", "upgrade", "--json")
    assert json.loads(again.stdout)["upgraded"] is False


def test_db_upgrade_of_an_unknown_newer_revision_is_one_line_exit_3(data_dir: Path) -> None:
    """A SQLite file stamped with a revision this program does not know (a newer station's)."""
    import sqlite3

    db_file = data_dir / "station.db"
    con = sqlite3.connect(db_file)
    try:
        con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        con.execute("INSERT INTO alembic_version VALUES ('9f9f9f')")
        con.commit()
    finally:
        con.close()
    station = Station(data_dir, f"sqlite:///{db_file.as_posix()}")
    for args in (("db", "upgrade"), ("db", "upgrade", "--json"), ("enroll", "list")):
        out = station(*args)
        assert out.returncode == 3, (args, out.stderr)
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
        assert lines[0].startswith("station: cannot upgrade the database") and "9f9f9f" in lines[0]
        assert out.stdout == ""
    assert not (data_dir / "backups").exists()


def test_db_maintenance_purges_originals_past_retention(station: Station) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from station.config import Settings
    from station.db import open_database
    from station.db.models import PhotoBlob, utcnow
    from station.records import applicants, photos
    from tests.records.factory import applicant, report

    Settings(keep_originals_days=30).save(station.data_dir)
    db = open_database(station.db_url, data_dir=station.data_dir)
    try:
        for i, age in ((1, 40), (2, 5)):
            with db.session() as s:
                res = applicants.enroll(s, applicant(i), operator="clerk", station_code="000001")
                info = photos.attach_photo(
                    s, res.application_id, jpeg_bytes(3000, i), report(), operator="clerk",
                    original=jpeg_bytes(9000, i), keep_originals_days=30,
                )  # fmt: skip
                s.execute(
                    update(PhotoBlob)
                    .where(PhotoBlob.photo_id == info.id)
                    .values(created_at=utcnow() - timedelta(days=age))
                )
    finally:
        db.close()
    out = station("db", "maintenance", "--json")
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    assert (res["keep_originals_days"], res["originals_purged"], res["originals_kept"]) == (30, 1, 1)
    assert res["bytes_freed"] > 0
    again = station("db", "maintenance")
    assert again.returncode == 0 and "no original image older than 30 day(s); 1 original" in again.stdout
    shown = station("audit", "show", "--limit", "5")
    assert "photo.purge_originals" in shown.stdout and "clerk" in shown.stdout


def test_enroll_photo_not_compliant_exits_1(station: Station, tmp_path: Path) -> None:
    f = _write(tmp_path / "a.json", applicant_json(8))
    app = json.loads(station("enroll", "add", "--from", str(f), "--json").stdout)["application_id"]
    noise = tmp_path / "noise.jpg"
    noise.write_bytes(jpeg_bytes(30_000))
    out = station("enroll", "photo", str(app), str(noise))
    assert out.returncode == 1, out.stderr
    assert "failing checks" in out.stdout
    shown = json.loads(station("enroll", "show", "--code", _code(station, app), "--json").stdout)
    assert [p["status"] for p in shown["applications"][0]["photos"]] == ["rejected"]
    assert station("enroll", "photo", "999", str(noise)).returncode == 2
    assert station("enroll", "photo", str(app), str(tmp_path / "none.jpg")).returncode == 2


def _code(station: Station, application_id: int) -> str:
    items = json.loads(station("enroll", "list", "--json").stdout)["items"]
    return next(i["retrieval_code"] for i in items if i["application_id"] == application_id)


@pytest.mark.slow
def test_enroll_photo_with_a_real_face(station: Station, tmp_path: Path, faces_dir: Path) -> None:
    f = _write(tmp_path / "a.json", applicant_json(9))
    app = json.loads(station("enroll", "add", "--from", str(f), "--json").stdout)["application_id"]
    out = station("enroll", "photo", str(app), str(faces_dir / "london-001-neutral.jpg"), "--json")
    assert out.returncode in (0, 1), out.stderr
    res = json.loads(out.stdout)
    assert res["accepted"] == (out.returncode == 0)
    assert res["accepted"] == (res["failing"] == [])
