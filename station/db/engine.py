"""Engines for the two databases the station supports.

SQLite (the default, one file in the data folder):

- ``journal_mode=WAL``: readers never block the writer, and a crash leaves the main file intact.
- ``foreign_keys=ON``: SQLite enforces foreign keys only when asked, per connection.
- ``busy_timeout``: a second process waits for the write lock instead of failing at once.
- ``synchronous=FULL``: in WAL mode NORMAL may lose the last committed transactions on a power
  cut (the WAL is not synced at each commit). Enrollment.md §6 says a saved record is never lost,
  and one fsync per user action costs a few milliseconds, so FULL it is.
- Transactions are begun by us (``BEGIN IMMEDIATE`` for sessions that write) instead of by the
  sqlite3 module, so that DDL is transactional (a failed migration leaves nothing behind) and a
  writer takes the write lock up front rather than failing to upgrade a read lock later.

PostgreSQL, when several stations share records: ``postgresql+psycopg://user@host/db``
(``postgresql://`` and ``postgres://`` are taken to mean the same driver).
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from station.errors import ConfigError

__all__ = ["BUSY_TIMEOUT_MS", "is_sqlite", "make_engine", "normalize_url"]

log = logging.getLogger("station.db")

BUSY_TIMEOUT_MS = 30_000


def normalize_url(url: str) -> str:
    """Accept the usual spellings of a PostgreSQL URL and pick the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, *, echo: bool = False) -> Engine:
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"not a database URL: {url!r}") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, echo=echo)
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            raise ConfigError("PostgreSQL URLs must use the psycopg driver: postgresql+psycopg://...")
        return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=5)
    raise ConfigError(f"unsupported database {backend!r}: use sqlite:///FILE or postgresql+psycopg://...")


def _sqlite_engine(url: str, *, echo: bool) -> Engine:
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN, not the sqlite3 module.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = cur.execute("PRAGMA journal_mode = WAL").fetchone()
            if mode and str(mode[0]).lower() not in ("wal", "memory"):
                log.warning("SQLite journal mode is %s, not WAL", mode[0])
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA synchronous = FULL")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")

    return engine
