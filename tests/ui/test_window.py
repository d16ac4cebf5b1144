"""The window with pytest-qt (offscreen), analysis and jobs synchronous, demo frames fed by hand:
capture -> review -> accept -> enroll -> attach -> compare -> print to PDF; the camera failure
and reconnect; shortcuts; the crash handler; drafts; unavailable features."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from capture.sources import DemoSource, FailingSource
from tests.ui.conftest import APPLICANT
from ui.services import Feature

pytestmark = pytest.mark.gui


def feed_until(window: Any, demo: DemoSource, predicate: Any, limit: int = 60, start: int = 0) -> int:
    live = window.deps.live
    for i in range(start, start + limit):
        frame = demo.read() if demo.realtime else _frame(demo, i)
        live.feed(frame)
        if predicate():
            return i
    raise AssertionError("condition not reached")


def _frame(demo: DemoSource, i: int) -> Any:
    from capture.sources import make_frame

    return make_frame(demo.render(i), i, demo.name, copy=False, timestamp=i / 30)


@pytest.mark.slow
def test_capture_review_accept_enroll_print(
    make_window: Any, demo_source: DemoSource, qtbot: Any, tmp_path: Path
) -> None:
    w = make_window()
    live = w.deps.live
    # Live: every frame analysed (synchronous), overlays and lights from the guidance.
    feed_until(w, demo_source, lambda: live.latest is not None and live.latest.guidance.all_green)
    g = live.latest.guidance
    assert g.prompt.key == "ready"
    assert all(lt.state == "green" for lt in g.lights), g.lights
    view = w.capture_page.live_view
    view.update()
    qtbot.waitUntil(lambda: view.last_painted_index == live.latest_frame.index, timeout=2000)
    assert w.capture_page.live_view.last_overlay_index == live.latest.frame.index
    # Auto-capture: 3 green frames, countdown 0 -> fires; the photo is made synchronously.
    feed_until(w, demo_source, lambda: w.review_page.outcome is not None, start=100)
    out = w.review_page.outcome
    assert out.compliant, [c.id for c in out.report.failing("error")]
    assert w.tabs.currentIndex() == 1
    assert w.review_page.actual.pixmap().size().toTuple() == (358, 441)
    assert w.review_page.table.rowCount() == len(out.report.checks)
    assert w.review_page.accept.isEnabled()
    # Accept with the keyboard.
    w.review_page.setFocus()
    qtbot.keyClick(w.review_page, "\r")
    assert w.accepted_photo is out
    assert w.tabs.currentIndex() == 2
    page = w.enroll_page
    page.form.set_values(APPLICANT)
    page.form._revalidate()
    assert page.form.valid, page.form.issues
    assert page.form.value("name_pinyin") == "ZHANG SAN"
    page._on_save_clicked()
    assert page.application_id is not None and page.retrieval_code
    assert page.attached_sha is not None
    assert page.compare.rowCount() == 6
    # Print the application form to a PDF through the QtPdf path.
    target = tmp_path / "application.pdf"
    page._on_print_clicked("application", target)
    qtbot.waitUntil(lambda: page.last_print.get("state") in ("printed", "failed"), timeout=20000)
    assert page.last_print["state"] == "printed", page.last_print
    assert target.stat().st_size > 1000
    # The draft is gone once saved.
    assert w.deps.drafts.load() is None


def test_camera_failure_offers_reconnect(make_window: Any, qtbot: Any) -> None:
    sources = [FailingSource(after=3, fps=200), FailingSource(after=1000, fps=200)]
    w = make_window(lambda: sources.pop(0), records=False)
    live = w.deps.live
    with qtbot.waitSignal(live.camera_failed, timeout=5000) as blocker:
        live.start()
    assert "stopped delivering" in blocker.args[0]
    assert w.capture_page.reconnect.isVisibleTo(w)
    assert w.status.states["camera"][0] == "error"
    assert "stopped delivering" in w.capture_page.camera_label.text()
    with qtbot.waitSignal(live.camera_opened, timeout=5000):
        w.capture_page.reconnect.click()
    qtbot.waitUntil(lambda: live.latest_frame is not None and live.latest_frame.index > 5, timeout=5000)
    assert not w.capture_page.reconnect.isVisibleTo(w)
    live.stop_camera()


def test_camera_that_cannot_open(make_window: Any, qtbot: Any) -> None:
    w = make_window(lambda: FailingSource(fail_open=True), records=False)
    with qtbot.waitSignal(w.deps.live.camera_failed, timeout=5000) as blocker:
        w.deps.live.start()
    assert "cannot open" in blocker.args[0]


def test_space_is_the_shutter_only_on_the_capture_page(
    make_window: Any, demo_source: DemoSource, qtbot: Any
) -> None:
    fired: list[Any] = []
    w = make_window(records=False)
    w.deps.live.auto.enabled = False
    w.deps.live.captured.connect(lambda f, r: fired.append(f))
    w.deps.live.feed(_frame(demo_source, 0))
    # (Real key presses are sent by the end-to-end test with xdotool; QTest key clicks do not
    # go through Qt 6's shortcut map.)
    act = w.act_shutter
    assert act.shortcut().toString() == "Space"
    assert act in w.capture_page.actions()  # scoped to the capture page and its children
    act.trigger()
    assert len(fired) == 1
    w.tabs.setCurrentIndex(2)
    act.trigger()
    assert len(fired) == 1


def test_unavailable_pipeline_disables_the_shutter(make_window: Any) -> None:
    class NoPipeline:
        def availability(self) -> Feature:
            return Feature(False, "photo pipeline: not available in this build yet")

        def close(self) -> None:
            pass

    w = make_window(records=False, photos=NoPipeline())
    assert not w.capture_page.shutter.isEnabled()
    assert "not available" in w.capture_page.shutter.toolTip()
    assert "not available" in w.capture_page.shutter_note.text()


def test_card_encoding_waits_for_a_submitted_application(make_window: Any) -> None:
    w = make_window()
    card = w.enroll_page.card
    if not card.feature.available:
        assert not card.encode.isEnabled() and card.feature.reason in card.reader.text()
        return
    assert not card.encode.isEnabled() and "Save the enrollment" in card.encode.toolTip()
    card.set_application(7, "photo_accepted")
    assert not card.encode.isEnabled() and "Submit" in card.encode.toolTip()
    card.set_application(7, "submitted")
    assert card.encode.isEnabled()


def test_crash_handler_logs_and_shows_one_dialog(make_window: Any, qtbot: Any, data_dir: Path) -> None:
    w = make_window(records=False)
    crash = w.deps.crash
    crash.install()
    try:

        def boom() -> None:
            raise RuntimeError("boom in a worker")

        t = threading.Thread(target=boom, name="worker-x")
        with qtbot.waitSignal(crash.crashed, timeout=3000) as blocker:
            t.start()
            t.join()
        assert blocker.args[0] == "RuntimeError: boom in a worker"
        assert "worker-x" in blocker.args[1]
        crash.show_dialog = True
        crash.parent_widget = w
        crash.handle(ValueError, ValueError("one"), None, "MainThread")
        crash.handle(ValueError, ValueError("two"), None, "MainThread")
        qtbot.waitUntil(lambda: crash.count == 3)
        from PySide6.QtWidgets import QMessageBox

        boxes = [b for b in w.findChildren(QMessageBox) if b.isVisible()]
        assert len(boxes) == 1
        assert "two" in boxes[0].informativeText()
        boxes[0].accept()
    finally:
        crash.uninstall()
    log = (data_dir / "logs" / "crash.log").read_text(encoding="utf-8")
    assert "boom in a worker" in log and "thread: worker-x" in log


def test_draft_is_autosaved_and_restored(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    values = dict(APPLICANT, name="李四")
    w.enroll_page.form.set_values(values)
    w.enroll_page.save_draft()
    w2 = make_window()
    qtbot.waitUntil(lambda: w2.enroll_page.form.value("name") == "李四", timeout=3000)
    assert w2.enroll_page.form.value("document_number") == APPLICANT["document_number"]


def test_validation_as_you_type(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    form = w.enroll_page.form
    form.set_values(dict(APPLICANT, document_number="110105198503151231"))  # wrong check digit
    assert not form.valid
    assert form.issue_labels["document_number"].isVisibleTo(form)
    assert not w.enroll_page.save.isEnabled()
    form.set_values(dict(APPLICANT, birth_date="1985-13-40"))
    assert not form.valid and form.issue_labels["birth_date"].isVisibleTo(form)
    form.set_values(APPLICANT)
    assert not form.valid  # no photo taken here, so the receipt number is needed
    assert "photo_receipt_number" in {i.field for i in form.issues}
    form.set_values(dict(APPLICANT, photo_receipt_number="0000012026010500078"))
    assert form.valid, form.issues
    assert w.enroll_page.save.isEnabled()


def test_pinyin_follows_the_name_until_edited(make_window: Any) -> None:
    w = make_window()
    form = w.enroll_page.form
    form.clear()
    form.widgets["name"].setText("单雄信")
    assert form.value("name_pinyin") == "SHAN XIONGXIN"
    combo = form.widgets["name_pinyin"]
    combo.lineEdit().textEdited.emit("SHAN XIONG XIN")
    combo.setEditText("SHAN XIONG XIN")
    form.widgets["name"].setText("单雄")
    assert form.value("name_pinyin") == "SHAN XIONG XIN"


def test_settings_dialog_checks_values(qtbot: Any) -> None:
    from station.config import Settings
    from ui.settings_dialog import SettingsDialog

    dlg = SettingsDialog(Settings(), ["mohrss", "beijing"], ["pdf"], ["Reader 0"])
    qtbot.addWidget(dlg)
    dlg.pin_rule.setCurrentText("fixed:12")
    dlg._on_buttons_accepted()
    assert dlg.result_settings is None and "PIN" in dlg.message.text()
    dlg.pin_rule.setCurrentText("id-last6")
    dlg.profile.setCurrentText("beijing")
    dlg._on_buttons_accepted()
    assert dlg.result_settings is not None
    assert dlg.result_settings.profile == "beijing" and dlg.result_settings.initial_pin_rule == "id-last6"


def test_login_dialog_shows_the_refusal(qtbot: Any) -> None:
    from ui.login import LoginDialog

    calls: list[tuple[str, str]] = []

    def auth(user: str, pw: str) -> tuple[bool, Any, str]:
        calls.append((user, pw))
        return (pw == "right", {"user": user} if pw == "right" else None, "wrong user name or password")

    dlg = LoginDialog(auth)
    qtbot.addWidget(dlg)
    dlg.username.setText("clerk")
    dlg.password.setText("nope")
    dlg._on_buttons_accepted()
    assert dlg.message.text() == "wrong user name or password" and dlg.operator is None
    dlg.password.setText("right")
    dlg._on_buttons_accepted()
    assert dlg.operator == {"user": "clerk"}


def test_chinese_translation_is_installed(qtbot: Any) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.app import install_translator
    from ui.capture_page import CapturePage

    app = QApplication.instance()
    tr = install_translator(app, "zh_CN")
    try:
        assert tr is not None
        page = CapturePage()
        qtbot.addWidget(page)
        assert "拍照" in page.shutter.text()
    finally:
        if tr is not None:
            app.removeTranslator(tr)


@pytest.mark.slow
def test_hot_folder_still_goes_through_the_pipeline(
    make_window: Any, demo_source: DemoSource, qtbot: Any, tmp_path: Path
) -> None:
    from PIL import Image

    from capture.sources import HotFolderSource

    folder = tmp_path / "dslr"
    folder.mkdir()
    w = make_window(lambda: HotFolderSource(folder, fps=50, settle_s=0.1), records=False)
    live = w.deps.live
    with qtbot.waitSignal(live.camera_opened, timeout=5000):
        live.start()
    Image.fromarray(demo_source.render(3)).save(folder / "IMG_0001.JPG", quality=92)
    qtbot.waitUntil(lambda: w.review_page.outcome is not None, timeout=30000)
    out = w.review_page.outcome
    assert out.source == "hot folder" and out.source_path and out.source_path.endswith("IMG_0001.JPG")
    assert out.compliant, [c.id for c in out.report.failing("error")]
    live.stop_camera()


@pytest.mark.slow
def test_adjusting_the_crop_rechecks_the_photo(make_window: Any, demo_source: DemoSource) -> None:
    w = make_window(records=False)
    w.deps.live.auto.enabled = False
    w.deps.live.feed(_frame(demo_source, 0))
    assert w.deps.live.shutter()
    rp = w.review_page
    first = rp.outcome
    assert first is not None and first.compliant
    assert rp.adjust.isEnabled(), rp.adjust.toolTip()
    rp.adjust.setChecked(True)
    box0 = rp.adjuster.box
    rp.adjuster.move_by(400, 0)  # far to the right: clamped inside the spec bounds
    box1 = rp.adjuster.box
    assert box1 != box0 and box1.x0 - box0.x0 < 400
    rp.adjuster.committed.emit(box1)
    second = rp.outcome
    assert second is not first
    assert second.adjusted and "crop adjusted by the operator" in second.report.notes
    assert second.report.get("eye_center_x").passed  # the clamp kept the geometry inside
    assert (second.plan.x0, second.plan.y0, second.plan.scale) == (box1.x0, box1.y0, box1.scale)
    # The one pipeline: the same answers as make_photo given that crop.
    from capture.pipeline import make_photo

    direct = make_photo(
        first.original,
        w.deps.profile,
        analyzer=w.deps.photos._still_analyzer(),
        plan=second.plan,
        notes=("crop adjusted by the operator",),
    )
    assert direct.jpeg == second.jpeg
    assert [(c.id, c.passed, c.value) for c in direct.report.checks] == [
        (c.id, c.passed, c.value) for c in second.report.checks
    ]
    assert direct.report.notes == second.report.notes
    # It can be adjusted again (the measurements stay with the photo).
    assert rp.adjust.isEnabled() and second.analysis is not None
    # Whitening re-makes the photo with the operator's crop and the report says so.
    rp.whiten.setChecked(True)
    third = rp.outcome
    assert third.whitened and third.report.whitened
    assert third.adjusted and "crop adjusted by the operator" in third.report.notes
    assert (third.plan.x0, third.plan.y0, third.plan.scale) == (box1.x0, box1.y0, box1.scale)


@pytest.mark.slow
def test_whitening_an_unadjusted_photo_keeps_the_solvers_crop(
    make_window: Any, demo_source: DemoSource
) -> None:
    w = make_window(records=False)
    w.deps.live.auto.enabled = False
    w.deps.live.feed(_frame(demo_source, 0))
    assert w.deps.live.shutter()
    rp = w.review_page
    first = rp.outcome
    assert first is not None and not first.adjusted
    rp.whiten.setChecked(True)
    white = rp.outcome
    assert white is not first and white.whitened and white.report.whitened
    assert not white.adjusted and "crop adjusted by the operator" not in white.report.notes
    assert (white.plan.x0, white.plan.y0, white.plan.scale) == (
        first.plan.x0,
        first.plan.y0,
        first.plan.scale,
    )


def test_records_browser_masks_numbers(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    page = w.enroll_page
    page.form.set_values(dict(APPLICANT, photo_receipt_number="0000012026010500078"))
    page._on_save_clicked()
    assert page.application_id is not None
    w.tabs.setCurrentIndex(3)
    rb = w.records_page
    qtbot.waitUntil(lambda: rb.table.rowCount() == 1, timeout=5000)
    shown = rb.table.item(0, 2).text()
    assert shown != APPLICANT["document_number"] and "*" in shown
    assert rb.table.item(0, 0).text() == "张三"
    rb.query.setText("ZHANG")
    rb._on_go_clicked()
    assert rb.table.rowCount() == 1
    rb._on_table_cell_double_clicked(0, 0)
    assert w.tabs.currentIndex() == 2
    w.tabs.setCurrentIndex(4)
    qtbot.waitUntil(lambda: "0" in w.retake_page.count.text(), timeout=5000)


def test_settings_need_a_supervisor(make_window: Any) -> None:
    from PySide6.QtWidgets import QMessageBox

    w = make_window(records=False)
    opened: list[Any] = []
    w.deps.extra["open_settings"] = opened.append
    w.deps.role = "operator"
    w._on_settings_requested()
    boxes = [b for b in w.findChildren(QMessageBox) if b.isVisible()]
    assert opened == [] and len(boxes) == 1
    boxes[0].accept()
    w.deps.role = "supervisor"
    w._on_settings_requested()
    assert opened == [w]
