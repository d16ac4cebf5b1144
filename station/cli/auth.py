"""Passwords on the command line: read from a prompt (no echo) or, with ``--password-stdin``,
one per line from standard input, so they never appear in argv, shell history or process lists.
Shared by ``station user`` and the commands that need a supervisor (``enroll list --full``)."""

from __future__ import annotations

import argparse
import getpass
import sys

from station.cli.context import Context
from station.errors import InputError
from station.records import operators
from station.records.types import OperatorInfo

__all__ = ["add_password_stdin", "authenticate", "read_password"]


def add_password_stdin(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read password(s) from standard input, one per line, instead of prompting",
    )


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
        raise InputError("password: no terminal to prompt on; use --password-stdin")
    try:
        return getpass.getpass(prompt)
    except EOFError as exc:
        raise InputError("password: none given") from exc


def authenticate(ctx: Context, role: str, why: str) -> OperatorInfo:
    """Ask the password of ``ctx.operator`` and check that the user has ``role`` or higher."""
    password = read_password(ctx, f"password of {ctx.operator} ({why}): ")
    with ctx.db.session() as s:
        outcome = operators.login(s, ctx.operator, password, require_role=role)
    return outcome.raise_for_failure()  # after the commit: failed attempts are counted
