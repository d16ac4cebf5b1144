"""What every command handler gets: the resolved data folder, settings and database.

One ``Context`` per invocation; the database is opened (and upgraded) only when a command asks
for it, so ``station photo check`` never touches it.

Who acts: ``operator`` is the name as given (``--operator``, ``$STATION_OPERATOR``, else the OS
login name), a claim only. ``actor`` is the name the records and the audit trail get; it exists
once ``station.cli.auth`` has settled it for this invocation (the table of which commands need
it is in that module): the user name of an operator whose password was checked, or, on a
database with no operator accounts at all, the claim marked ``NAME (unverified, os user LOGIN)``.
Asking for ``actor`` before that is a programming error (``RuntimeError``), so a command that
writes cannot name an unchecked operator by accident. ``display_name`` is the name printed on
what is handed out (forms, the photo receipt): the operator's display name, never the OS login."""

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
    from station.records.types import OperatorInfo

__all__ = ["Context", "unverified_name"]

# Audit and record columns hold 100 characters: the claim and the login name are shortened so
# that the whole marker always fits.
_NAME_MAX, _LOGIN_MAX = 40, 32


def _clean(text: str, limit: int) -> str:
    """One line, single spaces (audit lines are tab-separated), at most ``limit`` characters."""
    return " ".join(text.split())[:limit].strip() or "unknown"


def unverified_name(operator: str, os_user: str) -> str:
    """What the audit trail records for a name nobody checked: ``NAME (unverified, os user LOGIN)``."""
    return f"{_clean(operator, _NAME_MAX)} (unverified, os user {_clean(os_user, _LOGIN_MAX)})"


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some service accounts
        return "unknown"


@dataclass
class Context:
    args: argparse.Namespace
    data_dir: Path
    settings: Settings
    db_url: str
    operator: str  # the name as given: a claim, checked only by station.cli.auth
    os_user: str = field(default_factory=_os_user)  # the OS login name running the command
    # ``--password-stdin``: standard input read once, its lines handed out in order
    # (station.cli.auth.read_password); None until the first password is asked for.
    password_lines: list[str] | None = None
    verified: OperatorInfo | None = None  # the account whose password was checked, if any
    _actor: str | None = None
    _extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Context:
        data_dir = resolve_data_dir(getattr(args, "data_dir", None))
        settings = Settings.load(data_dir)
        url = database_url(data_dir, settings, getattr(args, "db", None))
        os_user = _os_user()
        operator = getattr(args, "operator", None) or os.environ.get("STATION_OPERATOR") or os_user
        return cls(
            args=args, data_dir=data_dir, settings=settings, db_url=url, operator=operator, os_user=os_user
        )

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    @property
    def actor(self) -> str:
        """The name records and audit events get (see the module docstring)."""
        if self._actor is None:
            raise RuntimeError("this command did not settle who acts (station.cli.auth.establish_operator)")
        return self._actor

    @property
    def has_actor(self) -> bool:
        return self._actor is not None

    @property
    def display_name(self) -> str:
        """The name printed on forms and receipts handed out: the logged-in operator's display
        name (else their user name); without a login, the name as given, without the
        "unverified" mark and the OS login, which belong to the audit trail only."""
        if self.verified is not None:
            return self.verified.display_name or self.verified.username
        return _clean(self.operator, _NAME_MAX)

    def set_verified(self, info: OperatorInfo) -> None:
        self.verified = info
        self._actor = info.username

    def set_unverified(self) -> None:
        self.verified = None
        self._actor = unverified_name(self.operator, self.os_user)

    def close(self) -> None:
        """Release the database connections this invocation opened, if any."""
        db = self.__dict__.pop("db", None)
        if db is not None:
            db.close()

    @cached_property
    def db(self) -> Database:
        from station.db import open_database

        return open_database(self.db_url, data_dir=self.data_dir)
