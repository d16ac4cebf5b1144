"""``station print`` end to end: records in a real SQLite database (the records services), the
forms built from them by ``station.forms.collect``, saved as PDF and printed through the CUPS
queue of tests/fixtures/cups.py; an unusable printer exits 3 with one line and keeps the PDF."""

from __future__ import annotations

import getpass
import io
import json
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from station.cli.context import unverified_name
from station.cli.main import main
from station.config import Settings
from station.db import open_database
from station.db.models import ReferenceRecord
from station.domain import mask_id
from station.records import applicants, audit, operators, photos, receipts, units
from tests.fixtures.cups import CupsServer
from tests.forms import samples
from tests.forms.conftest import flat

pytestmark = pytest.mark.usefixtures("poppler")

REPORT = {"compliant": True, "checks": []}


@dataclass
class Records:
    data_dir: Path
    app_ids: list[int]
    codes: list[str]
    names: list[str]
    numbers: list[str]


@pytest.fixture
def records(data_dir: Path) -> Records:
    Settings(station_code="440501", station_name=samples.STATION.name).save(data_dir)
    db = open_database(f"sqlite:///{data_dir / 'station.db'}", data_dir=data_dir)
    names = ["吉𠮷", "王㵘", samples.LONG_NAME]
    out = Records(data_dir, [], [], [], [])
    with db.session() as s:
        unit = units.add_unit(
            s,
            number=samples.UNIT.number,
            name=samples.UNIT.name,
            contact=samples.UNIT.contact,
            contact_phone=samples.UNIT.contact_phone,
            operator="tester",
        )
        for i, name in enumerate(names):
            # The first is a child (under 16: no receipt yet, so printing one issues it).
            born = date(2012, 3, 7) if i == 0 else date(1990, i + 3, 7)
            number = samples.id_number(f"{born:%Y%m%d}", 2 * i + 1)
            data = samples.applicant(
                name,
                document_number=number,
                birth_date=born,
                photo_receipt_number="" if i == 0 else samples.RECEIPT,
            )
            r = applicants.enroll(s, data, operator="tester", station_code="440501", unit_id=unit.id)
            photos.attach_photo(s, r.application_id, samples.sample_jpeg(), REPORT, operator="tester")
            out.app_ids.append(r.application_id)
            out.codes.append(r.retrieval_code)
            out.names.append(name)
            out.numbers.append(number)
        s.add(
            ReferenceRecord(
                document_number=out.numbers[1],
                name="王洪",
                sex="1",
                ethnicity="01",
                birth_date=date(1990, 4, 7),
                has_photo=True,
                source="population.csv",
            )
        )
    db.engine.dispose()
    return out


def _station(records: Records, *args: str) -> int:
    return main(["--data-dir", str(records.data_dir), "--operator", "tester", *args])


def _text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
    return flat(out.stdout)


def test_application_to_file(records: Records, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "app.pdf"
    assert _station(records, "print", "application", str(records.app_ids[0]), "-o", str(out), "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert result == {"pdf": str(out), "printer": None, "job": None}
    text = _text(out)
    for value in (records.names[0], records.numbers[0], records.codes[0], samples.STATION.name, "tester"):
        assert value in text


def test_confirmation_compares_with_reference(records: Records, tmp_path: Path) -> None:
    out = tmp_path / "conf.pdf"
    assert _station(records, "print", "confirmation", str(records.app_ids[1]), "-o", str(out)) == 0
    text = _text(out)
    assert "王洪" in text and "王㵘" in text  # reference vs collected name
    assert "× 不一致" in text and "√ 一致" in text
    assert "---" in text


def test_receipt_is_issued_and_masked(records: Records, tmp_path: Path) -> None:
    out = tmp_path / "receipt.pdf"
    assert (
        _station(records, "print", "receipt", str(records.app_ids[0]), "--layout", "a4", "-o", str(out)) == 0
    )
    text = _text(out)
    assert mask_id(records.numbers[0]) in text and records.numbers[0] not in text
    db = open_database(f"sqlite:///{records.data_dir / 'station.db'}", data_dir=records.data_dir)
    with db.session(readonly=True) as s:
        number = applicants.get_applicant(s, 1).data.photo_receipt_number
    db.engine.dispose()
    assert number.startswith("440501") and number in text


def _issued_by(records: Records, app_index: int) -> tuple[str, str]:
    """(the operator stored with the person's receipt, the audit trail's actor of its issue)."""
    db = open_database(f"sqlite:///{records.data_dir / 'station.db'}", data_dir=records.data_dir)
    with db.session(readonly=True) as s:
        number = applicants.get_applicant(s, app_index + 1).data.photo_receipt_number
        stored = receipts.get_receipt(s, number).operator
        actors = [
            e.operator for e in audit.recent(s, 100) if e.action == "receipt.issue" and e.entity_id == number
        ]
    db.engine.dispose()
    assert len(actors) == 1, actors
    return stored, actors[0]


def test_receipt_names_the_operator_not_the_os_login(records: Records, tmp_path: Path) -> None:
    """Without operator accounts the audit trail marks the name as unverified with the OS login;
    the receipt handed to the applicant names the operator only, when issued and when reprinted."""
    first, again = tmp_path / "receipt.pdf", tmp_path / "again.pdf"
    app = str(records.app_ids[0])
    assert _station(records, "print", "receipt", app, "--layout", "a4", "-o", str(first)) == 0
    assert _station(records, "print", "receipt", app, "--layout", "a4", "-o", str(again)) == 0
    for text in (_text(first), _text(again)):
        assert "tester" in text and "unverified" not in text and "os user" not in text
    assert _issued_by(records, 0) == ("tester", unverified_name("tester", getpass.getuser()))


def test_receipt_names_the_display_name_of_the_login(
    records: Records, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_database(f"sqlite:///{records.data_dir / 'station.db'}", data_dir=records.data_dir)
    with db.session() as s:
        operators.add_operator(s, "wang", "Wang-pass-2025", display_name="王小明", by="setup")
    db.engine.dispose()
    monkeypatch.setattr("sys.stdin", io.StringIO("Wang-pass-2025\n"))
    out = tmp_path / "receipt.pdf"
    args = ("print", "receipt", str(records.app_ids[0]), "--layout", "a4", "-o", str(out), "--password-stdin")
    assert main(["--data-dir", str(records.data_dir), "--operator", "wang", *args]) == 0
    assert "王小明" in _text(out)
    assert _issued_by(records, 0) == ("王小明", "wang")


def test_unit_forms(records: Records, tmp_path: Path) -> None:
    lst, app = tmp_path / "list.pdf", tmp_path / "unit.pdf"
    assert _station(records, "print", "unit-list", samples.UNIT.number, "-o", str(lst)) == 0
    assert _station(records, "print", "unit-application", samples.UNIT.number, "-o", str(app)) == 0
    text_list, text_app = _text(lst), _text(app)
    for name, number, code in zip(records.names, records.numbers, records.codes, strict=True):
        assert name in text_list and mask_id(number) in text_list and code in text_list
        assert name in text_app and number in text_app


def test_unknown_application_is_one_line(records: Records, capsys: pytest.CaptureFixture[str]) -> None:
    assert _station(records, "print", "application", "999", "--no-print") != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "999" in err


@pytest.mark.cups
def test_print_through_cups(
    records: Records, cups_env: CupsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    before = len(cups_env.pdfs())
    rc = _station(
        records, "print", "application", str(records.app_ids[2]), "--printer", cups_env.queue, "--json"
    )
    assert rc == 0
    result = json.loads(capsys.readouterr().out)
    assert result["printer"] == cups_env.queue and result["job"].startswith(cups_env.queue)
    kept = Path(result["pdf"])
    assert kept.parent == records.data_dir / "forms" and kept.exists()
    assert cups_env.wait_for_pdf(before).stat().st_size > 0


@pytest.mark.cups
def test_offline_printer_exits_3_and_keeps_pdf(
    records: Records, cups_env: CupsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cups_env.run("cupsdisable", "-r", "offline for the test", cups_env.queue).returncode == 0
    try:
        rc = _station(records, "print", "confirmation", str(records.app_ids[1]), "--printer", cups_env.queue)
        assert rc == 3
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err
        assert cups_env.queue in err and "stopped" in err
        kept = sorted((records.data_dir / "forms").glob("confirmation-*.pdf"))
        assert len(kept) == 1 and str(kept[0]) in err
    finally:
        cups_env.run("cupsenable", cups_env.queue)
    # The printer is back: print the kept file again.
    before = len(cups_env.pdfs())
    assert _station(records, "print", "retry", str(kept[0]), "--printer", cups_env.queue) == 0
    assert cups_env.wait_for_pdf(before).stat().st_size > 0


@pytest.mark.cups
def test_printers_list(records: Records, cups_env: CupsServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert _station(records, "print", "printers", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert any(r["name"] == cups_env.queue and r["ready"] for r in rows)
