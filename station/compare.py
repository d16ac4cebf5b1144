"""The six-item comparison (二次采集比对, enrollment.md §3.2): 公民身份号码, 姓名, 性别, 民族,
出生日期, 照片 — the reference value (population database or an earlier record), the collected
value and a mark for each:

- ``√`` agrees: the form pre-fills the fill-in cell with ``---``;
- ``×`` differs: the applicant fills in the value from the ID card or 户口簿;
- ``无`` missing (on either side, or no reference record at all): the applicant fills it in.

The photo is judged by presence only: ``√`` when an accepted photo exists, ``无`` when not; the
reference side shows whether the population database has a 2nd-generation ID card photo.

Pure functions of plain values; the forms and the window show the result as it is.
"""

from __future__ import annotations

import contextlib
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

from station.domain import ApplicantData
from station.validation import codes
from station.validation.idnumber import IdNumberError, upgrade_15_to_18

__all__ = [
    "AGREE",
    "DIFFER",
    "ITEMS",
    "MISSING",
    "Comparison",
    "ComparisonItem",
    "Mark",
    "ReferenceData",
    "compare",
]

Mark = Literal["√", "×", "无"]
AGREE: Mark = "√"
DIFFER: Mark = "×"
MISSING: Mark = "无"

# (key, label on the form), in the order of the form.
ITEMS: tuple[tuple[str, str], ...] = (
    ("id_number", "公民身份号码"),
    ("name", "姓名"),
    ("sex", "性别"),
    ("ethnicity", "民族"),
    ("birth_date", "出生日期"),
    ("photo", "照片"),
)


@dataclass(frozen=True)
class ReferenceData:
    """One person in the reference data. Empty strings / None mean the value is missing."""

    document_number: str
    name: str = ""
    sex: str = ""  # GB/T 2261.1 code ("1", "2", "9"); 男/女 are accepted too
    ethnicity: str = ""  # GB 3304 code; a name such as 汉族 is accepted too
    birth_date: date | None = None
    has_photo: bool | None = None  # 有二代证照片; None = the data does not say
    source: str = ""  # where it came from (file name), for the form's footnote


@dataclass(frozen=True)
class ComparisonItem:
    item: str  # id_number, name, sex, ethnicity, birth_date, photo
    label: str  # the form's label, e.g. 公民身份号码
    reference: str  # shown value, e.g. "男", "01 汉族" -> "汉族", "" when missing
    collected: str
    mark: Mark

    @property
    def fill_in(self) -> str:
        """What the form prints in the fill-in cell: ``---`` when it agrees, blank otherwise."""
        return "---" if self.mark == AGREE else ""


@dataclass(frozen=True)
class Comparison:
    items: tuple[ComparisonItem, ...]
    reference_found: bool
    has_id_card_photo: bool | None  # "有二代证照片: 是/否" on the form; None = unknown

    @property
    def all_agree(self) -> bool:
        return all(i.mark == AGREE for i in self.items)

    @property
    def to_fill_in(self) -> tuple[ComparisonItem, ...]:
        return tuple(i for i in self.items if i.mark != AGREE)

    def item(self, key: str) -> ComparisonItem:
        for i in self.items:
            if i.item == key:
                return i
        raise KeyError(key)


def _norm_text(v: str) -> str:
    return unicodedata.normalize("NFC", " ".join(v.split()))


def _norm_id(v: str) -> str:
    n = "".join(v.split()).upper()
    if len(n) == 15 and n.isdigit():
        with contextlib.suppress(IdNumberError):
            n = upgrade_15_to_18(n)
    return n


def _show_sex(code: str) -> str:
    return codes.sexes().name(code, code) if code else ""


def _show_ethnicity(code: str) -> str:
    return codes.ethnicities().name(code, code) if code else ""


def _mark(reference: str, collected: str) -> Mark:
    if not reference or not collected:
        return MISSING
    return AGREE if reference == collected else DIFFER


def compare(applicant: ApplicantData, reference: ReferenceData | None, *, has_photo: bool) -> Comparison:
    """Mark the six items of ``applicant`` (with or without an accepted photo) against
    ``reference``; with no reference every item but a present photo is ``无``."""
    ref = reference or ReferenceData(document_number="")
    values: dict[str, tuple[str, str, str, str]] = {}  # key -> (ref shown, col shown, ref cmp, col cmp)

    rid, cid = _norm_id(ref.document_number), _norm_id(applicant.document_number)
    values["id_number"] = (rid, cid, rid, cid)
    rn, cn = _norm_text(ref.name), _norm_text(applicant.name)
    values["name"] = (ref.name.strip(), applicant.name.strip(), rn, cn)
    rs, cs = codes.sex_code(ref.sex), codes.sex_code(applicant.sex)
    values["sex"] = (_show_sex(rs), _show_sex(cs), rs, cs)
    re_, ce = codes.ethnicity_code(ref.ethnicity), codes.ethnicity_code(applicant.ethnicity)
    values["ethnicity"] = (_show_ethnicity(re_), _show_ethnicity(ce), re_, ce)
    rb = ref.birth_date.isoformat() if ref.birth_date else ""
    cb = applicant.birth_date.isoformat() if applicant.birth_date else ""
    values["birth_date"] = (rb, cb, rb, cb)

    items: list[ComparisonItem] = []
    for key, label in ITEMS:
        if key == "photo":
            ref_photo = {True: "有", False: "无", None: ""}[ref.has_photo]
            items.append(
                ComparisonItem(
                    key, label, ref_photo, "有" if has_photo else "无", AGREE if has_photo else MISSING
                )
            )
            continue
        r_show, c_show, r_cmp, c_cmp = values[key]
        items.append(ComparisonItem(key, label, r_show, c_show, _mark(r_cmp, c_cmp)))
    return Comparison(tuple(items), reference is not None, ref.has_photo if reference else None)
