"""Assertion helpers shared by the test_checks_* modules."""

from __future__ import annotations

from capture.checks import check_photo
from capture.face import FaceAnalyzer
from capture.report import ComplianceReport
from tests.capture.photos import DEFECT_BY_NAME, Made


def run_defect(name: str, m: Made, others: dict[str, Made], analyzer: FaceAnalyzer) -> ComplianceReport:
    d = DEFECT_BY_NAME[name]
    other = next(o for k, o in others.items() if k != m.name and "neutral" in k)
    data = d.make(m, analyzer.analyze(m.rgb), other)
    return check_photo(data, m.profile, analyzer=analyzer, hair_cut=m.hair_cut)


def assert_caught(rep: ComplianceReport, check_id: str, side_effects: frozenset[str] = frozenset()) -> None:
    """``check_id`` fails, and every other failing error-level check is a known side effect."""
    failing = {c.id for c in rep.failing()}
    assert check_id in failing, f"{check_id} passed: {rep.get(check_id)}"
    assert rep.compliant is (rep.get(check_id).level == "advice" and not rep.failing("error"))
    extra = {c.id for c in rep.failing("error")} - {check_id} - side_effects
    assert not extra, f"unexpected failures besides {check_id}: {[rep.get(i) for i in extra]}"


def assert_defect(name: str, m: Made, others: dict[str, Made], analyzer: FaceAnalyzer) -> ComplianceReport:
    d = DEFECT_BY_NAME[name]
    rep = run_defect(name, m, others, analyzer)
    assert_caught(rep, d.check_id, d.side_effects)
    return rep
