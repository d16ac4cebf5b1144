"""``station import reference|rejections FILE [--strict] [--json]``: reference data for the
six-item comparison, and the card centre's rejection lists (异常信息), from CSV or XLSX.

One transaction per file. The report lists every refused row with its reason; exit 0 when every
row was imported, 1 when some rows were refused (the others are saved unless ``--strict``),
2 when the file itself cannot be used."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from station.cli.auth import writes
from station.cli.context import Context

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("import", help="import reference data or a rejection list (CSV or XLSX)")
    isub = p.add_subparsers(dest="import_command", metavar="KIND", required=True)
    for kind, help_text in (
        ("reference", "population reference data for the six-item comparison"),
        ("rejections", "abnormal-info rows returned by the card centre (retake queue)"),
    ):
        q = isub.add_parser(kind, help=help_text)
        q.add_argument("file", type=Path, metavar="FILE", help=".csv or .xlsx file with a header row")
        q.add_argument("--strict", action="store_true", help="import nothing if any row is refused")
        q.add_argument("--json", action="store_true", help="print the report as JSON")
        writes(q)
        q.set_defaults(handler=_run, import_kind=kind)


def _run(ctx: Context) -> int:
    from station.transfer.importing import import_reference, import_rejections

    fn = import_reference if ctx.args.import_kind == "reference" else import_rejections
    report = fn(ctx.db, ctx.args.file, operator=ctx.actor, strict=ctx.args.strict)
    if ctx.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        print(report.summary())
        for issue in report.refused:
            print(f"  refused {issue}")
        for note in report.notes:
            print(f"  note    {note}")
    if report.refused:
        if not ctx.json:
            print(f"station: {len(report.refused)} rows refused", file=sys.stderr)
        return 1
    return 0
