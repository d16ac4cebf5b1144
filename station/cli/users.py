"""``station user add|passwd|list``: operators with roles operator, supervisor, admin.

Passwords come from a prompt or ``--password-stdin`` (one per line), never from argv. Only on a
database with no operator accounts at all does ``user add`` need no login (setting up a
station: the first account, named ``NAME (unverified, os user LOGIN)`` by the audit trail); as
soon as any account exists (the same rule as every command that writes, station.cli.auth, and as
the window's first-administrator offer), the ``--operator`` must be an admin and gives their
password first, also when the accounts are only operators or supervisors. ``user passwd USER``:
the user themselves (current password, then the new one) or an admin (admin password, then the
new one)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from station.cli.auth import authenticate, own_login, read_password, reads
from station.cli.context import Context
from station.db.models import ROLES
from station.errors import InputError
from station.records import operators

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("user", help="operators and passwords")
    usub = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = usub.add_parser("add", help="add an operator")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, default="operator")
    add.add_argument("--display-name", default="")
    add.add_argument("--json", action="store_true", help="print JSON")
    own_login(add)
    add.set_defaults(handler=_add)
    pw = usub.add_parser("passwd", help="set a new password (also unlocks the account)")
    pw.add_argument("username")
    own_login(pw)
    pw.set_defaults(handler=_passwd)
    ls = usub.add_parser("list", help="list operators")
    ls.add_argument("--json", action="store_true", help="print JSON")
    reads(ls)
    ls.set_defaults(handler=_list)


def _new_password(ctx: Context) -> str:
    first = read_password(ctx, "new password: ")
    if not getattr(ctx.args, "password_stdin", False):
        again = read_password(ctx, "new password again: ")
        if again != first:
            raise InputError("password: the two entries differ")
    return first


def _add(ctx: Context) -> int:
    with ctx.db.session(readonly=True) as s:
        accounts = bool(operators.list_operators(s))
    if accounts:
        authenticate(ctx, "admin", "an admin adds users")
    else:
        # Only an admin can add the next accounts, and nothing changes a role: a first account
        # that is not an admin would lock the station out of administration for good.
        if ctx.args.role != "admin":
            raise InputError("the first account must be an admin: add it with --role admin")
        ctx.set_unverified()  # the first account: the audit trail says nobody checked the name
    password = _new_password(ctx)
    with ctx.db.session() as s:
        if not accounts and operators.list_operators(s):
            # Someone else made the first account since the check above (the password prompt
            # can take a while): this one now needs an admin's login like any other.
            raise InputError("an account was added meanwhile: log in as an admin (--operator) and try again")
        info = operators.add_operator(
            s,
            ctx.args.username,
            password,
            role=ctx.args.role,
            display_name=ctx.args.display_name,
            by=ctx.actor,
        )
    if ctx.json:
        print(json.dumps({k: v for k, v in asdict(info).items() if k != "locked_until"}, ensure_ascii=False))
    else:
        print(f"user {info.username} added ({info.role})")
    return 0


def _passwd(ctx: Context) -> int:
    target = ctx.args.username
    if ctx.operator == target:
        authenticate(ctx, "operator", "the current one")
    else:
        authenticate(ctx, "admin", f"an admin sets the password of {target}")
    password = _new_password(ctx)
    with ctx.db.session() as s:
        operators.set_password(s, target, password, by=ctx.actor)
    print(f"password of {target} changed")
    return 0


def _list(ctx: Context) -> int:
    with ctx.db.session(readonly=True) as s:
        rows = operators.list_operators(s)
    if ctx.json:
        print(
            json.dumps(
                [
                    {
                        "username": o.username,
                        "display_name": o.display_name,
                        "role": o.role,
                        "active": o.active,
                        "locked": o.locked_until is not None,
                    }
                    for o in rows
                ],
                ensure_ascii=False,
            )
        )
    else:
        for o in rows:
            print(f"{o.username}\t{o.role}\t{o.display_name}" + ("\tlocked" if o.locked_until else ""))
    return 0
