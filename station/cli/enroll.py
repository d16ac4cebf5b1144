"""``station enroll``: applicants and their applications.

    station enroll add --from FILE.json [--unit U] [--json]
    station enroll photo APPLICATION_ID IMAGE [--profile P] [--json]
    station enroll show APPLICANT_ID | --number DOC | --code RETRIEVAL_CODE [--json]
    station enroll edit APPLICANT_ID [--from FILE.json] [--set FIELD=VALUE ...] [--unit U] [--json]
    station enroll delete APPLICANT_ID --yes
    station enroll list [--unit U] [--status S] [--page N] [--page-size N] [--full] [--json]
    station enroll search PREFIX [--limit N] [--full] [--json]
    station enroll status APPLICATION_ID NEW_STATUS [--reason TEXT] [--json]
    station enroll receipt [--applicant ID] [--json]

The JSON keys of ``add`` are the fields of ``station.domain.ApplicantData`` (see
docs/records.md). Lists mask the middle of ID numbers; ``--full`` shows them to a supervisor,
who gives their password (prompt or ``--password-stdin``). add, photo, edit, delete, status and
receipt write: once operator accounts exist, the ``--operator`` gives their password first
(station.cli.auth).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from station.cli.auth import add_password_stdin, authenticate, reads, stdin_input, writes
from station.cli.context import Context
from station.domain import ApplicantData
from station.errors import InputError
from station.records import applicants, applications, photos, receipts, units
from station.records.status import LABELS, STATUSES
from station.records.types import ApplicantSummary

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("enroll", help="applicants, applications and their photos")
    esub = p.add_subparsers(dest="enroll_command", metavar="ACTION", required=True)

    add = esub.add_parser("add", help="save an applicant and open an application")
    add.add_argument(
        "--from", dest="source", required=True, metavar="FILE.json", help="applicant JSON ('-' = stdin)"
    )
    add.add_argument("--unit", help="unit number (or #id) the person belongs to")
    _json(add)
    writes(add)
    stdin_input(add, "source", "--from")
    add.set_defaults(handler=_add)

    ph = esub.add_parser("photo", help="make the photo from an image and attach it if compliant")
    ph.add_argument("application_id", type=int)
    ph.add_argument("image", type=Path)
    ph.add_argument("--profile", help="photo profile id (default: the setting)")
    ph.add_argument("--whiten", action="store_true", help="replace the background with white")
    _json(ph)
    writes(ph)
    ph.set_defaults(handler=_photo)

    show = esub.add_parser("show", help="show one applicant with applications and photos")
    show.add_argument("applicant_id", type=int, nargs="?")
    show.add_argument("--number", help="find by document number")
    show.add_argument("--code", help="find by retrieval code")
    _json(show)
    reads(show)
    show.set_defaults(handler=_show)

    edit = esub.add_parser("edit", help="change fields of an applicant")
    edit.add_argument("applicant_id", type=int)
    edit.add_argument("--from", dest="source", metavar="FILE.json", help="a JSON object of fields to change")
    edit.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="change one field")
    edit.add_argument("--unit", help="move to this unit (number or #id)")
    _json(edit)
    writes(edit)
    stdin_input(edit, "source", "--from")
    edit.set_defaults(handler=_edit)

    rm = esub.add_parser("delete", help="delete an applicant with applications and photos")
    rm.add_argument("applicant_id", type=int)
    rm.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    writes(rm)
    rm.set_defaults(handler=_delete)

    ls = esub.add_parser("list", help="list applicants, newest first (ID numbers masked)")
    ls.add_argument("--unit", help="only this unit (number or #id)")
    ls.add_argument("--status", choices=STATUSES, help="only people with an application in this status")
    ls.add_argument("--page", type=int, default=1)
    ls.add_argument("--page-size", type=int, default=50)
    _full(ls)
    _json(ls)
    reads(ls)
    ls.set_defaults(handler=_list)

    se = esub.add_parser("search", help="find applicants by the beginning of the name (or pinyin)")
    se.add_argument("prefix")
    se.add_argument("--limit", type=int, default=50)
    _full(se)
    _json(se)
    reads(se)
    se.set_defaults(handler=_search)

    st = esub.add_parser("status", help="move an application to another status")
    st.add_argument("application_id", type=int)
    st.add_argument("status", choices=STATUSES)
    st.add_argument("--reason", default="")
    _json(st)
    writes(st)
    st.set_defaults(handler=_status)

    rc = esub.add_parser("receipt", help="issue a photo receipt number")
    rc.add_argument("--applicant", type=int, help="store the number on this applicant")
    _json(rc)
    writes(rc)
    rc.set_defaults(handler=_receipt)


def _json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON")


def _full(p: argparse.ArgumentParser) -> None:
    p.add_argument("--full", action="store_true", help="show whole ID numbers (supervisor password needed)")
    add_password_stdin(p)


def _read_json(ctx: Context, source: str) -> Any:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{source} is not UTF-8 text") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc


def _unit_id(ctx: Context, key: str | None) -> int | None:
    if not key:
        return None
    with ctx.db.session(readonly=True) as s:
        return units.find_unit(s, key).id


def _add(ctx: Context) -> int:
    from station.validation import parse_applicant_json

    data = parse_applicant_json(_read_json(ctx, ctx.args.source))
    unit_id = _unit_id(ctx, ctx.args.unit)
    with ctx.db.session() as s:
        result = applicants.enroll(
            s, data, operator=ctx.actor, station_code=ctx.settings.station_code, unit_id=unit_id
        )
    if ctx.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print(
            f"application {result.application_id} (applicant {result.applicant_id}), "
            f"retrieval code {result.retrieval_code}"
        )
        for w in result.warnings:
            print(f"warning: {w}", file=sys.stderr)
    return 0


def _photo(ctx: Context) -> int:
    from capture.pipeline import make_photo
    from capture.profiles import load_profile

    profile = load_profile(ctx.args.profile or ctx.settings.profile, user_dir=ctx.data_dir / "profiles")
    with ctx.db.session(readonly=True) as s:  # fail fast on a wrong id, before the slow part
        app = applications.get_application(s, ctx.args.application_id)
    image: Path = ctx.args.image
    try:
        raw = image.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {image}: {exc.strerror or exc}") from exc
    made = make_photo(raw, profile, whiten=ctx.args.whiten)
    with ctx.db.session() as s:
        info = photos.attach_photo(
            s,
            app.id,
            made.jpeg,
            made.report,
            operator=ctx.actor,
            source=f"file:{image.name}",
            profile=profile.id,
            original=raw,
            keep_originals_days=ctx.settings.keep_originals_days,
        )
        # Originals older than the retention setting go (0 = never kept).
        photos.purge_originals(s, ctx.settings.keep_originals_days)
    failing = info.failing_checks()
    if ctx.json:
        print(
            json.dumps(
                {
                    "photo_id": info.id,
                    "application_id": app.id,
                    "accepted": info.accepted,
                    "size": info.size,
                    "failing": failing,
                    "report": dict(info.report),
                },
                ensure_ascii=False,
                default=str,
            )
        )
    elif info.accepted:
        print(f"photo {info.id} accepted for application {app.id} ({info.size} bytes)")
    else:
        print(f"photo {info.id} not compliant, kept as a rejected attempt; failing checks:")
        for c in failing:
            value, expected = c.get("value"), c.get("expected")
            print(f"  {c.get('id')}: {c.get('message', '')} (value {value}, expected {expected})")
    return 0 if info.accepted else 1


def _show(ctx: Context) -> int:
    a = ctx.args
    with ctx.db.session(readonly=True) as s:
        if a.code:
            applicant_id = applications.by_retrieval_code(s, a.code).applicant_id
        elif a.number:
            found = applicants.find_by_document_number(s, a.number)
            if found is None:
                from station.records.errors import NotFound

                raise NotFound("no applicant has that document number")
            applicant_id = found.id
        elif a.applicant_id is not None:
            applicant_id = a.applicant_id
        else:
            raise InputError("show: give APPLICANT_ID, --number or --code")
        rec = applicants.get_applicant(s, applicant_id)
        apps = applications.applications_of(s, applicant_id)
        shots = {x.id: photos.photos_of(s, x.id) for x in apps}
    if ctx.json:
        print(
            json.dumps(
                {
                    "applicant_id": rec.id,
                    "unit_id": rec.unit_id,
                    "data": _data_json(rec.data),
                    "applications": [
                        {
                            **asdict(x),
                            "photos": [
                                {
                                    "id": p.id,
                                    "status": p.status,
                                    "size": p.size,
                                    "source": p.source,
                                    "created_at": p.created_at,
                                }
                                for p in shots[x.id]
                            ],
                        }
                        for x in apps
                    ],
                },
                ensure_ascii=False,
                default=str,
            )
        )
        return 0
    print(f"applicant {rec.id}" + (f" (unit {rec.unit_id})" if rec.unit_id else ""))
    for k, v in _data_json(rec.data).items():
        if v not in ("", None):
            print(f"  {k}: {v}")
    for x in apps:
        accepted = [p for p in shots[x.id] if p.status == "accepted"]
        print(
            f"application {x.id}  检索码 {x.retrieval_code}  {x.status} {LABELS.get(x.status, '')}"
            f"  photo: {'yes' if accepted else 'no'} ({len(shots[x.id])} attempts)"
        )
    return 0


def _data_json(d: ApplicantData) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in asdict(d).items():
        if isinstance(v, date):
            out[k] = v.isoformat()
        elif v is None and k == "valid_until":
            out[k] = "长期"
        else:
            out[k] = v
    return out


def _edit(ctx: Context) -> int:
    from station.validation import parse_applicant_json

    a = ctx.args
    changes: dict[str, Any] = {}
    if a.source:
        obj = _read_json(ctx, a.source)
        if not isinstance(obj, dict):
            raise InputError(f"{a.source}: expected a JSON object")
        changes.update(obj)
    for item in a.set:
        field, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--set {item}: write FIELD=VALUE")
        changes[field.strip()] = value
    unit_id = _unit_id(ctx, a.unit)
    if not changes and unit_id is None:
        raise InputError("edit: nothing to change (use --from FILE.json, --set FIELD=VALUE or --unit)")
    with ctx.db.session() as s:
        current = applicants.get_applicant(s, a.applicant_id)
        merged = {**_data_json(current.data), **changes}
        data = parse_applicant_json(merged)  # types, dates and unknown keys, as for add
        rec, warnings = applicants.update_applicant(
            s, a.applicant_id, data, operator=ctx.actor, unit_id=unit_id
        )
    if ctx.json:
        print(
            json.dumps(
                {
                    "applicant_id": rec.id,
                    "warnings": [{"field": w.field, "code": w.code, "message": w.message} for w in warnings],
                },
                ensure_ascii=False,
            )
        )
    else:
        print(f"applicant {rec.id} saved")
        for w in warnings:
            print(f"warning: {w}", file=sys.stderr)
    return 0


def _delete(ctx: Context) -> int:
    if not ctx.args.yes:
        if not sys.stdin.isatty():
            raise InputError("delete: add --yes to confirm")
        answer = input(f"delete applicant {ctx.args.applicant_id} with all applications and photos? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("nothing deleted")
            return 1
    with ctx.db.session() as s:
        applicants.delete_applicant(s, ctx.args.applicant_id, operator=ctx.actor)
    print(f"applicant {ctx.args.applicant_id} deleted")
    return 0


def _allow_full(ctx: Context) -> bool:
    if not ctx.args.full:
        return False
    authenticate(ctx, "supervisor", "full ID numbers")
    with ctx.db.session() as s:
        from station.records import audit

        audit.record(s, "list.full", operator=ctx.actor, detail="whole ID numbers shown")
    return True


def _print_rows(ctx: Context, rows: tuple[ApplicantSummary, ...], header: str = "") -> None:
    if header:
        print(header)
    for r in rows:
        photo = "photo" if r.has_photo else "-"
        print(
            f"{r.applicant_id}\t{r.document_number}\t{r.name}\t{r.name_pinyin}\t{r.retrieval_code}\t"
            f"{r.status or '-'}\t{photo}"
        )


def _list(ctx: Context) -> int:
    full = _allow_full(ctx)
    unit_id = _unit_id(ctx, ctx.args.unit)
    with ctx.db.session(readonly=True) as s:
        page = applicants.list_page(
            s, ctx.args.page, ctx.args.page_size, unit_id=unit_id, status=ctx.args.status, full=full
        )
    if ctx.json:
        print(
            json.dumps(
                {
                    "total": page.total,
                    "page": page.page,
                    "pages": page.pages,
                    "page_size": page.page_size,
                    "items": [r.to_json() for r in page.items],
                },
                ensure_ascii=False,
            )
        )
    else:
        _print_rows(ctx, page.items)
        print(f"page {page.page} of {page.pages}, {page.total} applicants", file=sys.stderr)
    return 0


def _search(ctx: Context) -> int:
    full = _allow_full(ctx)
    with ctx.db.session(readonly=True) as s:
        rows = applicants.search(s, ctx.args.prefix, limit=ctx.args.limit, full=full)
    if ctx.json:
        print(json.dumps([r.to_json() for r in rows], ensure_ascii=False))
    else:
        _print_rows(ctx, rows)
    return 0


def _status(ctx: Context) -> int:
    with ctx.db.session() as s:
        info = applications.set_status(
            s, ctx.args.application_id, ctx.args.status, operator=ctx.actor, reason=ctx.args.reason
        )
    if ctx.json:
        print(json.dumps(asdict(info), ensure_ascii=False, default=str))
    else:
        print(f"application {info.id} is now {info.status} {LABELS.get(info.status, '')}")
    return 0


def _receipt(ctx: Context) -> int:
    with ctx.db.session() as s:
        r = receipts.issue_receipt(
            s,
            station_code=ctx.settings.station_code,
            operator=ctx.display_name,  # printed on the receipt later: no OS login on it
            actor=ctx.actor,
            studio=ctx.settings.station_name,
            applicant_id=ctx.args.applicant,
        )
    if ctx.json:
        print(json.dumps(asdict(r), ensure_ascii=False, default=str))
    else:
        print(r.number)
    return 0
