"""Names: the pinyin suggestion and the characters the card cannot hold in GBK.

Pinyin follows GB/T 28039 (中国人名汉语拼音字母拼写规则) in upper case as the card wants it:
surname and given name written apart, the syllables of each written together, no tone marks:
``ZHANG SANFENG``, ``OUYANG XIU``. ü is written ``V`` (``LV``, ``NV``); ``U`` and ``YU`` are
accepted when checking a typed pinyin. Names written with the middle dot (阿依古丽·买买提) get
one word per part.

Surnames have their own readings (单 SHAN, 曾 ZENG, 区 OU, 仇 QIU, 解 XIE, 朴 PIAO, 查 ZHA ...) and
several are genuinely ambiguous (乐 YUE/LE, 盖 GE/GAI, 翟 ZHAI/DI ...): ``suggest_pinyin`` returns
the usual reading as default and the others as alternatives, and lists every character a human
has to decide in ``ambiguous_chars``. Given-name characters are offered a choice only when they
are common name heteronyms (``NAME_HETERONYMS``); pypinyin's full heteronym lists are used only to
accept a typed pinyin, as they carry many archaic readings.

Characters are never altered: those outside the Basic Multilingual Plane (𠮷 U+20BB7) are kept
as one character each.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from station.domain import FieldIssue
from station.validation.text import check_text

__all__ = [
    "COMPOUND_SURNAMES",
    "NAME_HETERONYMS",
    "SURNAME_READINGS",
    "AmbiguousChar",
    "PinyinSuggestion",
    "char_readings",
    "check_name",
    "check_name_pinyin",
    "gbk_length",
    "non_gb2312_chars",
    "non_gbk_chars",
    "pinyin_matches",
    "split_surname",
    "suggest_pinyin",
]

# Single-character surnames whose reading differs from the common one, or has several.
# First reading = default.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "单": ("SHAN",),
    "曾": ("ZENG",),
    "仇": ("QIU",),
    "解": ("XIE",),
    "朴": ("PIAO",),
    "查": ("ZHA",),
    "盖": ("GE", "GAI"),
    "华": ("HUA",),
    "黑": ("HE", "HEI"),
    "召": ("SHAO",),
    "乐": ("YUE", "LE"),
    "折": ("SHE",),
    "缪": ("MIAO", "MOU"),
    "翟": ("ZHAI", "DI"),
    "覃": ("QIN", "TAN"),
    "种": ("CHONG",),
    "秘": ("BI",),
    "冼": ("XIAN",),
    "繁": ("PO",),
    "员": ("YUN",),
    "郇": ("HUAN", "XUN"),
    "祭": ("ZHAI",),
    "隗": ("WEI", "KUI"),
    "宓": ("MI", "FU"),
    "句": ("GOU", "JU"),
    "能": ("NAI",),
    "蕃": ("PI",),
    "都": ("DU",),
    "柏": ("BAI", "BO"),
    "万": ("WAN",),
    "长": ("CHANG",),
    "尉": ("WEI", "YU"),
    "莘": ("SHEN", "XIN"),
    "藏": ("ZANG",),
    "车": ("CHE",),
    "贾": ("JIA",),
    "石": ("SHI",),
    "沈": ("SHEN",),
    "叶": ("YE",),
    "重": ("CHONG",),
    "宿": ("SU",),
    "谌": ("CHEN", "SHEN"),
    "眭": ("SUI",),
    "逄": ("PANG",),
    "洗": ("XIAN",),
    "相": ("XIANG",),
    "行": ("XING", "HANG"),
    "过": ("GUO",),
    "便": ("PIAN",),
    "纪": ("JI",),
    "燕": ("YAN",),
    "那": ("NA",),
    "牟": ("MU", "MOU"),
    "任": ("REN",),
    "应": ("YING",),
    "占": ("ZHAN",),
    "薄": ("BO",),
    "朝": ("CHAO", "ZHAO"),
    "盛": ("SHENG", "CHENG"),
    "佴": ("NAI", "ER"),
    "隽": ("JUAN", "JUN"),
    "贲": ("BEN", "BI"),
    "粘": ("NIAN", "ZHAN"),
    "曲": ("QU",),
    "鲜": ("XIAN",),
    "恽": ("YUN",),
    "訾": ("ZI",),
    "庹": ("TUO",),
    "阚": ("KAN",),
    "晟": ("CHENG", "SHENG"),
    "哈": ("HA",),
    "阿": ("A",),
    "区": ("OU",),
    "卜": ("BU",),
    "秦": ("QIN",),
    "澹": ("TAN",),
    "嵇": ("JI",),
    "亓": ("QI",),
    "褚": ("CHU",),
    "盍": ("HE",),
    "单于": ("CHANYU",),
}
del SURNAME_READINGS["单于"]

COMPOUND_SURNAMES: dict[str, str] = {
    "欧阳": "OUYANG",
    "司马": "SIMA",
    "上官": "SHANGGUAN",
    "诸葛": "ZHUGE",
    "东方": "DONGFANG",
    "皇甫": "HUANGFU",
    "尉迟": "YUCHI",
    "公孙": "GONGSUN",
    "慕容": "MURONG",
    "长孙": "ZHANGSUN",
    "宇文": "YUWEN",
    "司徒": "SITU",
    "夏侯": "XIAHOU",
    "轩辕": "XUANYUAN",
    "令狐": "LINGHU",
    "端木": "DUANMU",
    "澹台": "TANTAI",
    "公冶": "GONGYE",
    "濮阳": "PUYANG",
    "太史": "TAISHI",
    "申屠": "SHENTU",
    "钟离": "ZHONGLI",
    "闻人": "WENREN",
    "万俟": "MOQI",
    "单于": "CHANYU",
    "赫连": "HELIAN",
    "拓跋": "TUOBA",
    "呼延": "HUYAN",
    "南宫": "NANGONG",
    "西门": "XIMEN",
    "百里": "BAILI",
    "东郭": "DONGGUO",
    "司空": "SIKONG",
    "独孤": "DUGU",
    "宗政": "ZONGZHENG",
    "漆雕": "QIDIAO",
    "乐正": "YUEZHENG",
    "左丘": "ZUOQIU",
    "公羊": "GONGYANG",
    "谷梁": "GULIANG",
    "第五": "DIWU",
    "亓官": "QIGUAN",
    "司寇": "SIKOU",
    "颛孙": "ZHUANSUN",
    "壤驷": "RANGSI",
    "公良": "GONGLIANG",
    "巫马": "WUMA",
    "公西": "GONGXI",
    "梁丘": "LIANGQIU",
    "羊舌": "YANGSHE",
    "微生": "WEISHENG",
    "东门": "DONGMEN",
    "段干": "DUANGAN",
    "归海": "GUIHAI",
}

# Heteronyms that really occur in given names. First reading = the usual one in names.
NAME_HETERONYMS: dict[str, tuple[str, ...]] = {
    "乐": ("LE", "YUE"),
    "长": ("CHANG", "ZHANG"),
    "重": ("ZHONG", "CHONG"),
    "行": ("XING", "HANG"),
    "朝": ("ZHAO", "CHAO"),
    "传": ("CHUAN", "ZHUAN"),
    "藏": ("CANG", "ZANG"),
    "曾": ("ZENG", "CENG"),
    "单": ("DAN", "SHAN"),
    "茜": ("QIAN", "XI"),
    "莎": ("SHA", "SUO"),
    "会": ("HUI", "KUAI"),
    "柏": ("BAI", "BO"),
    "翟": ("ZHAI", "DI"),
    "宿": ("SU", "XIU"),
    "蔚": ("WEI", "YU"),
    "尉": ("WEI", "YU"),
    "盛": ("SHENG", "CHENG"),
    "晟": ("SHENG", "CHENG"),
    "员": ("YUAN", "YUN"),
    "秘": ("MI", "BI"),
    "奇": ("QI", "JI"),
    "强": ("QIANG", "JIANG"),
    "觉": ("JUE", "JIAO"),
    "调": ("TIAO", "DIAO"),
    "和": ("HE", "HUO"),
    "都": ("DU", "DOU"),
    "解": ("JIE", "XIE"),
    "朴": ("PU", "PIAO"),
    "查": ("CHA", "ZHA"),
    "区": ("QU", "OU"),
    "仇": ("CHOU", "QIU"),
    "召": ("ZHAO", "SHAO"),
    "缪": ("MIAO", "MOU", "MIU"),
    "种": ("ZHONG", "CHONG"),
    "参": ("CAN", "SHEN"),
    "率": ("SHUAI", "LV"),
    "贲": ("BEN", "BI"),
    "莘": ("XIN", "SHEN"),
    "佴": ("NAI", "ER"),
    "隽": ("JUAN", "JUN"),
    "省": ("SHENG", "XING"),
    "铫": ("YAO", "DIAO"),
    "颉": ("JIE", "XIE"),
    "芾": ("FU", "FEI"),
    "炅": ("JIONG", "GUI"),
    "堡": ("BAO", "BU"),
    "露": ("LU", "LOU"),
    "瑷": ("AI",),
    "覃": ("TAN", "QIN"),
    "思": ("SI",),
    "妤": ("YU",),
    "荨": ("XUN", "QIAN"),
    "琊": ("YA",),
    "大": ("DA", "DAI"),
    "什": ("SHI", "SHEN"),
}

# Rare name characters pypinyin does not know.
RARE_READINGS: dict[str, str] = {"𠮷": "JI", "𡒄": "TAI", "𨱏": "TOU", "䶮": "YAN", "㵘": "MAN"}

_SEPARATORS = "·•・‧.．"  # middle dots used in transcribed minority and foreign names
_PINYIN_OK = re.compile(r"^[A-Z]+( [A-Z]+)*$")


@dataclass(frozen=True)
class AmbiguousChar:
    index: int  # position in the name, in characters (an astral character counts once)
    char: str
    readings: tuple[str, ...]  # upper case, default first; empty = unknown, type it
    in_surname: bool


@dataclass(frozen=True)
class PinyinSuggestion:
    default: str  # e.g. "SHAN XIONGXIN"
    alternatives: tuple[str, ...]  # other whole-name spellings, most likely first (at most 8)
    ambiguous_chars: tuple[AmbiguousChar, ...]
    surname: str  # the part taken as the surname ("" when the name has no Han surname)

    @property
    def needs_choice(self) -> bool:
        return bool(self.ambiguous_chars)


def _is_han(ch: str) -> bool:
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x20000 <= o <= 0x3134F
        or 0xF900 <= o <= 0xFAFF
        or ch == "〇"
    )


def non_gbk_chars(name: str) -> list[str]:
    """Characters of ``name`` that GBK cannot encode (𠮷, 㵘, 䶮 ...), in order, without repeats.
    The card's GBK name field cannot hold them: they need the name extension."""
    return _not_encodable(name, "gbk")


def non_gb2312_chars(name: str) -> list[str]:
    """Characters outside GB 2312 (堃, 犇, 昇, 喆 are in GBK but not GB 2312): older systems and
    fonts may lack them, so forms and exports should check their glyphs."""
    return _not_encodable(name, "gb2312")


def _not_encodable(name: str, encoding: str) -> list[str]:
    out: list[str] = []
    for ch in name:
        try:
            ch.encode(encoding)
        except UnicodeEncodeError:
            if ch not in out:
                out.append(ch)
    return out


def gbk_length(name: str) -> int:
    """Bytes the name takes in GBK, counting an unencodable character as 2 (as GB 18030 would
    need 4, the card counts them in its extension)."""
    return sum(len(ch.encode("gbk")) if not _not_encodable(ch, "gbk") else 2 for ch in name)


def split_surname(name: str) -> tuple[str, str]:
    """(surname, given name): a compound surname when the name starts with one and has at least
    three characters, otherwise the first character."""
    chars = list(name)
    if len(chars) >= 3 and "".join(chars[:2]) in COMPOUND_SURNAMES:
        return "".join(chars[:2]), "".join(chars[2:])
    if len(chars) >= 2:
        return chars[0], "".join(chars[1:])
    return name, ""


def _blank(text: str) -> Any:
    """pypinyin ``errors`` callback: one empty reading per character it does not know."""
    return ["" for _ in text]


@cache
def _char_readings_all(ch: str) -> tuple[str, ...]:
    """Every reading pypinyin knows for one character, plus ours; upper case."""
    from pypinyin import Style, pinyin

    out: list[str] = []
    if ch in RARE_READINGS:
        out.append(RARE_READINGS[ch])
    for r in pinyin(ch, style=Style.NORMAL, heteronym=True, errors=_blank)[0]:
        if r and r.isascii() and r.isalpha():
            out.append(r.upper())
    for table in (SURNAME_READINGS, NAME_HETERONYMS):
        for r in table.get(ch, ()):
            if r not in out:
                out.append(r)
    return tuple(dict.fromkeys(out))


def char_readings(ch: str) -> tuple[str, ...]:
    """Every reading of one character, upper case (for a "pick another reading" menu)."""
    return _char_readings_all(ch)


def _given_defaults(given: str) -> list[str]:
    """Phrase-aware default readings of a run of Han characters, one per character."""
    from pypinyin import Style, lazy_pinyin

    chars = list(given)
    raw = lazy_pinyin(given, style=Style.NORMAL, errors=_blank)
    if len(raw) != len(chars):  # pypinyin joins nothing for Han input; be safe anyway
        raw = [lazy_pinyin(c, style=Style.NORMAL, errors=_blank)[0] for c in chars]
    out = []
    for ch, r in zip(chars, raw, strict=True):
        if ch in RARE_READINGS:
            out.append(RARE_READINGS[ch])
        else:
            out.append(r.upper() if r and r.isascii() and r.isalpha() else "")
    return out


def _segment_options(
    segment: str, offset: int, with_surname: bool
) -> tuple[str, list[list[str]], list[AmbiguousChar]]:
    """For one name segment: the surname text, per-word option lists, and its ambiguous chars.
    Words: [surname options] + [given-name options] where each option is a full word."""
    ambiguous: list[AmbiguousChar] = []
    if not with_surname:
        readings = _per_char(segment, offset, False, ambiguous)
        return "", [_combine(readings)], ambiguous
    surname, given = split_surname(segment)
    if surname in COMPOUND_SURNAMES:
        sur_opts = [COMPOUND_SURNAMES[surname]]
    else:
        if surname in SURNAME_READINGS:
            sur_opts = list(SURNAME_READINGS[surname])
        else:
            sur_opts = [r for r in _given_defaults(surname) if r] or [""]
        if len(sur_opts) > 1 or not sur_opts[0]:
            ambiguous.append(AmbiguousChar(offset, surname, tuple(o for o in sur_opts if o), True))
    words = [sur_opts]
    if given:
        readings = _per_char(given, offset + len(surname), False, ambiguous)
        words.append(_combine(readings))
    return surname, words, ambiguous


def _per_char(text: str, offset: int, in_surname: bool, ambiguous: list[AmbiguousChar]) -> list[list[str]]:
    defaults = _given_defaults(text)
    out: list[list[str]] = []
    for i, (ch, d) in enumerate(zip(text, defaults, strict=True)):
        opts = [d] if d else []
        for r in NAME_HETERONYMS.get(ch, ()):
            if r not in opts:
                opts.append(r)
        if len(opts) > 1 or not opts:
            ambiguous.append(AmbiguousChar(offset + i, ch, tuple(opts), in_surname))
        out.append(opts or ["?"])
    return out


def _combine(per_char: list[list[str]], limit: int = 9) -> list[str]:
    """Whole-word spellings: the default first, then one change at a time, then the rest."""
    default = "".join(o[0] for o in per_char)
    out = [default]
    for i, opts in enumerate(per_char):
        for alt in opts[1:]:
            w = "".join(alt if j == i else o[0] for j, o in enumerate(per_char))
            if w not in out:
                out.append(w)
    for combo in itertools.product(*per_char):
        if len(out) >= limit:
            break
        w = "".join(combo)
        if w not in out:
            out.append(w)
    return out[:limit]


def suggest_pinyin(name: str) -> PinyinSuggestion:
    """The upper-case pinyin of a Chinese name, with the alternatives a human may need to pick.

    A name with no Han character (a foreigner's Latin name) is returned upper-cased as it is."""
    text = " ".join(name.split())
    if not any(_is_han(c) for c in text):
        latin = re.sub(r"[^A-Z ]+", " ", text.upper())
        return PinyinSuggestion(" ".join(latin.split()), (), (), "")
    parts = [p for p in re.split(f"[{re.escape(_SEPARATORS)}\\s]+", text) if p]
    dotted = len(parts) > 1
    words: list[list[str]] = []
    ambiguous: list[AmbiguousChar] = []
    surname = ""
    offset = 0
    for k, part in enumerate(parts):
        start = text.find(part, offset)
        offset = start + len(part)
        han = all(_is_han(c) for c in part)
        if not han:
            words.append([re.sub(r"[^A-Z]", "", part.upper())])
            continue
        s, w, a = _segment_options(part, start, with_surname=(k == 0 and not dotted))
        surname = surname or s
        words.extend(w)
        ambiguous.extend(a)
    default = " ".join(w[0] for w in words if w[0])
    alternatives: list[str] = []
    for i, opts in enumerate(words):
        for alt in opts[1:]:
            spelled = " ".join(alt if j == i else o[0] for j, o in enumerate(words) if o[0] or j == i)
            if spelled not in alternatives and spelled != default:
                alternatives.append(spelled)
    # A compound surname could also be a single one (东方明 = 东 + 方明): offer that spelling too.
    if surname in COMPOUND_SURNAMES and not dotted:
        chars = list(parts[0])
        split = " ".join(
            [
                _given_defaults(chars[0])[0] or "?",
                "".join(r or "?" for r in _given_defaults("".join(chars[1:]))),
            ]
        )
        if split != default and split not in alternatives:
            alternatives.append(split)
    return PinyinSuggestion(default, tuple(alternatives[:8]), tuple(ambiguous), surname)


def _u_variants(reading: str) -> list[str]:
    if "V" not in reading:
        return [reading]
    return [reading, reading.replace("V", "U"), reading.replace("V", "YU"), reading.replace("V", "UE")]


def pinyin_matches(name: str, pinyin_text: str) -> bool:
    """Whether a typed pinyin can be read from the name, with any reading pypinyin knows for each
    character (spaces, apostrophes and ü spellings V/U/YU ignored). Latin names compare letters."""
    target = re.sub(r"[\s'’]", "", pinyin_text.upper())
    chars = [c for c in name if not c.isspace() and c not in _SEPARATORS]
    if not any(_is_han(c) for c in chars):
        return target == re.sub(r"[^A-Z]", "", name.upper())
    pattern = []
    for ch in chars:
        if _is_han(ch):
            readings = [v for r in _char_readings_all(ch) for v in _u_variants(r)]
            pattern.append("(?:" + "|".join(map(re.escape, readings)) + ")" if readings else "[A-Z]+?")
        elif ch.isascii() and ch.isalpha():
            pattern.append(re.escape(ch.upper()))
    if len(chars) >= 2 and "".join(chars[:2]) in COMPOUND_SURNAMES:
        # 万俟 MOQI, 尉迟 YUCHI, 长孙 ZHANGSUN: readings of the pair as a whole.
        pair = "(?:" + re.escape(COMPOUND_SURNAMES["".join(chars[:2])]) + "|" + pattern[0] + pattern[1] + ")"
        pattern = [pair, *pattern[2:]]
    return re.fullmatch("".join(pattern), target) is not None


def check_name(field: str, name: str, *, required: bool = True) -> list[FieldIssue]:
    """A person's name: required, no control characters, no digits; characters outside GBK give
    a warning (the card needs its name-extension field)."""
    issues = check_text(field, name)
    v = name.strip()
    if not v:
        return [FieldIssue(field, "error", "required", "the name is required")] if required else issues
    if any(c.isdigit() for c in v):
        issues.append(FieldIssue(field, "error", "name_digits", "a name has no digits"))
    bad = non_gbk_chars(v)
    if bad:
        issues.append(
            FieldIssue(
                field,
                "warning",
                "non_gbk",
                f"characters outside GBK ({''.join(bad)}): the card needs its name extension",
            )
        )
    if gbk_length(v) > 50:
        issues.append(
            FieldIssue(field, "error", "too_long", "the name is longer than the card holds (50 bytes)")
        )
    elif gbk_length(v) > 30:
        issues.append(
            FieldIssue(
                field, "warning", "name_extension", "longer than 30 bytes: the card uses its name extension"
            )
        )
    return issues


def check_name_pinyin(
    field: str, pinyin_text: str, *, name: str = "", required: bool = True
) -> list[FieldIssue]:
    """Upper-case letters and single spaces; a warning when it cannot be read from the name."""
    issues = check_text(field, pinyin_text)
    v = pinyin_text.strip()
    if not v:
        return [FieldIssue(field, "error", "required", "the name pinyin is required")] if required else issues
    if v != v.upper() and v.upper() == v.upper().strip() and _PINYIN_OK.match(" ".join(v.upper().split())):
        issues.append(FieldIssue(field, "error", "pinyin_case", "write the pinyin in upper case"))
        return issues
    if not _PINYIN_OK.match(v):
        issues.append(
            FieldIssue(
                field, "error", "pinyin_format", "only upper-case letters A-Z and single spaces, no tones"
            )
        )
        return issues
    if name.strip() and not pinyin_matches(name.strip(), v):
        hint = suggest_pinyin(name.strip()).default
        issues.append(
            FieldIssue(field, "warning", "pinyin_mismatch", f"does not read as the name (suggested: {hint})")
        )
    return issues
