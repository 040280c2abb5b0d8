"""Credit codes and phone numbers: plain functions, plain tables."""

import pytest

from qualitymonth.orgs.validators import (
    CREDIT_CODE_CHARS,
    check_credit_code,
    check_phone,
    credit_code_check_char,
    make_credit_code,
    org_code_check_char,
)

# Published codes of real organisations (both check characters verified by hand against the
# GB 11714 and GB 32100 weights), from enterprises, a 事业单位 and an individual business.
REAL_CODES = [
    "91110000600037341L",
    "91110000710926094P",
    "91310000631696382C",
    "91310115MA1K3BTP2B",  # registered in Pudong, MA- series body
    "913101153325803473",
    "9131012056010553X5",  # organisation code check character X
    "9144030071526726XG",
    "121200004013590816",  # 机构编制 / 事业单位
    "92340602MA2PBMEM24",  # 个体工商户
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_accepted(code):
    assert check_credit_code(code) is None


@pytest.mark.parametrize(
    ("authority_type", "body"),
    [
        ("91", "QM000101"),  # enterprise
        ("92", "QM000102"),  # individual business
        ("93", "AB123456"),  # farmers' cooperative
        ("11", "00000001"),  # 机关
        ("51", "12345678"),  # 社会团体
        ("N2", "NC000001"),  # village collective
        ("A1", "JD000001"),  # military public institution
        ("Y1", "QT000001"),  # other
    ],
)
def test_codes_built_with_both_check_characters_are_accepted(authority_type, body):
    code = make_credit_code(authority_type, "310115", body)
    assert len(code) == 18 and code.startswith(authority_type + "310115" + body)
    assert check_credit_code(code) is None


def test_check_characters_follow_the_standards_weights():
    # GB 11714: weights 3 7 9 10 5 8 4 2, C9 = 11 - sum mod 11 (10 → X, 11 → 0).
    assert org_code_check_char("60003734") == "1"
    assert org_code_check_char("56010553") == "X"
    # GB 32100: weights 3^i mod 31, C18 = 31 - sum mod 31 over 0-9A-HJ-NPQRTUWXY.
    assert credit_code_check_char("91110000600037341") == "L"
    assert credit_code_check_char("12120000401359081") == "6"


def test_every_single_wrong_character_is_caught():
    code = "91310115MA1K3BTP2B"
    for position in range(18):
        for char in CREDIT_CODE_CHARS:
            if char == code[position]:
                continue
            wrong = code[:position] + char + code[position + 1 :]
            assert check_credit_code(wrong), wrong


def test_swapped_neighbours_are_caught():
    code = "91310000631696382C"
    for position in range(17):
        swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
        if swapped != code:
            assert check_credit_code(swapped), swapped


def test_the_example_of_the_brief_is_not_a_valid_code():
    # 91310000MA1FL0BX6W: neither check character matches, so it is not a real code.
    assert "第 17 位" in check_credit_code("91310000MA1FL0BX6W")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "请填写统一社会信用代码"),
        ("9131011533258034", "应为 18 位，“9131011533258034”是 16 位"),
        ("9131011533258034731", "是 19 位"),
        ("91310115332580347O", "不允许的字符“O”"),
        ("9I3101153325803473", "不允许的字符“I”"),
        ("B13101153325803473", "第 1 位登记管理部门代码“B”不存在"),
        (
            "94310115332580347X",
            "第 2 位机构类别代码“4”不正确：登记管理部门“市场监管（工商）”的类别为 1、2、3",
        ),
        ("9131A1153325803473", "第 3–8 位应为登记管理机关的 6 位行政区划代码"),
        ("913101153325803483", "组织机构代码的校验码（第 17 位）不符"),
        ("913101153325803472", "校验码（第 18 位）不符"),
    ],
)
def test_wrong_codes_get_a_message_naming_what_is_wrong(code, message):
    assert message in check_credit_code(code)


def test_codes_are_read_as_people_type_them():
    assert check_credit_code("91310115ma1k3btp2b") is None  # lower case
    assert check_credit_code("９１３１０１１５ＭＡ１Ｋ３ＢＴＰ２Ｂ") is None  # full width
    assert check_credit_code(" 913101 15MA1K3BTP2B ") is None  # spaces


@pytest.mark.parametrize(
    "phone",
    [
        "13812345678",
        "19912345678",
        "+86 138 1234 5678",
        "138-1234-5678",
        "021-68824341",
        "02168824341",
        "(021)68824341",
        "（021）68824341",
        "68824341",
        "0571-88888888",
        "0571-8888888",
        "021-68824341-801",
        "021-68824341转801",
        "68824341分机12",
        "400-820-8820",
        "０２１－６８８２４３４１",
    ],
)
def test_phones_people_write_are_accepted(phone):
    assert check_phone(phone) is None


@pytest.mark.parametrize(
    "phone",
    [
        "12812345678",  # no 12x mobiles
        "1381234567",  # 10 digits
        "138123456789",
        "021-0882434",  # local numbers do not start with 0
        "12345",
        "021-6882",
        "电话68824341",
        "abc",
    ],
)
def test_wrong_phones_get_a_chinese_message(phone):
    message = check_phone(phone)
    assert message and f"联系电话“{phone}”格式不正确" in message and "13812345678" in message
