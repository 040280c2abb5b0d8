"""Chinese numerals and dates as people write them in official documents. No Django here."""

import datetime
import functools
from decimal import Decimal

from pypinyin import Style, lazy_pinyin, load_phrases_dict

# pypinyin guesses characters with several readings from its phrase dictionary; Shanghai place
# names it reads wrongly are given here, so 长宁 sorts under c and 闵行 under m.
load_phrases_dict(
    {
        "长宁": [["cháng"], ["níng"]],
        "闵行": [["mǐn"], ["háng"]],
        "高行": [["gāo"], ["háng"]],
        "长兴": [["cháng"], ["xīng"]],
        "长征": [["cháng"], ["zhēng"]],
        "长江": [["cháng"], ["jiāng"]],
        "重固": [["chóng"], ["gù"]],
        "莘庄": [["xīn"], ["zhuāng"]],
        "泗泾": [["sì"], ["jīng"]],
    }
)

_DIGITS = "〇一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五, 110 → 一百一十."""
    if number < 10:
        return _DIGITS[number]
    if number < 20:
        return "十" + (_DIGITS[number - 10] if number > 10 else "")
    if number < 100:
        tens, ones = divmod(number, 10)
        return f"{_DIGITS[tens]}十{_DIGITS[ones] if ones else ''}"
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        if rest == 0:
            tail = ""
        elif rest < 10:
            tail = "零" + _DIGITS[rest]
        else:
            # Inside a larger number, 10–19 are read 一十…
            tail = ("一" if rest < 20 else "") + chinese_numeral(rest)
        return f"{_DIGITS[hundreds]}百{tail}"
    return str(number)


def numeral_value(numeral: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 二〇二四 → 2024 (digit by digit); None if not a numeral."""
    digits = {ch: i for i, ch in enumerate("零一二三四五六七八九")} | {"〇": 0, "○": 0}
    if not numeral:
        return None
    if all(ch in digits for ch in numeral):
        value = 0
        for ch in numeral:
            value = value * 10 + digits[ch]
        return value
    if numeral.count("十") != 1:
        return None
    tens, _, ones = numeral.partition("十")
    if any(ch not in digits for ch in tens + ones) or len(tens) > 1 or len(ones) > 1:
        return None
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


def chinese_date(value: datetime.date | None) -> str:
    """2024-09-30 → 2024年9月30日, the way dates are written in notices and summaries."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def chinese_period(start: datetime.date | None, end: datetime.date | None) -> str:
    """2024年9月1日至9月30日; the year is not repeated within one year."""
    if not (start and end):
        return chinese_date(start or end)
    end_text = chinese_date(end) if end.year != start.year else f"{end.month}月{end.day}日"
    return f"{chinese_date(start)}至{end_text}"


def pinyin_key(text: str) -> str:
    """A sort key that orders Chinese names as people expect: by pinyin, syllable by syllable
    (白莲泾 < 北蔡 < 曹路). Letters and digits keep their place."""
    return " ".join(lazy_pinyin(text or "", style=Style.NORMAL)).lower()[:255]


def plain_number(value: Decimal | int | float | str | None) -> str:
    """A figure as people write it, the one way the platform shows one: 86.00 → "86",
    86.50 → "86.5", 0.25 → "0.25", None or "" → "—".

    The rule: the exact value with no trailing zeros after the point and no point when it is
    whole, never an exponent (1E+2 → "100"), no thousands separators (what is shown can be typed
    back into a form). An integer indicator only ever holds whole values, so it shows as one; a
    decimal indicator whose value happens to be whole shows the same way ("86", not "86.00").
    Text that is not a number (a "—" already) comes back as it is.
    """
    if value is None or value == "":
        return "—"
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except ArithmeticError:  # decimal.InvalidOperation: not a number
        return str(value)
    if not number.is_finite():
        return str(value)
    if number.is_zero():
        return "0"  # not "-0" nor "0E-2"
    return f"{number.normalize():f}"


@functools.cache
def _t2s():
    import opencc  # loaded on first use; its dictionaries take a moment

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified with OpenCC's t2s (leaves simplified text untouched)."""
    return _t2s().convert(text)
