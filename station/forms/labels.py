"""Chinese labels for the codes of an applicant record, as the forms print them. The tables are
the validation package's (``resources/codes``, via :mod:`station.validation.codes`), so forms,
window and validation say the same thing. An unknown code is printed as it is, never dropped."""

from __future__ import annotations

from datetime import date

from station.domain import LONG_TERM
from station.validation import codes

__all__ = [
    "CARD_TYPES",
    "card_type",
    "document_type",
    "ethnicity",
    "fmt_date",
    "household_type",
    "nationality",
    "occupation",
    "sex",
    "validity",
]

CARD_TYPES = {"urban": "城镇居民", "rural": "农村居民"}
_SHORT_SEX = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}


def sex(code: str) -> str:
    code = code.strip()
    return _SHORT_SEX.get(code) or codes.sexes().name(code, code)


def ethnicity(code: str) -> str:
    code = code.strip()
    return codes.ethnicities().name(code, code)


def occupation(code: str) -> str:
    """``1 专业技术人员`` (the code too: the paper form lists the groups by code)."""
    return codes.occupations().label(code.strip())


def document_type(code: str) -> str:
    code = code.strip()
    return codes.document_types().name(code, code)


def household_type(code: str) -> str:
    return codes.household_types().label(code.strip()) if code.strip() else ""


def nationality(code: str) -> str:
    """``中国(CHN)``."""
    code = code.strip().upper()
    name = codes.nationalities().name(code)
    return f"{name}({code})" if name else code


def card_type(code: str) -> str:
    return CARD_TYPES.get(code.strip(), code.strip())


def fmt_date(value: date | None, empty: str = "") -> str:
    return value.isoformat() if value else empty


def validity(start: date | None, end: date | None) -> str:
    """``2015-03-01 至 2035-03-01``, or ``2015-03-01 至 长期``."""
    return f"{fmt_date(start)} 至 {fmt_date(end, LONG_TERM)}"
