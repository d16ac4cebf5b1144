"""Valid applicants for tests and the benchmark: ID numbers with correct check digits."""

from __future__ import annotations

import functools
import io
from datetime import date, timedelta
from typing import Any

from station.domain import ApplicantData
from station.records.codes import make_receipt_number, mod11_2


@functools.lru_cache(maxsize=4096)
def pinyin(name: str) -> str:
    from station.validation import suggest_pinyin

    return suggest_pinyin(name).default


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"


def id_number(birth: date, seq: int, area: str = "110105") -> str:
    body = f"{area}{birth:%Y%m%d}{seq % 1000:03d}"
    return body + mod11_2(body)


def applicant(i: int = 1, **changes: Any) -> ApplicantData:
    """The i-th test person: unique document number, sex from the sequence digit."""
    birth = date(1950, 1, 1) + timedelta(days=(i * 37) % 20000)
    seq = (i % 499) * 2 + (1 if i % 2 else 2)  # odd = male, even = female
    number = id_number(birth, seq, area=f"{110101 + (i // 10000) % 8:06d}")
    sur = SURNAMES[i % len(SURNAMES)]
    name = sur + GIVEN[i % len(GIVEN)] + GIVEN[(i // 7) % len(GIVEN)]
    data = ApplicantData(
        name=name,
        name_pinyin=pinyin(name),
        sex="1" if seq % 2 else "2",
        ethnicity="01",
        nationality="CHN",
        document_type="01",
        document_number=number,
        issuing_authority="北京市公安局东城分局",
        valid_from=date(2015, 6, 1),
        valid_until=date(2035, 6, 1),
        mobile="13800138000",
        address="北京市东城区东长安街1号",
        occupation="4",
        photo_receipt_number=make_receipt_number("000009", date(2024, 1, 2), i % 9999 + 1),
        card_type="urban",
        birth_date=birth,
    )
    return data.replace(**changes) if changes else data


def applicant_json(i: int = 1, **changes: Any) -> dict[str, Any]:
    d = applicant(i, **changes)
    out: dict[str, Any] = {}
    for k, v in d.__dict__.items():
        if isinstance(v, date):
            out[k] = v.isoformat()
        elif v is None:
            out[k] = "长期" if k == "valid_until" else None
        else:
            out[k] = v
    return out


def jpeg_bytes(size: int = 30_000, seed: int = 0) -> bytes:
    """A real JPEG of roughly ``size`` bytes (noise compresses badly, so size tracks pixels)."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    side = 64
    while True:
        arr = rng.integers(0, 255, (side, side, 3), dtype=np.uint8)
        buf = io.BytesIO()
        Image.fromarray(arr).save(buf, "JPEG", quality=70)
        if buf.tell() >= size or side > 2000:
            return buf.getvalue()
        side = int(side * 1.2) + 1


def report(compliant: bool = True) -> dict[str, Any]:
    return {
        "compliant": compliant,
        "profile": "mohrss",
        "checks": [
            {
                "id": "face_width",
                "passed": compliant,
                "level": "error",
                "value": 207,
                "expected": "193-221 px",
                "message": "脸宽",
            },
            {
                "id": "glasses",
                "passed": True,
                "level": "advice",
                "value": None,
                "expected": "",
                "message": "",
            },
        ],
    }
