"""Plain values the records services return: frozen dataclasses, never ORM rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from station.domain import ApplicantData, FieldIssue

__all__ = [
    "ApplicantRecord",
    "ApplicantSummary",
    "ApplicationInfo",
    "AuditEventInfo",
    "AuditVerification",
    "AuthOutcome",
    "EnrollResult",
    "OperatorInfo",
    "Page",
    "PhotoInfo",
    "ReceiptInfo",
    "RetakeItem",
    "UnitInfo",
]

T = TypeVar("T")


@dataclass(frozen=True)
class UnitInfo:
    id: int
    number: str
    name: str
    contact: str
    contact_phone: str


@dataclass(frozen=True)
class ApplicantRecord:
    """The whole record of one person (full document number: only for the person's own form)."""

    id: int
    unit_id: int | None
    data: ApplicantData
    created_at: datetime
    updated_at: datetime
    created_by: str


@dataclass(frozen=True)
class ApplicationInfo:
    id: int
    applicant_id: int
    unit_id: int | None
    retrieval_code: str
    status: str
    active: bool
    status_changed_at: datetime
    status_reason: str
    created_at: datetime
    batch_id: int | None


@dataclass(frozen=True)
class ApplicantSummary:
    """One line of a list: the document number is masked unless a supervisor asked otherwise."""

    applicant_id: int
    name: str
    name_pinyin: str
    sex: str
    birth_date: date
    document_type: str
    document_number: str  # masked (110105********123X) unless full=True
    unit_id: int | None
    application_id: int | None
    retrieval_code: str
    status: str  # "" when the person has no application
    has_photo: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "applicant_id": self.applicant_id,
            "name": self.name,
            "name_pinyin": self.name_pinyin,
            "sex": self.sex,
            "birth_date": self.birth_date.isoformat(),
            "document_type": self.document_type,
            "document_number": self.document_number,
            "unit_id": self.unit_id,
            "application_id": self.application_id,
            "retrieval_code": self.retrieval_code,
            "status": self.status,
            "has_photo": self.has_photo,
        }


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    total: int
    page: int  # 1-based
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class EnrollResult:
    applicant_id: int
    application_id: int
    retrieval_code: str
    warnings: tuple[FieldIssue, ...] = ()
    updated_existing: bool = False  # an earlier record of the same person was reused
    # A replacement: the person's newest card out of use (reported lost, replaced, exchanged),
    # which the new application's card will replace.
    replaces_card_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "application_id": self.application_id,
            "applicant_id": self.applicant_id,
            "retrieval_code": self.retrieval_code,
            "replaces_card_id": self.replaces_card_id,
            "warnings": [{"field": w.field, "code": w.code, "message": w.message} for w in self.warnings],
        }


@dataclass(frozen=True)
class PhotoInfo:
    id: int
    applicant_id: int
    application_id: int | None
    status: str  # accepted | rejected | superseded
    profile: str
    report: Mapping[str, Any]
    source: str
    operator: str
    created_at: datetime
    size: int
    sha256: str
    has_original: bool = False

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    def failing_checks(self) -> list[Mapping[str, Any]]:
        checks = self.report.get("checks", [])
        return [c for c in checks if not c.get("passed") and c.get("level", "error") == "error"]


@dataclass(frozen=True)
class ReceiptInfo:
    number: str
    station_code: str
    issued_on: date
    sequence: int
    applicant_id: int | None
    photo_id: int | None
    studio: str
    created_at: datetime
    operator: str = ""


@dataclass(frozen=True)
class AuditEventInfo:
    id: int
    at: datetime
    operator: str
    action: str
    entity: str
    entity_id: str
    detail: str


@dataclass(frozen=True)
class AuditVerification:
    ok: bool
    count: int
    bad_event_id: int | None = None
    message: str = ""


@dataclass(frozen=True)
class OperatorInfo:
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    failed_attempts: int
    locked_until: datetime | None


@dataclass(frozen=True)
class AuthOutcome:
    """The result of a login attempt (the failure counter is saved either way)."""

    ok: bool
    operator: OperatorInfo | None = None
    message: str = ""

    def raise_for_failure(self) -> OperatorInfo:
        from station.records.errors import AuthError

        if not self.ok or self.operator is None:
            raise AuthError(self.message or "authentication failed")
        return self.operator


@dataclass(frozen=True)
class RetakeItem:
    """One entry of the kiosk's retake queue: an unresolved rejection and the record it hits."""

    rejection_id: int
    document_number: str  # masked
    name: str
    kind: str
    reason: str
    applicant_id: int | None
    application_id: int | None
    status: str
    imported_at: datetime
    extra: Mapping[str, Any] = field(default_factory=dict)
