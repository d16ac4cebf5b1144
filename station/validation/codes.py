"""Code tables of the enrollment fields, read from ``resources/codes/*.csv``.

| table | file | source |
|---|---|---|
| ethnicity | ``ethnicity.csv`` | GB 3304-91 (01-56) plus 97 其他 and 98 外国血统中国籍人士 |
| sex | ``sex.csv`` | GB/T 2261.1 (0, 1, 2, 9; the card stores 1, 2 or 9) |
| occupation | ``occupation.csv`` | GB/T 6565 major groups of the application form, W local |
| document type | ``document-types.csv`` | WS 364 (01-07, 99) plus local 08 and 09 |
| household type | ``household-types.csv`` | 户口类别 of spec/codes/tables.md |
| nationality | ``nationality.csv`` | ISO 3166-1 alpha-3, generated once from Debian iso-codes |

Each table is a ``CodeTable``: ``name(code)``, ``__contains__``, ``items()``. Loaded once per
process (they are small) and never changed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache

from resources import resource_path

__all__ = [
    "CHINA",
    "DOC_FOREIGN_PERMANENT",
    "DOC_HK_MO_PERMIT",
    "DOC_HMT_RESIDENCE",
    "DOC_HOUSEHOLD_BOOK",
    "DOC_PASSPORT",
    "DOC_RESIDENT_ID",
    "DOC_TW_PERMIT",
    "CodeTable",
    "document_types",
    "ethnicities",
    "ethnicity_code",
    "household_types",
    "nationalities",
    "number_rule",
    "occupations",
    "sex_code",
    "sexes",
    "table",
]

CHINA = "CHN"

# Internal document-type codes (spec/codes/tables.md: one internal enum, mapped per target).
DOC_RESIDENT_ID = "01"  # 居民身份证
DOC_HOUSEHOLD_BOOK = "02"  # 居民户口簿 (carries the same citizen ID number)
DOC_PASSPORT = "03"
DOC_HK_MO_PERMIT = "06"  # 港澳居民来往内地通行证
DOC_TW_PERMIT = "07"  # 台湾居民来往内地通行证
DOC_HMT_RESIDENCE = "08"  # 港澳台居民居住证 (local code)
DOC_FOREIGN_PERMANENT = "09"  # 外国人永久居留身份证 (local code)


@dataclass(frozen=True)
class CodeTable(Mapping[str, str]):
    """code -> Chinese name, in file order; ``extra`` keeps the other columns per code."""

    id: str
    names: Mapping[str, str]
    extra: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __getitem__(self, code: str) -> str:
        return self.names[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def name(self, code: str, default: str = "") -> str:
        return self.names.get(code, default)

    def label(self, code: str) -> str:
        """``"01 汉族"`` for lists and forms; the bare code when unknown."""
        n = self.names.get(code)
        return f"{code} {n}" if n else code


_FILES = {
    "ethnicity": "ethnicity.csv",
    "sex": "sex.csv",
    "occupation": "occupation.csv",
    "document_type": "document-types.csv",
    "household_type": "household-types.csv",
    "nationality": "nationality.csv",
}


@cache
def table(table_id: str) -> CodeTable:
    """One table by id: ethnicity, sex, occupation, document_type, household_type, nationality."""
    path = resource_path("codes", _FILES[table_id])
    names: dict[str, str] = {}
    extra: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code = row["code"].strip()
            names[code] = row["name"].strip()
            extra[code] = {k: (v or "").strip() for k, v in row.items() if k not in ("code", "name")}
    return CodeTable(table_id, names, extra)


def ethnicities() -> CodeTable:
    return table("ethnicity")


def sexes() -> CodeTable:
    return table("sex")


def occupations() -> CodeTable:
    return table("occupation")


def document_types() -> CodeTable:
    return table("document_type")


def household_types() -> CodeTable:
    return table("household_type")


def nationalities() -> CodeTable:
    return table("nationality")


def number_rule(document_type: str) -> str:
    """How the number of a document type is checked: gb11643, hmt_residence, foreign_permanent,
    passport, hk_mo_permit, tw_permit or free ("" for an unknown type)."""
    return document_types().extra.get(document_type, {}).get("number_rule", "")


# Words that reference data and rejection lists use instead of GB/T 2261.1 codes.
_SEX_WORDS = {"男": "1", "女": "2", "男性": "1", "女性": "2", "未说明": "9", "未知": "0"}


def sex_code(value: str) -> str:
    """A sex given as a code or a word (男, 女性 ...) as its code; anything else comes back
    stripped, for the caller to refuse or compare as it is."""
    v = value.strip()
    return _SEX_WORDS.get(v, v)


def ethnicity_code(value: str) -> str:
    """An ethnicity given as a GB 3304 code (``1`` = ``01``), a name (汉族) or a name without
    族 (汉) as its code; anything else comes back stripped."""
    v = value.strip()
    if not v:
        return ""
    names = ethnicities()
    if v.isdigit() and len(v) == 1:
        v = "0" + v
    if v in names:
        return v
    for code, name in names.items():
        if v in (name, name.removesuffix("族")) or (name.endswith("族") and v + "族" == name):
            return code
    return v
