"""Card test fixtures: blank emulated cards, a database with an application ready for its card,
and the card desk wired to either the in-process emulator or the real pcscd (tests/fixtures)."""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from station.card.emulator import EmulatorConnection, SsseCard, VpcdCard, blank_card
from station.card.encode import journal_for
from station.card.journal import Journal
from station.card.keys import TestKeyService
from station.config import Settings
from station.db import Database, open_database
from station.domain import ApplicantData
from tests.fixtures.pcscd import PcscdService
from tests.records.factory import applicant, report

if TYPE_CHECKING:
    from station.card.workflow import CardDesk

FACE = Path(__file__).resolve().parents[2].parent / "shared" / "faces" / "london-001-neutral.jpg"


@functools.lru_cache(maxsize=1)
def portrait_jpeg() -> bytes:
    """A 358x441 card photo: a real portrait when the shared faces are there, else synthetic."""
    import numpy as np
    from PIL import Image

    if FACE.exists():
        with Image.open(FACE) as im:
            rgb = im.convert("RGB")
        w, h = rgb.size
        box_w = min(w, round(h * 358 / 441))
        left = (w - box_w) // 2
        card = rgb.crop((left, 0, left + box_w, round(box_w * 441 / 358))).resize((358, 441))
        buf = io.BytesIO()
        card.save(buf, "JPEG", quality=70, dpi=(350, 350))
        return buf.getvalue()

    rng = np.random.default_rng(1)
    arr = np.full((441, 358, 3), 235, np.uint8)
    arr[120:400, 90:270] = rng.integers(60, 200, (280, 180, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, "JPEG", quality=90, dpi=(350, 350))
    return buf.getvalue()


@dataclass
class Station:
    """What an encode needs: database, data folder, journal, key service, settings."""

    db: Database
    data_dir: Path
    settings: Settings

    @property
    def journal(self) -> Journal:
        return journal_for(self.data_dir)

    def new_application(self, i: int = 1, *, status: str = "submitted", **changes: object) -> int:
        from station.records import applicants, applications, photos

        with self.db.session() as s:
            res = applicants.enroll(s, applicant(i, **changes), operator="clerk", station_code="000001")
            photos.attach_photo(s, res.application_id, portrait_jpeg(), report(), operator="clerk")
        path = ["submitted", "card_produced"]
        for st in path[: path.index(status) + 1] if status in path else []:
            with self.db.session() as s:
                applications.set_status(s, res.application_id, st, operator="clerk")
        return res.application_id

    def applicant_data(self, application_id: int) -> ApplicantData:
        from station.records.cards import encode_source

        with self.db.session(readonly=True) as s:
            return encode_source(s, application_id).data


@pytest.fixture
def station(tmp_path: Path) -> Iterator[Station]:
    data = tmp_path / "data"
    data.mkdir()
    db = open_database(f"sqlite:///{(data / 'station.db').as_posix()}", data_dir=data)
    settings = Settings(allow_virtual_readers=True)
    settings.key_service = "test"
    yield Station(db, data, settings)
    db.close()


@pytest.fixture
def keys() -> TestKeyService:
    return TestKeyService()


def card_on(layout: str = "2.0", **kwargs: object) -> tuple[SsseCard, EmulatorConnection]:
    card = SsseCard(blank_card(layout, **kwargs))  # type: ignore[arg-type]
    return card, EmulatorConnection(card)


class Presenter:
    """Presents emulated cards in the private pcscd's "Virtual PCD 00 00" (tests/fixtures/pcscd.py)
    from a thread of the test process; every card is taken out again after the test."""

    def __init__(self, service: PcscdService) -> None:
        self.service = service
        self.cards: list[VpcdCard] = []

    def present(self, card: object, *, reinsert_after: float | None = None) -> VpcdCard:
        v = VpcdCard(card, port=self.service.port, reinsert_after=reinsert_after)  # type: ignore[arg-type]
        v.start()
        self.cards.append(v)
        self.service.wait_reader_state(True)
        return v

    def remove(self, v: VpcdCard) -> None:
        v.remove()
        self.service.wait_reader_state(False)

    def reinsert(self, v: VpcdCard) -> None:
        v.insert()
        self.service.wait_reader_state(True)

    def close(self) -> None:
        for v in self.cards:
            v.stop()
        self.cards.clear()
        self.service.wait_reader_state(False)


@pytest.fixture
def presenter(pcscd: PcscdService) -> Iterator[Presenter]:
    p = Presenter(pcscd)
    yield p
    p.close()


@pytest.fixture
def desk(station: Station, pcscd: PcscdService) -> CardDesk:
    """The station's card desk on the real PC/SC stack (virtual readers allowed, test key)."""
    from station.card.workflow import CardDesk

    return CardDesk(settings=station.settings, data_dir=station.data_dir, operator="clerk", db=station.db)
