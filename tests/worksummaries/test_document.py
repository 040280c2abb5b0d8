"""The demo campaign's work summary as a .docx, read back as Word would read it, and converted
to PDF by LibreOffice."""

import io
import re

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Emu, Pt

from qualitymonth.campaigns.models import Campaign
from qualitymonth.dashboard.queries import build_dashboard
from qualitymonth.demo.loader import load_demo
from qualitymonth.worksummaries import services
from qualitymonth.worksummaries.document import summary_docx
from tests.core import pdf_layout

# "北蔡镇 9月3日 “市民看质量”走进北蔡镇": the unit, the day, the event
CAPTION = re.compile(r"^\S+(街道|镇) 9月\d{1,2}日 \S+")
_built: dict = {}


@pytest.fixture
def demo(db, settings, tmp_path_factory):
    """The demo's summary generated and written once; the tests read the plain results."""
    if not _built:
        settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
        load_demo()
        campaign = Campaign.objects.get(year=2024, org_unit__name="浦东新区")
        summary = services.current_summary(campaign, None)
        _built.update(
            data=summary_docx(summary),
            dashboard=build_dashboard([campaign], ("category",)),
            photos=summary.photos.count(),
        )
    return _built


@pytest.fixture
def document(demo):
    return docx.Document(io.BytesIO(demo["data"]))


def east_asian(run) -> str:
    return run._r.rPr.rFonts.get(qn("w:eastAsia"))


def find(document, start: str):
    return next(p for p in document.paragraphs if p.text.startswith(start))


def test_page_size_and_margins(document):
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    width = Emu(section.page_width - section.left_margin - section.right_margin)
    height = Emu(section.page_height - section.top_margin - section.bottom_margin)
    assert abs(width.mm - 156) < 0.1 and abs(height.mm - 225) < 0.1


def test_title_headings_and_body_in_their_faces_and_sizes(document, demo):
    title = document.paragraphs[0]
    assert title.text == "上海市浦东新区市场监督管理局2024年“质量月”活动工作总结"
    assert title.runs[0].font.size == Pt(22) and east_asian(title.runs[0]) == "方正小标宋简体"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    heading = find(document, "一、总体情况")
    assert [east_asian(r) for r in heading.runs] == ["黑体"]
    category = find(document, "（一）")
    assert east_asian(category.runs[0]) == "楷体_GB2312"
    item = find(document, "1.")
    assert east_asian(item.runs[0]) == "仿宋_GB2312"
    body = find(document, "2024年9月")
    assert body.runs[0].font.size == Pt(16) and east_asian(body.runs[0]) == "仿宋_GB2312"
    assert body.paragraph_format.line_spacing == Pt(28.95)


def test_page_numbers(document):
    footer = document.sections[0].footer.paragraphs[0]
    assert footer.text == "— 1 —"
    assert all(run.font.size == Pt(14) for run in footer.runs)


def test_sections_in_order_then_the_annexes(document):
    texts = [p.text for p in document.paragraphs]
    order = ["一、总体情况", "二、主要做法和成效", "三、特色亮点", "四、存在问题", "五、下一步打算"]
    positions = [texts.index(heading) for heading in order]
    assert positions == sorted(positions)
    assert texts.index("附件：1.统计表") < texts.index("上海市浦东新区市场监督管理局")
    assert "附件1" in texts and "附件2" in texts and texts.index("附件1") < texts.index("附件2")


def test_figures_match_the_database(document, demo):
    dashboard = demo["dashboard"]
    overview = find(document, "2024年9月").text
    for figure, value in dashboard.headline:
        if value:
            assert figure.stated(value) in overview
    participants = f"{dashboard.participants.normalize():f}"
    assert f"参与人数{participants}人" in overview
    statistics = document.tables[0]
    rows = {r.cells[0].text: r.cells[2].text for r in statistics.rows[1:]}
    assert rows["采用信息"] == str(dashboard.total.reports_accepted)
    assert rows["参与人数"] == participants
    rate = dashboard.derived_display("合格率", dashboard.total.derived["合格率"])
    assert rows["合格率"] == rate and rate in overview
    by_category = document.tables[1]
    assert [c.text for c in by_category.rows[0].cells] == [
        "活动类别",
        "采用信息",
        "已举办活动",
        "参与人数",
    ]
    counted = sum(int(r.cells[1].text) for r in by_category.rows[1:])
    assert counted == dashboard.total.reports_accepted


def test_the_photo_annex_has_captions_with_unit_date_and_event(document, demo):
    assert len(document.inline_shapes) == demo["photos"] > 0
    captions = [p.text for p in document.paragraphs if CAPTION.match(p.text)]
    assert len(captions) == demo["photos"]
    assert any("市民看质量" in c for c in captions) and any("强检" in c for c in captions)


def test_libreoffice_converts_it_to_pdf(demo, tmp_path):
    data = pdf_layout.to_pdf(demo["data"], tmp_path, "summary").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
    assert pages >= 3  # the text, the statistics annex, the photo annex


def test_no_paragraph_states_two_numbers_for_the_same_words(document, demo):
    """Each figure is named by its own words (``core.figures``), and no paragraph gives the
    same words two different numbers (as "举办活动24场 … 活动场次138场" once did)."""
    from qualitymonth.core.figures import HEADLINE

    dashboard = demo["dashboard"]
    labels = [figure.label for figure in HEADLINE]
    labels += [name for name, _unit in dashboard.columns]
    labels += [name for name, _, _ in dashboard.formulas]
    assert len(set(labels)) == len(labels)
    stated = 0
    for paragraph in document.paragraphs:
        for label in labels:
            numbers = set(re.findall(rf"{label}(\d+(?:\.\d+)?)", paragraph.text))
            assert len(numbers) <= 1, f"{label}: {sorted(numbers)} in {paragraph.text}"
            stated += len(numbers)
    assert stated > 20  # the summary does state its figures
    # and every count it states is named by one of those words: no "举办各类活动24场" or
    # "共开展活动13场" beside them ("等13个单位" names units it has just listed)
    units = {figure.unit for figure in HEADLINE} | {unit for _, unit in dashboard.columns if unit}
    counted = re.compile(rf"(\d+(?:\.\d+)?)({'|'.join(sorted(units, key=len, reverse=True))})")
    for paragraph in document.paragraphs:
        for match in counted.finditer(paragraph.text):
            before = paragraph.text[: match.start()]
            named = before.endswith(tuple(labels)) or (before.endswith("等") and match[2] == "个")
            assert named or before.endswith("全市共有"), f"{match[0]} unnamed in {paragraph.text}"
