"""Plain-text rules that hold for every field: no tab, no line break, no control character
(社保卡信息采集工具操作说明: "不允许有tab 键或回车等特殊符号"), and no surrounding blanks."""

from __future__ import annotations

import unicodedata

from station.domain import FieldIssue

__all__ = ["check_text", "clean_text", "forbidden_chars"]

# Line and paragraph separators are not in category Cc but break lines all the same.
_BREAKS = {"\u2028", "\u2029", "\x85"}


def forbidden_chars(value: str) -> list[str]:
    """Tabs, line breaks and other control characters in ``value``, in order, without repeats."""
    out: list[str] = []
    for ch in value:
        if (ch in _BREAKS or unicodedata.category(ch) == "Cc") and ch not in out:
            out.append(ch)
    return out


def _describe(ch: str) -> str:
    return {"\t": "tab", "\n": "line break", "\r": "carriage return"}.get(ch, f"U+{ord(ch):04X}")


def check_text(field: str, value: str) -> list[FieldIssue]:
    """Issues common to every text field: forbidden characters (error), surrounding blanks
    (warning: ``clean_text`` removes them)."""
    issues: list[FieldIssue] = []
    bad = forbidden_chars(value)
    if bad:
        what = ", ".join(_describe(c) for c in bad)
        issues.append(FieldIssue(field, "error", "control_char", f"no tabs or line breaks allowed ({what})"))
    elif value != value.strip():
        issues.append(FieldIssue(field, "warning", "untrimmed", "blanks at the start or end are removed"))
    return issues


def clean_text(value: str) -> str:
    """Trim surrounding white space (including the ideographic space U+3000). Inner characters
    are kept as they are: a tab inside stays visible to ``check_text``."""
    return value.strip()
