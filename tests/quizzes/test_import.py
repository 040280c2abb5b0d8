"""Question banks from .xlsx: a real workbook written, uploaded, checked row by row, saved in one
transaction; the same file again adds nothing; the export imports back unchanged."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from qualitymonth.core.models import AuditEntry
from qualitymonth.core.xlsx import XlsxError
from qualitymonth.quizzes import bank_import, services
from qualitymonth.quizzes.models import Question
from qualitymonth.quizzes.views import IMPORT_SESSION_KEY
from tests.core.hostile_xlsx import EXPECTED, hostile

GOOD = [
    ["单选题", "“质量月”活动在每年几月开展？", "3月", "5月", "9月", "12月", "", "", "C",
     "每年9月。"],
    ["多选题", "下列哪些用于贸易结算的计量器具须强制检定？", "电子计价秤", "加油机", "家用体重秤",
     "", "", "", "A,B", "用于贸易结算的须强制检定。"],
    ["判断题", "超过保质期的食品可以降价销售。", "", "", "", "", "", "", "错", "禁止经营。"],
]  # fmt: skip


def workbook(rows, headers=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers or bank_import.HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, bank, data: bytes, name="题库.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("quizzes:bank_import", args=[bank.pk]), {"file": file})


def confirm(client, bank):
    return client.post(reverse("quizzes:bank_import", args=[bank.pk]), {"confirm": "1"})


@pytest.fixture
def empty_bank(reporter, lujiazui):
    return services.create_bank(reporter, org_unit=lujiazui, name="空题库")


def test_the_template_has_chinese_headers_a_notes_sheet_and_examples_that_import(
    client, reporter, empty_bank
):
    client.force_login(reporter)
    response = client.get(reverse("quizzes:bank_template"))
    data = b"".join(response.streaming_content)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["题目", "说明"]
    assert [c.value for c in book["题目"][1]] == bank_import.HEADERS
    assert book["题目"].max_row == 4
    upload(client, empty_bank, data)
    confirm(client, empty_bank)
    assert empty_bank.questions.count() == 3


def test_rows_are_checked_and_saved_at_once_and_the_same_file_again_adds_nothing(
    client, reporter, empty_bank
):
    client.force_login(reporter)
    response = upload(client, empty_bank, workbook(GOOD))
    assert response.status_code == 200
    assert "新增 3 题，更新 0 题，无变化 0 题，有问题 0 行" in response.content.decode()
    assert empty_bank.questions.count() == 0  # nothing saved before confirming
    response = confirm(client, empty_bank)
    assert response.status_code == 302
    multiple = empty_bank.questions.get(kind="multiple")
    assert multiple.answer == "AB" and multiple.options == ["电子计价秤", "加油机", "家用体重秤"]
    judge = empty_bank.questions.get(kind="judge")
    assert judge.options == ["正确", "错误"] and judge.answer == "B"
    assert AuditEntry.objects.filter(action="quiz.questions_imported").count() == 1

    response = upload(client, empty_bank, workbook(GOOD))
    assert "新增 0 题，更新 0 题，无变化 3 题" in response.content.decode()
    confirm(client, empty_bank)
    assert empty_bank.questions.count() == 3

    changed = [row[:] for row in GOOD]
    changed[0][9] = "全国“质量月”活动自1978年起每年9月开展。"
    response = upload(client, empty_bank, workbook(changed))
    assert "新增 0 题，更新 1 题，无变化 2 题" in response.content.decode()
    confirm(client, empty_bank)
    assert empty_bank.questions.count() == 3
    assert "1978" in empty_bank.questions.get(kind="single").explanation


def test_every_bad_row_is_named_in_chinese_and_nothing_is_saved(client, reporter, empty_bank):
    bad = [
        ["填空题", "计量法哪年施行？", "", "", "", "", "", "", "1986", ""],
        ["单选题", "缺答案的题", "甲", "乙", "", "", "", "", "", ""],
        ["单选题", "答案不在选项中的题", "甲", "乙", "丙", "", "", "", "E", ""],
        ["单选题", "选项跳空的题", "甲", "", "丙", "", "", "", "A", ""],
        ["多选题", "只有一个答案的多选题", "甲", "乙", "丙", "", "", "", "B", ""],
        ["单选题", "选项重复的题", "甲", "甲", "", "", "", "", "A", ""],
        ["判断题", "填了选项的判断题", "对", "错", "", "", "", "", "正确", ""],
        ["单选题", "", "甲", "乙", "", "", "", "", "A", ""],
        GOOD[0],
        ["单选题", " “质量月”活动在每年几月开展? ", "3月", "9月", "", "", "", "", "B", ""],
    ]
    client.force_login(reporter)
    page = upload(client, empty_bank, workbook(bad)).content.decode()
    for message in [
        "题型“填空题”不正确，应为：单选题、多选题、判断题。",
        "缺少答案。",
        "答案中的“E”不在选项中（本题有 3 个选项：A–C）。",
        "选项B为空，选项须从选项A起连续填写。",
        "多选题的答案至少应有两个选项",
        "选项重复：甲。",
        "判断题不填选项",
        "缺少题目。",
        "与第 10 行的题目重复。",
    ]:
        assert message in page, message
    assert "有问题 9 行" in page
    assert 'name="confirm"' not in page
    assert "还有未解决的问题，不能导入。" in confirm(client, empty_bank).content.decode()
    assert empty_bank.questions.count() == 0


def test_a_file_that_is_not_a_workbook_or_lacks_the_headers_is_explained(
    client, reporter, empty_bank
):
    client.force_login(reporter)
    page = upload(client, empty_bank, b"not a workbook", "题库.xls").content.decode()
    assert "文件不是 Excel 工作簿（.xlsx）" in page
    page = upload(client, empty_bank, workbook([["x"]], headers=["问题", "回答"])).content.decode()
    assert "没有找到表头" in page and "题型、题目、答案" in page


def test_the_export_imports_back_unchanged(client, reporter, bank):
    client.force_login(reporter)
    data = b"".join(client.get(reverse("quizzes:bank_export", args=[bank.pk])).streaming_content)
    book = load_workbook(io.BytesIO(data))
    assert [c.value for c in book["题目"][1]] == bank_import.HEADERS
    page = upload(client, bank, data).content.decode()
    assert f"新增 0 题，更新 0 题，无变化 {bank.questions.count()} 题" in page


def test_another_units_bank_is_not_found(client, bank, make_other_reporter):
    client.force_login(make_other_reporter)
    assert client.get(reverse("quizzes:bank", args=[bank.pk])).status_code == 404
    assert client.get(reverse("quizzes:bank_export", args=[bank.pk])).status_code == 404
    assert upload(client, bank, workbook(GOOD)).status_code == 404
    assert Question.objects.filter(bank=bank).count() == 4


@pytest.mark.parametrize("name", list(EXPECTED))
def test_a_hostile_workbook_gets_a_chinese_message_and_nothing_is_kept(
    client, reporter, empty_bank, name
):
    data = hostile(tuple(bank_import.HEADERS))[name]
    with pytest.raises(XlsxError) as raised:
        bank_import.read_file(data, empty_bank)
    assert EXPECTED[name] in raised.value.message
    client.force_login(reporter)
    response = upload(client, empty_bank, data)
    assert response.status_code == 200
    assert EXPECTED[name] in response.content.decode()
    assert IMPORT_SESSION_KEY not in client.session
    assert empty_bank.questions.count() == 0
