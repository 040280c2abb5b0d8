"""The work summary pages: generate in the background, edit a paragraph in place, choose the
photos, download the .docx and the .xlsx; the city's summary across districts."""

import io

import docx
import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from qualitymonth.worksummaries.models import CampaignSummary
from tests.worksummaries.photos import add_photo

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def generated(client, admin, world, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    client.force_login(admin)
    url = reverse("worksummaries:campaign", args=[world.campaign.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    return CampaignSummary.objects.get(campaign=world.campaign)


def test_the_page_offers_to_generate_before_there_is_a_summary(client, admin, world):
    client.force_login(admin)
    response = client.get(reverse("worksummaries:campaign", args=[world.campaign.pk]))
    assert "生成工作总结" in response.content.decode()
    assert not CampaignSummary.objects.exists()  # looking creates nothing


def test_generating_in_the_background_then_the_draft(client, generated, world):
    assert generated.generated_at is not None
    page = client.get(reverse("worksummaries:campaign", args=[world.campaign.pk]))
    html = page.content.decode()
    assert "一、总体情况" in html and "参与人数215人" in html
    assert "“存在问题”和“下一步打算”尚未填写" in html
    progress = client.get(reverse("worksummaries:progress", args=[generated.pk]))
    assert progress.status_code == 204 and progress["HX-Refresh"] == "true"  # done: reload


def test_while_generating_the_page_shows_progress(client, admin, world, settings):
    settings.TASKS = IMMEDIATE
    from qualitymonth.worksummaries import services

    summary = services.start_campaign_summary(admin, world.campaign)
    services.mark_generating(summary, admin)
    client.force_login(admin)
    html = client.get(reverse("worksummaries:campaign", args=[world.campaign.pk])).content
    assert "正在生成工作总结" in html.decode() and b"<progress" in html
    fragment = client.get(reverse("worksummaries:progress", args=[summary.pk]))
    assert fragment.status_code == 200 and b'hx-trigger="every 1s"' in fragment.content


def test_editing_a_paragraph_in_place(client, generated):
    overview = generated.paragraphs.get(key="overview")
    url = reverse("worksummaries:paragraph", args=[overview.pk])
    form = client.get(url + "?edit=1", HTTP_HX_REQUEST="true")
    assert b"<textarea" in form.content
    saved = client.post(url, {"text": "全区上下高度重视。"}, HTTP_HX_REQUEST="true")
    assert "全区上下高度重视。" in saved.content.decode() and "已修改" in saved.content.decode()
    overview.refresh_from_db()
    assert overview.edited and overview.text == "全区上下高度重视。"
    restored = client.post(url, {"action": "restore"}, HTTP_HX_REQUEST="true")
    assert "参与人数215人" in restored.content.decode()


def test_a_heading_cannot_be_emptied(client, generated):
    heading = generated.paragraphs.get(key="heading:overview")
    url = reverse("worksummaries:paragraph", args=[heading.pk])
    response = client.post(url, {"text": " "}, HTTP_HX_REQUEST="true")
    assert "标题不能为空" in response.content.decode()
    heading.refresh_from_db()
    assert heading.text == "一、总体情况"


def test_downloads_the_docx_and_the_statistical_annex(client, generated):
    plans = generated.paragraphs.get(key="plans")
    client.post(reverse("worksummaries:paragraph", args=[plans.pk]), {"text": "建立长效机制。"})
    response = client.get(reverse("worksummaries:docx", args=[generated.pk]))
    document = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == generated.title and "建立长效机制。" in texts
    annex = client.get(reverse("worksummaries:xlsx", args=[generated.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(annex.streaming_content)))
    assert workbook.sheetnames[:2] == ["主要指标", "按活动类别"]


def test_title_signature_and_date(client, generated):
    url = reverse("worksummaries:details", args=[generated.pk])
    client.post(
        url,
        {
            "title": "关于2024年质量月活动的总结",
            "signature": "浦东新区质量办",
            "date": "2024-10-08",
        },
    )
    generated.refresh_from_db()
    assert (generated.title, generated.signature, str(generated.date)) == (
        "关于2024年质量月活动的总结",
        "浦东新区质量办",
        "2024-10-08",
    )
    response = client.get(reverse("worksummaries:docx", args=[generated.pk]))
    texts = [
        p.text for p in docx.Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs
    ]
    assert "2024年10月8日" in texts and "浦东新区质量办" in texts


def test_choosing_the_annex_photos(client, generated, world):
    photo = add_photo(world.reports["计量所19b"])
    url = reverse("worksummaries:photos", args=[generated.pk])
    assert "浦东新区计量所 9月10日" in client.get(url).content.decode()
    assert client.post(url, {"photo": [photo.pk]}).status_code == 302
    assert list(generated.photos.all()) == [photo]
    foreign = add_photo(world.reports["draft"])
    refused = client.post(url, {"photo": [foreign.pk]}, follow=True)
    assert "不属于本总结" in refused.content.decode()


def test_others_cannot_open_or_write_the_summary(client, generated, reporter, huangpu_admin):
    for person, status in ((reporter, 403), (huangpu_admin, 404)):
        client.force_login(person)
        assert (
            client.get(reverse("worksummaries:campaign", args=[generated.campaign_id])).status_code
            == status
        )
        assert client.get(reverse("worksummaries:docx", args=[generated.pk])).status_code == 404
        paragraph = generated.paragraphs.first()
        url = reverse("worksummaries:paragraph", args=[paragraph.pk])
        assert client.post(url, {"text": "x"}).status_code == 404


def test_city_summary_across_districts(
    client, world, city_viewer, city, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    client.force_login(city_viewer)
    url = reverse("worksummaries:city", args=[city.pk, 2024])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    summary = CampaignSummary.objects.get(org_unit=city, year=2024)
    district = summary.paragraphs.get(key=f"district:{world.campaign.org_unit_id}")
    assert district.text.startswith("（一）浦东新区。") and "采用信息6篇" in district.text
    assert "全市共有1个区报送活动情况" in summary.paragraphs.get(key="overview").text
    response = client.get(reverse("worksummaries:docx", args=[summary.pk]))
    texts = [
        p.text for p in docx.Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs
    ]
    assert texts[0] == "上海市2024年“质量月”活动工作总结"


def test_the_summary_command_writes_the_docx(world, tmp_path):
    out = tmp_path / "总结.docx"
    call_command("summary", campaign=world.campaign.pk, out=out)
    document = docx.Document(out)
    assert document.paragraphs[0].text.endswith("2024年“质量月”活动工作总结")
    assert any("参与人数215人" in p.text for p in document.paragraphs)


def test_the_summary_command_names_what_is_wrong(world, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有编号为 999999 的活动"):
        call_command("summary", campaign=999999, out=tmp_path / "x.docx")
    with pytest.raises(CommandError, match="请指定"):
        call_command("summary", out=tmp_path / "x.docx")


def test_the_page_flags_reported_event_counts_that_differ_from_events_held(
    client, generated, world, settings, django_capture_on_commit_callbacks
):
    from tests.dashboard.conftest import add_report

    url = reverse("worksummaries:campaign", args=[world.campaign.pk])
    assert 'id="event-count-gap"' not in client.get(url).content.decode()
    add_report(world.units["花木"], world.items[1], {"活动场次": 12})  # typed, not registered
    html = client.get(url).content.decode()
    assert 'id="event-count-gap"' in html
    assert "“活动场次”合计 12 场" in html and "已举办活动为 3 场" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    overview = generated.paragraphs.get(key="overview").text
    # both figures, each in its own words, and why both stand
    assert "已举办活动3场" in overview and "活动场次12场" in overview
    assert "统计口径不同" in overview
