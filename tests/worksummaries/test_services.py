"""Compiling the work summary: generated from accepted reports, edited by the admin, and
regenerated without losing what the admin wrote."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qualitymonth.accounts.models import Role
from qualitymonth.core.models import AuditEntry
from qualitymonth.reports.models import Report
from qualitymonth.worksummaries import services
from qualitymonth.worksummaries.models import SummaryParagraph
from tests.conftest import make_person
from tests.dashboard.conftest import add_report
from tests.worksummaries.photos import add_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def summary(world, admin):
    return services.generate(services.start_campaign_summary(admin, world.campaign), admin)


def texts(summary):
    return [p.text for p in summary.paragraphs.all()]


def paragraph(summary, key) -> SummaryParagraph:
    return summary.paragraphs.get(key=key)


def test_sections_in_the_usual_order(summary, world):
    headings = [p.text for p in summary.paragraphs.filter(is_heading=True)]
    categories = [world.items[n].category.title for n in (1, 19)]
    assert headings == [
        "一、总体情况",
        "二、主要做法和成效",
        f"（一）{categories[0]}",
        f"（二）{categories[1]}",
        "三、特色亮点",
        "四、存在问题",
        "五、下一步打算",
    ]
    assert summary.title == "上海市浦东新区市场监督管理局2024年“质量月”活动工作总结"


def test_overview_carries_the_key_figures(summary):
    overview = paragraph(summary, "overview").text
    assert "报送单位5个" in overview
    assert "登记活动3场、已举办活动3场" in overview
    assert "参与人数215人" in overview
    assert "采用信息6篇" in overview
    assert "检定台数400台" in overview and "合格率96.8%" in overview


def test_each_item_says_which_units_did_what_with_their_figures(summary, world):
    one = paragraph(summary, f"item:{world.items[1].pk}").text
    assert one.startswith("1.举办2024年度浦东新区")
    assert (
        "花木街道、陆家嘴街道报送采用信息2篇，已举办活动1场" in one
        and "参与人数150人" in one
        and "发放资料份数300份" in one
    )
    metrology = paragraph(summary, f"item:{world.items[19].pk}").text
    assert (
        metrology.startswith("1.") and "浦东新区计量所" in metrology and "合格率96.8%" in metrology
    )
    assert "其中，花木街道组织开展" in one  # the unit is named once
    # items without accepted reports are not mentioned
    assert not summary.paragraphs.filter(key=f"item:{world.items[2].pk + 1}").exists()


def test_highlights_come_from_starred_reports(summary, world):
    highlights = summary.paragraphs.filter(section="highlights", is_heading=False)
    assert [p.key for p in highlights] == [f"highlight:report:{world.reports['花木1'].pk}"]
    assert highlights[0].text.startswith("（一）花木街道：")


def test_regenerating_keeps_edits_and_flags_changed_figures(summary, world, admin):
    overview = paragraph(summary, "overview")
    item = paragraph(summary, f"item:{world.items[1].pk}")
    services.edit_paragraph(overview, admin, "我区高度重视，精心组织。参与群众215人次。")
    services.edit_paragraph(paragraph(summary, "problems"), admin, "部分单位报送不够及时。")
    add_report(world.units["张江"], world.items[1], {"参与人数": 85})  # new figures arrive
    services.generate(summary, admin)
    overview.refresh_from_db()
    item.refresh_from_db()
    assert overview.text == "我区高度重视，精心组织。参与群众215人次。"  # the admin's words stay
    assert overview.edited and overview.figures_changed  # … flagged: figures moved under it
    assert "参与人数300人" in overview.generated_text
    assert "参与人数235人" in item.text and not item.edited  # untouched: refreshed
    assert paragraph(summary, "problems").text == "部分单位报送不够及时。"
    services.restore_paragraph(overview, admin)
    assert "参与人数300人" in paragraph(summary, "overview").text


def test_a_paragraph_whose_subject_is_gone_is_removed_unless_edited(summary, world, admin):
    starred = world.reports["花木1"]
    key = f"highlight:report:{starred.pk}"
    Report.objects.filter(pk=starred.pk).update(starred=False)
    services.generate(summary, admin)
    assert not summary.paragraphs.filter(key=key).exists()
    assert summary.paragraphs.filter(key="highlights:none").exists()


def test_edits_are_checked_and_audited(summary, admin):
    heading = paragraph(summary, "heading:overview")
    with pytest.raises(ValidationError, match="标题不能为空"):
        services.edit_paragraph(heading, admin, "  ")
    with pytest.raises(ValidationError, match="不超过 5000 字"):
        services.edit_paragraph(paragraph(summary, "overview"), admin, "字" * 5001)
    services.edit_paragraph(paragraph(summary, "plans"), admin, "建立长效机制。")
    entry = AuditEntry.objects.get(action="worksummary.paragraph_edited")
    assert entry.after == {"key": "plans", "text": "建立长效机制。"}
    assert AuditEntry.objects.filter(action="worksummary.generated").exists()


def test_who_may_compile(world, pudong, huangpu_admin, reporter, city_viewer, admin):
    reviewer = make_person("rv", Role.REVIEWER, pudong)
    for person in (reviewer, huangpu_admin, reporter, city_viewer):  # a district's own work
        with pytest.raises(PermissionDenied):
            services.start_campaign_summary(person, world.campaign)
    summary = services.start_campaign_summary(admin, world.campaign)
    with pytest.raises(PermissionDenied):
        services.edit_paragraph(
            SummaryParagraph.objects.create(summary=summary, key="x", section="plans"),
            reporter,
            "改",
        )
    services.start_city_summary(city_viewer, city_viewer.memberships.get().org_unit, 2024)


def test_photos_default_to_starred_and_one_per_item_and_stay_in_the_summary(summary, world, admin):

    photos = [
        add_photo(world.reports[key]) for key in ("陆家嘴1", "花木1", "计量所19a", "计量所19b")
    ]
    foreign = add_photo(world.reports["draft"])
    summary.photos.clear()
    chosen = services.default_photos(summary)
    assert chosen[0] == photos[1]  # the starred report's first
    assert chosen == [photos[1], photos[2]]  # then one for each other item
    services.choose_photos(summary, admin, [photos[3].pk])
    assert list(summary.photos.all()) == [photos[3]]
    with pytest.raises(ValidationError, match="不属于本总结"):
        services.choose_photos(summary, admin, [foreign.pk])
    assert "浦东新区计量所 9月10日" in services.photo_caption(photos[3])


def test_the_summary_sent_upward_has_todays_figures_and_the_admins_words(summary, world, admin):
    services.edit_paragraph(paragraph(summary, "plans"), admin, "建立长效机制。")
    add_report(world.units["张江"], world.items[1], {"参与人数": 85})
    current = services.current_summary(world.campaign, admin)
    assert "参与人数300人" in paragraph(current, "overview").text
    assert paragraph(current, "plans").text == "建立长效机制。"


def test_a_photo_whose_file_is_gone_is_left_out_of_the_document(summary, world, admin):
    from qualitymonth.worksummaries.document import _images

    kept, gone = (add_photo(world.reports[key]) for key in ("花木1", "计量所19a"))
    services.choose_photos(summary, admin, [kept.pk, gone.pk])
    gone.web.delete(save=False)
    assert gone.web_bytes() is None
    assert [image.caption for image in _images(summary)] == [services.photo_caption(kept)]
