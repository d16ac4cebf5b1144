"""Housekeeping at start: once the database is open the window runs
``station.records.maintenance.run_maintenance`` as a job (originals past the retention setting
go, the result is logged); a failure is logged and shown in the status bar, and start-up goes on."""

from __future__ import annotations

import dataclasses
import logging
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from station.db.models import AuditEvent, PhotoBlob, utcnow
from station.records import applicants, photos
from tests.records.factory import applicant, jpeg_bytes, report

pytestmark = pytest.mark.gui


def _original(adapter: Any, i: int, age_days: int) -> int:
    with adapter.db.session() as s:
        res = applicants.enroll(s, applicant(i), operator="clerk", station_code="000001")
        info = photos.attach_photo(
            s,
            res.application_id,
            jpeg_bytes(3000, i),
            report(),
            operator="clerk",
            original=jpeg_bytes(20_000, i + 100),
            keep_originals_days=30,
        )
        s.execute(
            update(PhotoBlob)
            .where(PhotoBlob.photo_id == info.id)
            .values(created_at=utcnow() - timedelta(days=age_days))
        )
    return int(info.id)


def _kinds(adapter: Any) -> set[tuple[int, str]]:
    with adapter.db.session(readonly=True) as s:
        return {(b.photo_id, b.kind) for b in s.scalars(select(PhotoBlob))}


def _jobs_seen(window: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    jobs = window.deps.jobs
    names: list[str] = []
    real_run = jobs.run

    def run(name: str, *args: Any, **kw: Any) -> None:
        names.append(name)
        real_run(name, *args, **kw)

    monkeypatch.setattr(jobs, "run", run)
    return names


def test_start_purges_originals_past_retention_in_a_job(
    make_window: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    w = make_window()
    adapter = w.deps.records
    adapter.settings = dataclasses.replace(adapter.settings, keep_originals_days=30)
    old = _original(adapter, 1, age_days=45)
    recent = _original(adapter, 2, age_days=3)
    names = _jobs_seen(w, monkeypatch)
    with caplog.at_level(logging.INFO, logger="station.ui"):
        w.deps.extra["after_show"](w)
    assert names[:2] == ["open database", "maintenance"]  # off the GUI thread, after the open
    assert _kinds(adapter) == {(old, "jpeg"), (recent, "jpeg"), (recent, "original")}
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("maintenance at start")]
    assert len(logged) == 1 and "deleted 1 original image(s) older than 30 day(s)" in logged[0], logged
    with adapter.db.session(readonly=True) as s:
        ops = [
            e.operator
            for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "photo.purge_originals"))
        ]
    assert ops == ["tester"]
    assert w.status.states["database"][0] == "ok"


def test_failed_maintenance_is_logged_and_shown_but_does_not_stop_start(
    make_window: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import station.records.maintenance
    from station.records.errors import StorageError

    w = make_window()

    def broken(*_a: Any, **_k: Any) -> Any:
        raise StorageError("database error, nothing was saved: disk I/O error")

    monkeypatch.setattr(station.records.maintenance, "run_maintenance", broken)
    with caplog.at_level(logging.INFO, logger="station.ui"):
        w.deps.extra["after_show"](w)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "maintenance" in r.getMessage()]
    assert len(warnings) == 1 and "disk I/O error" in warnings[0].getMessage()
    state, text = w.status.states["database"]
    assert state == "warn" and "SQLite" in text and "disk I/O error" in text
    assert "disk I/O error" in w.status.currentMessage()
    # The station works on: the records can be used.
    assert w.deps.records.ping() == "SQLite"


def test_saved_settings_reach_the_records(make_window: Any) -> None:
    from ui.composition import _apply_settings

    w = make_window()
    adapter = w.deps.records
    old = _original(adapter, 1, age_days=45)
    assert w.deps.settings.keep_originals_days == 0  # the default: no original is kept
    _apply_settings(
        w.deps, dataclasses.replace(w.deps.settings, keep_originals_days=60, station_code="000777")
    )
    assert adapter.settings.station_code == "000777" and adapter.station_info().code == "000777"
    report = adapter.maintenance()  # 60 days now: the 45-day-old original stays
    assert report.keep_originals_days == 60 and report.originals_purged == 0
    assert (old, "original") in _kinds(adapter)
