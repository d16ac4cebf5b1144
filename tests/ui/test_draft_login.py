"""The enrollment draft in the window, wired as ``ui.app.run`` wires it: the store is tied to the
operator (``DraftStore(data_dir, operator=<deps.operator>)``) and the composition root says a
login is coming (``expect_login``), so the enrollment page is locked and offers no draft until
the login (or the first-administrator offer) has answered; then it offers that operator's own
draft. Another operator is not offered it, and it stays on disk for its owner's next start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from capture.guidance import AutoCapture
from capture.profiles import load_profile
from capture.sources import DemoSource
from station.config import Settings, database_url
from station.records import operators
from tests.support.testhook import HookClient
from tests.ui.conftest import APPLICANT

pytestmark = pytest.mark.gui

REPO = Path(__file__).resolve().parents[2]

PASSWORD = "counter-2026"


class Station:
    """One start of the window on ``data_dir`` (as ``ui.app.run`` builds it, with synchronous
    jobs and no camera frames)."""

    def __init__(self) -> None:
        self.window: Any = None
        self.loads: list[str | None] = []  # whose draft was looked up, in order

    @property
    def page(self) -> Any:
        return self.window.enroll_page

    def log_in(self, qtbot: Any, username: str | None) -> None:
        """The database opens and the login dialog asks: ``username`` (None: Cancel)."""
        from PySide6.QtWidgets import QDialogButtonBox

        from ui.login import LoginDialog

        def answer() -> None:
            dialogs = [d for d in self.window.findChildren(LoginDialog) if d.isVisible()]
            if not dialogs:
                return
            poll.stop()
            dlg = dialogs[0]
            if username is None:
                dlg.reject()
                return
            dlg.username.setText(username)
            dlg.password.setText(PASSWORD)
            dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

        poll = QTimer(self.window)
        poll.timeout.connect(answer)
        poll.start(10)
        self.window.deps.extra["after_show"](self.window)  # returns once the dialog has answered
        poll.stop()


@pytest.fixture
def start(qtbot: Any, data_dir: Path) -> Iterator[Callable[..., Station]]:
    from ui.app import START_ROLE
    from ui.composition import attach_backends
    from ui.draft import DraftStore
    from ui.live_controller import LiveController
    from ui.live_pipeline import LivePipeline
    from ui.main_window import MainWindow, WindowDeps
    from ui.records_adapter import expect_login
    from ui.services import PhotoService
    from ui.workers.analysis import AnalysisWorker
    from ui.workers.jobs import JobRunner

    made: list[tuple[Any, Any]] = []

    def build(start_operator: str = "clerk") -> Station:
        settings = Settings()
        profile = load_profile()
        pipeline = LivePipeline(profile, scene_async=False)

        def current_operator() -> str:
            return deps.operator

        deps = WindowDeps(
            data_dir=data_dir,
            settings=settings,
            profile=profile,
            lang="zh_CN",
            operator=start_operator,
            role=START_ROLE,
            live=None,  # type: ignore[arg-type]
            photos=PhotoService(),
            jobs=JobRunner(synchronous=True),
            drafts=DraftStore(data_dir, operator=current_operator),
        )
        attach_backends(deps, database_url(data_dir, settings))
        expect_login(deps)
        station = Station()
        real_load = deps.drafts.load

        def load() -> Any:
            station.loads.append(deps.drafts.operator())
            return real_load()

        deps.drafts.load = load  # type: ignore[method-assign]
        deps.live = LiveController(
            None,
            lambda: DemoSource(realtime=False),
            AnalysisWorker(pipeline, synchronous=True),
            AutoCapture(3, 0.0),
        )
        window = MainWindow(deps)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        station.window = window
        made.append((pipeline, deps))
        return station

    yield build
    for pipeline, deps in made:
        stop_card = deps.extra.get("shutdown_card")
        if stop_card is not None:
            stop_card()
        deps.live.shutdown()
        pipeline.close()
        deps.photos.close()


@pytest.fixture
def accounts(data_dir: Path) -> None:
    """Operators li and zhao exist (so every start asks for a login)."""
    from station.db import open_database

    db = open_database(database_url(data_dir, Settings()), data_dir=data_dir)
    try:
        with db.session() as s:
            operators.add_operator(s, "li", PASSWORD, role="admin", by="li")
            operators.add_operator(s, "zhao", PASSWORD, by="li")
    finally:
        db.close()


def _type_applicant(station: Station, qtbot: Any, **changes: str) -> None:
    station.page.form.set_values(dict(APPLICANT, **changes))
    drafts = station.window.deps.drafts
    qtbot.waitUntil(drafts.path.exists, timeout=3000)  # the debounced autosave


def _draft_files(data_dir: Path) -> list[Path]:
    folder = data_dir / "drafts"
    return sorted(folder.glob("*.json")) if folder.exists() else []


@pytest.mark.usefixtures("accounts")
@pytest.mark.parametrize("ending", ["closed", "killed"])
def test_the_draft_goes_back_to_its_operator_only(
    start: Callable[..., Station], qtbot: Any, data_dir: Path, ending: str
) -> None:
    li = start()
    li.log_in(qtbot, "li")
    assert li.page.isEnabled() and li.window.deps.operator == "li"
    _type_applicant(li, qtbot, name="李四")
    if ending == "closed":
        li.window.close()  # closing saves the draft under li
    else:
        li.window.hide()  # killed: no close event, only the autosave is on disk
    [draft] = _draft_files(data_dir)
    assert json.loads(draft.read_text(encoding="utf-8"))["operator"] == "li"
    stored = draft.read_bytes()

    # zhao starts next: not offered li's draft, and leaves it alone.
    zhao = start()
    zhao.log_in(qtbot, "zhao")
    qtbot.wait(50)
    assert zhao.loads == ["zhao"]
    assert zhao.page.form.value("name") == "" and zhao.page.form.value("document_number") == ""
    zhao.window.close()
    assert _draft_files(data_dir) == [draft] and draft.read_bytes() == stored

    # li starts again: offered the draft.
    again = start()
    again.log_in(qtbot, "li")
    qtbot.waitUntil(lambda: again.page.form.value("name") == "李四", timeout=3000)
    assert again.page.form.value("document_number") == APPLICANT["document_number"]
    assert again.loads == ["li"]


@pytest.mark.usefixtures("accounts")
def test_the_draft_is_offered_only_after_the_login(
    start: Callable[..., Station], qtbot: Any, data_dir: Path
) -> None:
    li = start()
    li.log_in(qtbot, "li")
    _type_applicant(li, qtbot, name="李四")
    li.window.hide()

    # The next start, as the OS user "li" even: before the login nothing is looked up or shown,
    # and the page is locked (nothing typed now could be tied to anyone).
    station = start("li")
    qtbot.wait(100)  # the start's zero timers have run
    assert station.loads == []
    assert not station.page.isEnabled()
    assert station.page.form.value("name") == ""
    station.page.save_draft()  # a close before the login writes nothing
    assert len(_draft_files(data_dir)) == 1
    station.log_in(qtbot, "li")
    assert station.loads == ["li"] and station.page.isEnabled()
    assert station.page.form.value("name") == "李四"


@pytest.mark.usefixtures("accounts")
def test_declining_the_login_leaves_the_draft_untouched(
    start: Callable[..., Station], qtbot: Any, data_dir: Path
) -> None:
    li = start()
    li.log_in(qtbot, "li")
    _type_applicant(li, qtbot, name="李四")
    li.window.hide()
    [draft] = _draft_files(data_dir)
    stored = draft.read_bytes()

    nobody = start("li")
    nobody.log_in(qtbot, None)  # Cancel: the window closes
    qtbot.waitUntil(lambda: not nobody.window.isVisible(), timeout=3000)
    assert nobody.loads == []
    assert _draft_files(data_dir) == [draft] and draft.read_bytes() == stored


@pytest.mark.usefixtures("accounts")
def test_a_draft_unreadable_at_login_is_kept_and_offered_once_it_reads(
    start: Callable[..., Station], qtbot: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """li's draft cannot be read when li logs in (an antivirus scan holds it): nothing is offered,
    and the form li works on meanwhile neither autosaves over it nor deletes it when saved; once
    it reads, it is offered into the next empty form."""
    import ui.enroll.page as page_module

    monkeypatch.setattr(page_module, "DRAFT_RETRY_MS", 50)
    li = start()
    li.log_in(qtbot, "li")
    _type_applicant(li, qtbot, name="李四")
    li.window.hide()  # killed
    [draft] = _draft_files(data_dir)
    stored = draft.read_bytes()
    real_read_text = Path.read_text
    locked = [True]

    def read_text(self: Path, *args: Any, **kwargs: Any) -> str:
        if locked[0] and self == draft:
            raise PermissionError(13, "locked")
        return real_read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    again = start()
    again.log_in(qtbot, "li")
    page = again.page
    assert again.loads == ["li"] and page.form.value("name") == ""
    # Another applicant, typed meanwhile.
    page.form.set_values(dict(APPLICANT, photo_receipt_number="0000012026010500078"))
    page.form._revalidate()
    assert page.form.valid, page.form.issues
    qtbot.wait(800)  # the debounced autosave (0.5 s) and a few retries have run
    assert page.form.value("name") == APPLICANT["name"]
    assert _draft_files(data_dir) == [draft] and draft.read_bytes() == stored
    page._on_save_clicked()  # saved: the form's draft would go
    assert page.application_id is not None
    page.save_draft(durable=True)  # the close of the untouched, saved form
    assert _draft_files(data_dir) == [draft] and draft.read_bytes() == stored

    page._on_new_clicked()
    qtbot.wait(200)
    assert page.form.value("name") == ""  # still locked: nothing to offer yet
    locked[0] = False
    qtbot.waitUntil(lambda: page.form.value("name") == "李四", timeout=5000)
    assert page.form.value("document_number") == APPLICANT["document_number"]
    n = len(again.loads)
    qtbot.wait(200)
    assert len(again.loads) == n  # offered once: no more retries


def _decline_first_admin(station: Station, qtbot: Any) -> None:
    """No accounts: the database opens and the first-administrator offer is declined."""
    from ui.first_admin import FirstAdminDialog

    station.window.deps.extra["after_show"](station.window)
    [dlg] = [d for d in station.window.findChildren(FirstAdminDialog) if d.isVisible()]
    dlg.reject()
    qtbot.waitUntil(station.page.isEnabled, timeout=3000)


def test_without_accounts_the_start_user_gets_their_own_draft(
    start: Callable[..., Station], qtbot: Any, data_dir: Path
) -> None:
    """No operator accounts and the first-administrator offer declined: the window runs as the
    start user (--operator or the OS user), whose draft is the one written under that name."""
    clerk = start("clerk")
    _decline_first_admin(clerk, qtbot)
    assert clerk.window.deps.operator == "clerk"
    _type_applicant(clerk, qtbot, name="李四")
    clerk.window.close()

    other = start("wang")
    _decline_first_admin(other, qtbot)
    assert other.loads == ["wang"] and other.page.form.value("name") == ""
    other.window.close()

    again = start("clerk")
    _decline_first_admin(again, qtbot)
    assert again.loads == ["clerk"] and again.page.form.value("name") == "李四"


def test_the_autosave_is_not_fsynced_and_the_close_is(
    start: Callable[..., Station], qtbot: Any, data_dir: Path
) -> None:
    """The debounced autosave runs on the GUI thread: written without fsync (a crash keeps it);
    closing the window writes the draft durably."""
    from ui.draft import DraftStore

    clerk = start("clerk")
    _decline_first_admin(clerk, qtbot)
    drafts = clerk.window.deps.drafts
    durable: list[bool] = []
    real_save = drafts.save

    def save(values: Any, **kw: Any) -> None:
        durable.append(bool(kw.get("durable", False)))
        real_save(values, **kw)

    drafts.save = save  # type: ignore[method-assign]
    _type_applicant(clerk, qtbot, name="李四")
    assert durable and not any(durable)
    clerk.window.close()
    assert durable[-1] is True
    again = DraftStore(data_dir, operator="clerk").load()
    assert again is not None and again["form"]["name"] == "李四"


def test_the_shared_draft_of_earlier_versions_is_offered_to_nobody(
    start: Callable[..., Station], qtbot: Any, data_dir: Path
) -> None:
    from ui.draft import DraftStore

    DraftStore(data_dir).save({"form": dict(APPLICANT, name="李四")})  # enroll.json, tied to nobody
    legacy = data_dir / "drafts" / "enroll.json"
    assert legacy.exists()
    station = start("clerk")
    assert not legacy.exists()  # deleted unread when the window's store was built
    _decline_first_admin(station, qtbot)
    assert station.loads == ["clerk"] and station.page.form.value("name") == ""
    assert _draft_files(data_dir) == []


# -- the real program: ``station`` as a subprocess, killed mid-form ----------------------------


class _Run:
    """``station`` on ``data_dir`` (offscreen, demo camera) driven through its test socket."""

    def __init__(self, data_dir: Path, tmp_path: Path, start_operator: str) -> None:
        sock = tmp_path / f"s-{time.monotonic_ns()}.sock"
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHONPATH": str(REPO),
            "STATION_TEST_SOCKET": str(sock),
        }
        argv = [sys.executable, "-m", "station", "--data-dir", str(data_dir), "--camera", "demo"]
        self.proc = subprocess.Popen(
            [*argv, "--operator", start_operator],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.client = HookClient(self.proc, sock)
        self.client.connect(timeout=60)

    def log_in(self, username: str) -> dict[str, Any]:
        c = self.client
        before = c.wait_state(lambda s: s["modal"] == "login_dialog", 60, "the login dialog")
        assert not before["enroll_unlocked"] and before["form_blank"], before  # nothing offered yet
        reply = c.cmd(
            cmd="dialog", fields={"login_username": username, "login_password": PASSWORD}, button="ok"
        )
        assert reply["ok"], reply
        return c.wait_state(lambda s: s["enroll_unlocked"], 30, "the login answered")

    def stop(self, *, kill: bool = False) -> None:
        try:
            if self.proc.poll() is None:
                if kill:
                    self.proc.kill()
                else:
                    self.client.cmd(cmd="quit")
                self.proc.wait(20)
        finally:
            self.client.close()
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(10)


@pytest.mark.slow
@pytest.mark.usefixtures("accounts")
def test_killed_station_offers_the_draft_to_the_same_operator_only(data_dir: Path, tmp_path: Path) -> None:
    run = _Run(data_dir, tmp_path, "clerk")
    try:
        run.log_in("li")
        reply = run.client.cmd(cmd="call", name="fill", args=dict(APPLICANT, name="李四"))
        assert reply["ok"], reply
        deadline = time.monotonic() + 20
        while not _draft_files(data_dir) and time.monotonic() < deadline:
            time.sleep(0.05)  # the debounced autosave
    finally:
        run.stop(kill=True)  # SIGKILL: no close event, only the autosave is on disk
    [draft] = _draft_files(data_dir)
    stored = draft.read_bytes()
    assert json.loads(stored)["operator"] == "li"

    run = _Run(data_dir, tmp_path, "clerk")
    try:
        state = run.log_in("zhao")
        assert state["form_blank"], state
    finally:
        run.stop()
    assert _draft_files(data_dir) == [draft] and draft.read_bytes() == stored

    run = _Run(data_dir, tmp_path, "clerk")
    try:
        state = run.log_in("li")
        assert not state["form_blank"], state  # li's draft is back on the form
    finally:
        run.stop()
