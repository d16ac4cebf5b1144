"""Chinese labels for the codes of an applicant record (spec/codes/tables.md), as the forms print
them. An unknown code is printed as it is, never dropped."""

from __future__ import annotations

from datetime import date

from station.domain import LONG_TERM

__all__ = [
    "CARD_TYPES",
    "DOCUMENT_TYPES",
    "ETHNICITIES",
    "HOUSEHOLD_TYPES",
    "NATIONALITIES",
    "OCCUPATIONS",
    "SEXES",
    "card_type",
    "document_type",
    "ethnicity",
    "fmt_date",
    "household_type",
    "nationality",
    "occupation",
    "sex",
    "validity",
]

SEXES = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}

# GB 3304-91, plus 97/98 in common use.
_ETHNIC_TEXT = (
    "01汉族 02蒙古族 03回族 04藏族 05维吾尔族 06苗族 07彝族 08壮族 "
    "09布依族 10朝鲜族 11满族 12侗族 13瑶族 14白族 15土家族 16哈尼族 "
    "17哈萨克族 18傣族 19黎族 20傈僳族 21佤族 22畲族 23高山族 24拉祜族 "
    "25水族 26东乡族 27纳西族 28景颇族 29柯尔克孜族 30土族 31达斡尔族 "
    "32仫佬族 33羌族 34布朗族 35撒拉族 36毛南族 37仡佬族 38锡伯族 "
    "39阿昌族 40普米族 41塔吉克族 42怒族 43乌孜别克族 44俄罗斯族 45鄂温克族 "
    "46德昂族 47保安族 48裕固族 49京族 50塔塔尔族 51独龙族 52鄂伦春族 "
    "53赫哲族 54门巴族 55珞巴族 56基诺族 97其他 98外国血统中国籍人士 "
)
ETHNICITIES = {item[:2]: item[2:] for item in _ETHNIC_TEXT.split()}

OCCUPATIONS = {
    "0": "国家机关、党群组织、企业、事业单位负责人",
    "1": "专业技术人员",
    "3": "办事人员和有关人员",
    "4": "商业、服务业人员",
    "5": "农、林、牧、渔、水利业生产人员",
    "6": "生产、运输设备操作人员及有关人员",
    "X": "军人",
    "Y": "不便分类的其他从业人员",
    "W": "无职业活动人员",
}

DOCUMENT_TYPES = {
    "01": "居民身份证",
    "02": "居民户口簿",
    "03": "护照",
    "04": "军官证",
    "05": "驾驶证",
    "06": "港澳居民来往内地通行证",
    "07": "台湾居民来往内地通行证",
    "08": "港澳台居民居住证",
    "09": "外国人永久居留身份证",
    "99": "其他法定有效证件",
}

HOUSEHOLD_TYPES = {
    "10": "非农业",
    "11": "本地非农",
    "12": "外地非农",
    "20": "农业",
    "21": "本地农业",
    "22": "外地农业",
    "30": "港澳台侨",
    "40": "外国人",
    "50": "居民户口",
    "51": "本地居民",
    "52": "外地居民",
}

# The nationalities a Chinese counter meets most; others print as their alpha-3 code.
NATIONALITIES = {
    "CHN": "中国",
    "HKG": "中国香港",
    "MAC": "中国澳门",
    "TWN": "中国台湾",
    "USA": "美国",
    "GBR": "英国",
    "FRA": "法国",
    "DEU": "德国",
    "JPN": "日本",
    "KOR": "韩国",
    "PRK": "朝鲜",
    "RUS": "俄罗斯",
    "VNM": "越南",
    "LAO": "老挝",
    "MMR": "缅甸",
    "MNG": "蒙古",
    "KAZ": "哈萨克斯坦",
    "SGP": "新加坡",
    "MYS": "马来西亚",
    "THA": "泰国",
    "PHL": "菲律宾",
    "IDN": "印度尼西亚",
    "IND": "印度",
    "PAK": "巴基斯坦",
    "CAN": "加拿大",
    "AUS": "澳大利亚",
    "NZL": "新西兰",
    "ITA": "意大利",
    "ESP": "西班牙",
    "BRA": "巴西",
}

CARD_TYPES = {"urban": "城镇居民", "rural": "农村居民"}


def _label(table: dict[str, str], code: str) -> str:
    return table.get(code.strip(), code.strip())


def sex(code: str) -> str:
    return _label(SEXES, code)


def ethnicity(code: str) -> str:
    return _label(ETHNICITIES, code)


def occupation(code: str) -> str:
    return _label(OCCUPATIONS, code)


def document_type(code: str) -> str:
    return _label(DOCUMENT_TYPES, code)


def household_type(code: str) -> str:
    return _label(HOUSEHOLD_TYPES, code)


def nationality(code: str) -> str:
    code = code.strip().upper()
    name = NATIONALITIES.get(code)
    return f"{name}({code})" if name else code


def card_type(code: str) -> str:
    return _label(CARD_TYPES, code)


def fmt_date(value: date | None, empty: str = "") -> str:
    return value.isoformat() if value else empty


def validity(start: date | None, end: date | None) -> str:
    """2015-03-01 至 2035-03-01, or 2015-03-01 至 长期."""
    return f"{fmt_date(start)} 至 {fmt_date(end, LONG_TERM)}"
