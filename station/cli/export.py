"""``station export batch (--unit U | --all | --ids ID ...) -o DIR [--profile P] [--zip]
[--complete-only] [--name NAME] [--json]``: the batch for the card centre (生成上报数据).

Exit 0 when written; 1 when refused because records lack a photo (the list, with masked ID
numbers, and the count are printed); 2 for bad input (unknown unit, nothing to export, the
destination exists)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from station.cli.auth import writes
from station.cli.context import Context

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("export", help="export batches for the card centre")
    esub = p.add_subparsers(dest="export_command", metavar="ACTION", required=True)
    b = esub.add_parser("batch", help="photos + data file (CSV, XLSX) + SHA-256 manifest")
    which = b.add_mutually_exclusive_group(required=True)
    which.add_argument("--unit", help="a unit's applications (unit number, or #ID)")
    which.add_argument("--all", action="store_true", help="every application waiting to be submitted")
    which.add_argument("--ids", nargs="+", type=_positive_int, metavar="ID", help="these application ids")
    b.add_argument("-o", "--output", required=True, type=Path, metavar="DIR", help="folder to write into")
    b.add_argument("--profile", help="photo profile (naming rule, size window); default: the setting")
    b.add_argument("--zip", action="store_true", help="write one .zip instead of a folder")
    b.add_argument("--complete-only", action="store_true", help="export those with a photo, skip the rest")
    b.add_argument("--name", help="batch folder name (default: unit + date and time)")
    b.add_argument("--json", action="store_true", help="print JSON")
    writes(b)
    b.set_defaults(handler=_batch)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an application id: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"not an application id: {text!r}")
    return value


def _batch(ctx: Context) -> int:
    from capture.profiles import load_profile
    from station.transfer.export import ExportRefused, export_batch

    a = ctx.args
    profile = load_profile(a.profile or ctx.settings.profile, user_dir=ctx.data_dir / "profiles")
    try:
        res = export_batch(
            ctx.db,
            a.output,
            profile=profile,
            operator=ctx.actor,
            unit=a.unit,
            application_ids=a.ids,
            all_waiting=a.all,
            complete_only=a.complete_only,
            zip_output=a.zip,
            name=a.name,
        )
    except ExportRefused as exc:
        if ctx.json:
            print(
                json.dumps(
                    {
                        "refused": str(exc),
                        "count": len(exc.not_ready),
                        "not_ready": [n.to_json() for n in exc.not_ready],
                    },
                    ensure_ascii=False,
                )
            )
        else:
            for n in exc.not_ready:
                print(f"  {n}")
        print(f"station: {exc}", file=sys.stderr)
        return exc.exit_code
    if ctx.json:
        print(json.dumps(res.to_json(), ensure_ascii=False))
    else:
        print(f"batch {res.batch_id}: {res.count} applications -> {res.output}")
        for s in res.skipped:
            print(f"  skipped {s}")
        if res.reencoded:
            print(f"  {len(res.reencoded)} photos re-encoded into the profile's size window")
    return 0
