"""Records for the transfer tests, made through the records services."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import numpy as np
from PIL import Image

from station.db import Database
from station.records import applicants, photos, units
from tests.records.factory import applicant, jpeg_bytes, report

OP = "tester"
ST = "000001"
TODAY = date(2025, 1, 15)


def portrait_jpeg(quality: int = 80, seed: int = 0) -> bytes:
    """A 358 x 441 picture with some texture; its size follows the quality."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:441, 0:358]
    base = np.stack([(x * 0.5) % 255, (y * 0.4) % 255, ((x + y) * 0.3) % 255], axis=-1)
    noise = rng.normal(0, 18, base.shape)
    arr = np.clip(base + noise, 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, "JPEG", quality=quality, dpi=(350, 350))
    return buf.getvalue()


def add_unit(db: Database, number: str = "U001", name: str = "第一中学高一(1)班") -> int:
    with db.session() as s:
        return units.add_unit(
            s, number=number, name=name, contact="王老师", contact_phone="010-62345678", operator=OP
        ).id


def enroll(
    db: Database, i: int, *, unit_id: int | None = None, photo: bytes | None = None, **changes: Any
) -> int:
    """Enroll person ``i``; with ``photo`` attach it as accepted. Returns the application id."""
    with db.session() as s:
        res = applicants.enroll(
            s, applicant(i, **changes), operator=OP, station_code=ST, unit_id=unit_id, today=TODAY
        )
        if photo is not None:
            info = photos.attach_photo(
                s, res.application_id, photo, report(True), operator=OP, profile="mohrss"
            )
            assert info.accepted
    return res.application_id


def small_photo(seed: int = 0) -> bytes:
    return jpeg_bytes(25_000, seed=seed)  # inside mohrss's 14-40 KB window
