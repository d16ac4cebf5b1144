"""Plugs the backends that exist into the window's dependencies: records, enrollment, printing,
card, crop adjustment, settings. A backend that has not landed leaves its page or buttons
unavailable with the reason (``deps.extra[...]_reason``)."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QWidget

from ui.services import Feature, feature

__all__ = ["attach_backends"]

log = logging.getLogger("station.ui")


def attach_backends(deps: Any, db_url: str, *, records: bool = True) -> None:
    extra = deps.extra
    extra["db_url"] = db_url
    extra["open_settings"] = lambda window: _open_settings(deps, window)
    crop = feature("capture.crop", "render_crop", "crop adjustment")
    extra["adjust_feature"] = crop
    extra["device_status"] = _device_status
    if crop.available:
        from ui.adjust import plan_from_box, prepare_adjuster

        extra["plan_from_box"] = plan_from_box
        extra["prepare_adjuster"] = lambda page, outcome, result: prepare_adjuster(
            page, outcome, result, deps.profile
        )
    if not records:
        return
    feat = feature("station.records.applicants", "enroll", "records")
    if not feat.available:
        extra["enroll_reason"] = feat.reason
        extra["records_reason"] = feat.reason
        extra["retake_reason"] = feat.reason
        return
    try:
        from ui.records_adapter import attach_records
    except ImportError as exc:
        reason = f"records: {exc}"
        extra["enroll_reason"] = extra["records_reason"] = extra["retake_reason"] = reason
        return
    attach_records(deps, db_url)


def _device_status(deps: Any) -> dict[str, tuple[str, str]]:
    """Printer and reader states for the status bar (run in a job: lpstat and PC/SC are slow)."""
    out: dict[str, tuple[str, str]] = {}
    name = deps.settings.printer
    try:
        from station.printing import default_printer, printer_state

        name = name or default_printer() or ""
        if not name:
            out["printer"] = ("warn", QCoreApplication.translate("MainWindow", "no printer"))
        else:
            state = printer_state(name)
            problem = state.problem()
            out["printer"] = ("error", f"{name}: {problem}") if problem else ("ok", name)
    except Exception as exc:
        out["printer"] = ("error", f"printer: {str(exc)[:60]}")
    card = feature("station.card", None, "reader")
    lister = deps.extra.get("list_readers")
    if not card.available or lister is None:
        out["reader"] = ("off", QCoreApplication.translate("MainWindow", "reader: unavailable"))
    else:
        try:
            readers = list(lister())
            none = QCoreApplication.translate("MainWindow", "no reader")
            out["reader"] = ("ok", readers[0]) if readers else ("warn", none)
        except Exception as exc:
            out["reader"] = ("error", f"reader: {str(exc)[:60]}")
    return out


def _list_devices(deps: Any) -> tuple[list[str], list[str]]:
    """Printers and card readers for the settings dialog (run in a job: CUPS and PC/SC can take
    seconds, and a stuck reader service longer)."""
    printers: list[str] = []
    try:
        from PySide6.QtPrintSupport import QPrinterInfo

        printers = [p.printerName() for p in QPrinterInfo.availablePrinters()]
    except Exception as exc:
        log.info("no printer list: %s", exc)
    readers: list[str] = []
    lister = deps.extra.get("list_readers")
    if lister is not None:
        try:
            readers = list(lister())
        except Exception as exc:
            log.info("no reader list: %s", exc)
    return printers, readers


def _open_settings(deps: Any, window: QWidget) -> None:
    """Lists the devices in a job, then opens the dialog (once: a second Ctrl+, while the
    devices are being listed does nothing)."""
    if deps.extra.get("settings_opening"):
        return
    deps.extra["settings_opening"] = True

    def show_now(devices: tuple[list[str], list[str]]) -> None:
        try:
            _show_settings(deps, window, *devices)
        finally:
            deps.extra["settings_opening"] = False

    def show(devices: tuple[list[str], list[str]]) -> None:
        # After the job has finished (the dialog is modal: the job must not count as busy).
        QTimer.singleShot(0, window, lambda: show_now(devices))

    def failed(exc: BaseException) -> None:
        log.info("device lists for the settings: %s", exc)
        show(([], []))

    deps.jobs.run("list devices", lambda: _list_devices(deps), show, failed)


def _show_settings(deps: Any, window: QWidget, printers: list[str], readers: list[str]) -> None:
    from capture.profiles import list_profiles
    from ui.settings_dialog import SettingsDialog

    dlg = SettingsDialog(deps.settings, list_profiles(deps.data_dir / "profiles"), printers, readers, window)
    if dlg.exec() and dlg.result_settings is not None:
        new = dlg.result_settings
        try:
            new.save(deps.data_dir)
        except Exception as exc:
            window.show_error(QCoreApplication.translate("MainWindow", "Settings not saved"), str(exc))  # type: ignore[attr-defined]
            return
        _apply_settings(deps, new)


def _apply_settings(deps: Any, new: Any) -> None:
    """Hand saved settings to everything that holds them (window, records, live view, the card
    desk's reader monitor)."""
    changed = [
        f.name for f in dataclasses.fields(new) if getattr(new, f.name) != getattr(deps.settings, f.name)
    ]
    deps.settings = new
    if deps.records is not None:
        deps.records.settings = new  # station code, retention, ... for the next action
    log.info("settings changed: %s", ", ".join(changed) or "nothing")
    if "profile" in changed:
        from capture.profiles import load_profile

        deps.profile = load_profile(new.profile, user_dir=deps.data_dir / "profiles")
        deps.live.set_profile(deps.profile)
    deps.live.auto.frames = max(1, new.auto_capture_frames)
    deps.live.auto.countdown_s = new.auto_capture_countdown_s
    if {"camera", "camera_resolution"} & set(changed):
        from capture.sources import open_source

        deps.live.set_source_factory(lambda: open_source(new.camera, new.camera_resolution))
        deps.live.start()
    card_settings_changed = getattr(deps, "extra", {}).get("card_settings_changed")
    if card_settings_changed is not None:
        card_settings_changed(set(changed))  # a new reader: the desk's monitor follows it


_ = Feature  # re-exported type for callers that build extra features
