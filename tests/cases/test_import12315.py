"""Importing cases from a 全国12315平台 export: columns matched by name (and by the person where
the export names them otherwise), each row's problems shown, all saved at once, and the same
file imported twice changing nothing."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from qualitymonth.cases import import12315, services
from qualitymonth.cases.models import Case, Milestone
from qualitymonth.cases.views import IMPORT_SESSION_KEY
from qualitymonth.core.models import AuditEntry
from qualitymonth.core.sheetreader import XlsxError

HEADERS = [
    "工单编号", "诉求类型", "登记时间", "诉求人", "联系电话", "被诉对象", "被诉对象地址",
    "商品名称", "诉求内容", "处理状态",
]  # fmt: skip
ROWS = [
    [
        "13100000202609290001", "投诉", datetime.datetime(2026, 9, 29, 10, 30), "王小明",
        "13812341234", "某某电动车商行", "浦东新区示例路 100 号", "电动自行车蓄电池",
        "买后一周蓄电池无法充电，商家拒绝更换。", "待处理",
    ],
    [
        "13100000202603200002", "举报", "2026-03-20 15:00:00", "", "", "某某菜市场 12 号摊位",
        "浦东新区示例路 200 号", "", "摊位电子秤称重明显偏多，怀疑作弊。", "待处理",
    ],
]  # fmt: skip


def export(rows=ROWS, headers=HEADERS, title=True) -> bytes:
    """A workbook as 12315 exports it: a title row, a blank row, the header, the rows."""
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append(["全国12315平台 工单导出（2026年11月28日）"])
        sheet.append([])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, bureau, data: bytes) -> str:
    """The page after uploading ``data`` for the bureau."""
    file = io.BytesIO(data)
    file.name = "12315工单.xlsx"
    return client.post(
        reverse("cases:import_12315"),
        {"step": "upload", "file": file, "org_unit": bureau.pk, "default_kind": "complaint"},
    ).content.decode()


def confirm(client, bureau, **follow):
    """Confirming the preview with the columns as guessed."""
    guessed = import12315.guess_mapping(HEADERS)
    data = {
        "step": "map",
        "org_unit": bureau.pk,
        "default_kind": "complaint",
        "confirm": "1",
        **{f"map_{key}": column for key, column in guessed.items()},
    }
    return client.post(reverse("cases:import_12315"), data, **follow)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    from qualitymonth.cases import clock

    moment = datetime.datetime.fromisoformat("2026-11-28T09:00+08:00")
    monkeypatch.setattr(clock, "now", lambda: moment)


def test_the_columns_are_found_by_name_below_a_title_row(db):
    preview = import12315.preview(export(), None, "complaint")
    assert preview.mapping["number"] == "工单编号"
    assert preview.mapping["received"] == "登记时间"
    assert preview.mapping["business"] == "被诉对象"
    assert preview.mapping["address"] == "被诉对象地址"
    assert preview.mapping["subject"] == "商品名称"
    assert "处理状态" in preview.headers
    first, second = preview.rows
    assert (first.number, first.kind, first.action) == (4, "complaint", "create")
    assert first.problems == []
    assert first.imported.received_at.isoformat() == "2026-09-29T10:30:00+08:00"
    assert first.masked_mobile == "138****1234" and first.masked_contact == "王**"
    assert second.kind == "report"
    # No subject column value: the first line of the complaint stands in.
    assert second.imported.data.subject == "摊位电子秤称重明显偏多，怀疑作弊。"


def test_columns_named_otherwise_are_matched_by_the_person(db):
    headers = ["投诉举报编号", "受理时间", "反映内容", "被投诉人"]
    rows = [["13100000202610080003", "2026/10/8 9:15", "空调维修收费不明。", "某某家电维修部"]]
    data = export(rows, headers, title=False)
    preview = import12315.preview(data, None, "complaint")
    assert preview.mapping["description"] == ""
    assert preview.has_problems
    assert preview.rows[0].problems == ["请为诉求内容选择对应的列。"]
    mapping = {**preview.mapping, "description": "反映内容"}
    preview = import12315.preview(data, mapping, "complaint")
    assert not preview.has_problems
    (row,) = preview.rows
    assert (row.kind, row.imported.data.business_name) == ("complaint", "某某家电维修部")
    assert row.imported.received_at.isoformat() == "2026-10-08T09:15:00+08:00"
    mapping["kind"] = "没有这一列"
    assert "没有“没有这一列”列" in import12315.preview(data, mapping, "report").rows[0].problems[0]


def test_each_rows_problems_are_named(db):
    rows = [
        ["", "投诉", "2026-09-29", "", "", "", "", "", "内容", ""],
        ["ABC", "投诉", "2026-09-29", "", "", "", "", "", "内容", ""],
        ["13100000202609290009", "意见建议", "昨天", "", "", "", "", "", "", ""],
        ["13100000202609290010", "举报", "2026-12-01 08:00", "", "", "", "", "", "内容", ""],
        ["13100000202609290011", "投诉", "2026-09-29", "", "", "", "", "", "内容", ""],
        ["13100000202609290011", "投诉", "2026-09-29", "", "", "", "", "", "内容", ""],
    ]
    preview = import12315.preview(export(rows), None, "complaint")
    problems = {row.number: row.problems for row in preview.rows}
    assert problems[4] == ["缺少12315工单号。"]
    assert problems[5] == ["工单号“ABC”不是 6–40 位数字或字母。"]
    assert problems[6] == [
        "类型“意见建议”无法识别，应含“投诉”“举报”或“咨询”。",
        "登记时间“昨天”无法识别，请写成 2026-09-29 10:30 这样的日期时间。",
        "缺少诉求内容。",
    ]
    assert problems[7] == ["登记时间 2026-12-01 08:00 晚于现在。"]
    assert problems[8] == []
    assert problems[9] == ["与第 8 行的工单号相同。"]
    assert preview.counts == {"create": 1, "unchanged": 0, "problems": 5}


def test_a_file_that_is_no_12315_export_is_named(db):
    with pytest.raises(XlsxError, match="不是 Excel 工作簿"):
        import12315.preview(b"%PDF-1.4", None, "complaint")
    with pytest.raises(XlsxError, match="没有找到表头"):
        import12315.preview(export(headers=["序号", "名称"], rows=[[1, "x"]]), None, "complaint")


def test_importing_creates_cases_with_their_clocks_and_twice_changes_nothing(bureau, service):
    preview = import12315.preview(export(), None, "complaint")
    created = services.import_cases(preview.to_import(), service, bureau)
    assert len(created) == 2
    complaint = Case.objects.get(number_12315="13100000202609290001")
    assert (complaint.kind, complaint.source, complaint.org_unit) == ("complaint", "12315", bureau)
    assert complaint.tracking_number == "ZJ2026092900001"
    decision = complaint.deadlines.get(milestone=Milestone.DECISION)
    assert decision.due_on == datetime.date(2026, 10, 14)  # Order 121's 7 working days
    assert complaint.deadlines.filter(milestone=Milestone.MEDIATION).exists()
    report = Case.objects.get(number_12315="13100000202603200002")
    # Registered in 12315 on 20 March 2026: the rule in force then, not Order 121's.
    assert report.deadlines.get().rule.effective_from == datetime.date(2020, 1, 1)
    assert "第三十六条" not in report.deadlines.get().legal_basis
    assert "从全国12315平台导入" in complaint.steps.get().text
    audited = AuditEntry.objects.filter(action="case.imported_12315").count()
    assert audited == 2

    again = import12315.preview(export(), None, "complaint")
    assert [row.action for row in again.rows] == ["unchanged", "unchanged"]
    assert again.rows[0].existing == "ZJ2026092900001"
    assert services.import_cases(again.to_import(), service, bureau) == []
    assert Case.objects.count() == 2
    assert AuditEntry.objects.filter(action="case.imported_12315").count() == audited


def test_the_import_page_previews_then_saves_once(client, bureau, service):
    client.force_login(service)
    assert client.get(reverse("cases:import_12315")).status_code == 200
    page = upload(client, bureau, export())
    assert "新导入 2 件，已导入过 0 件（不作改动），有问题 0 行。" in page
    assert "138****1234" in page and "13812341234" not in page and "王小明" not in page
    assert 'name="map_received"' in page and "确认导入" in page
    assert Case.objects.count() == 0  # nothing before the confirmation
    response = confirm(client, bureau, follow=True)
    assert "已导入 2 件；已导入过的 0 件未作改动。" in response.content.decode()
    assert Case.objects.count() == 2

    page = upload(client, bureau, export())
    assert "新导入 0 件，已导入过 2 件（不作改动），有问题 0 行。" in page
    assert "已导入（ZJ2026092900001），不作改动" in page
    response = confirm(client, bureau, follow=True)
    assert "已导入 0 件；已导入过的 2 件未作改动。" in response.content.decode()
    assert Case.objects.count() == 2


def test_rows_with_problems_save_nothing_and_a_stale_upload_is_named(client, bureau, service):
    client.force_login(service)
    rows = [ROWS[0], ["", "投诉", "2026-09-29", "", "", "", "", "", "内容", ""]]
    page = upload(client, bureau, export(rows))
    assert "缺少12315工单号。" in page and 'name="confirm"' not in page
    confirm(client, bureau)
    assert Case.objects.count() == 0
    session = client.session
    del session[IMPORT_SESSION_KEY]
    session.save()
    stale = confirm(client, bureau, follow=True)
    assert "上传的文件已过期，请重新上传。" in stale.content.decode()
    assert Case.objects.count() == 0


def test_only_case_staff_import_and_only_for_their_units(client, bureau, service, huangpu_admin):
    client.force_login(huangpu_admin)
    page = upload(client, bureau, export())  # Pudong's bureau is not among their units
    assert "新导入" not in page and "选择一个有效的选项" in page
    confirm(client, bureau)
    assert Case.objects.count() == 0
