"""``station unit add|list``: employers, schools and street offices (enrollment.md §2)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from station.cli.auth import reads, writes
from station.cli.context import Context
from station.records import units

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("unit", help="units (employer, school, street office)")
    usub = p.add_subparsers(dest="unit_command", metavar="ACTION", required=True)
    add = usub.add_parser("add", help="add a unit")
    add.add_argument("--number", required=True, help="unit number")
    add.add_argument("--name", required=True, help="unit name")
    add.add_argument("--contact", required=True, help="contact person")
    add.add_argument("--phone", required=True, help="contact phone: mobile, or area code + '-' + number")
    add.add_argument("--json", action="store_true", help="print JSON")
    writes(add)
    add.set_defaults(handler=_add)
    ls = usub.add_parser("list", help="list units")
    ls.add_argument("--json", action="store_true", help="print JSON")
    reads(ls)
    ls.set_defaults(handler=_list)


def _add(ctx: Context) -> int:
    a = ctx.args
    with ctx.db.session() as s:
        u = units.add_unit(
            s, number=a.number, name=a.name, contact=a.contact, contact_phone=a.phone, operator=ctx.actor
        )
    if ctx.json:
        print(json.dumps(asdict(u), ensure_ascii=False))
    else:
        print(f"unit {u.id}: {u.number} {u.name}")
    return 0


def _list(ctx: Context) -> int:
    with ctx.db.session(readonly=True) as s:
        rows = units.list_units(s)
    if ctx.json:
        print(json.dumps([asdict(u) for u in rows], ensure_ascii=False))
    else:
        for u in rows:
            print(f"{u.id}\t{u.number}\t{u.name}\t{u.contact}\t{u.contact_phone}")
    return 0
