"""The writer's documents as LibreOffice lays them out — the office suite of many 信创 desktops
besides WPS — converted to PDF and read back: 28 characters a line and 22 lines a page with
whatever face LibreOffice puts in for 仿宋_GB2312, no character lost at a line's end, and the
signature and date where GB/T 9704-2012 7.3.5.2 puts them."""

import datetime

import pytest

from qualitymonth.core import docwriter
from tests.core import pdf_layout
from tests.core.pdf_layout import PITCH, RIGHT, RIGHT_SPACE, SAMPLE_PARAGRAPHS

TITLE = "上海市浦东新区市场监督管理局\n2024年质量月活动工作总结"
BUREAU = "上海市浦东新区市场监督管理局"
BODY = ["一、活动开展情况", *SAMPLE_PARAGRAPHS, *SAMPLE_PARAGRAPHS]


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory):
    data = docwriter.write_document(TITLE, BODY, signature=BUREAU, date=datetime.date(2024, 10, 8))
    return pdf_layout.pages(pdf_layout.to_pdf(data, tmp_path_factory.mktemp("summary")))


def test_every_full_line_holds_28_characters(laid_out):
    assert pdf_layout.assert_28_characters_a_line(laid_out) >= 40


def test_22_lines_a_page(laid_out):
    pdf_layout.assert_on_the_grid(laid_out)
    assert len(laid_out) >= 3
    # The title's two lines, a blank line, then the body to the 22nd line.
    assert [line.slot for line in laid_out[0]] == [0, 1, *range(3, 22)]
    for lines in laid_out[1:-1]:
        assert [line.slot for line in lines] == list(range(22))


def test_no_character_is_lost_at_a_line_end(laid_out):
    """Marks that may not start a line (，。、) stay in the text: LibreOffice's own hanging of
    them drops them from justified lines."""
    text = "".join(line.text for lines in laid_out for line in lines)
    assert text == TITLE.replace("\n", "") + "".join(BODY) + BUREAU + "2024年10月8日"


def test_the_signature_two_characters_in_and_the_date_below_it(laid_out):
    signature, below = pdf_layout.line_of(laid_out, BUREAU)
    assert below is not None and below.text == "2024年10月8日"
    assert below.slot == signature.slot + 1
    assert signature.right == pytest.approx(RIGHT - RIGHT_SPACE, abs=1.5)  # 右空二字
    assert below.left - signature.left == pytest.approx(2 * PITCH, abs=1)  # 右移二字


def test_a_date_longer_than_the_signature_is_two_characters_in(tmp_path):
    pdf_layout.require_times_new_roman_widths()
    data = docwriter.write_document(
        "陆家嘴街道2024年质量月活动书面小结",
        SAMPLE_PARAGRAPHS[:1],
        signature="陆家嘴街道",
        date=datetime.date(2024, 9, 30),
    )
    laid_out = pdf_layout.pages(pdf_layout.to_pdf(data, tmp_path))
    signature, below = pdf_layout.line_of(laid_out, "陆家嘴街道")
    assert below is not None and below.text == "2024年9月30日"
    assert below.slot == signature.slot + 1
    assert below.right == pytest.approx(RIGHT - RIGHT_SPACE, abs=1.5)
    # Word and WPS put a quarter of a character between Chinese characters and figures,
    # LibreOffice a fifth: the 署名 may stand that much (at most 4 pt) off.
    assert signature.left - below.left == pytest.approx(2 * PITCH, abs=4)
