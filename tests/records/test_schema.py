from __future__ import annotations

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
