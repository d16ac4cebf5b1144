"""``station import reference|rejections`` and ``station export batch``, on SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from station.cli.context import Context
from station.cli.main import main
from station.db import Database, open_database
from tests.records.factory import applicant
from tests.transfer.helpers import add_unit, enroll, small_photo

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(any_db_url: str, tmp_path: Path) -> Iterator[Database]:
    database = open_database(any_db_url, data_dir=tmp_path)
    yield database
    database.close()


def station(
    capsys: pytest.CaptureFixture[str], db: Database, data_dir: Path, *args: str
) -> tuple[int, str, str]:
    """Run the command in-process; the database the command opened is closed afterwards (the
    command line leaves that to process exit, which a test run does not have)."""
    made: list[Context] = []
    real = Context.from_args

    def tracking(a: argparse.Namespace) -> Context:
        ctx = real(a)
        made.append(ctx)
        return ctx

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Context, "from_args", staticmethod(tracking))
        try:
            return _run(capsys, db, data_dir, *args)
        finally:
            for ctx in made:
                opened = ctx.__dict__.get("db")
                if opened is not None:
                    opened.close()


def _run(
    capsys: pytest.CaptureFixture[str], db: Database, data_dir: Path, *args: str
) -> tuple[int, str, str]:
    code = main(
        [
            "--data-dir",
            str(data_dir),
            "--db",
            db.engine.url.render_as_string(hide_password=False),
            "--operator",
            "cli-test",
            *args,
        ]
    )
    out, err = capsys.readouterr()
    return code, out, err


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_import_reference_report(
    db: Database, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p1 = applicant(1)
    path = write_csv(
        tmp_path / "ref.csv",
        [["证件号码", "姓名", "性别"], [p1.document_number, p1.name, "男"], ["123", "坏", "男"]],
    )
    code, out, err = station(capsys, db, data_dir, "import", "reference", str(path))
    assert code == 1
    assert "2 rows, 1 imported, 1 refused" in out
    assert "refused row 3, document_number" in out
    assert err.strip().count("\n") == 0
    code, out, _ = station(capsys, db, data_dir, "import", "reference", str(path), "--json")
    rep = json.loads(out)
    assert code == 1 and rep["imported"] == 1 and rep["refused"][0]["row"] == 3
    ok = write_csv(tmp_path / "ok.csv", [["证件号码", "姓名"], [p1.document_number, p1.name]])
    code, out, _ = station(capsys, db, data_dir, "import", "reference", str(ok), "--json")
    assert code == 0 and json.loads(out)["refused"] == []


def test_import_bad_files_exit_2(
    db: Database, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = station(capsys, db, data_dir, "import", "rejections", str(tmp_path / "none.csv"))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "no such file" in err
    nocol = write_csv(tmp_path / "x.csv", [["姓名"], ["张三"]])
    code, _, err = station(capsys, db, data_dir, "import", "reference", str(nocol))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "document_number" in err
    (tmp_path / "x.pdf").write_text("x")
    code, _, err = station(capsys, db, data_dir, "import", "reference", str(tmp_path / "x.pdf"))
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_import_rejections_strict(
    db: Database, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "r.csv", [["证件号码", "异常原因"], [applicant(1).document_number, ""]])
    code, out, _ = station(capsys, db, data_dir, "import", "rejections", str(path), "--strict", "--json")
    rep = json.loads(out)
    assert code == 1 and rep["committed"] is False and rep["imported"] == 0


def test_export_batch(
    db: Database, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unit = add_unit(db)
    ids = [enroll(db, i, unit_id=unit, photo=small_photo(i)) for i in (1, 2)]
    out_dir = tmp_path / "out"
    code, out, err = station(
        capsys,
        db,
        data_dir,
        "export",
        "batch",
        "--unit",
        "U001",
        "-o",
        str(out_dir),
        "--profile",
        "mohrss",
        "--json",
    )
    assert code == 0, err
    res = json.loads(out)
    assert res["count"] == 2 and sorted(res["application_ids"]) == sorted(ids)
    folder = Path(res["output"])
    assert (folder / "manifest.sha256").is_file()
    assert {f["path"] for f in res["files"]} >= {f"photos/{applicant(1).document_number}.jpg"}
    code, _, err = station(capsys, db, data_dir, "export", "batch", "--unit", "U001", "-o", str(out_dir))
    assert code == 2 and "nothing to export" in err


def test_export_refuses_missing_photos(
    db: Database, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unit = add_unit(db)
    enroll(db, 1, unit_id=unit, photo=small_photo(1))
    enroll(db, 2, unit_id=unit)
    enroll(db, 3, unit_id=unit)
    out_dir = tmp_path / "out"
    code, out, err = station(capsys, db, data_dir, "export", "batch", "--unit", "U001", "-o", str(out_dir))
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and "2 without a photo" in err
    lines = out.strip().splitlines()
    assert len(lines) == 2
    full = applicant(2).document_number
    assert full not in out and (full[:6] + "********" + full[-4:]) in out
    assert not out_dir.exists() or not any(out_dir.iterdir())
    code, out, _ = station(
        capsys, db, data_dir, "export", "batch", "--unit", "U001", "-o", str(out_dir), "--json"
    )
    assert code == 1 and json.loads(out)["count"] == 2
    code, out, _ = station(
        capsys,
        db,
        data_dir,
        "export",
        "batch",
        "--all",
        "-o",
        str(out_dir),
        "--complete-only",
        "--zip",
        "--name",
        "b1",
        "--json",
    )
    res = json.loads(out)
    assert code == 0 and res["count"] == 1 and len(res["skipped"]) == 2
    assert (out_dir / "b1.zip").is_file()


def test_export_bad_input_exit_2(
    db: Database, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    o = str(tmp_path / "o")
    for args in (
        ["export", "batch", "--unit", "NOPE", "-o", o],
        ["export", "batch", "--ids", "abc", "-o", o],
        ["export", "batch", "--ids", "99", "-o", o],
        ["export", "batch", "--all", "-o", o, "--profile", "no-such-profile"],
        ["export", "batch", "--all", "--unit", "U1", "-o", o],
        ["export", "batch", "-o", o],
    ):
        try:
            code, _, err = station(capsys, db, data_dir, *args)
        except SystemExit as exc:  # argparse: usage errors
            code, err = int(exc.code or 0), capsys.readouterr().err
        assert code == 2, args
        assert len(err.strip().splitlines()) == 1, (args, err)


def test_real_command_line(db: Database, data_dir: Path, tmp_path: Path) -> None:
    """The installed entry point, as a subprocess."""
    enroll(db, 1, photo=small_photo(1))
    url = db.engine.url.render_as_string(hide_password=False)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "station",
            "--data-dir",
            str(data_dir),
            "--db",
            url,
            "export",
            "batch",
            "--all",
            "-o",
            str(tmp_path / "o"),
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["count"] == 1
