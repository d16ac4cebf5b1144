"""The compliance report: one result per check id of spec photo.md §4, in one format for every
path (live view, file, folder, command line)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["CheckResult", "ComplianceReport", "Level"]

Level = Literal["error", "advice"]
Lang = Literal["zh", "en"]


@dataclass(frozen=True)
class CheckResult:
    id: str
    passed: bool
    level: Level
    value: Any  # the measured value: a number, a string, a pair, or None when not measurable
    expected: str  # the expected range in words, e.g. "179-255 px" or ">= 207 px"
    message_zh: str
    message_en: str

    def message(self, lang: Lang = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def to_json(self, lang: Lang = "zh") -> dict[str, Any]:
        return {
            "id": self.id,
            "passed": self.passed,
            "level": self.level,
            "value": self.value,
            "expected": self.expected,
            "message": self.message(lang),
        }


@dataclass(frozen=True)
class ComplianceReport:
    profile: str
    checks: tuple[CheckResult, ...]
    # At least face_width, head_top, eye_center_x and eye_line, in output pixels (None when
    # no face was found).
    measurements: Mapping[str, float | None] = field(default_factory=dict)
    whitened: bool = False  # background whitening was applied to make this photo
    hair_cut: bool = False  # the eye line rule forced the top of the hair to be cut
    # Operator directions when no compliant crop exists: "closer", "back", "up", "down",
    # "left", "right", "higher_resolution", "show_shoulders".
    directions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # free-text reasons from the crop solver or the encoder

    @property
    def compliant(self) -> bool:
        return all(c.passed for c in self.checks if c.level == "error")

    def failing(self, level: Level | None = None) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if not c.passed and (level is None or c.level == level))

    def get(self, check_id: str) -> CheckResult:
        for c in self.checks:
            if c.id == check_id:
                return c
        raise KeyError(check_id)

    def to_json(self, lang: Lang = "zh") -> dict[str, Any]:
        return {
            "compliant": self.compliant,
            "profile": self.profile,
            "checks": [c.to_json(lang) for c in self.checks],
            "measurements": dict(self.measurements),
            "whitened": self.whitened,
            "hair_cut": self.hair_cut,
            "directions": list(self.directions),
            "notes": list(self.notes),
        }
