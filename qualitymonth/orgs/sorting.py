"""The order Chinese users expect names in: by pinyin, syllable by syllable (白莲泾 < 北蔡 < 曹路).

pypinyin guesses the reading of characters with several readings from its phrase dictionary;
place names it does not know are added here so 长宁 sorts under c and 闵行 under m.
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin, load_phrases_dict

_PLACE_NAMES = {
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
load_phrases_dict(_PLACE_NAMES)


def pinyin_key(name: str) -> str:
    """白莲泾 → "bai lian jing"; letters and digits stay as they are, in lower case."""
    return " ".join(lazy_pinyin(name or "", style=Style.NORMAL)).lower()[:255]
