"""Alembic, run from code: ``station db upgrade`` and the upgrade at start-up.

Before a SQLite file is upgraded it is copied with SQLite's online backup API (a consistent
copy even while another process has it open) into ``backups/`` beside the data, and only the
newest ``KEEP_BACKUPS`` copies are kept. The whole upgrade runs in one transaction (SQLite and
PostgreSQL both have transactional DDL), under an advisory lock on PostgreSQL so that two
stations starting at once do not both migrate.

Alembic's own errors (a database at a revision these migrations do not know, typically written
by a newer station; a broken revision graph) leave this module as ``MigrationError``, which
names the database's revision; ``station.db.Database.upgrade`` turns it into the records'
``StorageError``.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, text

__all__ = [
    "KEEP_BACKUPS",
    "MigrationError",
    "alembic_config",
    "backup_sqlite",
    "current_revision",
    "head_revision",
    "upgrade",
]

log = logging.getLogger("station.db")

KEEP_BACKUPS = 5
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_PG_LOCK_KEY = 0x5354_4154  # "STAT"


class MigrationError(Exception):
    """A migration cannot run; ``revision`` is the database's (None = empty), ``head`` ours."""

    def __init__(self, message: str, *, revision: str | None, head: str | None) -> None:
        super().__init__(message)
        self.revision = revision
        self.head = head


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
    """Upgrade to the newest revision. Returns True when something was applied.

    Raises ``MigrationError`` when the database is at a revision these migrations do not know
    (nothing is backed up or changed then) or Alembic refuses the upgrade."""
    head = head_revision()
    with engine.connect() as conn:
        current = current_revision(conn)
        conn.rollback()
    if current == head:
        return False
    if current is not None and not _known(current):
        raise MigrationError(
            f"the database is at revision {current}, which this version of the station does not know "
            f"(newest known: {head}); was it upgraded by a newer station?",
            revision=current,
            head=head,
        )
    if sqlite_file is not None and current is not None and sqlite_file.exists():
        backup_sqlite(sqlite_file, backup_dir or sqlite_file.parent / "backups", label=f"rev{current}")
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
                current = current_revision(conn)
                if current == head:  # another station did it meanwhile
                    return False
            command.upgrade(alembic_config(conn), "head")
    except (CommandError, RevisionError) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise MigrationError(
            f"the migration from revision {current or 'empty'} to {head} failed: {reason}",
            revision=current,
            head=head,
        ) from exc
    log.info("database upgraded from %s to %s", current, head)
    return True


def _known(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except (CommandError, RevisionError):
        return False
