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
