"""The composition root: builds every object the window uses and passes it in (no singletons),
then runs the Qt event loop. ``station`` with no command calls :func:`run`.

Order: data folder and settings -> logging (file in the data folder) -> QApplication, Qt message
routing and translations -> crash handler -> profile -> database (in a job) -> login -> window ->
camera. The environment variable ``STATION_TEST_SOCKET`` turns on the local control socket of
``ui/testhook.py`` (end-to-end tests only; nothing listens unless it is set)."""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QObject, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QWidget

from capture.guidance import AutoCapture
from capture.profiles import load_profile
from capture.sources import open_source
from station.config import Settings, database_url, resolve_data_dir
from station.errors import StationError
from ui.crash import CrashHandler, install_qt_message_handler
from ui.draft import DraftStore
from ui.live_controller import LiveController
from ui.live_pipeline import LivePipeline
from ui.main_window import MainWindow, WindowDeps
from ui.services import PhotoService
from ui.workers.analysis import AnalysisWorker
from ui.workers.jobs import JobRunner

__all__ = ["I18N_DIR", "START_ROLE", "QuitWithWindow", "install_translator", "run"]

log = logging.getLogger("station.ui")

I18N_DIR = Path(__file__).resolve().parent.parent / "resources" / "i18n"

# The lowest role (station.db.models.ROLES[0]): the window starts with it and only a successful
# login (or creating the first administrator) raises it. Not imported from station.db.models so
# that start-up does not load SQLAlchemy before the camera is live.
START_ROLE = "operator"


class QuitWithWindow(QObject):
    """Ends the event loop when the main window has closed, whatever other top-level windows
    are still open: a login or first-administrator dialog that the database job opened after
    the clerk closed the window (or a test sent ``quit``) must not keep an invisible station
    running. No signals."""

    def __init__(self, app: QApplication, window: QWidget) -> None:
        super().__init__(window)
        self._app = app
        self._window = window
        window.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self._window and event.type() == QEvent.Type.Close:
            # After the close event has been handled: quit only when it was accepted.
            QTimer.singleShot(0, self._on_window_closed)
        return False

    def _on_window_closed(self) -> None:
        if not self._window.isVisible():
            for w in self._app.topLevelWidgets():
                if w is not self._window and w.isVisible():
                    w.close()
            self._app.quit()


def install_translator(app: QApplication, lang: str) -> QTranslator | None:
    """zh_CN is the default: the sources are English and ``resources/i18n/station_zh_CN.qm``
    translates them. English needs no translator."""
    if lang != "zh_CN":
        QLocale.setDefault(QLocale(QLocale.Language.English))
        return None
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    tr = QTranslator(app)
    if tr.load(str(I18N_DIR / "station_zh_CN.qm")):
        app.installTranslator(tr)
        return tr
    log.warning("Chinese translation not found in %s; showing English", I18N_DIR)
    return None


def _setup_logging(data_dir: Path) -> None:
    log_dir = data_dir / "logs"
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            log_dir / "station.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError as exc:
        print(f"station: cannot write logs in {log_dir}: {exc}", file=sys.stderr)
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(threadName)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)


def run(args: argparse.Namespace) -> int:
    t0 = time.monotonic()
    try:
        data_dir = resolve_data_dir(getattr(args, "data_dir", None))
        settings = Settings.load(data_dir)
    except StationError as exc:
        print(f"station: {exc}", file=sys.stderr)
        return 2
    _setup_logging(data_dir)
    lang = getattr(args, "lang", None) or settings.language or "zh_CN"
    camera = getattr(args, "camera", None) or settings.camera or "demo"

    install_qt_message_handler()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("sscard-station")
    app.setApplicationDisplayName("社保卡工作站" if lang == "zh_CN" else "Card station")
    install_translator(app, lang)  # type: ignore[arg-type]
    crash = CrashHandler(data_dir / "logs", show_dialog=True)
    crash.install()

    try:
        profile = load_profile(settings.profile, user_dir=data_dir / "profiles")
    except Exception as exc:
        log.error("profile %s: %s; using the default", settings.profile, exc)
        profile = load_profile()

    sync = os.environ.get("STATION_SYNC_ANALYSIS") == "1"
    pipeline = LivePipeline(profile, scene_async=not sync)
    analysis = AnalysisWorker(pipeline, synchronous=sync)
    auto = AutoCapture(settings.auto_capture_frames, settings.auto_capture_countdown_s)
    res = settings.camera_resolution

    def source_factory() -> object:
        return open_source(camera, res)

    jobs = JobRunner()
    operator = getattr(args, "operator", None) or os.environ.get("STATION_OPERATOR") or _os_user()

    def current_operator() -> str:
        return deps.operator  # whoever the login (or the first-administrator offer) settled on

    deps = WindowDeps(
        data_dir=data_dir,
        settings=settings,
        profile=profile,
        lang=lang,
        operator=operator,
        role=START_ROLE,  # raised by a successful login only
        live=None,  # type: ignore[arg-type]  # set below
        photos=PhotoService(data_dir / "profiles"),
        jobs=jobs,
        # The enrollment draft belongs to the operator logged in (a shared enroll.json from
        # before is deleted here, unread); the page offers it once the login has answered.
        drafts=DraftStore(data_dir, operator=current_operator),
        crash=crash,
    )
    db_url = database_url(data_dir, settings, getattr(args, "db", None))
    from ui.composition import attach_backends

    attach_backends(deps, db_url)
    if deps.records is not None:
        from ui.records_adapter import expect_login

        expect_login(deps)  # the enrollment draft waits for the login

    live = LiveController(None, source_factory, analysis, auto)  # type: ignore[arg-type]
    # Start the camera and load the face models now, on their threads, while the window is
    # built: start-up time is time to the first analysed frame. Their first signals are queued
    # until the event loop runs, by which time the window has given the controller its view.
    live.start()
    deps.live = live
    window = MainWindow(deps)  # gives the controller its view
    quitter = QuitWithWindow(app, window)
    if deps.records is not None:
        # Until the login (or the first-administrator offer) has answered: the lowest role,
        # and the status bar says nobody has logged in yet.
        not_yet = QCoreApplication.translate("MainWindow", "not logged in")
        window.status.set_item("operator", "warn", f"{deps.operator} ({deps.role}) · {not_yet}")
    crash.parent_widget = window
    tabs = window.tabs
    crash.context_provider = lambda: f"page {tabs.currentIndex() + 1}"
    live.first_analysis.connect(
        lambda s: log.info(
            "first analysed frame %.2f s after start (%.2f s from run)", s, time.monotonic() - t0
        )
    )
    screen = app.primaryScreen()
    avail = screen.availableGeometry() if screen is not None else None
    if avail is not None and avail.width() >= 1024:
        window.setGeometry(avail)  # fill the counter's screen (also without a window manager)
    else:
        window.resize(1440, 900)
    window.show()
    window.capture_page.live_view.setFocus()
    after_show = deps.extra.get("after_show")
    if after_show is not None:
        # Database and login once the camera is live (the first analysed frame), or after 2 s.
        done: list[bool] = []

        def open_records(*_: object) -> None:
            if not done:
                done.append(True)
                after_show(window)

        live.first_analysis.connect(open_records)
        QTimer.singleShot(2000, open_records)

    hook = None
    if os.environ.get("STATION_TEST_SOCKET"):
        from ui.testhook import TestHook

        hook = TestHook(window, os.environ["STATION_TEST_SOCKET"], t0)
        hook.start()
    log.info(
        "window up in %.2f s (camera %s, profile %s, %s)", time.monotonic() - t0, camera, profile.id, lang
    )
    code = app.exec()
    jobs.close()  # a job finishing from now on must not open a dialog (login) on a dead window
    live.shutdown()
    jobs.wait(10000)
    pipeline.close()
    deps.photos.close()
    if hook is not None:
        hook.server.close()
    crash.uninstall()
    # Tear the widgets down while Python is still fully alive (avoids shiboken finalisation
    # crashes at interpreter exit).
    window.hide()
    quitter.deleteLater()
    window.deleteLater()
    app.processEvents()
    app.sendPostedEvents(None, 0)
    return int(code)


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "operator"
