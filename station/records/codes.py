"""Numbers that must be unique across stations: photo receipt numbers and retrieval codes.

Both start with the 6-digit station code (``Settings.station_code``), so two stations never
draw the same number even when they do not share a database, and end with an ISO 7064
MOD 11-2 check character (``0``-``9`` or ``X``, the rule of the citizen ID number:
``station.validation.mod11_2``, re-exported here), so a mistyped number is caught.

- Photo receipt number (19): station code (6) + date YYYYMMDD (8) + sequence of the day (4)
  + check. E.g. ``000001202501150001`` + check.
- Retrieval code 检索码 (15): station code (6) + year YY (2) + sequence of the year (6) + check.
  Used in photo file names ``P-{code}.jpg`` and ``{name}{code}.jpg``.

Sequences come from the ``counters`` table, incremented under the row lock in the same
transaction as the record that uses them.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from station.db.models import Counter
from station.errors import ConfigError, InputError
from station.records.errors import Conflict
from station.validation.idnumber import mod11_2

__all__ = [
    "is_valid_receipt_number",
    "is_valid_retrieval_code",
    "make_receipt_number",
    "make_retrieval_code",
    "mod11_2",
    "next_value",
]

_STATION = re.compile(r"^\d{6}$")
_RECEIPT = re.compile(r"^\d{18}[0-9X]$")
_RETRIEVAL = re.compile(r"^\d{14}[0-9X]$")


def _station(code: str) -> str:
    if not _STATION.match(code):
        raise ConfigError(f"station code must be 6 digits, not {code!r} (setting station_code)")
    return code


def make_receipt_number(station_code: str, day: date, sequence: int) -> str:
    if not 1 <= sequence <= 9999:
        raise Conflict(f"photo receipt sequence {sequence} is outside 1-9999 for {day:%Y-%m-%d}")
    body = f"{_station(station_code)}{day:%Y%m%d}{sequence:04d}"
    return body + mod11_2(body)


def make_retrieval_code(station_code: str, year: int, sequence: int) -> str:
    if not 1 <= sequence <= 999_999:
        raise Conflict(f"retrieval code sequence {sequence} is outside 1-999999 for {year}")
    body = f"{_station(station_code)}{year % 100:02d}{sequence:06d}"
    return body + mod11_2(body)


def is_valid_receipt_number(number: str) -> bool:
    n = number.strip().upper()
    return bool(_RECEIPT.match(n)) and mod11_2(n[:-1]) == n[-1]


def is_valid_retrieval_code(code: str) -> bool:
    c = code.strip().upper()
    return bool(_RETRIEVAL.match(c)) and mod11_2(c[:-1]) == c[-1]


def check_retrieval_code(code: str) -> str:
    c = code.strip().upper()
    if not is_valid_retrieval_code(c):
        raise InputError(f"retrieval_code: {code!r} is not a valid retrieval code")
    return c


def next_value(session: Session, key: str) -> int:
    """The next value of a named sequence, under the counter row's lock (1 for a new key)."""
    bump = (
        update(Counter)
        .where(Counter.key == key)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
        .execution_options(synchronize_session=False)
    )
    value = session.execute(bump).scalar_one_or_none()
    if value is not None:
        return int(value)
    try:
        with session.begin_nested():
            session.add(Counter(key=key, value=1))
        return 1
    except IntegrityError:  # another station created the key meanwhile: now it exists
        return int(session.execute(bump).scalar_one())
