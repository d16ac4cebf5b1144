"""Reading a card, and encoding an application's card (issue 5 §6).

``encode_application`` runs, in order:

1. **read** the card: SSSE, EF05 (card identification code, version), the record layouts of
   EF05/EF06, EF06 (blank?); decide whether this is a fresh card, a card being resumed (its
   write journal names this application), a re-encode of this application's card, or a foreign
   card (refused);
2. **authenticate**: GET CHALLENGE + EXTERNAL AUTHENTICATE through the key service;
3. **write** EF05 (card type, dates, card number), EF06 (holder data, name split over 09 + 4E)
   and EF08 (the photo re-encoded to <= 4 KB, <= 255 bytes per APDU), journalling every step;
4. **verify** every written element by reading it back (a card that does not read back
   correctly is never recorded as good), then set the initial PIN of a new card;
5. **record** the card on the application in one database transaction (ATR, card
   identification code, card number with its check character, dates) and drop the journal.

No database transaction is open while the card is being written. ``progress(stage, fraction)``
is called along the way for the window's progress bar (from the calling thread).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station.card.codec import split_text
from station.card.errors import CardContentError, CardError, ForeignCard, VerifyMismatch
from station.card.journal import Journal, JournalEntry
from station.card.keys import USAGE_UPDATE, KeyService
from station.card.numbers import card_number_check_char, card_number_is_valid, parse_atr
from station.card.photo import chip_photo
from station.card.ssse import (
    CHUNK,
    ELEMENTS,
    FID_EF05,
    FID_EF06,
    FID_EF08,
    TAG_BIRTH_DATE,
    TAG_BIRTHPLACE,
    TAG_CARD_NUMBER,
    TAG_CARD_TYPE,
    TAG_ETHNICITY,
    TAG_EXPIRY_DATE,
    TAG_ISSUE_DATE,
    TAG_NAME,
    TAG_NAME_EXT,
    TAG_SEX,
    TAG_SSN,
    HolderData,
    IssuerData,
    Ssse,
    encode_element,
    holder_from,
    issuer_from,
)
from station.card.transport import ApduTransport, CardConnection
from station.errors import ConfigError, InputError

if TYPE_CHECKING:
    from station.db import Database
    from station.domain import ApplicantData
    from station.records.cards import CardInfo, EncodeSource

__all__ = [
    "CardReadout",
    "EncodeOptions",
    "EncodeResult",
    "Progress",
    "WriteStep",
    "card_type_for",
    "encode_application",
    "initial_pin",
    "read_card",
]

log = logging.getLogger("station.card")

Progress = Callable[[str, float], None]


def _no_progress(stage: str, fraction: float) -> None:
    return None


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardReadout:
    """Everything ``station card read`` shows; plain values only."""

    reader: str
    atr: str  # hex
    area_code_prefix: str
    algorithm: int | None
    issuer: IssuerData
    holder: HolderData
    photo: bytes | None

    @property
    def blank(self) -> bool:
        return self.holder.blank and not self.issuer.card_number

    @property
    def card_number_valid(self) -> bool | None:
        return card_number_is_valid(self.issuer.card_number) if self.issuer.card_number else None

    def to_json(self) -> dict[str, Any]:
        i, h = self.issuer, self.holder
        return {
            "reader": self.reader,
            "atr": self.atr,
            "area_code_prefix": self.area_code_prefix,
            "algorithm": self.algorithm,
            "blank": self.blank,
            "card_identification_code": i.card_id,
            "card_type": i.card_type,
            "spec_version": i.spec_version.rstrip("\x00"),
            "initialising_institution": i.init_institution,
            "issue_date": i.issue_date.isoformat() if i.issue_date else None,
            "expiry_date": i.expiry_date.isoformat() if i.expiry_date else None,
            "card_number": i.card_number,
            "card_number_valid": self.card_number_valid,
            "social_security_number": h.ssn,
            "name": h.name,
            "sex": h.sex,
            "ethnicity": h.ethnicity,
            "birthplace": h.birthplace,
            "birth_date": h.birth_date.isoformat() if h.birth_date else None,
            "photo_bytes": len(self.photo) if self.photo else 0,
            "photo_sha256": hashlib.sha256(self.photo).hexdigest() if self.photo else None,
        }


def read_card(
    connection: CardConnection,
    key_service: KeyService | None = None,
    *,
    with_photo: bool = True,
    reader: str = "",
) -> CardReadout:
    ssse = Ssse(ApduTransport(connection), connection.atr, key_service)
    info = ssse.select()
    issuer = ssse.read_issuer()
    holder = ssse.read_holder()
    photo = ssse.read_photo() if with_photo else None
    try:
        area = parse_atr(connection.atr).area_code_prefix
    except CardContentError:
        area = ""
    return CardReadout(reader, connection.atr.hex().upper(), area, info.algorithm, issuer, holder, photo)


# --- what goes on the card --------------------------------------------------------------------


def card_type_for(birth_date: date | None, today: date) -> str:
    """EF05 tag 02 (tables.md): 1 under 6, 4 from 70, else 3 (students cannot be told apart)."""
    if birth_date is None:
        return "3"
    age = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
    if age < 6:
        return "1"
    if age >= 70:
        return "4"
    return "3"


def initial_pin(rule: str, ssn: str) -> str:
    """The regional initial PIN (``Settings.initial_pin_rule``): ``fixed:NNNNNN`` or
    ``id-last6`` (the last six characters of the social security number; a final ``X`` counts
    as 0 [U])."""
    r = rule.strip()
    if r.startswith("fixed:"):
        pin = r[len("fixed:") :]
    elif r == "id-last6":
        pin = ssn.strip().upper()[-6:].replace("X", "0")
    else:
        raise ConfigError(f"initial_pin_rule {rule!r} is neither 'fixed:NNNNNN' nor 'id-last6'")
    if not 4 <= len(pin) <= 12 or not pin.isdigit():
        raise ConfigError("initial_pin_rule does not give a PIN of 4 to 12 digits")
    return pin


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def social_security_number(data: ApplicantData) -> str:
    """EF06 tag 08: the citizen ID number for PRC residents, else the 社保登记号 when there is
    one, else the document number."""
    if data.document_type == "01":
        return data.document_number.upper()
    return (data.social_security_number or data.document_number).upper()


def _birthplace(data: ApplicantData) -> str:
    place = data.household_place.strip()
    if len(place) == 6 and place.isdigit():
        return place
    if data.document_type == "01" and data.document_number[:6].isdigit():
        return data.document_number[:6]
    return ""


@dataclass(frozen=True)
class WriteStep:
    key: str  # "EF05/07", "EF06/09", "EF08/0000"
    fid: int
    data: bytes  # the whole record value, or one chunk of EF08
    tag: int | None = None
    recno: int | None = None
    offset: int | None = None

    @property
    def label(self) -> str:
        if self.tag is not None:
            return f"{self.key} {ELEMENTS[self.tag].name}"
        return f"{self.key} photo"


Layout = dict[int, tuple[int, int]]  # tag -> (record number, value length)


def plan_writes(
    layouts: dict[int, Layout],
    data: ApplicantData,
    *,
    card_number: str,
    card_type: str,
    issue_date: date,
    expiry_date: date,
    photo: bytes,
) -> list[WriteStep]:
    """Every write, in order: EF05 records, EF06 records, EF08 chunks."""
    ef06 = layouts[FID_EF06]
    sex = data.sex if data.sex in ("1", "2", "9") else "9"
    name_room = ef06.get(TAG_NAME, (0, 30))[1]
    ext_room = ef06[TAG_NAME_EXT][1] if TAG_NAME_EXT in ef06 else 0
    try:
        name, ext = split_text(data.name, name_room, ext_room)
    except CardContentError as exc:
        raise CardContentError(
            f"{exc} (card without name extension 4E)" if not ext_room else str(exc)
        ) from exc
    values: list[tuple[int, int, str | bytes]] = [
        (FID_EF05, TAG_CARD_TYPE, card_type),
        (FID_EF05, TAG_ISSUE_DATE, issue_date.strftime("%Y%m%d")),
        (FID_EF05, TAG_EXPIRY_DATE, expiry_date.strftime("%Y%m%d")),
        (FID_EF05, TAG_CARD_NUMBER, card_number),
        (FID_EF06, TAG_SSN, social_security_number(data)),
        (FID_EF06, TAG_NAME, name),
        (FID_EF06, TAG_NAME_EXT, ext),
        (FID_EF06, TAG_SEX, sex),
        (FID_EF06, TAG_ETHNICITY, data.ethnicity if data.ethnicity.isdigit() else ""),
        (FID_EF06, TAG_BIRTHPLACE, _birthplace(data)),
        (FID_EF06, TAG_BIRTH_DATE, data.birth_date.strftime("%Y%m%d")),
    ]
    steps: list[WriteStep] = []
    for fid, tag, value in values:
        layout = layouts[fid]
        if tag not in layout:
            if tag == TAG_NAME_EXT:
                continue  # 1.0 cards: the name fitted in 09 (checked above)
            raise CardContentError(f"the card has no record {tag:02X} ({ELEMENTS[tag].name}) in {fid:04X}")
        recno, size = layout[tag]
        try:
            raw = encode_element(tag, value, size)
        except CardContentError as exc:
            raise CardContentError(f"{ELEMENTS[tag].name}: {exc}") from exc
        steps.append(WriteStep(f"{fid:04X}/{tag:02X}", fid, raw, tag=tag, recno=recno))
    for off in range(0, len(photo), CHUNK):
        steps.append(WriteStep(f"{FID_EF08:04X}/{off:04X}", FID_EF08, photo[off : off + CHUNK], offset=off))
    return steps


def _digest(steps: list[WriteStep]) -> str:
    h = hashlib.sha256()
    for s in steps:
        h.update(s.key.encode() + b"\0" + s.data + b"\0")
    return h.hexdigest()


# --- the workflow -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EncodeOptions:
    initial_pin_rule: str = "fixed:123456"
    set_initial_pin: bool = True  # on a card that was blank when this encode began
    card_number_prefix: str = "A"  # letter of card numbers the station allocates [U]
    validity_years: int = 10  # [U]
    restart: bool = False  # overwrite a card personalised elsewhere/for another application
    city_code: str = ""  # the station's region (Settings.card_city_code): warn on other cards
    today: date | None = None


@dataclass(frozen=True)
class EncodeResult:
    application_id: int
    card: CardInfo
    resumed: bool
    restarted: bool
    written: int  # write steps sent in this run
    skipped: int  # steps already done in an earlier, interrupted run
    apdus: int
    seconds: float
    warnings: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "application_id": self.application_id,
            "card": self.card.to_json(),
            "resumed": self.resumed,
            "restarted": self.restarted,
            "written": self.written,
            "skipped": self.skipped,
            "apdus": self.apdus,
            "seconds": round(self.seconds, 3),
            "warnings": list(self.warnings),
        }


def journal_for(data_dir: Path) -> Journal:
    return Journal(data_dir / "card-journal")


@dataclass
class _Plan:
    entry: JournalEntry
    steps: list[WriteStep]
    resumed: bool
    restarted: bool
    warnings: list[str]


def _prepare(
    db: Database,
    application_id: int,
    *,
    ssse: Ssse,
    issuer: IssuerData,
    holder: HolderData,
    layouts: dict[int, Layout],
    journal: Journal,
    options: EncodeOptions,
    operator: str,
) -> _Plan:
    from station.records.cards import (
        ENCODABLE_STATUSES,
        allocate_card_number,
        card_by_identification_code,
        encode_source,
    )
    from station.records.errors import InvalidTransition

    card_id = issuer.card_id
    blank = holder.blank and not issuer.card_number
    today = options.today or date.today()
    warnings: list[str] = []
    with db.session() as session:
        src: EncodeSource = encode_source(session, application_id)
        if src.status not in ENCODABLE_STATUSES:
            raise InvalidTransition(
                f"application {application_id} is {src.status}; its card can be encoded once it is "
                f"{' or '.join(ENCODABLE_STATUSES)}"
            )
        if not src.photo_jpeg:
            raise InputError(f"application {application_id} has no accepted photo for the chip")
        owner = card_by_identification_code(session, card_id)
        if owner is not None and owner.application_id != application_id and owner.status != "invalidated":
            raise ForeignCard(
                f"this card ({card_id}) is recorded for application {owner.application_id}, "
                f"not {application_id}"
            )
        entry = journal.load(card_id)
        if entry is not None and entry.application_id != application_id:
            if not options.restart:
                raise ForeignCard(
                    f"this card was being written for application {entry.application_id}: finish that "
                    "encode, or start again with --restart"
                )
            journal.delete(card_id)
            entry = None
        if entry is None and not blank and owner is None and not options.restart:
            raise ForeignCard(
                "this card is already personalised "
                f"(card number {issuer.card_number or '?'}) and is not on record here; "
                "use --restart to overwrite it"
            )
        if entry is not None:
            card_number, card_type = entry.card_number, entry.card_type
            issue, expiry = date.fromisoformat(entry.issue_date), date.fromisoformat(entry.expiry_date)
        else:
            earlier = next((c for c in reversed(src.cards) if c.card_number and c.status == "produced"), None)
            card_number = (
                owner.card_number
                if owner is not None and owner.card_number
                else earlier.card_number
                if earlier is not None
                else allocate_card_number(session, options.card_number_prefix)
            )
            card_type = card_type_for(src.data.birth_date, today)
            issue, expiry = today, _add_years(today, options.validity_years)
    region = options.city_code.strip()
    if region and not card_id.startswith(region):
        warnings.append(
            f"the card was made for city code {card_id[:6]}, this station is set up for {region} "
            "(setting card_city_code)"
        )
    if not card_number_is_valid(card_number):
        warnings.append(
            f"card number {card_number} fails its check character (expected "
            f"{card_number_check_char(card_number[:8]) if len(card_number) >= 8 else '?'}); written as issued"
        )
    photo = chip_photo(src.photo_jpeg)
    steps = plan_writes(
        layouts,
        src.data,
        card_number=card_number,
        card_type=card_type,
        issue_date=issue,
        expiry_date=expiry,
        photo=photo,
    )
    digest = _digest(steps)
    resumed = restarted = False
    if entry is not None:
        if entry.plan_digest == digest:
            resumed = True
        else:
            restarted = True  # the application's data changed since: write everything again
            entry.plan_digest, entry.done, entry.verified = digest, [], False
            journal.save(entry, durable=True)
    else:
        restarted = not blank
        entry = JournalEntry(
            card_id=card_id,
            atr=ssse.atr.hex().upper(),
            application_id=application_id,
            plan_digest=digest,
            card_number=card_number,
            card_type=card_type,
            issue_date=issue.isoformat(),
            expiry_date=expiry.isoformat(),
            set_initial_pin=options.set_initial_pin and (blank or options.restart),
            operator=operator,
            started_at=datetime.now(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds"),
        )
        journal.save(entry, durable=True)
    return _Plan(entry, steps, resumed, restarted, warnings)


def _verify(ssse: Ssse, steps: list[WriteStep], progress: Progress) -> None:
    records = [s for s in steps if s.tag is not None]
    chunks = [s for s in steps if s.offset is not None]
    for i, s in enumerate(records):
        assert s.tag is not None
        got = ssse.read_element(s.tag, s.fid)
        if got != s.data:
            raise VerifyMismatch(s.label)
        progress("verify", 0.75 + 0.10 * (i + 1) / max(1, len(records)))
    if chunks:
        total = chunks[-1].offset + len(chunks[-1].data)  # type: ignore[operator]
        photo = b"".join(s.data for s in chunks)
        back = bytearray()
        while len(back) < total:
            back += ssse.read_binary(FID_EF08, len(back), min(256, total - len(back)))
            progress("verify", 0.85 + 0.07 * len(back) / total)
        if bytes(back[:total]) != photo:
            raise VerifyMismatch("EF08 photo")


def encode_application(
    connection: CardConnection,
    db: Database,
    application_id: int,
    *,
    key_service: KeyService,
    journal: Journal,
    operator: str,
    options: EncodeOptions | None = None,
    progress: Progress | None = None,
) -> EncodeResult:
    """Encode ``application_id``'s card on the card in ``connection`` (module docstring)."""
    from station.records.cards import EncodedCard, record_encoded_card

    opts = options or EncodeOptions()
    report = progress or _no_progress
    t0 = time.perf_counter()
    transport = ApduTransport(connection)
    ssse = Ssse(transport, connection.atr, key_service)

    # 1. read
    report("read", 0.0)
    ssse.select()
    records = {FID_EF05: ssse.read_records(FID_EF05), FID_EF06: ssse.read_records(FID_EF06)}
    issuer = issuer_from(lambda tag: records[FID_EF05].get(tag, (0, None))[1])
    holder = holder_from(lambda tag: records[FID_EF06].get(tag, (0, None))[1])
    if not issuer.card_id:
        raise CardContentError("the card has no card identification code (EF05 tag 01): not initialised")
    layouts = {fid: {tag: (no, len(v)) for tag, (no, v) in recs.items()} for fid, recs in records.items()}
    report("read", 0.08)
    plan = _prepare(
        db,
        application_id,
        ssse=ssse,
        issuer=issuer,
        holder=holder,
        layouts=layouts,
        journal=journal,
        options=opts,
        operator=operator,
    )
    entry, steps = plan.entry, plan.steps
    if plan.resumed:
        log.info(
            "resuming the encode of card %s: %d of %d steps done", entry.card_id, len(entry.done), len(steps)
        )

    # 2. authenticate
    report("authenticate", 0.10)
    ssse.authenticate(USAGE_UPDATE)

    # 3. write
    done = set(entry.done)
    written = skipped = 0
    for i, step in enumerate(steps):
        if step.key in done:
            skipped += 1
            continue
        if step.recno is not None:
            assert step.tag is not None
            ssse.update_record(step.fid, step.recno, step.tag, step.data)
        else:
            assert step.offset is not None
            ssse.update_binary(step.fid, step.offset, step.data)
        written += 1
        entry.done.append(step.key)
        journal.save(entry)
        report("write", 0.12 + 0.63 * (i + 1) / len(steps))

    # 4. verify, then the initial PIN of a new card
    try:
        _verify(ssse, steps, report)
    except VerifyMismatch:
        entry.done, entry.verified = [], False  # the next attempt writes everything again
        journal.save(entry, durable=True)
        raise
    entry.verified = True
    journal.save(entry, durable=True)
    if entry.set_initial_pin and not entry.pin_done:
        report("pin", 0.93)
        with db.session(readonly=True) as session:
            from station.records.cards import encode_source

            ssn = social_security_number(encode_source(session, application_id).data)
        ssse.reset_pin(initial_pin(opts.initial_pin_rule, ssn))
        entry.pin_done = True
        journal.save(entry, durable=True)

    # 5. record
    report("record", 0.96)
    photo_len = sum(len(s.data) for s in steps if s.offset is not None)
    photo_bytes = b"".join(s.data for s in steps if s.offset is not None)
    state = {
        "elements": sorted(s.key for s in steps if s.tag is not None),
        "photo_bytes": photo_len,
        "photo_sha256": hashlib.sha256(photo_bytes).hexdigest(),
        "verified": True,
        "initial_pin_set": entry.pin_done,
        "resumed": plan.resumed,
        "layout_version": issuer.version,
    }
    encoded = EncodedCard(
        atr=entry.atr,
        card_identification_code=entry.card_id,
        card_number=entry.card_number,
        card_type=entry.card_type,
        spec_version=issuer.spec_version.rstrip("\x00")[:4],
        issue_date=date.fromisoformat(entry.issue_date),
        expiry_date=date.fromisoformat(entry.expiry_date),
        write_state=state,
    )
    with db.session() as session:
        info = record_encoded_card(session, application_id, encoded, operator=operator)
    journal.delete(entry.card_id)
    report("done", 1.0)
    return EncodeResult(
        application_id=application_id,
        card=info,
        resumed=plan.resumed,
        restarted=plan.restarted,
        written=written,
        skipped=skipped,
        apdus=transport.apdu_count,
        seconds=time.perf_counter() - t0,
        warnings=tuple(plan.warnings),
    )


def record_failure(db: Database, application_id: int, error: CardError, *, operator: str) -> None:
    """Best effort: an audit event for an encode that stopped (never a PIN; messages have none)."""
    from station.records import audit

    try:
        with db.session() as session:
            audit.record(
                session,
                "card.encode_failed",
                operator=operator,
                entity="application",
                entity_id=application_id,
                detail=f"{type(error).__name__}: {error}",
            )
    except Exception as exc:  # the card error is what the user must see
        log.warning("could not audit the failed encode: %s", exc)
