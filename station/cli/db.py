"""``station db upgrade``: bring the database schema to the newest revision (a SQLite file is
backed up first, in DATA_DIR/backups). The program also does this on start.

``station db maintenance``: housekeeping (``records.maintenance.run_maintenance``): original
camera images older than the ``keep_originals_days`` setting are deleted, with an audit event.
The window runs the same service once at start."""

from __future__ import annotations

import argparse
import json

from station.cli.auth import reads, writes
from station.cli.context import Context
from station.db import open_database
from station.db.migrate import head_revision

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("db", help="the database")
    dsub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = dsub.add_parser("upgrade", help="run the schema migrations (backs up SQLite first)")
    up.add_argument("--json", action="store_true", help="print JSON")
    reads(up)  # the schema only: no record, no audit event
    up.set_defaults(handler=_upgrade)
    mt = dsub.add_parser(
        "maintenance",
        help="housekeeping: delete original camera images older than the keep_originals_days setting",
    )
    mt.add_argument("--json", action="store_true", help="print JSON")
    writes(mt)
    mt.set_defaults(handler=_maintenance)


def _upgrade(ctx: Context) -> int:
    db = open_database(ctx.db_url, data_dir=ctx.data_dir, upgrade=False)
    try:
        before = db.revision()
        applied = db.upgrade()
        after = db.revision()
    finally:
        db.close()
    if ctx.json:
        print(json.dumps({"url": db.url, "from": before, "to": after, "upgraded": applied}))
    elif applied:
        print(f"database upgraded from {before or 'empty'} to {after}")
    else:
        print(f"database already at the newest revision {after or head_revision()}")
    return 0


def _maintenance(ctx: Context) -> int:
    from station.records.maintenance import run_maintenance

    keep = ctx.settings.keep_originals_days
    with ctx.db.session() as s:
        report = run_maintenance(s, keep_originals_days=keep, operator=ctx.actor)
    if ctx.json:
        print(json.dumps(report.to_json()))
    else:
        print(report.summary())
    return 0
