"""Checks of the codes and numbers people type for an organisation. Plain functions, no Django.

Each ``check_*`` returns ``None`` when the value is right and otherwise one Chinese sentence
saying what is wrong, ready to show next to the field or in an import preview.
"""

from __future__ import annotations

import re
import unicodedata

# GB 32100-2015: 18 characters from 0-9 and A-Z without I, O, S, V, Z.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_VALUES = {char: value for value, char in enumerate(CREDIT_CODE_CHARS)}
# Weight of position i is 3^i mod 31.
_CREDIT_CODE_WEIGHTS = [pow(3, i, 31) for i in range(17)]
# GB 11714-1997: the organisation code (positions 9–17) has its own check character.
_ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]

# Position 1 (registration authority) → position 2 (type of organisation) allowed under it,
# per GB 32100-2015 and the codes assigned to authorities since.
REGISTRATION_AUTHORITIES: dict[str, tuple[str, str]] = {
    "1": ("机构编制", "1239"),
    "2": ("外交", "19"),
    "3": ("司法行政", "123459"),
    "4": ("文化", "19"),
    "5": ("民政", "1239"),
    "6": ("旅游", "129"),
    "7": ("宗教", "129"),
    "8": ("工会", "19"),
    "9": ("市场监管（工商）", "123"),
    "A": ("中央军委改革和编制办公室", "19"),
    "N": ("农业", "1239"),
    "Y": ("其他", "1"),
}


def normalize_code(value: str) -> str:
    """Full-width characters and lower case as typed on a phone become the standard form."""
    text = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"[\s\-]", "", text).upper()


def org_code_check_char(body: str) -> str:
    """The GB 11714 check character for the 8 characters of an organisation code body."""
    total = sum(
        _org_code_value(char) * weight for char, weight in zip(body, _ORG_CODE_WEIGHTS, strict=True)
    )
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def _org_code_value(char: str) -> int:
    # GB 11714 counts letters A=10 … Z=35 (its alphabet includes the letters GB 32100 omits).
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character (position 18) for the first 17 characters."""
    total = sum(
        _CREDIT_CODE_VALUES[char] * weight
        for char, weight in zip(first17, _CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def make_credit_code(authority_type: str, region: str, org_body: str) -> str:
    """A complete code from its parts, both check characters computed (demo data, tests)."""
    org_code = org_body + org_code_check_char(org_body)
    first17 = authority_type + region + org_code
    return first17 + credit_code_check_char(first17)


def check_credit_code(code: str) -> str | None:
    """Is ``code`` a well-formed 统一社会信用代码 (GB 32100-2015)?

    Checks, in the order a person would fix them: length, characters, the registration
    authority and organisation type (positions 1–2), the region code (3–8), the organisation
    code's GB 11714 check character (17) and the code's own check character (18).
    """
    code = normalize_code(code)
    if not code:
        return "请填写统一社会信用代码。"
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，“{code}”是 {len(code)} 位。"
    wrong = [char for char in code if char not in _CREDIT_CODE_VALUES]
    if wrong:
        chars = "、".join(dict.fromkeys(wrong))
        return (
            f"统一社会信用代码“{code}”含有不允许的字符“{chars}”"
            "（只用数字和除 I、O、S、V、Z 以外的大写字母）。"
        )
    authority = REGISTRATION_AUTHORITIES.get(code[0])
    if authority is None:
        return f"统一社会信用代码“{code}”第 1 位登记管理部门代码“{code[0]}”不存在。"
    name, types = authority
    if code[1] not in types:
        return (
            f"统一社会信用代码“{code}”第 2 位机构类别代码“{code[1]}”不正确："
            f"登记管理部门“{name}”的类别为 {'、'.join(types)}。"
        )
    if not code[2:8].isdigit():
        return f"统一社会信用代码“{code}”第 3–8 位应为登记管理机关的 6 位行政区划代码。"
    if code[16] != org_code_check_char(code[8:16]):
        return (
            f"统一社会信用代码“{code}”第 9–17 位组织机构代码的校验码（第 17 位）不符，"
            "请核对是否有错字。"
        )
    if code[17] != credit_code_check_char(code[:17]):
        return f"统一社会信用代码“{code}”的校验码（第 18 位）不符，请核对是否有错字。"
    return None


# Mainland mobiles: 1[3-9] and 9 more digits, optionally +86 in front.
_MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
# Landlines: area code 0xx / 0xxx (optionally in brackets) and a 7–8 digit number that does
# not start with 0 or 1; or the local number alone. An extension may follow.
_LANDLINE = re.compile(
    r"^(?:(?:\(0\d{2,3}\)|0\d{2,3})-?)?[2-9]\d{6,7}"
    r"(?:(?:-|转|分机|ext\.?|x|#)\d{1,6})?$",
    re.IGNORECASE,
)
# Nationwide service numbers used as organisations' contact numbers.
_SERVICE = re.compile(r"^[48]00-?\d{3}-?\d{4}$")


def normalize_phone(value: str) -> str:
    """Full-width digits and brackets become half-width; spaces go."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    return re.sub(r"\s+", "", text).replace("—", "-").replace("－", "-")


def check_phone(value: str) -> str | None:
    """A mainland mobile (13812345678), a landline with or without area code (021-68824341,
    68824341, 0571-88888888) with an optional extension (021-68824341-801, 68824341转801), or
    a 400/800 number."""
    phone = normalize_phone(value)
    if not phone:
        return "请填写联系电话。"
    mobile = re.sub(r"-", "", phone)
    if _MOBILE.match(mobile) or _LANDLINE.match(phone) or _SERVICE.match(phone):
        return None
    return (
        f"联系电话“{value.strip()}”格式不正确，请填写手机号（如 13812345678）"
        "或固定电话（如 021-68824341，分机写在后面：021-68824341-801）。"
    )
