"""Citizen ID numbers (GB 11643) and the numbers that share its layout.

Layout of the 18 characters: 6-digit area (GB/T 2260) + YYYYMMDD + 3-digit sequence (odd = male)
+ check character. Check (ISO 7064 MOD 11-2): weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2,
S = sum mod 11, check = ``"10X98765432"[S]`` (spec/card.md §4).

The same rule holds for:
- 港澳台居民居住证 (residence permits): area 810000 (Hong Kong), 820000 (Macao), 830000 (Taiwan);
- the 2023 外国人永久居留身份证 (foreigners' permanent residence card): 18 digits, first digit 9,
  digits 2-3 the province that issued it, 4-6 the nationality, then birth date, sequence, check.

The older permanent residence card (2004 form) has 15 characters: 3 letters (nationality,
ISO 3166-1 alpha-3) + 2-digit province + YYMMDD + 2-digit sequence + 2 more digits. Its check
rule is not published: only its shape and birth date are checked.

An unknown or abolished area code is a warning, never a refusal: abolished counties still
appear on valid cards (spec/card.md §4). Areas come from python-stdnum's ``cn/loc`` database,
used for warnings only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = [
    "HMT_PREFIXES",
    "AreaInfo",
    "IdNumberError",
    "ParsedId",
    "area_info",
    "check_char",
    "has_valid_check",
    "mod11_2",
    "old_foreign_birth_matches",
    "parse_foreign_permanent",
    "parse_resident_id",
    "upgrade_15_to_18",
]

HMT_PREFIXES = {"810000": "香港", "820000": "澳门", "830000": "台湾"}

# Province-level codes of GB/T 2260 (plus 71 台湾, 81 香港, 82 澳门 and the residence permits).
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65"  # noqa: SIM905
    " 71 81 82 83".split()
)

# re.ASCII: \d would otherwise accept any Unicode digit (full-width, Arabic-Indic), which the check
# character arithmetic cannot use; normalize_document_number turns full-width ones into ASCII.
_ID18 = re.compile(r"^\d{17}[\dX]$", re.ASCII)
_ID15 = re.compile(r"^\d{15}$", re.ASCII)
_FOREIGN_OLD = re.compile(r"^[A-Z]{3}\d{12}$", re.ASCII)

IdKind = Literal["resident", "hmt_residence", "foreign_permanent", "foreign_permanent_old"]


class IdNumberError(ValueError):
    """A number that cannot be right. ``code`` is the FieldIssue code, the text one line."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class AreaInfo:
    code: str
    status: Literal["current", "abolished", "unknown", "special"]
    name: str = ""  # province + county, e.g. "北京市崇文区"
    valid_at_birth: bool = True  # False when the code was not in use in the birth year


@dataclass(frozen=True)
class ParsedId:
    number: str  # normalised: upper-case X
    kind: IdKind
    birth_date: date | None
    sex: str | None  # "1" male / "2" female; None when the number does not say
    area: AreaInfo | None  # None for foreigners' numbers
    nationality: str = ""  # alpha-3 from the old foreigners' form


def mod11_2(digits: str) -> str:
    """The ISO 7064 MOD 11-2 check character (``0``-``9`` or ``X``) of a string of ASCII digits
    of any length: GB 11643 for the 17 digits of an ID number, and the station's receipt numbers
    and retrieval codes (``station.records.codes``)."""
    if not digits or not digits.isascii() or not digits.isdigit():
        raise ValueError("MOD 11-2 needs a string of digits")
    p = 0
    for ch in digits:
        p = ((p + int(ch)) * 2) % 11
    c = (12 - p) % 11
    return "X" if c == 10 else str(c)


def check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    if len(first17) != 17 or not first17.isdigit() or not first17.isascii():
        raise ValueError("need exactly 17 digits")
    return mod11_2(first17)


def has_valid_check(number: str) -> bool:
    n = number.strip().upper()
    return bool(_ID18.match(n)) and check_char(n[:17]) == n[17]


def upgrade_15_to_18(number: str) -> str:
    """The 18-character form of a first-generation 15-digit number (born 19xx): the area, ``19``
    + YYMMDD, the sequence, and a new check character."""
    n = number.strip()
    if not _ID15.match(n):
        raise IdNumberError("format", "a 15-digit citizen ID number has 15 digits")
    body = n[:6] + "19" + n[6:]
    _birth(body[6:14])
    return body + check_char(body)


def _birth(yyyymmdd: str) -> date:
    try:
        return date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        raise IdNumberError(
            "birth_date_invalid", f"the birth date {yyyymmdd} in the number is not a date"
        ) from None


def area_info(code: str, birth_year: int | None = None) -> AreaInfo:
    """Look up a 6-digit area code. Never raises on an unknown code."""
    if code in HMT_PREFIXES:
        return AreaInfo(code, "special", HMT_PREFIXES[code] + "居民居住证")
    try:
        from stdnum import numdb

        found = numdb.get("cn/loc").info(code)
    except Exception:  # the database is optional: no lookup, no warning
        return AreaInfo(code, "current")
    info = {k: v for _part, props in found for k, v in props.items()}
    county = info.get("county")
    if not county:
        return AreaInfo(code, "unknown", info.get("province", ""))
    names: list[str] = []
    current = False
    at_birth = birth_year is None
    for entry in county.split(","):
        start = end = None
        name = entry
        if entry.startswith("["):
            span, name = entry[1:].split("]", 1)
            lo, _, hi = span.partition("-")
            start = int(lo) if lo else None
            end = int(hi) if hi else None
        names.append(name)
        if end is None:
            current = True
        if (
            birth_year is not None
            and (start is None or birth_year >= start)
            and (end is None or birth_year <= end)
        ):
            at_birth = True
    province = info.get("province", "")
    return AreaInfo(
        code,
        "current" if current else "abolished",
        province + names[-1] if names[-1] != province else province,
        at_birth,
    )


def parse_resident_id(number: str, *, allow_15: bool = False) -> ParsedId:
    """Parse and check an 18-character citizen ID or 港澳台 residence-permit number.

    Raises ``IdNumberError`` for a wrong shape, a date that does not exist or a wrong check
    character. Area problems are left to the caller as warnings (``ParsedId.area``)."""
    n = number.strip()
    if allow_15 and _ID15.match(n):
        n = upgrade_15_to_18(n)
    if len(n) == 18 and n[:17].isdigit() and n[17] == "x":
        raise IdNumberError("lowercase_x", "the last character must be an upper-case X")
    if not n.isascii() or not _ID18.match(n):
        if _ID15.match(n):
            raise IdNumberError(
                "fifteen_digits", f"15-digit number: the 18-digit form is {upgrade_15_to_18(n)}"
            )
        raise IdNumberError("format", "an ID number has 18 characters: 17 digits and a digit or X")
    birth = _birth(n[6:14])
    if check_char(n[:17]) != n[17]:
        raise IdNumberError("check_digit", f"wrong check character {n[17]} (expected {check_char(n[:17])})")
    sex = "1" if int(n[16]) % 2 else "2"
    kind: IdKind = "hmt_residence" if n[:6] in HMT_PREFIXES else "resident"
    return ParsedId(n, kind, birth, sex, area_info(n[:6], birth.year))


def parse_foreign_permanent(number: str) -> ParsedId:
    """Parse a foreigners' permanent residence card number, 2023 form or older form."""
    n = number.strip()
    if _FOREIGN_OLD.match(n):
        # 3 letters + 2-digit province + YYMMDD + 4 digits; century unknown here.
        yymmdd = n[5:11]
        try:
            date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6]))
        except ValueError:
            # 2000-2099 has every leap day a YYMMDD can name.
            raise IdNumberError(
                "birth_date_invalid", f"the birth date {yymmdd} in the number is not a date"
            ) from None
        return ParsedId(n, "foreign_permanent_old", None, None, None, nationality=n[:3])
    if len(n) == 18 and n[:17].isdigit() and n[17] == "x":
        raise IdNumberError("lowercase_x", "the last character must be an upper-case X")
    if not n.isascii() or not _ID18.match(n) or n[0] != "9":
        raise IdNumberError(
            "format",
            "a permanent residence number has 18 characters starting with 9, or 3 letters and 12 digits",
        )
    birth = _birth(n[6:14])
    if check_char(n[:17]) != n[17]:
        raise IdNumberError("check_digit", f"wrong check character {n[17]} (expected {check_char(n[:17])})")
    sex = "1" if int(n[16]) % 2 else "2"
    return ParsedId(n, "foreign_permanent", birth, sex, None)


def old_foreign_birth_matches(number: str, birth_date: date) -> bool:
    """Whether YYMMDD inside an old-form permanent residence number agrees with a birth date."""
    return number.strip()[5:11] == birth_date.strftime("%y%m%d")
