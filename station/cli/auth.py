"""Who acts on the command line, and passwords.

Passwords come from a prompt (no echo) or, with ``--password-stdin``, one per line from
standard input, so they never appear in argv, shell history, process lists, logs or the audit
trail. Each command's parser declares its ``access`` (``writes``/``reads``/``own_login`` below);
``station.cli.main`` settles who acts before the handler runs (``establish_operator``), once per
invocation:

- ``write``: the command changes records or writes the audit trail. When the database has
  operator accounts, ``--operator NAME`` (or ``$STATION_OPERATOR``, else the OS login name) must
  be one of them and give its password; ``operators.login`` checks it and applies the lockout
  (wrong passwords of an existing account are audited as ``user.login_failed`` and counted). A
  wrong password, an unknown, inactive or locked account: one line on stderr, exit 2, nothing
  written. A role below what the command needs: exit 1. Records and audit events name the
  account's user name. With no operator accounts at all (a fresh install, scripted set-up) no
  password is asked and they name ``NAME (unverified, os user LOGIN)`` instead (NAME at most 40
  characters, LOGIN the OS user running the command, at most 32).
- ``read``: no password; nothing is written to the records or the audit trail.
- ``own``: the command checks passwords itself (``station user``: see station/cli/users.py).

Each command's access (``tests/cli/test_access.py`` checks this table against the parsers):

    command: actions                                    access  note
    photo: check, make, profiles                        read    no records
    enroll: add, photo, edit, delete, status, receipt   write
    enroll: show, list, search                          read    --full: a supervisor's password, audited
    unit: add                                           write
    unit: list                                          read
    import: reference, rejections                       write
    export: batch                                       write
    user: add, passwd                                   own
    user: list                                          read
    audit: verify, show                                 read
    db: upgrade                                         read    the schema only, no audit event
    db: maintenance                                     write
    print: application, confirmation, receipt           write   the operator is named on the form;
    print: unit-list, unit-application                  write   a receipt may issue its number
    print: retry, printers                              read
    card: readers, read, emulate                        read
    card: encode                                        write
    card pin: verify, change, tries                     read    the card checks the PIN; no record
    card pin: reset                                     write   --password-stdin: password first, PINs after

A parser that declares nothing counts as ``write``.

For a ``write`` command, ``--password-stdin`` makes the first line of standard input the
operator's password whatever the database holds: with no operator accounts nobody asks for it,
and a command that reads more lines after it (``card pin reset --new``: the PIN) drops it
unread (``lines_after_password``), so the same input never means something else on a fresh
install. (``own`` commands say what their lines are: station/cli/users.py.)
A command whose own input can come from standard input declares the argument that says so
(``stdin_input``); main refuses it together with ``--password-stdin`` before anyone logs in.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from station.cli.context import Context
from station.errors import InputError
from station.records import operators
from station.records.errors import AuthError
from station.records.types import OperatorInfo

__all__ = [
    "OWN",
    "READ",
    "WRITE",
    "LoginFailed",
    "access_of",
    "add_password_stdin",
    "authenticate",
    "establish_operator",
    "lines_after_password",
    "own_login",
    "read_password",
    "reads",
    "stdin_conflict",
    "stdin_input",
    "writes",
]

READ, WRITE, OWN = "read", "write", "own"
Access = str | Callable[[argparse.Namespace], str]


class LoginFailed(AuthError):
    """Wrong user name or password, or a locked account: bad input, exit 2 (a missing role is
    an ``AuthError``, exit 1)."""

    exit_code = 2


def add_password_stdin(parser: argparse.ArgumentParser) -> None:
    if any("--password-stdin" in a.option_strings for a in parser._actions):
        return
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read password(s) from standard input, one per line, instead of prompting",
    )


def writes(parser: argparse.ArgumentParser, access: Access = WRITE) -> None:
    """Declare a command that writes (or, with ``access`` a function of the arguments, may)."""
    parser.set_defaults(access=access)
    add_password_stdin(parser)


def reads(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(access=READ)


def own_login(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(access=OWN)
    add_password_stdin(parser)


def stdin_input(parser: argparse.ArgumentParser, dest: str, option: str) -> None:
    """Declare that ``option`` (stored in ``dest``) reads the command's input from standard
    input when given ``-``: then it cannot be combined with ``--password-stdin``."""
    parser.set_defaults(stdin_input=(dest, option))


def stdin_conflict(args: argparse.Namespace) -> str | None:
    """The usage error of a command whose input and password would both come from standard
    input, else None (checked by main before the login, so nothing of the input is taken for a
    password)."""
    declared: tuple[str, str] | None = getattr(args, "stdin_input", None)
    if declared is None or not getattr(args, "password_stdin", False):
        return None
    dest, option = declared
    if getattr(args, dest, None) != "-":
        return None
    return f"{option} - and --password-stdin both read standard input: give a file instead"


def access_of(args: argparse.Namespace) -> str:
    """The parsed command's access (``write`` when its parser declares none)."""
    access: Access = getattr(args, "access", WRITE)
    return access(args) if callable(access) else access


def read_password(ctx: Context, prompt: str) -> str:
    """A password: with ``--password-stdin`` the next line of standard input (read once per
    invocation, kept on ``ctx``), else a prompt without echo on the terminal."""
    if getattr(ctx.args, "password_stdin", False):
        if ctx.password_lines is None:
            ctx.password_lines = sys.stdin.read().splitlines()
        if not ctx.password_lines:
            raise InputError("password: standard input has no (more) password lines")
        return ctx.password_lines.pop(0)
    if not sys.stdin.isatty():
        # (enroll add|edit --from - reads the record from standard input, so a password cannot
        # come from there too: such a run gives the record as a file.)
        raise InputError("password: no terminal to prompt on; use --password-stdin (and --from FILE, not -)")
    try:
        return getpass.getpass(prompt)
    except EOFError as exc:
        raise InputError("password: none given") from exc


def lines_after_password(ctx: Context) -> list[str]:
    """With ``--password-stdin``: the lines of standard input that follow the operator's
    password (handed out in order by popping). The first line is the password even when none was
    asked for (no operator accounts): it is dropped unread, never kept or shown."""
    if ctx.password_lines is None:
        ctx.password_lines = sys.stdin.read().splitlines()[1:]
    return ctx.password_lines


def authenticate(ctx: Context, role: str, why: str) -> OperatorInfo:
    """Check that ``ctx.operator`` has ``role`` or higher: their password is asked once per
    invocation (a second call reuses the first login). Raises ``LoginFailed`` (exit 2) for a
    wrong name or password or a locked account, ``AuthError`` (exit 1) for a missing role."""
    info = ctx.verified
    if info is None:
        password = read_password(ctx, f"password of {ctx.operator} ({why}): ")
        with ctx.db.session() as s:
            outcome = operators.login(s, ctx.operator, password)
        # after the commit: failed attempts are counted and audited by operators.login
        if not outcome.ok or outcome.operator is None:
            raise LoginFailed(outcome.message or "wrong user name or password")
        info = outcome.operator
        ctx.set_verified(info)
    if not operators.has_role(info, role):
        raise AuthError(f"user {info.username} is {info.role}; this needs {role}")
    return info


def establish_operator(ctx: Context) -> str:
    """Settle ``ctx.actor`` for a command that writes: an operator logged in with their
    password, or, while the database has no operator accounts, the unverified claim."""
    if ctx.has_actor:
        return ctx.actor
    with ctx.db.session(readonly=True) as s:
        accounts = bool(operators.list_operators(s))
    if accounts:
        authenticate(ctx, "operator", "for the audit trail")
    else:
        ctx.set_unverified()
    return ctx.actor
