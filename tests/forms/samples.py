"""Sample form data for the tests, the benchmark and the reference images: fixed values (no clock,
no randomness), names with rare characters, and a synthetic 358x441 JPEG at 350 dpi."""

from __future__ import annotations

import io
from datetime import date, datetime

from PIL import Image, ImageDraw

from station.domain import ApplicantData
from station.forms.data import (
    ApplicationForm,
    ComparisonItem,
    ConfirmationForm,
    PhotoReceipt,
    StationInfo,
    UnitApplicant,
    UnitApplicationForm,
    UnitInfo,
    UnitList,
    UnitListRow,
)
from station.records.codes import make_receipt_number, make_retrieval_code, mod11_2


def id_number(birth: str = "19900307", seq: int = 123, area: str = "440507") -> str:
    """A valid 18-digit number (GB 11643 check digit); an odd ``seq`` is a man."""
    body = f"{area}{birth}{seq:03d}"
    return body + mod11_2(body)


ID_NUMBER = id_number()
AGENT_ID = id_number("19650505", 1)
RECEIPT = make_receipt_number("440501", date(2024, 5, 6), 17)
CODE = make_retrieval_code("440501", 2024, 123)

RARE_NAMES = ("吉𠮷", "王㵘", "李䶮", "张堃", "刘犇", "陈昇", "赵喆")
LONG_NAME = "阿卜杜热合曼·买买提艾力·阿不都热西提"
WHEN = datetime(2024, 5, 6, 9, 30)
STATION = StationInfo(code="440501", name="汕头市龙湖区社保卡服务网点", operator="林晓敏")
UNIT = UnitInfo(
    number="4405010023", name="汕头市龙湖区第一实验学校", contact="陈老师", contact_phone="0754-88123456"
)


def sample_jpeg(width: int = 358, height: int = 441, dpi: int = 350) -> bytes:
    """A portrait-like synthetic photo: white background, a head and shoulders."""
    im = Image.new("RGB", (width, height), (255, 255, 255))
    d = ImageDraw.Draw(im)
    d.ellipse((width * 0.28, height * 0.15, width * 0.72, height * 0.62), fill=(224, 186, 160))
    d.ellipse((width * 0.26, height * 0.10, width * 0.74, height * 0.35), fill=(40, 30, 28))
    d.ellipse((width * 0.38, height * 0.36, width * 0.45, height * 0.40), fill=(30, 30, 30))
    d.ellipse((width * 0.55, height * 0.36, width * 0.62, height * 0.40), fill=(30, 30, 30))
    d.rectangle((width * 0.10, height * 0.72, width * 0.90, height), fill=(30, 50, 90))
    d.polygon(
        [(width * 0.42, height * 0.60), (width * 0.58, height * 0.60), (width * 0.5, height * 0.75)],
        fill=(224, 186, 160),
    )
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=70, dpi=(dpi, dpi))
    return buf.getvalue()


def applicant(name: str = "张三", **changes: object) -> ApplicantData:
    a = ApplicantData(
        name=name,
        name_pinyin="ZHANG SAN",
        sex="1",
        ethnicity="01",
        nationality="CHN",
        document_type="01",
        document_number=ID_NUMBER,
        issuing_authority="汕头市公安局龙湖分局",
        valid_from=date(2015, 3, 1),
        valid_until=None,
        mobile="13800138000",
        address="广东省汕头市龙湖区长平路88号3栋502房",
        occupation="1",
        photo_receipt_number=RECEIPT,
        card_type="urban",
        birth_date=date(1990, 3, 7),
    )
    return a.replace(**changes)


def application(
    name: str = "张三", *, agent: bool = False, photo: bool = True, **changes: object
) -> ApplicationForm:
    extra: dict[str, object] = {}
    if agent:
        extra = {
            "agent_name": "张堃",
            "agent_document_type": "01",
            "agent_document_number": AGENT_ID,
            "agent_phone": "13912345678",
        }
    a = applicant(
        name,
        household_place="440507",
        household_address="广东省汕头市龙湖区金砂东路12号",
        household_type="11",
        social_security_number="1001234567",
        employer="汕头市某某科技有限公司",
        **extra,
        **changes,
    )
    return ApplicationForm(
        applicant=a,
        retrieval_code=CODE,
        station=STATION,
        photo_jpeg=sample_jpeg() if photo else None,
        application_id="123",
        printed_at=WHEN,
    )


def confirmation(name: str = "王㵘") -> ConfirmationForm:
    items = (
        ComparisonItem("公民身份号码", ID_NUMBER, ID_NUMBER, "√"),
        ComparisonItem("姓名", "王洪", name, "×"),
        ComparisonItem("性别", "男", "男", "√"),
        ComparisonItem("民族", "", "汉族", "无"),
        ComparisonItem("出生日期", "1990-03-07", "1990-03-07", "√"),
        ComparisonItem("照片", "无", "已采集", "无"),
    )
    return ConfirmationForm(
        name=name,
        document_number=ID_NUMBER,
        items=items,
        has_id_card_photo=False,
        station=STATION,
        photo_jpeg=sample_jpeg(),
        retrieval_code=CODE,
        application_id="123",
        printed_at=WHEN,
    )


def receipt(name: str = "李䶮") -> PhotoReceipt:
    return PhotoReceipt(
        receipt_number=RECEIPT,
        name=name,
        document_number=ID_NUMBER,
        taken_on=date(2024, 5, 6),
        station=STATION,
        photo_jpeg=sample_jpeg(),
        printed_at=WHEN,
    )


def unit_people(n: int = 15) -> list[tuple[str, str]]:
    names = [*RARE_NAMES, LONG_NAME, "欧阳娜娜", "司马相如", "林一", "黄晓明", "周杰", "吴彦", "郑爽", "孙俪"]
    out = []
    for i in range(n):
        out.append((names[i % len(names)], id_number(f"1990{1 + i % 12:02d}{1 + i % 28:02d}", 2 * i + 1)))
    return out


def unit_application(n: int = 15) -> UnitApplicationForm:
    rows = tuple(
        UnitApplicant(
            applicant(name, document_number=num),
            retrieval_code=make_retrieval_code("440501", 2024, i),
            application_id=str(i),
        )
        for i, (name, num) in enumerate(unit_people(n), start=1)
    )
    return UnitApplicationForm(unit=UNIT, applicants=rows, station=STATION, printed_at=WHEN)


def unit_list(n: int = 30) -> UnitList:
    rows = tuple(
        UnitListRow(
            name=name,
            sex="1" if i % 2 else "2",
            document_number=num,
            retrieval_code=make_retrieval_code("440501", 2024, i),
            photo_receipt_number=make_receipt_number("440501", date(2024, 5, 6), i),
            has_photo=i % 7 != 0,
            status="已采照片" if i % 7 else "已采集",
        )
        for i, (name, num) in enumerate(unit_people(n), start=1)
    )
    return UnitList(unit=UNIT, rows=rows, station=STATION, batch="2024-05-06 第1批", printed_at=WHEN)
