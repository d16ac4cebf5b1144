"""``CardDesk``: the card operations of one station, composed once and handed to the command line
or the window (which calls it from a worker thread, never the GUI thread).

It picks the reader (``Settings.reader``, virtual readers only when
``Settings.allow_virtual_readers``), the key service (``keys.key_service_from_settings``), the
write journal (``<data dir>/card-journal``), the regional initial PIN rule and city code, and
``card_number_prefix`` (letter of station-allocated card numbers) and ``card_validity_years``.
It offers:

- ``readers()``, ``monitor(callback)``: reader listing and insert/remove events;
- ``read()``: what is on the card (``CardReadout``);
- ``encode(application_id, progress=...)``: the encode workflow (``EncodeResult``);
- ``verify_pin``, ``change_pin``, ``reset_pin``, ``pin_tries_left``.

PINs pass straight to the card: they are never stored, logged or put in an audit event.
``connector`` replaces the PC/SC connection (tests, a demo with the in-process emulator).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from station.card.encode import (
    CardReadout,
    EncodeOptions,
    EncodeResult,
    Progress,
    encode_application,
    initial_pin,
    journal_for,
    read_card,
    record_failure,
)
from station.card.errors import CardError
from station.card.keys import KeyService, key_service_from_settings
from station.card.ssse import Ssse
from station.card.transport import ApduTransport, CardConnection

if TYPE_CHECKING:
    from station.card.pcsc import ReaderEvent, ReaderInfo, ReaderMonitor
    from station.config import Settings
    from station.db import Database

__all__ = ["CardDesk", "Connector", "emulated_connector"]

log = logging.getLogger("station.card")

Connector = Callable[[str | None], CardConnection]


def emulated_connector(card: Any) -> Connector:
    """A connector to an in-process emulated card (``station.card.emulator.SsseCard``): the demo
    and training mode without pcscd. The reader argument is ignored."""
    from station.card.emulator import EmulatorConnection

    def connect(_reader: str | None) -> CardConnection:
        return EmulatorConnection(card)

    return connect


@dataclass
class CardDesk:
    settings: Settings
    data_dir: Path
    operator: str = ""
    db: Database | None = None
    key_service: KeyService | None = None
    connector: Connector | None = None

    def __post_init__(self) -> None:
        if self.key_service is None:
            self.key_service = key_service_from_settings(self.settings)

    # --- readers --------------------------------------------------------------------------------

    @property
    def allow_virtual(self) -> bool:
        return bool(self.settings.allow_virtual_readers)

    def readers(self) -> list[ReaderInfo]:
        from station.card import pcsc

        return pcsc.list_readers(allow_virtual=self.allow_virtual)

    def monitor(self, callback: Callable[[ReaderEvent], None]) -> ReaderMonitor:
        """A started monitor; call ``stop()`` on it when done."""
        from station.card import pcsc

        return pcsc.ReaderMonitor(callback, allow_virtual=self.allow_virtual).start()

    def connect(self, reader: str | None = None) -> CardConnection:
        if self.connector is not None:
            return self.connector(reader or self.settings.reader or None)
        from station.card import pcsc

        return pcsc.connect(reader or self.settings.reader or None, allow_virtual=self.allow_virtual)

    # --- card operations ------------------------------------------------------------------------

    def read(self, reader: str | None = None, *, with_photo: bool = True) -> CardReadout:
        conn = self.connect(reader)
        try:
            return read_card(
                conn, self.key_service, with_photo=with_photo, reader=getattr(conn, "reader", "")
            )
        finally:
            conn.close()

    def encode(
        self,
        application_id: int,
        *,
        reader: str | None = None,
        progress: Progress | None = None,
        restart: bool = False,
        **options: Any,
    ) -> EncodeResult:
        if self.db is None:
            raise CardError("no database to record the card in")
        assert self.key_service is not None
        defaults: dict[str, Any] = {
            "initial_pin_rule": self.settings.initial_pin_rule,
            "city_code": self.settings.card_city_code,
            "card_number_prefix": self.settings.card_number_prefix,
            "validity_years": self.settings.card_validity_years,
            "restart": restart,
        }
        opts = EncodeOptions(**{**defaults, **options})
        conn = self.connect(reader)
        try:
            return encode_application(
                conn,
                self.db,
                application_id,
                key_service=self.key_service,
                journal=journal_for(self.data_dir),
                operator=self.operator,
                options=opts,
                progress=progress,
            )
        except CardError as exc:
            record_failure(self.db, application_id, exc, operator=self.operator)
            raise
        finally:
            conn.close()

    def _ssse(self, conn: CardConnection) -> Ssse:
        ssse = Ssse(ApduTransport(conn), conn.atr, self.key_service)
        ssse.select()
        return ssse

    def pin_tries_left(self, reader: str | None = None) -> int:
        conn = self.connect(reader)
        try:
            return self._ssse(conn).pin_tries_left()
        finally:
            conn.close()

    def verify_pin(self, pin: str, reader: str | None = None) -> None:
        conn = self.connect(reader)
        try:
            self._ssse(conn).verify_pin(pin)
        finally:
            conn.close()

    def change_pin(self, old: str, new: str, reader: str | None = None) -> None:
        conn = self.connect(reader)
        try:
            self._ssse(conn).change_pin(old, new)
        finally:
            conn.close()

    def reset_pin(self, new_pin: str | None = None, reader: str | None = None) -> str:
        """Reload the PIN through the key service: ``new_pin``, or the regional initial PIN of the
        card's holder. Returns which one ("new" or "initial"), never the PIN itself."""
        conn = self.connect(reader)
        try:
            ssse = self._ssse(conn)
            card_id = ssse.card_id()
            if new_pin is None:
                ssn = ssse.read_holder().ssn
                ssse.reset_pin(initial_pin(self.settings.initial_pin_rule, ssn))
                kind = "initial"
            else:
                ssse.reset_pin(new_pin)
                kind = "new"
        finally:
            conn.close()
        self._audit(
            "card.pin_reset",
            card_id,
            f"PIN reset to the {kind} PIN through key service {getattr(self.key_service, 'name', '?')}",
        )
        return kind

    def _audit(self, action: str, card_id: str, detail: str) -> None:
        if self.db is None:
            return
        from station.records import audit

        with self.db.session() as session:
            audit.record(
                session, action, operator=self.operator, entity="card", entity_id=card_id, detail=detail
            )
