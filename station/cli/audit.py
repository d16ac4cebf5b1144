"""``station audit verify``: recompute the hash chain of the audit trail (exit 1 if broken);
``station audit show``: the newest events."""

from __future__ import annotations

import argparse
import json
import sys

from station.cli.auth import reads
from station.cli.context import Context
from station.records import audit

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("audit", help="the audit trail")
    asub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = asub.add_parser("verify", help="check the hash chain of every event")
    v.add_argument("--json", action="store_true", help="print JSON")
    reads(v)
    v.set_defaults(handler=_verify)
    sh = asub.add_parser("show", help="show the newest events")
    sh.add_argument("--limit", type=int, default=20, help="how many (default 20)")
    sh.add_argument("--json", action="store_true", help="print JSON")
    reads(sh)
    sh.set_defaults(handler=_show)


def _verify(ctx: Context) -> int:
    with ctx.db.session(readonly=True) as s:
        result = audit.verify(s)
    if ctx.json:
        print(
            json.dumps(
                {
                    "ok": result.ok,
                    "events": result.count,
                    "bad_event_id": result.bad_event_id,
                    "message": result.message,
                }
            )
        )
    elif result.ok:
        print(f"audit chain ok: {result.message}")
    else:
        print(f"station: audit chain BROKEN: {result.message}", file=sys.stderr)
    return 0 if result.ok else 1


def _show(ctx: Context) -> int:
    with ctx.db.session(readonly=True) as s:
        events = audit.recent(s, max(1, ctx.args.limit))
    if ctx.json:
        print(
            json.dumps(
                [
                    {
                        "id": e.id,
                        "at": e.at.isoformat(),
                        "operator": e.operator,
                        "action": e.action,
                        "entity": e.entity,
                        "entity_id": e.entity_id,
                        "detail": e.detail,
                    }
                    for e in events
                ],
                ensure_ascii=False,
            )
        )
    else:
        for e in reversed(events):
            when = f"{e.at:%Y-%m-%d %H:%M:%S}"
            print(f"{e.id}\t{when}\t{e.operator}\t{e.action}\t{e.entity} {e.entity_id}\t{e.detail}")
    return 0
