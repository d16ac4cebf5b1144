"""Telephone numbers: mobile ``1[3-9]`` + 9 digits; landline area code + ``-`` + number
(社保卡信息采集工具操作说明: "区号与电话号码间用英文短横杠连接"), e.g. ``010-12345678``,
``0571-8765432``, optionally ``-`` + an extension."""

from __future__ import annotations

import re
from typing import Literal

from station.domain import FieldIssue

__all__ = ["check_landline", "check_mobile", "check_phone", "phone_kind"]

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Area codes: 010, 02x (3 digits) or 0 + 3 digits; local number 7-8 digits not starting with 0/1.
LANDLINE = re.compile(r"^(010|02\d|0[3-9]\d{2})-[2-9]\d{6,7}(-\d{1,6})?$")
_LANDLINE_LOOSE = re.compile(r"^\(?(0\d{2,3})\)?[\s\u2014\u2013\uff0d_—－ ]?([2-9]\d{6,7})$")


def phone_kind(value: str) -> Literal["mobile", "landline", ""]:
    v = value.strip()
    if MOBILE.match(v):
        return "mobile"
    if LANDLINE.match(v):
        return "landline"
    return ""


def _landline_hint(v: str) -> str:
    m = _LANDLINE_LOOSE.match(v)
    if m:
        return f" (write {m.group(1)}-{m.group(2)})"
    return ""


def check_mobile(
    field: str, value: str, *, required: bool = True, allow_landline: bool = True
) -> list[FieldIssue]:
    """A mobile number. A well-formed landline is accepted with a warning (an elderly applicant's
    relative may only have one) unless ``allow_landline`` is False."""
    v = value.strip()
    if not v:
        return [FieldIssue(field, "error", "required", "a phone number is required")] if required else []
    if MOBILE.match(v):
        return []
    if v.startswith("+86") or (v.startswith("86") and len(v) == 13):
        return [FieldIssue(field, "error", "phone_format", "write the 11-digit mobile number without +86")]
    if LANDLINE.match(v):
        if allow_landline:
            return [FieldIssue(field, "warning", "landline", "a landline, not a mobile number")]
        return [FieldIssue(field, "error", "phone_format", "a mobile number is needed here")]
    return [
        FieldIssue(
            field, "error", "phone_format", "a mobile number has 11 digits starting 13-19" + _landline_hint(v)
        )
    ]


def check_landline(field: str, value: str, *, required: bool = True) -> list[FieldIssue]:
    v = value.strip()
    if not v:
        return [FieldIssue(field, "error", "required", "a phone number is required")] if required else []
    if LANDLINE.match(v):
        return []
    return [
        FieldIssue(
            field, "error", "phone_format", "a landline is area code + '-' + number" + _landline_hint(v)
        )
    ]


def check_phone(field: str, value: str, *, required: bool = True) -> list[FieldIssue]:
    """Either a mobile or a landline (a unit's contact phone, an agent's phone)."""
    v = value.strip()
    if not v:
        return [FieldIssue(field, "error", "required", "a phone number is required")] if required else []
    if phone_kind(v):
        return []
    return [
        FieldIssue(
            field,
            "error",
            "phone_format",
            "a mobile (11 digits) or a landline (area code + '-' + number)" + _landline_hint(v),
        )
    ]
