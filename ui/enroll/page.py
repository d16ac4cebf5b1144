"""The enrollment page: find or create the applicant, save, attach the accepted photo, the six
item comparison, the three forms (preview, print, or PDF) and the card.

Every service call goes through the window's job runner (one session per action, off the GUI
thread); the results are plain dataclasses. The record being edited is autosaved as a draft of
the operator logged in and offered back to that operator on their next start: when a login is
coming (``LOGIN_PENDING``) the page stays locked and offers nothing until the login has answered
(``deps.extra["operator_known"]``)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.draft import DraftUnreadable
from ui.enroll.applicant_form import ApplicantForm
from ui.enroll.card_panel import CardPanel
from ui.records_adapter import LOGIN_PENDING

__all__ = ["EnrollPage"]

log = logging.getLogger("station.ui")

# A draft that could not be read when it was to be offered (a lock held by an antivirus scan, an
# I/O error) is looked for again this often, while the form is empty, until it reads.
DRAFT_RETRY_MS = 5000

MARK_COLOURS = {"√": "#2e7d32", "×": "#c62828", "无": "#757575"}


class EnrollPage(QWidget):
    """No signals of its own; it talks to the window through ``deps`` and its job runner."""

    def __init__(self, window: Any, deps: Any) -> None:
        super().__init__(window)
        self.window_ = window
        self.deps = deps
        self.records = deps.records
        self.applicant_id: int | None = None
        self.application_id: int | None = None
        self.retrieval_code = ""
        self.status = ""
        self.attached_sha: str | None = None
        self.last_print: dict[str, Any] = {}
        self._saved_values: dict[str, str] | None = None
        # The person on the form: bumped whenever the form switches to another person (new,
        # find, open). The accepted photo belongs to the person it was taken for
        # (``_photo_owner``: that person's number, None while it was taken on an empty form
        # and is not attached yet); it is dropped when the form moves to someone else.
        self._subject = 0
        self._photo_owner: int | None = None

        self.search = QLineEdit(self)
        self.search.setObjectName("enroll_search")
        self.search.setPlaceholderText(self.tr("Document number or name"))
        self.find = QPushButton(self.tr("Find"), self)
        self.new = QPushButton(self.tr("New applicant (Ctrl+N)"), self)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Find applicant:"), self))
        top.addWidget(self.search, 1)
        top.addWidget(self.find)
        top.addWidget(self.new)
        self.choices = QListWidget(self)
        self.choices.setObjectName("enroll_choices")
        self.choices.setMaximumHeight(140)
        self.choices.hide()

        self.form = ApplicantForm(self)

        self.photo = QLabel(self)
        self.photo.setFixedSize(179, 221)
        self.photo.setStyleSheet("border:1px solid #999;background:#fafafa;")
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo_state = QLabel(self)
        self.photo_state.setWordWrap(True)
        self.to_capture = QPushButton(self.tr("Take the photo (Ctrl+1)"), self)
        photo_box = QGroupBox(self.tr("Photo"), self)
        pl = QHBoxLayout(photo_box)
        pl.addWidget(self.photo)
        side = QVBoxLayout()
        side.addWidget(self.photo_state)
        side.addWidget(self.to_capture)
        side.addStretch(1)
        pl.addLayout(side)

        self.save = QPushButton(self.tr("Save enrollment (Ctrl+S)"), self)
        self.save.setObjectName("enroll_save")
        self.save.setMinimumHeight(52)
        self.save.setStyleSheet(
            "QPushButton{background:#1e88e5;color:white;font-size:18px;font-weight:bold;"
            "border-radius:8px;} QPushButton:disabled{background:#9e9e9e;}"
        )
        self.app_label = QLabel(self.tr("No application yet."), self)
        self.app_label.setWordWrap(True)

        self.compare = QTableWidget(0, 4, self)
        self.compare.setHorizontalHeaderLabels(
            [self.tr("Item"), self.tr("Reference"), self.tr("Collected"), self.tr("Mark")]
        )
        self.compare.verticalHeader().setVisible(False)
        self.compare.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.compare.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.compare.setMaximumHeight(220)
        cmp_box = QGroupBox(self.tr("Six-item comparison"), self)
        QVBoxLayout(cmp_box).addWidget(self.compare)

        self.print_buttons: dict[str, QPushButton] = {}
        print_box = QGroupBox(self.tr("Print (preview first)"), self)
        prow = QHBoxLayout(print_box)
        for kind, text in (
            ("application", self.tr("Application form")),
            ("confirmation", self.tr("Confirmation form")),
            ("receipt", self.tr("Photo receipt")),
        ):
            b = QPushButton(text, self)
            b.setObjectName(f"print_{kind}")
            self.print_buttons[kind] = b
            prow.addWidget(b)
        self.submit = QPushButton(self.tr("Submit for the card"), self)
        self.submit.setObjectName("enroll_submit")
        prow.addWidget(self.submit)
        self.print_state = QLabel(self)
        self.print_state.setWordWrap(True)

        self.card = CardPanel(self, deps)

        right = QVBoxLayout()
        right.addWidget(photo_box)
        right.addWidget(self.save)
        right.addWidget(self.app_label)
        right.addWidget(cmp_box)
        right.addWidget(print_box)
        right.addWidget(self.print_state)
        right.addWidget(self.card)
        right.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.form, 3)
        body.addLayout(right, 2)
        outer = QVBoxLayout(self)
        outer.addLayout(top)
        outer.addWidget(self.choices)
        outer.addLayout(body, 1)

        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(500)
        self._draft_retry = QTimer(self)
        self._draft_retry.setInterval(DRAFT_RETRY_MS)
        self._make_actions()
        self._connect_signals()
        self._refresh_buttons()
        # The window's close: the last draft goes to the disk durably (the autosave does not).
        deps.extra["save_draft"] = lambda: self.save_draft(durable=True)
        deps.extra["shutdown_card"] = self.card.shutdown
        deps.extra.setdefault("test_hooks", {}).update(
            {
                "fill": self._hook_fill,
                "encode": self._hook_encode,
                "submit": self._hook_submit,
                "save": self._hook_save,
                "print": self._hook_print,
            }
        )
        deps.extra["test_state"] = self._hook_state
        # Whose draft to offer is known once the login has answered: until then nothing can be
        # typed (it would be tied to nobody) and nothing is offered or written.
        self._operator_known = not deps.extra.get(LOGIN_PENDING)
        self._draft_offered = False
        deps.extra.setdefault("operator_known", []).append(self._on_login_answered)
        if self._operator_known:
            QTimer.singleShot(0, self._restore_draft)
        else:
            self.setEnabled(False)

    def _make_actions(self) -> None:
        ctx = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for text, key, slot in (
            (self.tr("Save enrollment"), "Ctrl+S", self._on_save_clicked),
            (self.tr("New applicant"), "Ctrl+N", self._on_new_clicked),
            (self.tr("Find applicant"), "Ctrl+F", self.search.setFocus),
            (self.tr("Print application form"), "Ctrl+P", lambda: self._on_print_clicked("application")),
        ):
            act = QAction(text, self)
            act.setShortcut(QKeySequence(key))
            act.setShortcutContext(ctx)
            act.triggered.connect(slot)
            self.addAction(act)

    def _connect_signals(self) -> None:
        self.find.clicked.connect(self._on_find_clicked)
        self.search.returnPressed.connect(self._on_find_clicked)
        self.choices.itemActivated.connect(self._on_choices_item_activated)
        self.new.clicked.connect(self._on_new_clicked)
        self.save.clicked.connect(self._on_save_clicked)
        self.submit.clicked.connect(self._on_submit_clicked)
        self.to_capture.clicked.connect(lambda: self.window_.tabs.setCurrentIndex(0))
        self.form.changed.connect(self._draft_timer.start)
        self.form.validity_changed.connect(self._on_form_validity_changed)
        self._draft_timer.timeout.connect(self.save_draft)
        self._draft_retry.timeout.connect(self._retry_draft)
        for kind, b in self.print_buttons.items():
            b.clicked.connect(lambda _=False, k=kind: self._on_print_clicked(k))
        self.window_.photo_accepted.connect(self._on_window_photo_accepted)

    # -- state -------------------------------------------------------------------------------
    def _refresh_buttons(self) -> None:
        self.save.setEnabled(self.form.valid)
        has_app = self.application_id is not None
        for b in self.print_buttons.values():
            b.setEnabled(has_app)
            b.setToolTip("" if has_app else self.tr("Save the enrollment first."))
        self.card.set_application(self.application_id, self.status)
        self.submit.setEnabled(
            self.application_id is not None and self.status in ("photo_accepted", "recollected")
        )
        photo = self.window_.accepted_photo
        if self.form.receipt_on_save != (photo is not None):
            self.form.set_receipt_on_save(photo is not None)
        if photo is not None:
            pix = QPixmap()
            pix.loadFromData(photo.jpeg, "JPEG")
            self.photo.setPixmap(
                pix.scaled(
                    179, 221, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                )
            )
            attached = self.attached_sha == _sha(photo.jpeg)
            self.photo_state.setText(
                self.tr("Accepted photo attached.")
                if attached
                else self.tr("Accepted photo: it is attached when you save.")
            )
        else:
            self.photo.setText(self.tr("No photo"))
            self.photo_state.setText(self.tr("No accepted photo yet."))

    @Slot(bool)
    def _on_form_validity_changed(self, _ok: bool) -> None:
        self._refresh_buttons()

    @Slot(object)
    def _on_window_photo_accepted(self, _outcome: Any) -> None:
        # Taken for the person on the form; on an empty form it goes to whoever is saved next.
        self._photo_owner = None if self._form_blank() and self.applicant_id is None else self._subject
        self._refresh_buttons()
        if self.application_id is not None:
            self._attach_photo()

    # -- draft -------------------------------------------------------------------------------
    def save_draft(self, *, durable: bool = False) -> None:
        """Autosave (also on close, then ``durable``: fsynced, see ``DraftStore.save``): the form
        as the current operator's draft; the draft goes once the form equals what was saved."""
        if not self._operator_known:
            return
        values = self.form.values()
        if values == self._saved_values:  # nothing typed since the last save
            self._clear_draft()
            return
        if not any(
            v
            for k, v in values.items()
            if k not in ("document_type", "nationality", "ethnicity", "card_type", "sex", "occupation")
        ):
            return
        self.deps.drafts.save(
            {"form": values, "applicant_id": self.applicant_id, "application_id": self.application_id},
            durable=durable,
        )

    def _clear_draft(self) -> None:
        """The form was saved or its changes discarded: the operator's draft goes (before the
        login nobody's: whose it would be is not known)."""
        if self._operator_known:
            self.deps.drafts.clear()

    def _on_login_answered(self) -> None:
        """``deps.operator`` is settled (logged in, the first administrator, or the start user
        when the offer was declined): unlock, and offer that operator's own draft (once)."""
        self._operator_known = True
        self.setEnabled(True)
        if not self._draft_offered:
            self._restore_draft()

    def _restore_draft(self) -> None:
        if self._draft_offered or not self._operator_known:
            return
        try:
            draft = self.deps.drafts.load()
        except DraftUnreadable:
            # There but not readable just now: the store neither autosaves over it nor clears it,
            # and it is offered once it reads (``_retry_draft``).
            if not self._draft_retry.isActive():
                self._draft_retry.start()
            return
        self._draft_offered = True
        self._draft_retry.stop()
        if not draft or not isinstance(draft.get("form"), dict):
            return
        self.form.set_values(draft["form"])
        self.applicant_id = draft.get("applicant_id")
        self.application_id = draft.get("application_id")
        self._refresh_buttons()
        self.window_.status.showMessage(self.tr("An unsaved draft was restored."), 8000)
        log.info("restored the enrollment draft")

    @Slot()
    def _retry_draft(self) -> None:
        """The operator's draft could not be read when it was to be offered: try again, but only
        into an empty form with no record and no photo waiting (as at start), so that offering it
        replaces nothing the clerk is working on."""
        if self._draft_offered:
            self._draft_retry.stop()
        elif (
            self._form_blank()
            and self.applicant_id is None
            and self.application_id is None
            and self.window_.accepted_photo is None
        ):
            self._restore_draft()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._operator_known and not self._draft_offered and self._draft_retry.isActive():
            self._retry_draft()

    # -- find / new / save -------------------------------------------------------------------
    def _form_blank(self) -> bool:
        return not any(
            v
            for k, v in self.form.values().items()
            if k not in ("document_type", "nationality", "ethnicity", "card_type", "sex", "occupation")
        )

    def _form_dirty(self) -> bool:
        return not self._form_blank() and self.form.values() != self._saved_values

    def _ask_discard(self) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Unsaved changes"),
            self.tr("The form has changes that are not saved. Discard them?"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("discard_dialog")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Discard

    def _may_leave(self) -> bool:
        """Whether the form may be replaced by another person: asks when it has unsaved changes
        (the draft keeps them until then)."""
        if not self._form_dirty():
            return True
        self.save_draft()
        return self._ask_discard()

    def _switch_subject(self) -> None:
        """The form moves to another person: their photo does not come along."""
        # A photo taken on an empty form belongs to the first person the form then shows.
        leaving_someone = self.applicant_id is not None or not self._form_blank()
        self._subject += 1
        if (self._photo_owner is not None or leaving_someone) and self.window_.accepted_photo is not None:
            self.window_.drop_accepted_photo()
        if self.window_.accepted_photo is None:
            self._photo_owner = None
        self.attached_sha = None

    def _reset(self) -> None:
        self._switch_subject()
        self.form.clear()
        self.applicant_id = self.application_id = None
        self.retrieval_code = ""
        self.status = ""
        self.compare.setRowCount(0)
        self.app_label.setText(self.tr("No application yet."))
        self.choices.clear()
        self.choices.hide()
        self._saved_values = None

    @Slot()
    def _on_find_clicked(self) -> None:
        text = self.search.text().strip()
        if not text or not self._may_leave():
            return
        self.deps.jobs.run("find applicant", lambda: self.records.find(text), self._on_found)

    def _on_found(self, found: Any, prefer: int | None = None) -> None:
        if found is None:
            text = self.search.text().strip()
            self.window_.status.showMessage(
                self.tr("No applicant with this number: fill in a new one."), 5000
            )
            self._reset()
            self._clear_draft()
            key = "document_number" if any(c.isdigit() for c in text) else "name"
            self.form.set_values({key: text})
            self._saved_values = self.form.values()  # only what the clerk types is unsaved
        elif found and hasattr(found[0], "applicant_id"):  # several people: let the clerk choose
            self._show_choices(found)
            return
        else:
            rec, apps = found
            self._switch_subject()
            self.choices.hide()
            self._clear_draft()  # the form is the saved record now
            self.form.set_applicant(rec.data)
            self.applicant_id = rec.id
            active = [a for a in apps if a.active]
            chosen = [a for a in active if a.id == prefer] or active[-1:]
            app = chosen[0] if chosen else None
            self.application_id = app.id if app is not None else None
            self.retrieval_code = app.retrieval_code if app is not None else ""
            self._show_application(app)
            self.compare.setRowCount(0)
            self._saved_values = self.form.values()
            if self.application_id is not None:
                self._load_comparison()
        self._refresh_buttons()

    def _show_choices(self, people: Any) -> None:
        self.choices.clear()
        for p in people:
            item = QListWidgetItem(
                f"{p.name}  {p.name_pinyin}  {p.document_number}  {p.birth_date}"
                + (f"  {_status_label(p.status)}" if p.status else "")
            )
            item.setData(Qt.ItemDataRole.UserRole, (p.applicant_id, p.application_id))
            self.choices.addItem(item)
        self.choices.show()
        self.window_.status.showMessage(
            self.tr("%1 people found: choose one.").replace("%1", str(len(people))), 8000
        )

    @Slot(QListWidgetItem)
    def _on_choices_item_activated(self, item: QListWidgetItem) -> None:
        applicant_id, application_id = item.data(Qt.ItemDataRole.UserRole)
        self.load_applicant(applicant_id, application_id)

    def load_applicant(self, applicant_id: int, application_id: int | None) -> bool:
        """Open a record from the browser, the retake queue or the choices of a search (also a
        person without an application). False when the clerk kept the unsaved form."""
        if not self._may_leave():
            return False
        self.deps.jobs.run(
            "open record",
            lambda: self.records.applicant(applicant_id),
            lambda f: self._on_found(f, prefer=application_id),
        )
        return True

    @Slot()
    def _on_new_clicked(self) -> None:
        if not self._may_leave():
            return
        self._reset()
        self._clear_draft()
        self._refresh_buttons()

    @Slot()
    def _on_save_clicked(self) -> None:
        if not self.form.valid:
            return
        try:
            data = self.form.applicant_data()
        except Exception as exc:
            self.window_.show_error(self.tr("Cannot save"), str(exc))
            return
        photo = self.window_.accepted_photo
        aid = self.applicant_id
        records = self.records
        token = self._subject

        def work() -> Any:
            res = records.save_enrollment(data, aid, photo)  # one transaction
            try:
                cmp = records.comparison(res.application_id)
            except Exception:  # saved all the same; the comparison is read again below
                log.exception("comparison after saving application %s", res.application_id)
                cmp = None
            return res, cmp

        self.save.setEnabled(False)
        self.deps.jobs.run("save enrollment", work, lambda r: self._on_saved(r, token), self._on_save_failed)

    def _on_saved(self, result: Any, token: int | None = None) -> None:
        res, cmp = result
        msg = self.tr("Saved. Retrieval code %1.").replace("%1", res.retrieval_code)
        if res.warnings:
            msg += " " + "; ".join(w.message for w in res.warnings)
        if token is not None and token != self._subject:  # the form moved to someone else
            self.window_.status.showMessage(msg, 8000)
            self._refresh_buttons()
            return
        self.applicant_id, self.application_id = res.applicant_id, res.application_id
        self.retrieval_code = res.retrieval_code
        if res.receipt_number and res.receipt_number != self.form.value("photo_receipt_number"):
            self.form.set_values({"photo_receipt_number": res.receipt_number})
        if res.photo_sha256 is not None:
            self.attached_sha = res.photo_sha256  # the photo that was sent and saved
            self._photo_owner = self._subject
        self._show_application_fields(res.application_id, res.retrieval_code, res.status)
        if cmp is not None:
            self._show_comparison(cmp)
        else:
            self._load_comparison()
        self._saved_values = self.form.values()
        self._clear_draft()
        self._refresh_buttons()
        self.window_.status.showMessage(msg, 8000)

    def _on_save_failed(self, exc: BaseException) -> None:
        self._refresh_buttons()
        self.window_.show_error(self.tr("Not saved"), str(exc))

    def _attach_photo(self) -> None:
        photo, app_id, records = self.window_.accepted_photo, self.application_id, self.records
        if photo is None or app_id is None:
            return
        sha, token = _sha(photo.jpeg), self._subject
        if sha == self.attached_sha:
            return
        self.deps.jobs.run(
            "attach photo",
            lambda: (
                records.attach_photo(app_id, photo),
                records.comparison(app_id),
                records.application(app_id)[0],
            ),
            lambda r: self._on_photo_attached(r, token),
            lambda e: self.window_.show_error(self.tr("Photo not attached"), str(e)),
        )

    def _on_photo_attached(self, result: Any, token: int | None = None) -> None:
        info, cmp, app = result
        if token is not None and token != self._subject:
            return
        if info.accepted:
            self.attached_sha = info.sha256  # the photo that was sent, whatever was accepted since
            self._photo_owner = self._subject
        self._show_comparison(cmp)
        self._show_application(app)
        self._refresh_buttons()

    def _load_comparison(self) -> None:
        app_id = self.application_id
        if app_id is None:
            return
        self.deps.jobs.run("comparison", lambda: self.records.comparison(app_id), self._show_comparison)

    def _show_application(self, app: Any) -> None:
        if app is None:
            self.status = ""
            self.app_label.setText(self.tr("No active application."))
            return
        self._show_application_fields(app.id, app.retrieval_code, app.status)

    def _show_application_fields(self, app_id: int, code: str, status: str) -> None:
        self.status = status
        self.app_label.setText(
            self.tr("Application %1 · retrieval code %2 · status %3")
            .replace("%1", str(app_id))
            .replace("%2", code)
            .replace("%3", _status_label(status))
        )

    def _show_comparison(self, cmp: Any) -> None:
        self.compare.setRowCount(len(cmp.items))
        for row, item in enumerate(cmp.items):
            for col, text in enumerate((item.label, item.reference or "—", item.collected or "—", item.mark)):
                cell = QTableWidgetItem(text)
                if col == 3:
                    cell.setForeground(Qt.GlobalColor.black)
                    cell.setText(f"{item.mark}")
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    from PySide6.QtGui import QColor

                    cell.setForeground(QColor(MARK_COLOURS.get(item.mark, "#000")))
                self.compare.setItem(row, col, cell)

    @Slot()
    def _on_submit_clicked(self) -> None:
        app_id = self.application_id
        if app_id is None:
            return
        self.deps.jobs.run(
            "submit",
            lambda: self.records.submit(app_id),
            self._on_submitted,
            lambda e: self.window_.show_error(self.tr("Not submitted"), str(e)),
        )

    def _on_submitted(self, app: Any) -> None:
        self._show_application(app)
        self._refresh_buttons()

    # -- printing ----------------------------------------------------------------------------
    def _on_print_clicked(self, kind: str, to_file: Path | None = None) -> None:
        app_id = self.application_id
        if app_id is None:
            return
        self.last_print = {"kind": kind, "state": "building"}
        self.print_state.setText(self.tr("Preparing the form…"))
        self.deps.jobs.run(
            f"print {kind}",
            lambda: self.records.build_form(kind, app_id),
            lambda res: self._on_form_built(res, to_file),
            lambda e: self._on_print_failed(str(e)),
        )

    def _on_form_built(self, res: Any, to_file: Path | None) -> None:
        from ui.printing import make_printer, preview_dialog, preview_events, print_pdf

        self.last_print = {"kind": res.kind, "pdf": str(res.pdf), "state": "built"}
        if to_file is not None:
            # On the window's job runner, so closing the window waits for it.
            pdf, title = res.pdf, res.title
            self.deps.jobs.run(
                f"print {res.kind} to file",
                lambda: print_pdf(pdf, make_printer("", output_file=to_file), title=title),
                lambda pages: self._on_print_finished(pages, str(to_file)),
                lambda e: self._on_print_failed(str(e)),
            )
            return
        try:
            printer = make_printer(self.deps.settings.printer)
        except Exception as exc:
            self._on_print_failed(str(exc))  # adds where the PDF is kept
            return
        dlg = preview_dialog(res.pdf, printer, self, title=res.title)
        # Print closes the preview and starts a PrintJob off the GUI thread: an accepted
        # preview only means the job was started. "Printed" comes on the job's finished signal.
        where = dlg.target_name
        events = preview_events(dlg)
        events.where = where  # type: ignore[attr-defined]
        self._print_events = events  # kept alive until the job reports (the dialog goes first)
        events.finished.connect(self._on_preview_printed)
        events.failed.connect(self._on_print_failed)
        started = dlg.exec() and dlg.job is not None
        if started and self.last_print.get("state") == "built":
            self.last_print["state"] = "printing"
            self.print_state.setText(f"{self.tr('Printer')}: {where} …")
        elif not started:  # closed without printing
            self.print_state.setText(
                self.tr("Not printed. The form is saved as %1.").replace("%1", str(res.pdf))
            )
        dlg.deleteLater()

    @Slot(int)
    def _on_preview_printed(self, pages: int) -> None:
        events = self.sender() or self._print_events
        self._on_print_finished(pages, str(getattr(events, "where", "")))

    @Slot(int, str)
    def _on_print_finished(self, pages: int, where: str) -> None:
        self.last_print.update({"state": "printed", "pages": pages, "where": where})
        self.print_state.setText(self.tr("Printed to %1.").replace("%1", where))

    @Slot(str)
    def _on_print_failed(self, message: str) -> None:
        self.last_print.update({"state": "failed", "error": message})
        pdf = self.last_print.get("pdf")
        if pdf and pdf not in message:
            message += "; " + self.tr("The form is saved as %1.").replace("%1", pdf)
        self.print_state.setText(
            f"{self.tr('Printing failed')}: {message} " + self.tr("Press the print button to try again.")
        )
        self.window_.show_error(self.tr("Printing failed"), message)

    # -- test hooks (ui/testhook.py) ---------------------------------------------------------
    def _hook_fill(self, **values: Any) -> bool:
        self.window_.tabs.setCurrentWidget(self)
        self.form.set_values(values)
        return self.form.valid

    def _hook_save(self) -> bool:
        self._on_save_clicked()
        return True

    def _hook_print(self, kind: str, to_file: str) -> bool:
        self._on_print_clicked(kind, Path(to_file))
        return True

    def _hook_submit(self) -> bool:
        self._on_submit_clicked()
        return True

    def _hook_encode(self) -> bool:
        self.card._on_encode_clicked()
        return True

    def _hook_state(self) -> dict[str, Any]:
        return {
            "applicant_id": self.applicant_id,
            "application_id": self.application_id,
            "retrieval_code": self.retrieval_code,
            "photo_attached": self.attached_sha is not None,
            "form_valid": self.form.valid,
            "form_issues": [f"{i.field}: {i.message}" for i in self.form.issues if i.level == "error"],
            "last_print": self.last_print,
            "comparison_rows": self.compare.rowCount(),
            "app_status": self.status,
            "card": self.card.state(),
            "enroll_unlocked": self._operator_known,  # the login has answered
            "form_blank": self._form_blank(),
        }


def _status_label(status: str) -> str:
    try:
        from station.records.status import LABELS

        return f"{LABELS.get(status, status)} ({status})"
    except ImportError:
        return status


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
