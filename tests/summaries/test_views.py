"""The summary pages: write with autosave and photo choice, submit, review, versions, and the
.docx download read back."""

import io

import docx
import lxml.html
import pytest
from django.urls import reverse
from docx.oxml.ns import qn
from docx.shared import Pt

from qualitymonth.accounts.models import Role
from qualitymonth.campaigns.services import set_indicators
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.reports import services as report_services
from qualitymonth.summaries import services
from qualitymonth.summaries.models import UnitSummary
from tests.conftest import make_person
from tests.reports.conftest import shown_errors, shown_fields
from tests.reports.test_views import texts

S = UnitSummary.Status


@pytest.fixture
def summary(reporter, campaign, lujiazui, accepted):
    return services.start_summary(reporter, campaign=campaign, org_unit=lujiazui)


def url(name, summary):
    return reverse(f"summaries:{name}", kwargs={"pk": summary.pk})


def test_a_reporter_starts_from_my_tasks(client, reporter, campaign, lujiazui, accepted):
    client.force_login(reporter)
    tasks = client.get(reverse("assignments:my_tasks")).content.decode()
    link = f"{reverse('summaries:mine')}?campaign={campaign.pk}"
    assert link in tasks
    page = client.get(link).content.decode()
    assert "陆家嘴街道" in page and "开始撰写" in page
    assert f'href="{reverse("summaries:mine")}">书面小结' in tasks  # in the navigation
    response = client.post(
        reverse("summaries:start"), {"campaign": campaign.pk, "unit": lujiazui.pk}
    )
    summary = UnitSummary.objects.get()
    assert response.url == url("edit", summary)
    again = client.post(reverse("summaries:start"), {"campaign": campaign.pk, "unit": lujiazui.pk})
    assert again.url == url("edit", summary) and UnitSummary.objects.count() == 1
    assert "继续撰写" in client.get(reverse("summaries:mine")).content.decode()


def test_start_for_a_unit_not_the_users_is_not_found(client, campaign, pudong, lujiazui):
    zhoujiadu = OrgUnit.objects.create(name="周家渡街道", kind="subdistrict", parent=pudong)
    client.force_login(make_person("zjd", Role.REPORTER, zhoujiadu))
    response = client.post(
        reverse("summaries:start"), {"campaign": campaign.pk, "unit": lujiazui.pk}
    )
    assert response.status_code == 404
    response = client.post(
        reverse("summaries:start"), {"campaign": campaign.pk, "unit": zhoujiadu.pk}, follow=True
    )
    assert "没有承担" in response.content.decode()  # not assigned: a message, nothing made
    assert not UnitSummary.objects.exists()


def test_edit_page_autosave_photos_and_submit(client, summary, reporter, reviewer, accepted):
    client.force_login(reporter)
    page = client.get(url("edit", summary)).content.decode()
    assert 'hx-trigger="input delay:1500ms"' in page and url("autosave", summary) in page
    photos = list(accepted.photos.all())
    for photo in photos:
        assert reverse("reports:photo", kwargs={"pk": photo.pk, "size": "thumb"}) in page
    assert "参与人数" in page and "120" in page
    response = client.post(
        url("autosave", summary),
        {
            "title": summary.title,
            "body": "自动保存的正文",
            "photos_shown": "1",
            "photo": [photos[1].pk],
        },
    )
    assert "已自动保存" in response.content.decode()
    summary.refresh_from_db()
    assert summary.body == "自动保存的正文"
    assert list(summary.photos.all()) == [photos[1]]
    # An autosave without the photo choice leaves the photos alone.
    client.post(url("autosave", summary), {"body": "再改一次"})
    assert list(summary.photos.all()) == [photos[1]]
    refused = client.post(url("autosave", summary), {"photos_shown": "1", "photo": ["999999"]})
    assert refused.status_code == 409 and "只能选用" in refused.content.decode()
    response = client.post(
        url("edit", summary),
        {
            "title": summary.title,
            "body": "一、活动开展情况\n正式正文。",
            "photos_shown": "1",
            "photo": [photos[0].pk],
            "submit": "1",
        },
    )
    assert response.url == url("detail", summary)
    summary.refresh_from_db()
    assert summary.status == S.SUBMITTED and list(summary.photos.all()) == [photos[0]]
    # Once sent, the edit page leads to the summary, and a late autosave changes nothing.
    assert client.get(url("edit", summary)).url == url("detail", summary)
    late = client.post(url("autosave", summary), {"body": "迟到的自动保存"})
    assert late.status_code == 200 and "不再自动保存" in late.content.decode()
    summary.refresh_from_db()
    assert summary.body == "一、活动开展情况\n正式正文。"


def test_refresh_button_takes_new_figures(client, summary, reporter, write_report):
    write_report("accepted", "30", title="第二场")
    client.force_login(reporter)
    assert "采用的报送有变化" in client.get(url("edit", summary)).content.decode()
    client.post(
        url("edit", summary), {"title": summary.title, "body": summary.body, "refresh": "1"}
    )
    summary.refresh_from_db()
    assert summary.figures[0]["value"] == "150"
    assert "采用的报送有变化" not in client.get(url("edit", summary)).content.decode()


def test_a_refused_form_shows_what_was_typed_and_loses_nothing(client, summary, reporter, accepted):
    """An empty title is refused next to its field and the saved one stays; the text and the
    photos chosen with it are shown as typed and ticked, and kept, as the autosave would."""
    title = summary.title
    photos = list(accepted.photos.all())
    client.force_login(reporter)
    response = client.post(
        url("edit", summary),
        {"title": "", "body": "新的正文", "photos_shown": "1", "photo": [photos[1].pk]},
    )
    assert response.status_code == 200
    assert shown_errors(response) == {"title": "请填写标题。"}
    assert shown_fields(response) == {"title": "", "body": "新的正文"}
    page = lxml.html.fromstring(response.content.decode())
    assert page.xpath("//input[@name='photo' and @checked]/@value") == [str(photos[1].pk)]
    summary.refresh_from_db()
    assert summary.title == title and summary.body == "新的正文"
    assert list(summary.photos.all()) == [photos[1]]


def test_submitting_without_text_names_the_field(client, summary, reporter):
    client.force_login(reporter)
    response = client.post(
        url("edit", summary), {"title": "改过的标题", "body": "  ", "submit": "1"}
    )
    assert shown_errors(response) == {"body": "请填写正文。"}
    assert shown_fields(response)["title"] == "改过的标题"
    summary.refresh_from_db()
    assert summary.status == S.DRAFT and summary.title == "改过的标题"


def test_an_autosave_keeps_the_saved_title_when_it_is_cleared(client, summary, reporter):
    title = summary.title
    client.force_login(reporter)
    response = client.post(url("autosave", summary), {"title": "", "body": "边写边存"})
    text = response.content.decode()
    assert "已自动保存" in text and "请填写标题。" in text
    errors = lxml.html.fromstring(f"<div>{text}</div>").xpath("//*[@hx-swap-oob='true']")
    assert {box.get("id"): box.text_content() for box in errors} == {
        "id_title_errors": "请填写标题。",
        "id_body_errors": "",
    }
    summary.refresh_from_db()
    assert summary.title == title and summary.body == "边写边存"


def test_figures_show_as_written_on_every_page_and_version(
    client, reporter, reviewer, admin, campaign, lujiazui, item, write_report
):
    rows = list(item.indicators.values("id", "name", "unit", "value_type", "aggregation"))
    rows.append({"name": "宣传时长", "unit": "小时", "value_type": "decimal", "aggregation": "sum"})
    set_indicators(item, admin, rows)
    report = write_report("draft", "86")
    hours = item.indicators.get(name="宣传时长")
    report_services.save_draft(report, reporter, figures={hours.pk: "86.50"})
    report_services.accept_report(report_services.submit_report(report, reporter), reviewer)
    summary = services.start_summary(reporter, campaign=campaign, org_unit=lujiazui)
    assert "参与人数合计86人，宣传时长合计86.5小时" in summary.body

    client.force_login(reporter)
    for name in ("edit", "detail"):
        shown = texts(client.get(url(name, summary)), "//dl[@id='figures']/dd")
        assert [text.split("（")[0] for text in shown] == ["86 人", "86.5 小时"], name
    document = docx.Document(io.BytesIO(b"".join(client.get(url("download", summary)))))
    assert [row.cells[2].text for row in document.tables[0].rows[1:]] == ["86", "86.5"]

    # Versions kept before figures were written plainly said "86.00": no change for that.
    services.submit_summary(summary, reporter)
    services.return_summary(summary, reviewer, "请补充。")
    services.save_summary(summary, reporter, body=summary.body + "\n补充。")
    services.submit_summary(summary, reporter)
    first = summary.versions.get(number=1)
    first.snapshot["figures"] = [
        figure | {"value": f"{figure['value']}.00" if "." not in figure["value"] else "86.50"}
        for figure in first.snapshot["figures"]
    ]
    first.save()
    client.force_login(reviewer)
    compare = client.get(url("compare", summary), {"a": 1, "b": 3})
    assert texts(compare, "//div[@id='changes']/h2") == ["正文"]


def test_reviewer_returns_accepts_and_admin_reopens(client, summary, reporter, reviewer, admin):
    services.submit_summary(summary, reporter)
    client.force_login(reviewer)
    queue = client.get(reverse("summaries:queue")).content.decode()
    assert summary.title in queue and "逾期" in queue
    assert "小结审核" in queue  # in the reviewer's navigation
    page = client.get(url("detail", summary)).content.decode()
    assert 'value="accept"' in page and 'value="return"' in page and 'value="reopen"' not in page
    response = client.post(url("review", summary), {"action": "return", "reason": ""}, follow=True)
    assert "请填写退回原因" in response.content.decode()
    client.post(url("review", summary), {"action": "return", "reason": "请补充下一步打算。"})
    summary.refresh_from_db()
    assert summary.status == S.RETURNED
    assert summary.title not in client.get(reverse("summaries:queue")).content.decode()
    assert (
        summary.title
        in client.get(reverse("summaries:queue") + "?status=returned").content.decode()
    )

    client.force_login(reporter)
    page = client.get(url("edit", summary)).content.decode()
    assert "请补充下一步打算。" in page
    client.post(
        url("edit", summary),
        {"title": summary.title, "body": summary.body + "\n下一步打算。", "submit": "1"},
    )
    client.force_login(reviewer)
    client.post(url("review", summary), {"action": "accept"})
    summary.refresh_from_db()
    assert summary.status == S.ACCEPTED
    page = client.get(url("detail", summary)).content.decode()
    assert 'value="reopen"' not in page  # only the campaign admin reopens
    client.post(url("review", summary), {"action": "reopen", "reason": "试试"})
    summary.refresh_from_db()
    assert summary.status == S.ACCEPTED

    client.force_login(admin)
    page = client.get(url("detail", summary)).content.decode()
    assert 'value="reopen"' in page
    assert "版本记录" in page and "退回" in page and "采用" in page
    client.post(url("review", summary), {"action": "reopen", "reason": "数据需核对。"})
    summary.refresh_from_db()
    assert summary.status == S.RETURNED
    compare = client.get(url("compare", summary) + "?a=1&b=3").content.decode()
    assert "+ 下一步打算。" in compare


def test_a_reporter_cannot_review(client, summary, reporter):
    services.submit_summary(summary, reporter)
    client.force_login(reporter)
    page = client.get(url("detail", summary)).content.decode()
    assert 'id="review"' not in page
    assert summary.title not in client.get(reverse("summaries:queue")).content.decode()
    response = client.post(url("review", summary), {"action": "accept"})
    assert response.status_code == 403
    summary.refresh_from_db()
    assert summary.status == S.SUBMITTED


def test_another_unit_sees_nothing(client, summary, pudong, huangpu_admin):
    zhoujiadu = OrgUnit.objects.create(name="周家渡街道", kind="subdistrict", parent=pudong)
    for person in (make_person("zjd", Role.REPORTER, zhoujiadu), huangpu_admin):
        client.force_login(person)
        for name in ("detail", "edit", "download", "compare"):
            assert client.get(url(name, summary)).status_code == 404, name
        assert client.post(url("autosave", summary), {"body": "x"}).status_code == 404
        assert client.post(url("review", summary), {"action": "accept"}).status_code == 404
    summary.refresh_from_db()
    assert summary.body != "x" and summary.status == S.DRAFT


def test_download_is_a_gbt9704_document(client, summary, reporter, reviewer, admin, accepted):
    photos = list(accepted.photos.all())
    services.save_summary(
        summary,
        reporter,
        body=summary.body + "\n（一）加强领导。街道成立领导小组。\n（1）细项。",
        photo_ids=[p.pk for p in photos],
    )
    for person in (reporter, reviewer, admin):
        client.force_login(person)
        response = client.get(url("download", summary))
        assert response.status_code == 200
        assert response["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        assert "attachment" in response["Content-Disposition"]
        assert ".docx" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    texts = [p.text for p in document.paragraphs]
    title = document.paragraphs[0]
    assert title.text == "陆家嘴街道2024年质量月活动书面小结"
    assert title.runs[0].font.size == Pt(22)
    assert title.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"

    def level_and_face(text):
        found = document.paragraphs[texts.index(text)]
        outline = found._p.pPr.find(qn("w:outlineLvl"))
        level = int(outline.get(qn("w:val"))) + 1 if outline is not None else 0
        return level, found.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")), found.runs[0].font.size

    assert level_and_face("一、活动开展情况") == (1, "黑体", Pt(16))
    assert level_and_face("（一）加强领导。街道成立领导小组。") == (2, "楷体_GB2312", Pt(16))
    assert level_and_face("1.质量知识进社区") == (3, "仿宋_GB2312", Pt(16))
    assert level_and_face("（1）细项。") == (4, "仿宋_GB2312", Pt(16))
    assert level_and_face("活动期间，本单位共有1篇信息报送被采用，参与人数合计120人。") == (
        0,
        "仿宋_GB2312",
        Pt(16),
    )
    figures = document.tables[0]
    assert [c.text for c in figures.rows[1].cells] == ["1", "参与人数", "120", "人", "合计"]
    assert len(document.inline_shapes) == 2
    assert texts.count(accepted.title) >= 2  # the photos' captions
    assert "陆家嘴街道" in texts  # signature
    footer = section.footer.paragraphs[0]
    assert footer.text == "— 1 —"
    assert "PAGE" in "".join(t.text for t in footer._p.iter(qn("w:instrText")))


def test_pages_query_counts(client, summary, reporter, reviewer, django_assert_max_num_queries):
    services.submit_summary(summary, reporter)
    client.force_login(reviewer)
    with django_assert_max_num_queries(25):
        client.get(reverse("summaries:queue"))
    client.force_login(reporter)
    with django_assert_max_num_queries(25):
        client.get(reverse("summaries:mine"))
