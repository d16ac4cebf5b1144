"""The window's door to the records, forms and printing services of ``station``.
:class:`RecordsAdapter` is plain Python: every method opens ONE session for one user action,
calls a service and returns its plain dataclasses. The window calls these from the job runner,
never on the GUI thread.

Also :func:`attach_records`, which plugs the enrollment, records and retake pages into the
window's dependencies when the records backend is present, and the start's login: who the
operator is is settled by the login dialog or the first-administrator offer, and only then are
the ``deps.extra["operator_known"]`` callbacks called (the enrollment page offers that
operator's draft; see :func:`expect_login`)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication

from station.config import Settings
from station.domain import ApplicantData

__all__ = ["LOGIN_PENDING", "FormResult", "RecordsAdapter", "attach_records", "expect_login"]

log = logging.getLogger("station.ui")

FORM_KINDS = ("application", "confirmation", "receipt")

# deps.extra key: set while the operator is not known yet (a login is coming).
LOGIN_PENDING = "login_pending"


@dataclass(frozen=True)
class FormResult:
    kind: str
    pdf: Path
    title: str


class RecordsAdapter:
    def __init__(self, db_url: str, data_dir: Path, settings: Settings, operator: str) -> None:
        self.db_url = db_url
        self.data_dir = data_dir
        self.settings = settings
        self.operator = operator  # the account the audit trail names
        # What forms and receipts print: the logged-in operator's display name.
        self.operator_name = operator
        self._db: Any = None
        self._lock = threading.Lock()

    # -- database ----------------------------------------------------------------------------
    @property
    def db(self) -> Any:
        with self._lock:
            if self._db is None:
                from station.db import open_database

                self._db = open_database(self.db_url, data_dir=self.data_dir)
            return self._db

    def describe(self) -> str:
        return "PostgreSQL" if self.db_url.startswith("postgres") else "SQLite"

    def ping(self) -> str:
        self.db.ping()
        return self.describe()

    def maintenance(self) -> Any:
        """The station's housekeeping (``station.records.maintenance``): originals past
        ``keep_originals_days`` are deleted, in one transaction. Returns its MaintenanceReport."""
        from station.records.maintenance import run_maintenance

        with self.db.session() as s:
            return run_maintenance(
                s, keep_originals_days=self.settings.keep_originals_days, operator=self.operator
            )

    # -- operators ---------------------------------------------------------------------------
    def has_operators(self) -> bool:
        from station.records import operators

        with self.db.session(readonly=True) as s:
            return bool(operators.list_operators(s))

    def create_first_admin(self, username: str, password: str, display_name: str = "") -> Any:
        """The first administrator of a new installation (allowed, like ``station user add``,
        only while no account exists). Raises the service's errors (bad name or password)."""
        from station.records import operators
        from station.records.errors import AuthError

        with self.db.session() as s:
            # Any account, not only an admin: otherwise a clerk could make an admin of themselves
            # on a database that has clerks only (the same rule as the command line).
            if operators.list_operators(s):
                raise AuthError("operator accounts exist already: log in")
            info = operators.add_operator(
                s, username, password, role="admin", display_name=display_name, by=username.strip()
            )
        self.operator, self.operator_name = info.username, info.display_name or info.username
        return info

    def login(self, username: str, password: str) -> tuple[bool, Any, str]:
        from station.records import operators

        with self.db.session() as s:  # the failure counter is saved either way
            outcome = operators.login(s, username, password)
        if outcome.ok:
            op = outcome.operator
            self.operator, self.operator_name = op.username, op.display_name or op.username
        return outcome.ok, outcome.operator, outcome.message

    # -- applicants --------------------------------------------------------------------------
    def find_by_number(self, number: str) -> Any:
        from station.records import applicants, applications

        with self.db.session(readonly=True) as s:
            rec = applicants.find_by_document_number(s, number)
            if rec is None:
                return None
            return rec, applications.applications_of(s, rec.id)

    def search(self, text: str, *, status: str | None = None, page: int = 1) -> Any:
        from station.records import applicants

        with self.db.session(readonly=True) as s:
            if text.strip():
                items = applicants.search(s, text, limit=50)
                if status:
                    items = tuple(i for i in items if i.status == status)
                return items, len(items)
            pg = applicants.list_page(s, page, 50, status=status or None)
            return pg.items, pg.total

    def find(self, text: str) -> Any:
        """The find box: by document number first, else by the beginning of a name (or
        pinyin). Returns ``(record, applications)`` for one person, a tuple of
        ``ApplicantSummary`` (masked numbers) for several, or None."""
        from station.errors import InputError
        from station.records import applicants, applications

        with self.db.session(readonly=True) as s:
            rec = applicants.find_by_document_number(s, text)
            if rec is None:
                try:
                    found = applicants.search(s, text, limit=50)
                except InputError:
                    return None
                if not found:
                    return None
                if len(found) > 1:
                    return found
                rec = applicants.get_applicant(s, found[0].applicant_id)
            return rec, applications.applications_of(s, rec.id)

    def applicant(self, applicant_id: int) -> Any:
        """One person with their applications: ``(record, applications)``."""
        from station.records import applicants, applications

        with self.db.session(readonly=True) as s:
            return applicants.get_applicant(s, applicant_id), applications.applications_of(s, applicant_id)

    def save_enrollment(self, data: ApplicantData, applicant_id: int | None, photo: Any) -> Any:
        """Save the form in ONE transaction (``station.records.enrollment.save_enrollment``):
        enroll or update, the receipt number and the photo (``photo``: the accepted
        PhotoOutcome or None; attached unless it is already the accepted one). Returns its
        EnrollmentResult; on an error nothing is saved."""
        from station.records.enrollment import EnrollmentPhoto, save_enrollment

        attach = None
        if photo is not None:
            attach = EnrollmentPhoto(
                photo.jpeg, photo.report, source=photo.source, profile=photo.report.profile
            )
        with self.db.session() as s:
            return save_enrollment(
                s,
                data,
                applicant_id=applicant_id,
                photo=attach,
                operator=self.operator,
                operator_name=self.operator_name,
                station_code=self.settings.station_code,
                studio=self.settings.station_name,
                keep_originals_days=self.settings.keep_originals_days,
            )

    def application(self, application_id: int) -> Any:
        from station.records import applicants, applications

        with self.db.session(readonly=True) as s:
            app = applications.get_application(s, application_id)
            return app, applicants.get_applicant(s, app.applicant_id)

    def attach_photo(self, application_id: int, outcome: Any) -> Any:
        from station.records import photos

        with self.db.session() as s:
            return photos.attach_photo(
                s,
                application_id,
                outcome.jpeg,
                outcome.report,
                operator=self.operator,
                source=outcome.source,
                profile=outcome.report.profile,
                keep_originals_days=self.settings.keep_originals_days,
            )

    def submit(self, application_id: int) -> Any:
        """Mark the application submitted (报送) - for instant issuance at this counter."""
        from station.records import applications

        with self.db.session() as s:
            return applications.set_status(s, application_id, "submitted", operator=self.operator)

    def has_photo(self, application_id: int) -> bool:
        from station.records import photos

        with self.db.session(readonly=True) as s:
            return photos.accepted_photo(s, application_id) is not None

    def comparison(self, application_id: int) -> Any:
        """The six-item comparison with the imported reference data: ``station.transfer``'s own
        (``find_reference`` is the one lookup of reference data)."""
        from station.transfer import comparison_for_application

        with self.db.session(readonly=True) as s:
            return comparison_for_application(s, application_id)

    def retake_queue(self) -> Any:
        from station.records import summaries

        with self.db.session(readonly=True) as s:
            return summaries.retake_queue(s)

    # -- forms -------------------------------------------------------------------------------
    def station_info(self) -> Any:
        from station.forms.data import StationInfo

        return StationInfo(
            code=self.settings.station_code, name=self.settings.station_name, operator=self.operator_name
        )

    def build_form(self, kind: str, application_id: int, layout: str = "card") -> FormResult:
        """Make one form's PDF and save it in ``<data>/forms`` (kept for retry)."""
        from station.forms import application_pdf, collect, confirmation_pdf, receipt_pdf, save_pdf
        from station.forms.output import forms_dir, safe_name

        station = self.station_info()
        if kind == "receipt":
            with self.db.session() as s:  # may issue the receipt number
                receipt = collect.photo_receipt(s, application_id, station, actor=self.operator)
            pdf, stem, title = (
                receipt_pdf(receipt, layout),
                f"receipt-{application_id}-{receipt.receipt_number}",
                "数字相片采集回执",
            )
        else:
            with self.db.session(readonly=True) as s:
                if kind == "application":
                    form = collect.application_form(s, application_id, station)
                    pdf, stem = application_pdf(form), f"application-{application_id}-{form.retrieval_code}"
                    title = "社会保障卡申领登记表"
                else:
                    conf = collect.confirmation_form(s, application_id, station)
                    pdf, stem, title = (
                        confirmation_pdf(conf),
                        f"confirmation-{application_id}",
                        "社会保障个人信息确认表",
                    )
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = save_pdf(pdf, forms_dir(self.data_dir) / f"{safe_name(stem)}-{stamp}.pdf")
        return FormResult(kind, path, title)


def attach_records(deps: Any, db_url: str) -> None:
    """Plug the records-backed pages into the window (called by ui.composition)."""
    adapter = RecordsAdapter(db_url, deps.data_dir, deps.settings, deps.operator)
    deps.records = adapter
    from ui.enroll import EnrollPage
    from ui.records_browser import RecordsBrowser
    from ui.retake_queue import RetakeQueuePage

    extra = deps.extra
    extra["enroll_page"] = lambda window: EnrollPage(window, deps)
    extra["records_page"] = lambda window: RecordsBrowser(window, deps)
    extra["retake_page"] = lambda window: RetakeQueuePage(window, deps)
    extra["after_show"] = lambda window: _after_show(window, deps, adapter)


def expect_login(deps: Any) -> None:
    """The composition root's word that the operator is not known until the login (or the
    first-administrator offer) of :func:`_after_show` has answered: until then the enrollment
    page is locked and offers no draft, because the draft to offer is the operator's own. Not
    called, the start operator counts as logged in (the window tests)."""
    deps.extra[LOGIN_PENDING] = True


def _operator_known(deps: Any) -> None:
    """The login or the first-administrator offer has answered: ``deps.operator`` is who works
    at this window now. Tell the pages that wait for it (the enrollment page's draft)."""
    deps.extra.pop(LOGIN_PENDING, None)
    for callback in list(deps.extra.get("operator_known", ())):
        callback()


def _after_show(window: Any, deps: Any, adapter: RecordsAdapter) -> None:
    """Open the database off the GUI thread, then ask for a login when operators exist. When
    the database cannot be opened there is no login: the operator stays unknown (the enrollment
    page locked, every draft kept on disk for the next start)."""
    window.status.set_item("database", "warn", QCoreApplication.translate("MainWindow", "database: opening"))

    def opened(result: tuple[str, bool]) -> None:
        kind, has_ops = result
        window.status.set_item("database", "ok", kind)
        _start_maintenance(window, deps, adapter, kind)
        if has_ops:
            _login(window, deps, adapter)
        else:
            _offer_first_admin(window, deps, adapter)

    def failed(exc: BaseException) -> None:
        window.status.set_item(
            "database", "error", QCoreApplication.translate("MainWindow", "database error")
        )
        window.show_error(QCoreApplication.translate("MainWindow", "The database cannot be opened"), str(exc))

    deps.jobs.run("open database", lambda: (adapter.ping(), adapter.has_operators()), opened, failed)


def _start_maintenance(window: Any, deps: Any, adapter: RecordsAdapter, kind: str) -> None:
    """Housekeeping once the database is open, as a job: the window does not wait for it. The
    result goes to the log; a failure to the log and the status bar (the station works on)."""

    def done(report: Any) -> None:
        log.info("maintenance at start: %s", report.summary())

    def failed(exc: BaseException) -> None:
        log.warning("maintenance at start failed: %s", exc, exc_info=exc)
        line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        text = QCoreApplication.translate("MainWindow", "maintenance failed")
        window.status.set_item("database", "warn", f"{kind} · {text}: {line}")
        window.status.showMessage(f"{text}: {line}", 30000)

    deps.jobs.run("maintenance", adapter.maintenance, done, failed)


def _offer_first_admin(window: Any, deps: Any, adapter: RecordsAdapter) -> None:
    """No operator accounts: offer to create the first administrator (window-modal, not
    blocking start-up). Declined, the station runs as the start user as before, says so in the
    status bar, and asks again at the next start."""
    from ui.first_admin import FirstAdminDialog

    def create(user: str, password: str, display_name: str) -> tuple[bool, Any, str]:
        try:
            return True, adapter.create_first_admin(user, password, display_name), ""
        except Exception as exc:
            return False, None, str(exc)

    dlg = FirstAdminDialog(create, deps.operator, window)

    def finished(_result: int) -> None:
        op = dlg.operator
        if op is not None:
            deps.operator, deps.role = op.username, op.role
            window.status.set_item("operator", "ok", f"{op.display_name or op.username} ({op.role})")
            log.info("first administrator %s created", op.username)
        else:
            note = QCoreApplication.translate("MainWindow", "no operator accounts")
            window.status.set_item("operator", "warn", f"{deps.operator} ({deps.role}) · {note}")
            log.warning("no operator accounts: running as %s (%s)", deps.operator, deps.role)
        dlg.deleteLater()
        # Created: the new administrator. Declined: the start user (``--operator`` or the OS
        # user) with the lowest role, offered the draft written under that same name.
        _operator_known(deps)

    dlg.finished.connect(finished)
    dlg.open()


def _login(window: Any, deps: Any, adapter: RecordsAdapter) -> None:
    from ui.login import LoginDialog

    def authenticate(user: str, password: str) -> tuple[bool, Any, str]:
        try:
            return adapter.login(user, password)
        except Exception as exc:
            return False, None, str(exc)

    dlg = LoginDialog(authenticate, window)
    if dlg.exec() and dlg.operator is not None:
        op = dlg.operator
        deps.operator, deps.role = op.username, op.role
        window.status.set_item("operator", "ok", f"{op.display_name or op.username} ({op.role})")
        _operator_known(deps)
    else:
        window.close()  # nobody logged in: no draft offered, none touched
