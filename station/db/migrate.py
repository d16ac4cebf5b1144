"""Alembic, run from code: ``station db upgrade`` and the upgrade at start-up.

Before a SQLite file is upgraded it is copied with SQLite's online backup API (a consistent
copy even while another process has it open) into ``backups/`` beside the data, and only the
newest ``KEEP_BACKUPS`` copies are kept. The whole upgrade runs in one transaction (SQLite and
PostgreSQL both have transactional DDL), under an advisory lock on PostgreSQL so that two
stations starting at once do not both migrate.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

__all__ = ["KEEP_BACKUPS", "alembic_config", "backup_sqlite", "current_revision", "head_revision", "upgrade"]

log = logging.getLogger("station.db")

KEEP_BACKUPS = 5
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_PG_LOCK_KEY = 0x5354_4154  # "STAT"


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def backup_sqlite(db_file: Path, backup_dir: Path, *, label: str = "", keep: int = KEEP_BACKUPS) -> Path:
    """Copy a SQLite database with the online backup API; keep the newest ``keep`` copies."""
    from datetime import datetime

    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    suffix = f"-{label}" if label else ""
    target = backup_dir / f"{db_file.stem}-{stamp}{suffix}.db"
    src = sqlite3.connect(f"file:{db_file.as_posix()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    old = sorted(backup_dir.glob(f"{db_file.stem}-*.db"))
    for stale in old[: max(0, len(old) - keep)]:
        stale.unlink(missing_ok=True)
    log.info("backed up %s to %s", db_file, target)
    return target


def upgrade(engine: Engine, *, sqlite_file: Path | None = None, backup_dir: Path | None = None) -> bool:
    """Upgrade to the newest revision. Returns True when something was applied."""
    head = head_revision()
    with engine.connect() as conn:
        current = current_revision(conn)
        conn.rollback()
    if current == head:
        return False
    if sqlite_file is not None and current is not None and sqlite_file.exists():
        backup_sqlite(sqlite_file, backup_dir or sqlite_file.parent / "backups", label=f"rev{current}")
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
            if current_revision(conn) == head:  # another station did it meanwhile
                return False
        command.upgrade(alembic_config(conn), "head")
    log.info("database upgraded from %s to %s", current, head)
    return True
