"""What every command handler gets: the resolved data folder, settings and database.

One ``Context`` per invocation; the database is opened (and upgraded) only when a command asks
for it, so ``station photo check`` never touches it."""

from __future__ import annotations

import argparse
import getpass
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station.config import Settings, database_url, resolve_data_dir

if TYPE_CHECKING:
    from station.db import Database

__all__ = ["Context"]


@dataclass
class Context:
    args: argparse.Namespace
    data_dir: Path
    settings: Settings
    db_url: str
    operator: str  # who the audit trail names for this invocation
    # ``--password-stdin``: standard input read once, its lines handed out in order
    # (station.cli.auth.read_password); None until the first password is asked for.
    password_lines: list[str] | None = None
    _extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Context:
        data_dir = resolve_data_dir(getattr(args, "data_dir", None))
        settings = Settings.load(data_dir)
        url = database_url(data_dir, settings, getattr(args, "db", None))
        operator = getattr(args, "operator", None) or os.environ.get("STATION_OPERATOR") or ""
        if not operator:
            try:
                operator = getpass.getuser()
            except (OSError, KeyError):  # no login name in some service accounts
                operator = "unknown"
        return cls(args=args, data_dir=data_dir, settings=settings, db_url=url, operator=operator)

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    def close(self) -> None:
        """Release the database connections this invocation opened, if any."""
        db = self.__dict__.pop("db", None)
        if db is not None:
            db.close()

    @cached_property
    def db(self) -> Database:
        from station.db import open_database

        return open_database(self.db_url, data_dir=self.data_dir)
