"""Batch export to the card centre (社保卡信息采集工具 "生成上报数据"; issue 3 §6).

    result = export_batch(db, out_dir, profile=load_profile("mohrss"), operator="li",
                          unit="U001")        # or application_ids=[...], or all_waiting=True

What it writes, under ``out_dir/<batch folder>/`` (or ``out_dir/<batch folder>.zip``):

- ``photos/<name>.jpg``: each person's accepted photo, named by the profile's rule
  (``{id_number}.jpg``, ``{name}{retrieval_code}.jpg``, ``P-{retrieval_code}.jpg``) with user
  text sanitised (``naming``), re-encoded with ``capture.encode`` when its size is outside the
  profile's window;
- ``<unit or data>.csv`` and ``.xlsx``: one row per person with the enrollment fields
  (``EXPORT_COLUMNS``), every cell text;
- ``manifest.sha256``: the SHA-256 of every other file, in ``sha256sum -c`` format.

Rules:
- Missing photos refuse the export (``ExportRefused`` lists who, with masked ID numbers, and how
  many) unless ``complete_only``, which exports the complete records and reports the others.
- Files are written to a hidden temporary folder next to the destination, flushed to disk, and
  renamed into place only when the database has accepted the status moves; a failure anywhere
  leaves neither a partial folder nor moved statuses.
- Exported applications move to ``submitted`` with the batch id, their open rejections are
  resolved (the retake is done); one ``export.batch`` audit event.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from capture.errors import ProfileError
from capture.profiles import Profile, kb_window_bytes
from station.db.models import Application, ExportBatch, Rejection, utcnow
from station.domain import LONG_TERM, ApplicantData, mask_id
from station.errors import InputError
from station.files import fsync_dir, fsync_tree
from station.records import audit
from station.records.applicants import get_applicant
from station.records.applications import set_status
from station.records.errors import Conflict, RecordsError
from station.records.photos import accepted_photo_id, photo_bytes
from station.records.units import find_unit
from station.transfer.naming import photo_file_name, sanitize_file_name, unique_name
from station.transfer.tables import write_csv, write_xlsx

__all__ = [
    "EXPORT_COLUMNS",
    "MANIFEST_NAME",
    "READY_STATUSES",
    "ExportRefused",
    "ExportResult",
    "ExportedFile",
    "NotReady",
    "export_batch",
    "verify_manifest",
]

READY_STATUSES = frozenset({"photo_accepted", "recollected"})
WAITING_STATUSES = frozenset({"collected", "rejected"})  # selected, but not ready: no usable photo
MANIFEST_NAME = "manifest.sha256"
PHOTO_DIR = "photos"

# (key, header) of the data file, in order. Keys are ApplicantData fields or the extras below.
EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("seq", "序号"),
    ("name", "姓名"),
    ("name_pinyin", "姓名拼音"),
    ("sex", "性别"),
    ("ethnicity", "民族"),
    ("nationality", "国籍"),
    ("document_type", "证件类型"),
    ("document_number", "证件号码"),
    ("issuing_authority", "发证机关"),
    ("valid_from", "证件有效期起"),
    ("valid_until", "证件有效期止"),
    ("birth_date", "出生日期"),
    ("mobile", "手机号码"),
    ("address", "常住地址"),
    ("occupation", "职业"),
    ("photo_receipt_number", "照片回执编号"),
    ("card_type", "卡类别"),
    ("household_place", "户籍地"),
    ("household_address", "户籍地址"),
    ("household_type", "户籍性质"),
    ("agent_name", "代办人姓名"),
    ("agent_document_type", "代办人证件类型"),
    ("agent_document_number", "代办人证件号码"),
    ("agent_phone", "代办人联系电话"),
    ("social_security_number", "社保登记号"),
    ("employer", "单位名称"),
    ("unit_number", "单位编号"),
    ("unit_name", "采集单位"),
    ("retrieval_code", "检索码"),
    ("photo_file", "照片文件名"),
)
_CARD_TYPE = {"urban": "城镇居民", "rural": "农村居民"}


class ExportRefused(RecordsError):
    """The export was refused; nothing was written and no status moved. ``not_ready`` lists the
    people who lack a usable photo."""

    exit_code = 1

    def __init__(self, message: str, not_ready: Sequence[NotReady] = ()) -> None:
        super().__init__(message)
        self.not_ready = tuple(not_ready)


@dataclass(frozen=True)
class NotReady:
    application_id: int
    applicant_id: int
    name: str
    document_number: str  # masked
    retrieval_code: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name} {self.document_number} ({self.retrieval_code}): {self.reason}"

    def to_json(self) -> dict[str, Any]:
        return {
            "application_id": self.application_id,
            "applicant_id": self.applicant_id,
            "name": self.name,
            "document_number": self.document_number,
            "retrieval_code": self.retrieval_code,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ExportedFile:
    path: str  # relative to the batch folder, "/"-separated
    sha256: str
    size: int


@dataclass(frozen=True)
class ExportResult:
    batch_id: int
    output: Path  # the batch folder, or the zip file
    folder_name: str
    profile: str
    application_ids: tuple[int, ...]
    files: tuple[ExportedFile, ...]  # every file but the manifest
    manifest_sha256: str
    skipped: tuple[NotReady, ...] = ()  # complete_only: the people left out
    reencoded: tuple[str, ...] = field(default=())  # photo files re-encoded into the size window

    @property
    def count(self) -> int:
        return len(self.application_ids)

    def to_json(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "output": str(self.output),
            "folder": self.folder_name,
            "profile": self.profile,
            "count": self.count,
            "application_ids": list(self.application_ids),
            "files": [{"path": f.path, "sha256": f.sha256, "size": f.size} for f in self.files],
            "manifest": MANIFEST_NAME,
            "manifest_sha256": self.manifest_sha256,
            "skipped": [s.to_json() for s in self.skipped],
            "reencoded": list(self.reencoded),
        }


@dataclass
class _Item:
    app_id: int
    applicant_id: int
    retrieval_code: str
    status: str
    data: ApplicantData
    unit_number: str
    unit_name: str
    photo_id: int | None
    jpeg: bytes = b""
    file_name: str = ""
    reencoded: bool = False


# ------------------------------------------------------------------------------------ select
def _select(
    session: Session, *, unit: str | None, application_ids: Sequence[int] | None, all_: bool
) -> tuple[list[Application], int | None, str]:
    chosen = sum([unit is not None, application_ids is not None, all_])
    if chosen != 1:
        raise InputError("export: choose exactly one of a unit, a list of applications, or all")
    stmt = select(Application).where(Application.active.is_(True))
    if unit is not None:
        u = find_unit(session, unit)
        apps = list(
            session.execute(
                stmt.where(
                    Application.unit_id == u.id, Application.status.in_(READY_STATUSES | WAITING_STATUSES)
                ).order_by(Application.id)
            ).scalars()
        )
        return apps, u.id, f"{u.number}-{u.name}"
    if application_ids is not None:
        ids = list(dict.fromkeys(int(i) for i in application_ids))
        if not ids:
            raise InputError("export: no application ids given")
        found = {
            a.id: a for a in session.execute(select(Application).where(Application.id.in_(ids))).scalars()
        }
        missing = [i for i in ids if i not in found]
        if missing:
            raise InputError(
                f"export: no application {missing[0]}"
                + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
            )
        done = [a for a in found.values() if a.status not in READY_STATUSES | WAITING_STATUSES]
        if done:
            a = done[0]
            raise InputError(f"export: application {a.id} is {a.status}, not waiting to be exported")
        return [found[i] for i in ids], None, "selection"
    apps = list(
        session.execute(
            stmt.where(Application.status.in_(READY_STATUSES | WAITING_STATUSES)).order_by(Application.id)
        ).scalars()
    )
    return apps, None, "all"


def _gather(session: Session, apps: list[Application]) -> list[_Item]:
    from station.db.models import Unit

    items: list[_Item] = []
    units: dict[int, tuple[str, str]] = {}
    for app in apps:
        person = get_applicant(session, app.applicant_id)
        unit_id = app.unit_id or person.unit_id
        if unit_id is not None and unit_id not in units:
            u = session.get(Unit, unit_id)
            units[unit_id] = (u.number, u.name) if u is not None else ("", "")
        un, uname = units.get(unit_id, ("", "")) if unit_id is not None else ("", "")
        photo_id = accepted_photo_id(session, app.id)
        item = _Item(
            app.id, app.applicant_id, app.retrieval_code, app.status, person.data, un, uname, photo_id
        )
        if photo_id is not None and app.status in READY_STATUSES:
            item.jpeg = photo_bytes(session, photo_id)
        items.append(item)
    return items


# ----------------------------------------------------------------------------------- prepare
def _fit(item: _Item, profile: Profile) -> str:
    """Bring the photo inside the profile's size window; '' when fine, else the reason."""
    lo, hi = kb_window_bytes(profile)
    n = len(item.jpeg)
    if (lo is None or n >= lo) and (hi is None or n <= hi):
        return ""
    from PIL import Image, UnidentifiedImageError

    from capture.encode import encode_jpeg

    try:
        with Image.open(io.BytesIO(item.jpeg)) as im:
            im.load()
            encoded = encode_jpeg(im.convert("RGB"), profile)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        return f"the stored photo cannot be read ({type(exc).__name__})"
    if not encoded.ok:
        return f"photo cannot be brought into the {profile.kb} KB window: {encoded.reason}"
    item.jpeg = encoded.data
    item.reencoded = True
    return ""


def _not_ready(item: _Item, reason: str) -> NotReady:
    return NotReady(
        item.app_id,
        item.applicant_id,
        item.data.name,
        mask_id(item.data.document_number),
        item.retrieval_code,
        reason,
    )


def _prepare(items: list[_Item], profile: Profile) -> tuple[list[_Item], list[NotReady]]:
    ready: list[_Item] = []
    problems: list[NotReady] = []
    taken: list[str] = []
    for item in items:
        if item.status == "rejected":
            problems.append(_not_ready(item, "returned by the card centre and not re-collected yet"))
            continue
        if item.photo_id is None or not item.jpeg:
            problems.append(_not_ready(item, "no accepted photo"))
            continue
        try:
            name = photo_file_name(
                profile,
                id_number=item.data.document_number,
                name=item.data.name,
                retrieval_code=item.retrieval_code,
                name_pinyin=item.data.name_pinyin,
            )
        except ProfileError as exc:
            problems.append(_not_ready(item, f"photo file name: {exc}"))
            continue
        reason = _fit(item, profile)
        if reason:
            problems.append(_not_ready(item, reason))
            continue
        item.file_name = unique_name(name, taken)
        taken.append(item.file_name)
        ready.append(item)
    return ready, problems


def _row(seq: int, item: _Item) -> list[str]:
    d = item.data
    values: dict[str, str] = {
        "seq": str(seq),
        "unit_number": item.unit_number,
        "unit_name": item.unit_name,
        "retrieval_code": item.retrieval_code,
        "photo_file": f"{PHOTO_DIR}/{item.file_name}",
    }
    out: list[str] = []
    for key, _header in EXPORT_COLUMNS:
        if key in values:
            out.append(values[key])
            continue
        v = getattr(d, key)
        if key == "valid_until" and v is None:
            out.append(LONG_TERM if d.valid_from is not None else "")
        elif key == "card_type":
            out.append(_CARD_TYPE.get(v, v))
        elif v is None:
            out.append("")
        elif hasattr(v, "isoformat"):
            out.append(v.isoformat())
        else:
            out.append(" ".join(str(v).split()))
    return out


# ------------------------------------------------------------------------------------- write
def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def _write_batch(tmp: Path, items: list[_Item], data_name: str) -> tuple[list[ExportedFile], str]:
    (tmp / PHOTO_DIR).mkdir(parents=True)
    for item in items:
        (tmp / PHOTO_DIR / item.file_name).write_bytes(item.jpeg)
    headers = [h for _k, h in EXPORT_COLUMNS]
    rows = [_row(i, item) for i, item in enumerate(items, start=1)]
    write_csv(tmp / f"{data_name}.csv", headers, rows)
    write_xlsx(tmp / f"{data_name}.xlsx", headers, rows, sheet=data_name)
    files = sorted((p.relative_to(tmp).as_posix(), p) for p in tmp.rglob("*") if p.is_file())
    exported = [ExportedFile(rel, _sha256(p), p.stat().st_size) for rel, p in files]
    manifest = "".join(f"{f.sha256}  {f.path}\n" for f in exported)
    (tmp / MANIFEST_NAME).write_text(manifest, encoding="utf-8", newline="\n")
    fsync_tree(tmp)
    return exported, hashlib.sha256(manifest.encode("utf-8")).hexdigest()


def _zip(tmp: Path, folder_name: str, target: Path) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(tmp.rglob("*")):
            if p.is_file():
                # Photos are JPEG already: store them; deflate the text and XLSX files.
                method = zipfile.ZIP_STORED if p.suffix.lower() == ".jpg" else zipfile.ZIP_DEFLATED
                zf.write(p, f"{folder_name}/{p.relative_to(tmp).as_posix()}", compress_type=method)
    with target.open("rb") as f:
        os.fsync(f.fileno())


def verify_manifest(folder: Path) -> list[str]:
    """Files whose SHA-256 differs from the manifest, or that are missing or unlisted ([] = good)."""
    lines = (folder / MANIFEST_NAME).read_text(encoding="utf-8").splitlines()
    listed: dict[str, str] = {}
    for line in lines:
        digest, _, rel = line.partition("  ")
        listed[rel] = digest
    bad = [
        rel
        for rel, digest in listed.items()
        if not (folder / rel).is_file() or _sha256(folder / rel) != digest
    ]
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {MANIFEST_NAME}
    bad += sorted(present - set(listed))
    return bad


# -------------------------------------------------------------------------------------- main
def export_batch(
    db: Any,
    out_dir: Path,
    *,
    profile: Profile,
    operator: str,
    unit: str | None = None,
    application_ids: Sequence[int] | None = None,
    all_waiting: bool = False,
    complete_only: bool = False,
    zip_output: bool = False,
    name: str | None = None,
    now: datetime | None = None,
) -> ExportResult:
    """Export a unit's applications (``unit``: unit number or ``#id``), a selection
    (``application_ids``) or all those waiting (``all_waiting``), with their accepted photos. ``db`` is a
    ``station.db.Database``. Raises ``ExportRefused`` (missing photos), ``InputError`` (bad
    selection, nothing to export, destination exists), ``Conflict`` (records changed while
    writing)."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: not a folder")
    with db.session(readonly=True) as s:
        apps, unit_id, label = _select(s, unit=unit, application_ids=application_ids, all_=all_waiting)
        items = _gather(s, apps)
    if not items:
        raise InputError(f"export: nothing to export for {label} (no application waiting to be submitted)")
    ready, problems = _prepare(items, profile)
    if problems and not complete_only:
        lacking = sum(1 for p in problems if p.reason == "no accepted photo")
        head = f"{len(problems)} of {len(items)} applications cannot be exported"
        if lacking:
            head += f" ({lacking} without a photo)"
        hint = " (use --complete-only to export the others)" if ready else ""
        raise ExportRefused(f"{head}; nothing was written{hint}", problems)
    if not ready:
        raise ExportRefused(
            f"none of the {len(items)} applications is complete; nothing was written", problems
        )

    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder_name = sanitize_file_name(name or f"{label}-{stamp}", max_bytes=150)
    data_name = sanitize_file_name(label if unit is not None else "data", max_bytes=120)
    final = out_dir / (folder_name + (".zip" if zip_output else ""))
    if final.exists():
        raise InputError(f"{final}: already exists")
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / f".{folder_name}.partial-{uuid.uuid4().hex[:8]}"
    tmp_zip = out_dir / f".{folder_name}.zip.partial-{uuid.uuid4().hex[:8]}"
    renamed = False
    try:
        files, manifest_sha = _write_batch(tmp, ready, data_name)
        if zip_output:
            _zip(tmp, folder_name, tmp_zip)
        with db.session() as s:
            batch = ExportBatch(
                operator=operator,
                unit_id=unit_id,
                profile=profile.id,
                destination=str(final),
                record_count=len(ready),
                manifest_sha256=manifest_sha,
            )
            s.add(batch)
            s.flush()
            for item in ready:
                _recheck(s, item)
                set_status(
                    s,
                    item.app_id,
                    "submitted",
                    operator=operator,
                    reason=f"batch {batch.id}",
                    batch_id=batch.id,
                )
            # Resubmitted after a rejection: the retake is done, the rejection leaves the queue.
            s.execute(
                update(Rejection)
                .where(
                    Rejection.application_id.in_([i.app_id for i in ready]), Rejection.resolved_at.is_(None)
                )
                .values(resolved_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            audit.record(
                s,
                "export.batch",
                operator=operator,
                entity="export_batch",
                entity_id=batch.id,
                detail=f"{len(ready)} applications ({label}), profile {profile.id}, {final.name}, "
                f"manifest sha256 {manifest_sha[:16]}" + (f", {len(problems)} left out" if problems else ""),
            )
            batch_id = batch.id
            if final.exists():
                raise InputError(f"{final}: already exists")
            (tmp_zip if zip_output else tmp).replace(final)
            renamed = True
            fsync_dir(out_dir)
    except BaseException:
        if renamed:
            _remove(final)  # the database refused the commit: take the batch back
        raise
    finally:
        _remove(tmp)
        _remove(tmp_zip)
    return ExportResult(
        batch_id=batch_id,
        output=final,
        folder_name=folder_name,
        profile=profile.id,
        application_ids=tuple(i.app_id for i in ready),
        files=tuple(files),
        manifest_sha256=manifest_sha,
        skipped=tuple(problems),
        reencoded=tuple(i.file_name for i in ready if i.reencoded),
    )


def _recheck(session: Session, item: _Item) -> None:
    """The record must not have changed since the files were written."""
    app = session.get(Application, item.app_id)
    if app is None or app.status != item.status:
        raise Conflict(f"application {item.app_id} changed while the batch was written; nothing was exported")
    current = accepted_photo_id(session, item.app_id)
    if current != item.photo_id:
        raise Conflict(f"the photo of application {item.app_id} changed while the batch was written")


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        path.unlink(missing_ok=True)
