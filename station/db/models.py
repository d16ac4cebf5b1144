"""The station's tables, as SQLAlchemy 2 typed models.

Only ``station/`` sees these classes; services in ``station/records`` (and the import, export,
card and forms services) take a session and hand plain frozen dataclasses to everyone else.

Conventions:

- Times are naive UTC (``utcnow()``), the same on SQLite and PostgreSQL.
- Text columns are ``String``/``Text``; names keep every character, including those outside
  the BMP (𠮷): SQLite stores UTF-8, and the PostgreSQL database must be UTF8 (the test server
  is created with ``initdb -E UTF8``).
- Photo bytes live in ``photo_blobs``, away from ``applicants`` and ``photos``, so that lists
  and searches never read them.
- Status values are the string constants below; the allowed moves between them are in
  ``station/records/status.py``.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "APPLICATION_STATUSES",
    "CARD_STATUSES",
    "PHOTO_STATUSES",
    "ROLES",
    "Applicant",
    "Application",
    "AuditEvent",
    "Base",
    "Card",
    "Counter",
    "ExportBatch",
    "Operator",
    "Photo",
    "PhotoBlob",
    "PhotoReceipt",
    "ReferenceRecord",
    "Rejection",
    "Unit",
    "utcnow",
]

# enrollment.md §5, in order. The transitions are in station/records/status.py.
APPLICATION_STATUSES = (
    "collected",  # 已采集
    "photo_accepted",  # 照片合格
    "submitted",  # 已报送 (batch exported)
    "rejected",  # 异常退回 (abnormal info returned: photo or data)
    "recollected",  # 已重新采集
    "card_produced",  # 已制卡
    "card_encoded",  # 已写卡
    "issued",  # 已发放 (activated)
    "pre_reported_lost",  # 预挂失
    "reported_lost",  # 已挂失
    "replaced",  # 已补卡 (a replacement card was made)
    "exchanged",  # 已换卡 (damaged card exchanged)
)
PHOTO_STATUSES = ("accepted", "rejected", "superseded")
# Card.status: produced (face printed) -> encoded (chip written and read back) -> issued ->
# pre_reported_lost -> reported_lost -> replaced; issued -> exchanged; "invalidated" for a card
# taken out of use otherwise (e.g. a failed write that will not be finished).
CARD_STATUSES = (
    "produced",
    "encoded",
    "issued",
    "pre_reported_lost",
    "reported_lost",
    "replaced",
    "exchanged",
    "invalidated",
)
ROLES = ("operator", "supervisor", "admin")

# JSON on SQLite, JSONB on PostgreSQL.
JSONType = JSON().with_variant(postgresql.JSONB(), "postgresql")

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Naive UTC, the one time format stored in every table."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Unit(Base):
    """An employer, school or street office (enrollment.md §2)."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Applicant(Base):
    """One person; the columns are the fields of station.domain.ApplicantData (same names)."""

    __tablename__ = "applicants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), index=True)
    # Required (enrollment.md §1).
    name: Mapped[str] = mapped_column(String(100))
    name_pinyin: Mapped[str] = mapped_column(String(200))
    sex: Mapped[str] = mapped_column(String(1))
    ethnicity: Mapped[str] = mapped_column(String(2))
    nationality: Mapped[str] = mapped_column(String(3))
    document_type: Mapped[str] = mapped_column(String(2))
    # Upper case, no spaces; unique: one person, one row (re-collection reuses it).
    document_number: Mapped[str] = mapped_column(String(40), unique=True)
    issuing_authority: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)  # None = 长期
    mobile: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(String(400))
    occupation: Mapped[str] = mapped_column(String(2))
    photo_receipt_number: Mapped[str] = mapped_column(String(40), default="")
    card_type: Mapped[str] = mapped_column(String(10))
    birth_date: Mapped[date] = mapped_column(Date)
    # Optional (enrollment.md §1).
    household_place: Mapped[str] = mapped_column(String(200), default="")
    household_address: Mapped[str] = mapped_column(String(400), default="")
    household_type: Mapped[str] = mapped_column(String(10), default="")
    agent_name: Mapped[str] = mapped_column(String(100), default="")
    agent_document_type: Mapped[str] = mapped_column(String(2), default="")
    agent_document_number: Mapped[str] = mapped_column(String(40), default="")
    agent_phone: Mapped[str] = mapped_column(String(40), default="")
    social_security_number: Mapped[str] = mapped_column(String(40), default="")
    employer: Mapped[str] = mapped_column(String(200), default="")
    # Bookkeeping.
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="")

    unit: Mapped[Unit | None] = relationship()
    applications: Mapped[list[Application]] = relationship(
        back_populates="applicant", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        Index("ix_applicants_name", "name", postgresql_ops={"name": "text_pattern_ops"}),
        Index("ix_applicants_name_pinyin", "name_pinyin", postgresql_ops={"name_pinyin": "text_pattern_ops"}),
    )


class ExportBatch(Base):
    """One batch written for the card centre (issue 3 §6)."""

    __tablename__ = "export_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    operator: Mapped[str] = mapped_column(String(100), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    profile: Mapped[str] = mapped_column(String(40), default="")
    destination: Mapped[str] = mapped_column(Text, default="")
    record_count: Mapped[int] = mapped_column(Integer, default=0)
    manifest_sha256: Mapped[str] = mapped_column(String(64), default="")


class Application(Base):
    """One card application of an applicant; follows enrollment.md §5."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), index=True)
    # 检索码: station code + year + sequence + check character, unique across stations.
    retrieval_code: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="collected", index=True)
    # True while the application blocks a new one for the same person (a partial unique index
    # allows one active application per applicant).
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    status_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("export_batches.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="")

    applicant: Mapped[Applicant] = relationship(back_populates="applications")

    __table_args__ = (
        Index(
            "uq_applications_one_active",
            "applicant_id",
            unique=True,
            sqlite_where=text("active = 1"),
            postgresql_where=text("active"),
        ),
    )


class Photo(Base):
    """One photo attempt: accepted, rejected by the checks, or superseded by a later one."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(12))  # PHOTO_STATUSES
    profile: Mapped[str] = mapped_column(String(40), default="")
    report: Mapped[dict[str, Any]] = mapped_column(JSONType)  # ComplianceReport.to_json()
    source: Mapped[str] = mapped_column(String(200), default="")  # camera, file:NAME, folder, import
    operator: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    size: Mapped[int] = mapped_column(Integer, default=0)  # bytes of the JPEG
    sha256: Mapped[str] = mapped_column(String(64), default="")

    __table_args__ = (Index("ix_photos_application_status", "application_id", "status"),)


class PhotoBlob(Base):
    """The bytes of a photo: ``jpeg`` (what the checks judged) or ``original`` (camera image,
    kept only for ``Settings.keep_originals_days``)."""

    __tablename__ = "photo_blobs"

    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # "jpeg" | "original"
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class PhotoReceipt(Base):
    """数字相片采集回执: station code + date + sequence + check character."""

    __tablename__ = "photo_receipts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    station_code: Mapped[str] = mapped_column(String(6))
    issued_on: Mapped[date] = mapped_column(Date)
    sequence: Mapped[int] = mapped_column(Integer)
    applicant_id: Mapped[int | None] = mapped_column(
        ForeignKey("applicants.id", ondelete="SET NULL"), index=True
    )
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photos.id", ondelete="SET NULL"))
    studio: Mapped[str] = mapped_column(String(200), default="")
    operator: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("station_code", "issued_on", "sequence"),)


class ReferenceRecord(Base):
    """Imported population data (公安人口库 / earlier record) for the six-item comparison."""

    __tablename__ = "reference_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_number: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    sex: Mapped[str] = mapped_column(String(1), default="")
    ethnicity: Mapped[str] = mapped_column(String(2), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    has_photo: Mapped[bool | None] = mapped_column(Boolean)  # 有二代证照片
    source: Mapped[str] = mapped_column(Text, default="")  # file name
    row_number: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # other columns


class Rejection(Base):
    """An imported abnormal-info row (异常信息): the retake queue is the unresolved ones."""

    __tablename__ = "rejections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_number: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(10), default="other")  # "photo" | "data" | "other"
    reason: Mapped[str] = mapped_column(Text, default="")
    applicant_id: Mapped[int | None] = mapped_column(
        ForeignKey("applicants.id", ondelete="SET NULL"), index=True
    )
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL"), index=True
    )
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    source: Mapped[str] = mapped_column(Text, default="")
    row_number: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class Card(Base):
    """A card produced for an application (card.md §2, §6)."""

    __tablename__ = "cards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="RESTRICT"), index=True
    )
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id", ondelete="RESTRICT"), index=True)
    atr: Mapped[str] = mapped_column(String(80), default="")  # hex, no spaces
    card_identification_code: Mapped[str] = mapped_column(String(32), default="", index=True)
    card_number: Mapped[str] = mapped_column(String(9), default="", index=True)
    card_type: Mapped[str] = mapped_column(String(1), default="3")  # chip EF05 tag 02
    spec_version: Mapped[str] = mapped_column(String(4), default="")
    issue_date: Mapped[date | None] = mapped_column(Date)
    expiry_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="produced")  # CARD_STATUSES
    replaces_card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id", ondelete="SET NULL"))
    # Which files/elements were written and verified, to finish a write torn by card removal.
    write_state: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    operator: Mapped[str] = mapped_column(String(100), default="")


class Operator(Base):
    """A person who uses the station; the password hash is hashlib.scrypt with its own salt."""

    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(12), default="operator")  # ROLES
    password_hash: Mapped[str] = mapped_column(String(255))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditEvent(Base):
    """Append-only (database triggers refuse UPDATE and DELETE). ``hash`` covers this event's
    fields and ``prev_hash``, so any change breaks the chain that ``station audit verify``
    checks. Never a PIN; ID numbers in ``detail`` are masked."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    operator: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40), default="")
    entity_id: Mapped[str] = mapped_column(String(40), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class Counter(Base):
    """Named sequences (receipt numbers per station and day, retrieval codes per station and
    year), incremented under the row's lock."""

    __tablename__ = "counters"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0)
