"""``station print``: the printed forms, saved as PDF and printed through CUPS.

    station print application APPLICATION_ID [-o FILE.pdf] [--printer NAME] [--no-print]
    station print confirmation APPLICATION_ID [-o FILE.pdf] [--printer NAME] [--no-print]
    station print receipt APPLICATION_ID [--layout card|a4] [-o FILE.pdf] [--printer NAME] [--no-print]
    station print unit-list UNIT [-o FILE.pdf] [--printer NAME] [--no-print]
    station print unit-application UNIT [-o FILE.pdf] [--printer NAME] [--no-print]
    station print retry FILE.pdf [--printer NAME]
    station print printers [--json]

Every form is saved first: with ``-o`` to that file (and printed only when ``--printer`` is
given too), otherwise to ``<data_dir>/forms/`` and then printed on ``--printer``, else the
printer of the settings, else the system's default printer. A printer that is missing, stopped,
offline or refuses the job exits 3 with one line naming the kept PDF; ``station print retry``
prints it again. ``--json`` prints ``{"pdf": ..., "printer": ..., "job": ...}``.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from station.cli.auth import reads, writes
from station.cli.context import Context
from station.errors import InputError
from station.forms import (
    application_pdf,
    confirmation_pdf,
    receipt_pdf,
    save_pdf,
    unit_application_pdf,
    unit_list_pdf,
)
from station.forms.data import StationInfo
from station.forms.output import forms_dir, safe_name

__all__ = ["register"]

_TITLES = {
    "application": "社会保障卡申领登记表",
    "confirmation": "社会保障个人信息确认表",
    "receipt": "数字相片采集回执",
    "unit-list": "社会保障卡信息采集人员名单",
    "unit-application": "社会保障卡申领登记表(单位)",
}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("print", help="print the forms (saved as PDF first)")
    psub = p.add_subparsers(dest="print_command", metavar="FORM", required=True)
    for kind, help_text in (
        ("application", "申领登记表: the application form of one application"),
        ("confirmation", "信息确认表 / 二次采集比对表: the six-item confirmation form"),
        ("receipt", "数字相片采集回执: the photo receipt (issued first if the person has none)"),
    ):
        f = psub.add_parser(kind, help=help_text)
        f.add_argument("application_id", type=int)
        if kind == "receipt":
            f.add_argument("--layout", choices=("card", "a4"), default="card", help="90x54 mm card or A4")
        _output_options(f)
        writes(f)
        f.set_defaults(handler=_print_form, form_kind=kind)
    for kind, help_text in (
        ("unit-list", "a unit's list of persons for a batch"),
        ("unit-application", "申领登记表 (单位): the unit version, all its active applications"),
    ):
        f = psub.add_parser(kind, help=help_text)
        f.add_argument("unit", help="unit number (or #id)")
        if kind == "unit-list":
            f.add_argument("--batch", default="", help="batch label printed on the list")
        _output_options(f)
        writes(f)
        f.set_defaults(handler=_print_form, form_kind=kind)

    r = psub.add_parser("retry", help="print a saved form PDF again")
    r.add_argument("pdf", type=Path)
    r.add_argument("--printer", help="printer name (default: the setting, then the system default)")
    r.add_argument("--json", action="store_true", help="print the result as JSON")
    reads(r)
    r.set_defaults(handler=_retry)

    ls = psub.add_parser("printers", help="list the printers and their state")
    ls.add_argument("--json", action="store_true", help="print the list as JSON")
    reads(ls)
    ls.set_defaults(handler=_printers)


def _output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE.pdf",
        help="save the PDF here (no printing unless --printer is given)",
    )
    p.add_argument("--printer", help="printer name (default: the setting, then the system default)")
    p.add_argument("--no-print", action="store_true", help="only save the PDF in the data folder")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def _station(ctx: Context) -> StationInfo:
    """The station and who prints: the operator who logged in, by their display name (without
    operator accounts: the name as given). A receipt issued now stores that name too, to be
    printed on it again later; the audit trail names ``ctx.actor`` (``_build``)."""
    return StationInfo(
        code=ctx.settings.station_code, name=ctx.settings.station_name, operator=ctx.display_name
    )


def _build(ctx: Context, kind: str, station: StationInfo) -> tuple[bytes, str]:
    """The PDF bytes and a file-name stem."""
    from station.forms import collect

    args = ctx.args
    if kind in ("application", "confirmation", "receipt"):
        aid: int = args.application_id
        if kind == "receipt":
            with ctx.db.session() as s:  # may issue the receipt number
                receipt = collect.photo_receipt(s, aid, station, actor=ctx.actor)
            return receipt_pdf(receipt, args.layout), f"receipt-{aid}-{receipt.receipt_number}"
        with ctx.db.session(readonly=True) as s:
            if kind == "application":
                form = collect.application_form(s, aid, station)
                return application_pdf(form), f"application-{aid}-{form.retrieval_code}"
            conf = collect.confirmation_form(s, aid, station)
            return confirmation_pdf(conf), f"confirmation-{aid}"
    with ctx.db.session(readonly=True) as s:
        if kind == "unit-list":
            ul = collect.unit_list(s, args.unit, station, batch=args.batch)
            return unit_list_pdf(ul), f"unit-list-{ul.unit.number}"
        ua = collect.unit_application_form(s, args.unit, station)
        return unit_application_pdf(ua), f"unit-application-{ua.unit.number}"


def _print_form(ctx: Context) -> int:
    kind: str = ctx.args.form_kind
    pdf, stem = _build(ctx, kind, _station(ctx))
    out: Path | None = ctx.args.output
    if out is not None:
        if out.suffix.lower() != ".pdf":
            raise InputError(f"-o: {out} must end in .pdf")
        path = save_pdf(pdf, out)
        printer = ctx.args.printer
        do_print = bool(printer) and not ctx.args.no_print
    else:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = save_pdf(pdf, forms_dir(ctx.data_dir) / f"{safe_name(stem)}-{stamp}.pdf")
        printer = ctx.args.printer or ctx.settings.printer or None
        do_print = not ctx.args.no_print
    result: dict[str, Any] = {"pdf": str(path), "printer": None, "job": None}
    if do_print:
        _submit(path, printer, _TITLES[kind], result)
    _report(ctx, result)
    return 0


def _submit(path: Path, printer: str | None, title: str, result: dict[str, Any]) -> None:
    # On Windows submit_pdf refuses (no lp): the window prints through QtPdf instead.
    from station.printing import submit_pdf

    job = submit_pdf(path, printer, title=title)
    result.update(printer=job.printer, job=job.job_id)


def _report(ctx: Context, result: dict[str, Any]) -> None:
    if ctx.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"saved {result['pdf']}")
    if result["job"]:
        print(f"printed on {result['printer']} as {result['job']}")


def _retry(ctx: Context) -> int:
    path: Path = ctx.args.pdf
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    result: dict[str, Any] = {"pdf": str(path), "printer": None, "job": None}
    _submit(path, ctx.args.printer or ctx.settings.printer or None, path.stem, result)
    _report(ctx, result)
    return 0


def _printers(ctx: Context) -> int:
    from station.printing import list_printers

    printers = list_printers()
    if ctx.json:
        rows: list[dict[str, Any]] = [
            {
                "name": p.name,
                "ready": p.ready,
                "state": p.state,
                "enabled": p.enabled,
                "accepting": p.accepting,
                "offline": p.offline,
                "default": p.is_default,
                "reason": p.reason,
            }
            for p in printers
        ]
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    if not printers:
        print("no printers")
    for p in printers:
        mark = "*" if p.is_default else " "
        problem = p.problem()
        print(f"{mark} {p.name}  {'ready' if p.ready else 'NOT READY'}{'  ' + problem if problem else ''}")
    return 0
