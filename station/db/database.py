"""``Database``: one engine and one ``sessionmaker`` for one URL; one session per user action.

    db = open_database(url, data_dir=ctx.data_dir)      # upgrades the schema first
    with db.session() as s:                              # one transaction: commit or roll back
        records.applicants.find_by_document_number(s, "11010519491231002X")

Database errors are translated at this boundary: a write that fails (full disk, I/O error,
server gone) becomes ``StorageError`` with one clear line, and the transaction is rolled back
so nothing half-written stays. Migration errors (a database at a revision this program does
not know, written by a newer station) become ``StorageError`` too, naming the revision.
Services raise their own ``RecordsError`` subclasses.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from station.db import migrate
from station.db.engine import make_engine, normalize_url
from station.records.errors import Conflict, StorageError

__all__ = ["Database", "open_database"]

log = logging.getLogger("station.db")


class Database:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)
        # Same pool; on SQLite a plain (deferred) BEGIN, so readers do not queue behind writers.
        self._read_engine = engine.execution_options(sqlite_begin="DEFERRED")

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def sqlite_file(self) -> Path | None:
        if self.dialect != "sqlite":
            return None
        db = self.engine.url.database
        return Path(db) if db and db != ":memory:" else None

    @contextmanager
    def session(self, *, readonly: bool = False) -> Iterator[Session]:
        """One session and one transaction: committed on success, rolled back on any error."""
        session = self._sessions(bind=self._read_engine) if readonly else self._sessions()
        try:
            with session.begin():
                yield session
        except IntegrityError as exc:
            raise Conflict(f"the change conflicts with a saved record: {_reason(exc)}") from exc
        except DBAPIError as exc:
            raise StorageError(f"database error, nothing was saved: {_reason(exc)}") from exc
        except SQLAlchemyError as exc:
            raise StorageError(f"database error, nothing was saved: {exc}") from exc
        finally:
            session.close()

    def upgrade(self) -> bool:
        """Bring the schema to the newest revision (backing up a SQLite file first)."""
        try:
            return migrate.upgrade(self.engine, sqlite_file=self.sqlite_file, backup_dir=self._backup_dir)
        except migrate.MigrationError as exc:
            raise StorageError(f"cannot upgrade the database: {exc}") from exc
        except DBAPIError as exc:
            raise StorageError(f"cannot upgrade the database: {_reason(exc)}") from exc

    def revision(self) -> str | None:
        try:
            with self.engine.connect() as conn:
                return migrate.current_revision(conn)
        except DBAPIError as exc:
            raise StorageError(f"cannot read the database: {_reason(exc)}") from exc

    def ping(self) -> None:
        """Raise ``StorageError`` unless the database answers (the window's status bar)."""
        with self.session(readonly=True) as session:
            session.execute(text("select 1"))

    def close(self) -> None:
        self.engine.dispose()

    _backup_dir: Path | None = None


def _reason(exc: DBAPIError) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def open_database(url: str, *, data_dir: Path | None = None, upgrade: bool = True) -> Database:
    """Open (and, unless told not to, upgrade) the database at ``url``.

    For SQLite the folder of the file is created; backups go to ``DATA_DIR/backups``."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        name = make_url(url).database
        if name and name != ":memory:":
            Path(name).parent.mkdir(parents=True, exist_ok=True)
    db = Database(make_engine(url))
    if data_dir is not None:
        db._backup_dir = data_dir / "backups"
    if upgrade:
        try:
            db.upgrade()
        except BaseException:
            db.close()  # no pooled connection outlives a refused open
            raise
    return db
