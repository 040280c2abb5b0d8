"""The demo campaign's district work summary as LibreOffice lays it out (converted to PDF and
read back): the body at 28 characters a line on the 22-line grid, the signature on one line and
the date under it as GB/T 9704-2012 7.3.5.2 places them for a document without a seal."""

import re

import pytest

from tests.core import pdf_layout
from tests.core.pdf_layout import PITCH, RIGHT, RIGHT_SPACE
from tests.worksummaries import test_document

demo = test_document.demo  # the summary built once from the demo data
_laid_out: list = []


@pytest.fixture
def laid_out(demo, tmp_path_factory):
    if not _laid_out:
        pdf = pdf_layout.to_pdf(demo["data"], tmp_path_factory.mktemp("summary"))
        _laid_out.append(pdf_layout.pages(pdf))
    return _laid_out[0]


def test_the_body_runs_28_characters_a_line(laid_out):
    assert pdf_layout.assert_28_characters_a_line(laid_out) >= 6


def test_the_lines_stand_on_the_22_line_grid(laid_out):
    pdf_layout.assert_on_the_grid(laid_out)
    first = laid_out[0]
    assert first[0].slot == 0 and first[0].text.startswith("上海市浦东新区市场监督管理局")
    assert first[2].text == "一、总体情况" and first[2].slot == 3  # a blank line after the title


def test_the_signature_on_one_line_and_the_date_under_it(laid_out):
    signature, below = pdf_layout.line_of(laid_out, "上海市浦东新区市场监督管理局")
    assert below is not None and re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", below.text)
    assert below.slot == signature.slot + 1
    assert signature.right == pytest.approx(RIGHT - RIGHT_SPACE, abs=1.5)  # 右空二字
    assert below.left - signature.left == pytest.approx(2 * PITCH, abs=1)  # 首字右移二字
