"""Figures as people write them on every page a report's figures reach, and a refused form
that shows back what the reporter typed, next to each error, losing nothing saved."""

from decimal import Decimal

import lxml.html
import pytest
from django.urls import reverse

from qualitymonth.accounts.models import Role
from qualitymonth.campaigns.services import set_indicators
from qualitymonth.reports import services
from qualitymonth.reports.models import Report
from tests.conftest import make_person
from tests.reports.conftest import shown_errors, shown_fields


@pytest.fixture
def reviewer(pudong):
    return make_person("reviewer", Role.REVIEWER, pudong)


@pytest.fixture
def indicators(item, admin):
    """Item 2's integer indicators, and a decimal one: hours of publicity (宣传时长)."""
    rows = list(item.indicators.values("id", "name", "unit", "value_type", "aggregation"))
    rows.append({"name": "宣传时长", "unit": "小时", "value_type": "decimal", "aggregation": "sum"})
    set_indicators(item, admin, rows)
    return {i.name: i for i in item.indicators.all()}


def edit(report):
    return reverse("reports:edit", kwargs={"pk": report.pk})


def figure(indicator) -> str:
    return f"figure-{indicator.pk}"


def typed(report, indicators, **figures) -> dict:
    """The edit form as the reporter sends it: the text as saved, ``figures`` by name."""
    return {
        "title": report.title,
        "content": report.content,
        "effect": report.effect,
        "links": "",
        **{figure(indicators[name]): text for name, text in figures.items()},
    }


def texts(response, xpath: str) -> list[str]:
    page = lxml.html.fromstring(response.content.decode())
    return [" ".join(node.text_content().split()) for node in page.xpath(xpath)]


def test_figures_show_as_written_from_the_form_to_the_dashboard(
    client, draft, reporter, reviewer, admin, indicators
):
    people, hours = indicators["参与人数"], indicators["宣传时长"]
    client.force_login(reporter)
    form = typed(draft, indicators, 参与人数="86", 宣传时长="86.50")
    assert client.post(edit(draft), form).url == edit(draft)
    assert draft.values.get(indicator=people).value == 86  # kept as 86.00

    # The edit page, and again after an autosave, shows 86 and 86.5.
    shown = shown_fields(client.get(edit(draft)))
    assert (shown[figure(people)], shown[figure(hours)]) == ("86", "86.5")
    autosave = reverse("reports:autosave", kwargs={"pk": draft.pk})
    assert "已自动保存" in client.post(autosave, form).content.decode()
    shown = shown_fields(client.get(edit(draft)))
    assert (shown[figure(people)], shown[figure(hours)]) == ("86", "86.5")

    # The detail page.
    client.post(edit(draft), {**form, "submit": "1"})
    client.force_login(reviewer)
    detail = client.get(reverse("reports:detail", kwargs={"pk": draft.pk}))
    assert texts(detail, "//dl[@id='figures']/dd") == ["86 人", "86.5 小时"]

    # The versions: what changed after it was sent back, figure by figure.
    services.return_report(draft, reviewer, "请核对宣传时长。")
    client.force_login(reporter)
    client.post(
        edit(draft), {**typed(draft, indicators, 参与人数="86", 宣传时长="90"), "submit": "1"}
    )
    client.force_login(reviewer)
    compare = client.get(reverse("reports:compare", kwargs={"pk": draft.pk}), {"a": 1, "b": 3})
    assert texts(compare, "//div[starts-with(@class, 'diff-')]") == [
        "参与人数：86",
        "− 宣传时长：86.5",
        "+ 宣传时长：90",
    ]

    # The dashboard, its drill-down and the report list behind a figure.
    services.accept_report(draft, reviewer)
    client.force_login(admin)
    campaign = draft.item.campaign
    page = client.get(reverse("dashboard:campaign", kwargs={"pk": campaign.pk}))
    rows = "//section[h2='主要指标']//tbody/tr"
    main = dict(zip(texts(page, f"{rows}/th"), texts(page, f"{rows}/td"), strict=True))
    assert main["参与人数"] == "86 人" and main["宣传时长"] == "90 小时"
    table = "(//table[.//tfoot and .//thead//th[starts-with(., '宣传时长')]])[1]"
    columns = texts(page, f"{table}//thead//th")
    totals = dict(zip(columns, texts(page, f"{table}//tfoot/tr/*"), strict=True))
    assert totals["参与人数（人）"] == "86" and totals["宣传时长（小时）"] == "90"
    drill = client.get(reverse("dashboard:drill", kwargs={"pk": campaign.pk}))
    assert "86" in texts(drill, "//section[@class='kpis']//strong")
    row = texts(drill, "//table[contains(@class, 'report-list')]//tbody/tr/td")
    assert "86" in row and "90" in row and not any(".00" in cell for cell in row)


def test_old_versions_with_two_places_compare_as_the_same_figure(client, draft, reporter, reviewer):
    services.submit_report(draft, reporter)
    services.return_report(draft, reviewer, "请补充成效。")
    services.save_draft(draft, reporter, effect="居民质量意识明显提高。")
    services.submit_report(draft, reporter)
    # Versions kept before figures were written plainly said "120.00".
    first = draft.versions.get(number=1)
    first.snapshot["figures"] = {"参与人数": "120.00"}
    first.save()
    assert draft.versions.get(number=3).snapshot["figures"] == {"参与人数": "120"}
    client.force_login(reviewer)
    page = client.get(reverse("reports:compare", kwargs={"pk": draft.pk}), {"a": 1, "b": 3})
    assert texts(page, "//div[@id='changes']/h2") == ["活动成效"]  # no 数据 change


@pytest.mark.parametrize(
    ("name", "text", "error"),
    [
        ("参与人数", "-5", "不能是负数。"),
        ("参与人数", "12.5", "请填写整数。"),
        ("参与人数", "一百二", "请填写数字。"),
        ("宣传时长", "3.141", "最多保留两位小数。"),
    ],
)
def test_a_refused_figure_stays_as_typed_next_to_its_error(
    client, draft, reporter, indicators, name, text, error
):
    refused, hours = indicators[name], indicators["宣传时长"]
    services.save_draft(draft, reporter, figures={hours.pk: "1.5"})
    client.force_login(reporter)
    form = typed(draft, indicators, 参与人数="86", 宣传时长="2.5", 发放资料份数="300")
    form |= {figure(refused): text, "title": "社区宣传（改）", "content": "新写的内容"}
    response = client.post(edit(draft), {**form, "effect": "新写的成效"})
    assert response.status_code == 200
    shown = shown_fields(response)
    assert shown[figure(refused)] == text
    assert shown[figure(indicators["发放资料份数"])] == "300"
    assert shown["title"] == "社区宣传（改）" and shown["content"] == "新写的内容"
    assert shown["effect"] == "新写的成效"
    assert shown_errors(response) == {figure(refused): f"{name}：{error}"}
    # The figure saved before stays; what was valid is saved with it.
    saved = {v.indicator.name: v.value for v in draft.values.select_related("indicator")}
    assert saved[name] == {"参与人数": 120, "宣传时长": Decimal("1.5")}[name]
    assert saved["发放资料份数"] == 300
    draft.refresh_from_db()
    assert draft.content == "新写的内容"
    # Submitting with it is refused the same way, and nothing is sent.
    response = client.post(edit(draft), {**form, "submit": "1"})
    assert shown_fields(response)[figure(refused)] == text
    draft.refresh_from_db()
    assert draft.status == Report.Status.DRAFT


def test_a_missing_title_or_content_is_named_next_to_its_field(client, draft, reporter, indicators):
    client.force_login(reporter)
    form = typed(draft, indicators, 参与人数="86")
    response = client.post(edit(draft), {**form, "title": "", "content": "", "submit": "1"})
    assert shown_errors(response) == {"title": "请填写标题。"}
    assert shown_fields(response)["title"] == "" and shown_fields(response)["content"] == ""
    draft.refresh_from_db()
    assert draft.title == "质量知识进社区"  # the saved title stays
    assert draft.status == Report.Status.DRAFT

    response = client.post(edit(draft), {**form, "content": " ", "submit": "1"})
    assert shown_errors(response) == {"content": "请填写活动内容。"}
    assert shown_fields(response)[figure(indicators["参与人数"])] == "86"
    draft.refresh_from_db()
    assert draft.status == Report.Status.DRAFT


def test_the_autosave_keeps_a_refused_figure_out_and_says_so_next_to_it(
    client, draft, reporter, indicators
):
    people = indicators["参与人数"]
    client.force_login(reporter)
    url = reverse("reports:autosave", kwargs={"pk": draft.pk})
    response = client.post(url, {**typed(draft, indicators, 参与人数="-5"), "title": ""})
    text = response.content.decode()
    assert response.status_code == 200 and "已自动保存" in text
    assert "请填写标题。" in text and "参与人数：不能是负数。" in text
    # The errors go next to their fields (htmx swaps them out of band), the inputs are left
    # alone: the response carries no field, so what is being typed stays.
    boxes = lxml.html.fromstring(f"<div>{text}</div>").xpath("//*[@hx-swap-oob='true']")
    errors = {box.get("id"): box.text_content().strip() for box in boxes}
    assert errors[f"id_{figure(people)}_errors"] == "参与人数：不能是负数。"
    assert errors["id_title_errors"] == "请填写标题。" and errors["id_content_errors"] == ""
    assert "<input" not in text and "<textarea" not in text
    draft.refresh_from_db()
    assert draft.title == "质量知识进社区"
    assert draft.values.get(indicator=people).value == 120
    # Every box it swaps is on the edit page.
    page = client.get(edit(draft)).content.decode()
    for box_id in errors:
        assert f'id="{box_id}"' in page


def test_an_autosave_of_part_of_the_form_leaves_the_rest(client, draft, reporter, indicators):
    client.force_login(reporter)
    url = reverse("reports:autosave", kwargs={"pk": draft.pk})
    client.post(url, {"content": "只改内容"})
    draft.refresh_from_db()
    assert draft.content == "只改内容" and draft.effect == "居民反响良好。"
    assert draft.values.get(indicator=indicators["参与人数"]).value == 120
