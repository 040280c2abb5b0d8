"""A unit summary (书面小结) as LibreOffice lays it out (converted to PDF and read back): a
reporter's two pages and more of text at 28 characters a line and 22 lines a page, and the unit's
name with the date under it, the date being the longer of the two (GB/T 9704-2012 7.3.5.2)."""

import datetime

import pytest
from django.utils import timezone

from qualitymonth.summaries import services
from qualitymonth.summaries.document import summary_docx
from tests.core import pdf_layout
from tests.core.pdf_layout import PITCH, RIGHT, RIGHT_SPACE, SAMPLE_PARAGRAPHS

_laid_out: list = []  # converted once for the tests of this file


@pytest.fixture
def laid_out(reporter, campaign, lujiazui, accepted, tmp_path):
    if not _laid_out:
        summary = services.start_summary(reporter, campaign=campaign, org_unit=lujiazui)
        body = [summary.body, "四、经验做法", *SAMPLE_PARAGRAPHS, *SAMPLE_PARAGRAPHS]
        services.save_summary(summary, reporter, body="\n".join(body))
        sent = timezone.make_aware(datetime.datetime(2024, 9, 30, 16, 0))
        summary = services.submit_summary(summary, reporter, at=sent)
        _laid_out.append(pdf_layout.pages(pdf_layout.to_pdf(summary_docx(summary), tmp_path)))
    return _laid_out[0]


def test_a_unit_summary_runs_28_characters_a_line_and_22_lines_a_page(laid_out):
    assert pdf_layout.assert_28_characters_a_line(laid_out) >= 40
    pdf_layout.assert_on_the_grid(laid_out)
    full = [lines for lines in laid_out[1:-1] if lines[-1].slot == 21]
    assert full and all([line.slot for line in lines] == list(range(22)) for lines in full)


def test_the_unit_and_the_longer_date_under_it(laid_out):
    pdf_layout.require_times_new_roman_widths()
    signature, below = pdf_layout.line_of(laid_out, "陆家嘴街道")
    assert below is not None and below.text == "2024年9月30日"
    assert below.slot == signature.slot + 1
    assert below.right == pytest.approx(RIGHT - RIGHT_SPACE, abs=1.5)  # the date 右空二字
    # The unit's name starts two characters right of the date's first character, give or
    # take the gap LibreOffice puts between figures and characters (a fifth of a character
    # where Word and WPS put a quarter).
    assert signature.left - below.left == pytest.approx(2 * PITCH, abs=4)
