from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from station.db import Database
from station.db.migrate import head_revision
from station.db.models import Base


def test_migrated_to_head_with_every_table(db: Database) -> None:
    assert db.revision() == head_revision()
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_sqlite_pragmas(db: Database) -> None:
    if db.dialect != "sqlite":
        return
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        conn.rollback()


def test_schema_matches_models(db: Database) -> None:
    """The migrations create what the models describe (no autogenerate diff)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
        conn.rollback()
    assert diff == []


def test_utf8_outside_bmp(db: Database) -> None:
    with db.session() as s:
        assert s.execute(text("SELECT :v"), {"v": "𠮷"}).scalar() == "𠮷"


def test_backup_before_upgrade_keeps_a_few(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A SQLite file is copied (backup API) before a pending upgrade; old copies rotate."""
    from station.db import migrate, open_database

    url = f"sqlite:///{tmp_path / 'station.db'}"
    db = open_database(url, data_dir=tmp_path)
    with db.session() as s:
        s.execute(
            text(
                "INSERT INTO units (number, name, contact, contact_phone, created_at) "
                "VALUES ('U1', 'n', 'c', '010-62345678', '2025-01-01')"
            )
        )
    db.close()
    assert not (tmp_path / "backups").exists()  # nothing pending, nothing copied
    monkeypatch.setattr(migrate, "head_revision", lambda: "9999")
    monkeypatch.setattr(migrate.command, "upgrade", lambda cfg, rev: None)
    for _ in range(migrate.KEEP_BACKUPS + 2):
        open_database(url, data_dir=tmp_path).close()
    copies = sorted((tmp_path / "backups").glob("station-*.db"))
    assert len(copies) == migrate.KEEP_BACKUPS
    import sqlite3

    con = sqlite3.connect(copies[-1])
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT number FROM units").fetchall() == [("U1",)]
    finally:
        con.close()


def test_bad_urls_are_config_errors(tmp_path: Path) -> None:
    from station.db import normalize_url, open_database
    from station.errors import ConfigError

    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    with pytest.raises(ConfigError):
        open_database("mysql://u@h/db")
    with pytest.raises(ConfigError):
        open_database("not a url")


def test_unknown_newer_revision_is_a_storage_error_naming_it(db: Database, tmp_path: Path) -> None:
    """A database a newer station upgraded: one-line StorageError naming the revision; nothing is
    changed or backed up."""
    from station.db import open_database
    from station.db.migrate import head_revision
    from station.records.errors import StorageError

    with db.session() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '9f9f9f'"))
    url = db.engine.url.render_as_string(hide_password=False)
    backups = tmp_path / "unknown-rev-backups"
    with pytest.raises(StorageError) as info:
        open_database(url, data_dir=backups)
    message = str(info.value)
    assert "9f9f9f" in message and str(head_revision()) in message and "\n" not in message
    assert info.value.exit_code == 3
    assert not backups.exists()
    assert db.revision() == "9f9f9f"
    with db.session() as s:  # put it back so the fixture's database stays usable
        s.execute(text("UPDATE alembic_version SET version_num = :h"), {"h": head_revision()})


def test_unreadable_database_file_is_a_storage_error(tmp_path: Path) -> None:
    from station.db import open_database
    from station.records.errors import StorageError

    f = tmp_path / "station.db"
    f.write_bytes(b"not a database, " * 64)
    db = open_database(f"sqlite:///{f.as_posix()}", upgrade=False)
    try:
        with pytest.raises(StorageError, match="cannot read the database"):
            db.revision()
        with pytest.raises(StorageError, match="cannot upgrade the database"):
            db.upgrade()
    finally:
        db.close()
