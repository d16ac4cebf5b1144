"""Plain frozen values the forms take. No ORM object reaches a form: ``collect.py`` builds these
from the records database, tests and the window can build them directly.

Applicant fields are :class:`station.domain.ApplicantData` (codes); the forms turn codes into
Chinese labels themselves (``labels.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from station.domain import ApplicantData

__all__ = [
    "ApplicationForm",
    "ComparisonItem",
    "ConfirmationForm",
    "Mark",
    "PhotoReceipt",
    "StationInfo",
    "UnitApplicant",
    "UnitApplicationForm",
    "UnitInfo",
    "UnitList",
    "UnitListRow",
]

Mark = Literal["√", "×", "无"]


@dataclass(frozen=True)
class StationInfo:
    """Where and by whom a form was printed."""

    code: str  # 6-digit station code
    name: str  # branch or studio name
    operator: str = ""  # operator's display name


@dataclass(frozen=True)
class UnitInfo:
    """A unit (employer, school, street office), enrollment.md §2."""

    number: str
    name: str
    contact: str
    contact_phone: str


@dataclass(frozen=True)
class ApplicationForm:
    """申领登记表 (individual)."""

    applicant: ApplicantData
    retrieval_code: str  # 检索码, printed at the bottom right as text and QR
    station: StationInfo
    photo_jpeg: bytes | None = None  # the accepted 358x441 JPEG at 350 dpi
    application_id: str = ""
    printed_at: datetime | None = None  # None = now
    unit: UnitInfo | None = None


@dataclass(frozen=True)
class UnitApplicant:
    applicant: ApplicantData
    retrieval_code: str
    application_id: str = ""


@dataclass(frozen=True)
class UnitApplicationForm:
    """申领登记表 (unit): many applicants over several pages, unit details and a stamp area."""

    unit: UnitInfo
    applicants: tuple[UnitApplicant, ...]
    station: StationInfo
    printed_at: datetime | None = None


@dataclass(frozen=True)
class ComparisonItem:
    """One of the six items: reference value (population database / earlier record), the value
    collected here, and the mark. A √ item's fill-in cell is printed as ``---``."""

    item: str  # 公民身份号码, 姓名, 性别, 民族, 出生日期, 照片
    reference: str
    collected: str
    mark: Mark


@dataclass(frozen=True)
class ConfirmationForm:
    """信息确认表 / 二次采集比对表."""

    name: str
    document_number: str
    items: tuple[ComparisonItem, ...]
    has_id_card_photo: bool | None  # 有无二代身份证照片; None = not known, both boxes left empty
    station: StationInfo
    photo_jpeg: bytes | None = None
    retrieval_code: str = ""
    application_id: str = ""
    printed_at: datetime | None = None


@dataclass(frozen=True)
class PhotoReceipt:
    """数字相片采集回执, given by the studio."""

    receipt_number: str
    name: str
    document_number: str  # printed masked (station.domain.mask_id)
    taken_on: date
    station: StationInfo  # the studio
    photo_jpeg: bytes | None = None
    printed_at: datetime | None = None  # None = now


@dataclass(frozen=True)
class UnitListRow:
    name: str
    sex: str  # GB/T 2261.1 code
    document_number: str  # printed masked
    retrieval_code: str = ""
    photo_receipt_number: str = ""
    has_photo: bool = False
    status: str = ""  # the record's status, in Chinese or as stored


@dataclass(frozen=True)
class UnitList:
    """A unit's list of persons for a batch."""

    unit: UnitInfo
    rows: tuple[UnitListRow, ...]
    station: StationInfo
    batch: str = ""  # batch label, e.g. the export folder or date
    printed_at: datetime | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
