"""The main window: a thin shell that lays out the pages and wires signals to services.

Pages (Ctrl+1…5): ① capture, ② review, ③ enrollment, records, retake queue. Business rules live in
``station``/``capture``; slots here call a service through the job runner and show the plain
result. Every frequent action has a key (see ``_make_actions``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from capture.profiles import Profile
from capture.sources import Frame
from station.config import Settings
from ui.capture_page import CapturePage
from ui.crash import CrashHandler
from ui.draft import DraftStore
from ui.live_controller import LiveController
from ui.live_pipeline import LiveResult
from ui.review import ReviewPage
from ui.services import Feature, PhotoOutcome, PhotoService
from ui.status_bar import StationStatusBar
from ui.workers.jobs import JobRunner

__all__ = ["MainWindow", "WindowDeps"]

log = logging.getLogger("station.ui")

PAGE_CAPTURE, PAGE_REVIEW, PAGE_ENROLL, PAGE_RECORDS, PAGE_RETAKE = range(5)


@dataclass
class WindowDeps:
    """What the composition root hands the window (no globals)."""

    data_dir: Path
    settings: Settings
    profile: Profile
    lang: str
    operator: str
    role: str
    live: LiveController
    photos: PhotoService
    jobs: JobRunner
    drafts: DraftStore
    crash: CrashHandler | None = None
    records: Any = None  # ui.records_adapter.RecordsAdapter, when the records have landed
    extra: dict[str, Any] = field(default_factory=dict)


def unavailable_page(text: str, parent: QWidget) -> QWidget:
    page = QWidget(parent)
    label = QLabel(text, page)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet("color:#777;font-size:18px;")
    QVBoxLayout(page).addWidget(label)
    return page


class MainWindow(QMainWindow):
    """Signals:
    photo_ready(object): a PhotoOutcome is on the review page.
    photo_accepted(object): the operator accepted it.
    """

    photo_ready = Signal(object)
    photo_accepted = Signal(object)

    def __init__(self, deps: WindowDeps) -> None:
        super().__init__()
        self.deps = deps
        self.setWindowTitle(self.tr("Social security card photo and enrollment station"))
        self.accepted_photo: PhotoOutcome | None = None
        self.pending_result: LiveResult | None = None
        self._whiten = False

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.setStyleSheet(
            "QTabBar::tab{font-size:17px;padding:8px 22px;min-width:110px;}"
            "QTabBar::tab:selected{font-weight:bold;}"
        )
        self.capture_page = CapturePage(self)
        deps.live.view = self.capture_page.live_view
        self.capture_page.live_view.lang = "zh" if deps.lang == "zh_CN" else "en"
        self.capture_page.mirror.setChecked(deps.settings.mirror_preview)
        self.capture_page.live_view.set_mirrored(deps.settings.mirror_preview)
        self.review_page = ReviewPage(self)
        self.review_page.lang = self.capture_page.live_view.lang
        self.tabs.addTab(self.capture_page, self.tr("① Capture"))
        self.tabs.addTab(self.review_page, self.tr("② Review"))
        self.enroll_page = self._build_enroll_page()
        self.tabs.addTab(self.enroll_page, self.tr("③ Enrollment"))
        self.records_page = self._build_records_page()
        self.tabs.addTab(self.records_page, self.tr("Records"))
        self.retake_page = self._build_retake_page()
        self.tabs.addTab(self.retake_page, self.tr("Retake queue"))
        self.setCentralWidget(self.tabs)
        self.status = StationStatusBar(self)
        self.setStatusBar(self.status)
        self.status.set_item("operator", "ok", f"{deps.operator} ({deps.role})")
        self.status.set_item("camera", "warn", self.tr("camera: starting"))
        self._make_actions()
        self._connect_signals()
        self._update_availability()
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(1000)
        self._status_timer.timeout.connect(self._on_status_timer_timeout)
        self._status_timer.start()
        self._device_timer = QTimer(self)
        self._device_timer.setInterval(15000)
        self._device_timer.timeout.connect(self._on_device_timer_timeout)
        self._device_timer.start()
        QTimer.singleShot(3000, self._on_device_timer_timeout)

    # -- pages that depend on other work ---------------------------------------------------
    def _build_enroll_page(self) -> QWidget:
        builder = self.deps.extra.get("enroll_page")
        if builder is not None:
            page: QWidget = builder(self)
            return page
        reason = self.deps.extra.get(
            "enroll_reason", self.tr("Enrollment is not available in this build yet.")
        )
        return unavailable_page(reason, self)

    def _build_records_page(self) -> QWidget:
        builder = self.deps.extra.get("records_page")
        if builder is not None:
            page: QWidget = builder(self)
            return page
        return unavailable_page(
            self.deps.extra.get("records_reason", self.tr("Records are not available.")), self
        )

    def _build_retake_page(self) -> QWidget:
        builder = self.deps.extra.get("retake_page")
        if builder is not None:
            page: QWidget = builder(self)
            return page
        return unavailable_page(
            self.deps.extra.get("retake_reason", self.tr("The retake queue is not available.")), self
        )

    # -- actions and shortcuts ---------------------------------------------------------------
    def _action(
        self,
        text: str,
        keys: str | QKeySequence.StandardKey | list[str],
        slot: Any,
        context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut,
        widget: QWidget | None = None,
    ) -> QAction:
        act = QAction(text, widget or self)
        if isinstance(keys, list):
            act.setShortcuts([QKeySequence(k) for k in keys])
        else:
            act.setShortcut(QKeySequence(keys))
        act.setShortcutContext(context)
        act.triggered.connect(slot)
        (widget or self).addAction(act)
        return act

    def _make_actions(self) -> None:
        ctx = Qt.ShortcutContext.WidgetWithChildrenShortcut
        cp, rp = self.capture_page, self.review_page
        self.act_shutter = self._action(self.tr("Take photo"), "Space", self._on_shutter_requested, ctx, cp)
        self.act_accept = self._action(
            self.tr("Accept photo"), ["Return", "Enter"], self._on_review_accept_clicked, ctx, rp
        )
        self.act_retake = self._action(
            self.tr("Retake"), ["Escape", "R"], self._on_review_retake_clicked, ctx, rp
        )
        self.act_whiten = self._action(self.tr("Whiten background"), "Ctrl+W", self._on_whiten_shortcut)
        self.act_open = self._action(
            self.tr("Photo from a file…"), "Ctrl+O", self._on_capture_open_file_clicked
        )
        self.act_mirror = self._action(self.tr("Mirror preview"), "Ctrl+M", self._on_mirror_shortcut)
        self.act_reconnect = self._action(
            self.tr("Reconnect camera"), "F5", self._on_capture_reconnect_clicked
        )
        self.act_settings = self._action(self.tr("Settings…"), "Ctrl+,", self._on_settings_requested)
        self.act_save_jpeg = self._action(
            self.tr("Save the accepted photo as…"), "Ctrl+Shift+S", self._on_save_jpeg_requested
        )
        self.act_quit = self._action(self.tr("Quit"), "Ctrl+Q", self.close)
        for i in range(5):
            self._action(
                self.tr("Page %1").replace("%1", str(i + 1)),
                f"Ctrl+{i + 1}",
                lambda _=False, k=i: self.tabs.setCurrentIndex(k),
            )
        menu = self.menuBar().addMenu(self.tr("&Station"))
        for act in (self.act_open, self.act_save_jpeg, self.act_settings, self.act_quit):
            menu.addAction(act)
        view = self.menuBar().addMenu(self.tr("&Photo"))
        for act in (
            self.act_shutter,
            self.act_accept,
            self.act_retake,
            self.act_whiten,
            self.act_mirror,
            self.act_reconnect,
        ):
            view.addAction(act)

    def _connect_signals(self) -> None:
        live = self.deps.live
        live.camera_opened.connect(self._on_live_camera_opened)
        live.camera_failed.connect(self._on_live_camera_failed)
        live.captured.connect(self._on_live_captured)
        live.auto_state.connect(self._on_live_auto_state)
        cp = self.capture_page
        cp.shutter_clicked.connect(self._on_shutter_requested)
        cp.reconnect_clicked.connect(self._on_capture_reconnect_clicked)
        cp.open_file_clicked.connect(self._on_capture_open_file_clicked)
        cp.auto_toggled.connect(self._on_capture_auto_toggled)
        rp = self.review_page
        rp.accept_clicked.connect(self._on_review_accept_clicked)
        rp.retake_clicked.connect(self._on_review_retake_clicked)
        rp.whiten_toggled.connect(self._on_review_whiten_toggled)
        rp.adjust_committed.connect(self._on_review_adjust_committed)
        self.deps.jobs.failed.connect(self._on_jobs_failed)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)

    def _update_availability(self) -> None:
        feat = self.deps.photos.availability()
        self.capture_page.set_shutter_available(feat.available, feat.reason)
        self.act_shutter.setEnabled(feat.available)
        self.act_open.setEnabled(feat.available)
        self.capture_page.open_file.setEnabled(feat.available)
        adjust = self.deps.extra.get(
            "adjust_feature", Feature(False, self.tr("Crop adjustment needs the crop solver."))
        )
        self.review_page.set_adjust_available(adjust.available, adjust.reason)
        self.act_save_jpeg.setEnabled(False)

    # -- camera ------------------------------------------------------------------------------
    @Slot(str)
    def _on_live_camera_opened(self, name: str) -> None:
        self.status.set_item("camera", "ok", name)
        self.capture_page.set_camera_state(name, failed=False)

    @Slot(str)
    def _on_live_camera_failed(self, message: str) -> None:
        self.status.set_item("camera", "error", self.tr("camera error"))
        self.capture_page.set_camera_state(message, failed=True)

    @Slot()
    def _on_capture_reconnect_clicked(self) -> None:
        self.status.set_item("camera", "warn", self.tr("camera: reconnecting"))
        self.capture_page.set_camera_state(self.tr("Reconnecting…"), failed=False)
        self.deps.live.start()

    @Slot(bool)
    def _on_capture_auto_toggled(self, on: bool) -> None:
        self.deps.live.auto.enabled = on
        self.deps.live.auto.reset()

    @Slot(str, float)
    def _on_live_auto_state(self, state: str, value: float) -> None:
        self.capture_page.set_auto_state(state, value)

    @Slot()
    def _on_mirror_shortcut(self) -> None:
        self.capture_page.mirror.toggle()

    @Slot()
    def _on_status_timer_timeout(self) -> None:
        cam = self.deps.live.camera
        if cam is not None and cam.isRunning() and self.deps.live.latest is not None:
            ms = self.deps.live.latest.elapsed_ms
            self.status.set_item("camera", "ok", f"{cam.source_name} · {ms:.0f} ms")

    @Slot()
    def _on_device_timer_timeout(self) -> None:
        probe = self.deps.extra.get("device_status")
        if probe is None:
            return
        deps = self.deps
        self.deps.jobs.run("device status", lambda: probe(deps), self._on_device_status, lambda e: None)

    def _on_device_status(self, states: dict[str, tuple[str, str]]) -> None:
        for key, (state, text) in states.items():
            self.status.set_item(key, state, text)

    # -- shutter -> review -------------------------------------------------------------------
    @Slot()
    def _on_shutter_requested(self) -> None:
        if self.tabs.currentIndex() != PAGE_CAPTURE:
            return
        if not self.deps.live.shutter():
            self.status.showMessage(self.tr("No camera picture yet."), 3000)

    @Slot(object, object)
    def _on_live_captured(self, frame: Frame, result: LiveResult | None) -> None:
        feat = self.deps.photos.availability()
        if not feat.available:
            self.status.showMessage(feat.reason, 5000)
            return
        self.pending_result = result
        self._whiten = False
        if frame.still and frame.path:
            # A studio still: the pipeline decodes the file itself (EXIF orientation, draft
            # decoding of a large JPEG), exactly as for `station photo make`.
            self._make_photo(Path(frame.path), "hot folder")
            return
        self._make_photo(frame.pixels, "camera")

    def _make_photo(self, image: Any, source: str, plan: Any = None, analysis: Any = None) -> None:
        """``plan``: the operator's crop (None: the crop solver's); ``analysis``: the still
        analysis of ``image`` when one was already made."""
        self.deps.live.paused = True
        self.tabs.setCurrentIndex(PAGE_REVIEW)
        self.review_page.set_busy(self.tr("Making the photo…"))
        profile, whiten, photos = self.deps.profile, self._whiten, self.deps.photos
        self.deps.jobs.run(
            "make photo",
            lambda: photos.make(image, profile, whiten=whiten, source=source, plan=plan, analysis=analysis),
            self._on_photo_made,
            self._on_photo_failed,
        )

    def _on_photo_made(self, outcome: PhotoOutcome) -> None:
        self.review_page.show_outcome(outcome)
        self.review_page.setFocus()
        self.photo_ready.emit(outcome)
        adjuster = self.deps.extra.get("prepare_adjuster")
        if adjuster is not None:
            adjuster(self.review_page, outcome, self.pending_result)

    def _on_photo_failed(self, exc: BaseException) -> None:
        self.review_page.set_busy("")
        # Do not let auto-capture fire again straight into the same failure.
        self.capture_page.auto.setChecked(False)
        self.show_error(self.tr("The photo could not be made"), str(exc))
        self.tabs.setCurrentIndex(PAGE_CAPTURE)
        self.deps.live.paused = False

    @Slot()
    def _on_capture_open_file_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Photo from a file"),
            str(Path.home()),
            self.tr("Images (*.jpg *.jpeg *.png *.tif *.tiff *.webp *.bmp)"),
        )
        if path:
            self.make_photo_from_file(Path(path))

    def make_photo_from_file(self, path: Path) -> None:
        self.pending_result = None
        self._whiten = False
        self._make_photo(path, "file")

    @Slot(bool)
    def _on_review_whiten_toggled(self, on: bool) -> None:
        out = self.review_page.outcome
        if out is None:
            return
        self._whiten = on
        image = (
            out.original if out.original is not None else (Path(out.source_path) if out.source_path else None)
        )
        if image is not None:
            # The same crop: the operator's when adjusted, else the solver's again.
            self._make_photo(image, out.source, out.plan if out.adjusted else None, out.analysis)

    @Slot()
    def _on_whiten_shortcut(self) -> None:
        if self.tabs.currentIndex() == PAGE_REVIEW:
            self.review_page.whiten.toggle()

    @Slot(object)
    def _on_review_adjust_committed(self, box: Any) -> None:
        out = self.review_page.outcome
        make_plan = self.deps.extra.get("plan_from_box")
        if out is None or out.original is None or make_plan is None:
            return
        self._make_photo(out.original, out.source, make_plan(box, out, self.deps.profile), out.analysis)

    @Slot()
    def _on_review_accept_clicked(self) -> None:
        out = self.review_page.outcome
        if out is None or not out.compliant or self.deps.jobs.busy:
            return
        self.accepted_photo = out
        self.act_save_jpeg.setEnabled(True)
        self.photo_accepted.emit(out)
        self.status.showMessage(self.tr("Photo accepted."), 4000)
        self.deps.live.paused = False
        self.tabs.setCurrentIndex(PAGE_ENROLL)

    @Slot()
    def _on_review_retake_clicked(self) -> None:
        self.deps.live.paused = False
        self.deps.live.auto.reset()
        self.tabs.setCurrentIndex(PAGE_CAPTURE)

    @Slot()
    def _on_save_jpeg_requested(self) -> None:
        if self.accepted_photo is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save photo"), str(Path.home() / "photo.jpg"), "JPEG (*.jpg)"
        )
        if path:
            try:
                Path(path).write_bytes(self.accepted_photo.jpeg)
            except OSError as exc:  # a full disk, a read-only folder: one line, not a crash
                self.show_error(self.tr("Photo not saved"), f"{path}: {exc.strerror or exc}".splitlines()[0])
                return
            self.status.showMessage(self.tr("Photo saved as %1.").replace("%1", path), 5000)

    def drop_accepted_photo(self) -> None:
        """Forget the accepted photo (the enrollment page moved to another person)."""
        self.accepted_photo = None
        self.act_save_jpeg.setEnabled(False)

    @Slot(int)
    def _on_tabs_current_changed(self, index: int) -> None:
        self.deps.live.paused = index != PAGE_CAPTURE
        if index == PAGE_CAPTURE:
            self.capture_page.live_view.setFocus()

    # -- settings ----------------------------------------------------------------------------
    @Slot()
    def _on_settings_requested(self) -> None:
        if self.deps.role not in ("admin", "supervisor"):
            self.show_error(
                self.tr("Settings"), self.tr("Only a supervisor or an administrator can change the settings.")
            )
            return
        opener = self.deps.extra.get("open_settings")
        if opener is not None:
            opener(self)

    # -- errors ------------------------------------------------------------------------------
    @Slot(str, object)
    def _on_jobs_failed(self, name: str, exc: BaseException) -> None:
        self.show_error(self.tr("%1 failed").replace("%1", name), str(exc))

    def show_error(self, title: str, message: str) -> None:
        """The one place the window turns an error into a dialog."""
        log.warning("%s: %s", title, message)
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("error_dialog")
        box.open()

    def closeEvent(self, event: QCloseEvent) -> None:
        saver = self.deps.extra.get("save_draft")
        if saver is not None:
            saver()
        stop_card = self.deps.extra.get("shutdown_card")
        if stop_card is not None:
            stop_card()
        self.deps.live.shutdown()
        self.deps.jobs.wait(5000)
        event.accept()
