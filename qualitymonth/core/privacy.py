"""Masking of personal data wherever it is listed or exported. No Django here."""

import re


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; 021-68824341 → 021-****4341; short numbers keep 2 digits."""
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return ""
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    if "-" in phone:
        area, _, number = phone.partition("-")
        return f"{area}-{'*' * max(len(number) - 4, 2)}{number[-4:]}"
    keep = 4 if len(digits) > 6 else 2
    return "*" * (len(digits) - keep) + digits[-keep:]


def mask_id_number(number: str) -> str:
    """A resident ID number keeps its first 6 and last 4 characters: 310115********123X."""
    number = (number or "").strip()
    if len(number) <= 10:
        return "*" * len(number)
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"


def mask_name(name: str) -> str:
    """A person's name keeps its first character: 张三 → 张*, 欧阳娜娜 → 欧***."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)
