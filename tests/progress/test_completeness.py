"""The counting rules of the 通报, on plain rows: no database."""

import datetime
from fractions import Fraction

from qualitymonth.progress.completeness import (
    ReportRow,
    SummaryRow,
    count_completeness,
    percent,
    reminder_window,
)

# Units 1 (北蔡), 2 (曹路), 3 (川沙) on items 10 and 20.
PINYIN = {1: "bei cai", 2: "cao lu", 3: "chuan sha"}
BOTH = [(1, 10), (1, 20), (2, 10), (2, 20), (3, 10), (3, 20)]


def count(assignments=BOTH, reports=(), summaries=(), **kwargs):
    return count_completeness(
        assignments, reports, summaries, unit_sort_keys=PINYIN, item_order=[10, 20], **kwargs
    )


def test_each_assignment_expects_one_item_and_each_unit_one_summary():
    result = count([(1, 10), (1, 20), (2, 10)])
    assert result.reports.expected == 3
    assert result.reports.missing == 3
    assert result.summaries.expected == 2
    assert result.summaries.missing == 2
    assert [u.reports.expected for u in sorted(result.units, key=lambda u: u.unit_id)] == [2, 1]


def test_submitted_returned_and_accepted_are_sent_a_draft_is_not():
    result = count(
        reports=[
            ReportRow(1, 10, "submitted"),
            ReportRow(1, 20, "returned"),
            ReportRow(2, 10, "accepted"),
            ReportRow(2, 20, "draft"),
        ]
    )
    units = {u.unit_id: u for u in result.units}
    assert units[1].reports.sent == 2
    assert units[2].reports.sent == 1
    assert units[2].reports.missing == 1
    assert units[2].cells[1].drafts == 1
    assert result.reports.sent == 3
    assert result.reports.missing == 3


def test_an_item_is_on_time_if_any_sent_report_was_late_only_if_all_were():
    result = count(
        reports=[
            ReportRow(1, 10, "submitted", is_late=True),
            ReportRow(1, 10, "accepted", is_late=False),
            ReportRow(1, 20, "submitted", is_late=True, count=2),
            ReportRow(1, 20, "draft", is_late=False),  # a draft on time is still not sent
        ]
    )
    unit = result.unit(1)
    assert (unit.reports.on_time, unit.reports.late) == (1, 1)
    assert [cell.state for cell in unit.cells] == ["on_time", "late"]
    assert unit.report_count == 4
    assert unit.accepted_report_count == 1


def test_accepted_counts_items_with_an_accepted_report():
    result = count(
        reports=[
            ReportRow(1, 10, "accepted", count=3),
            ReportRow(1, 20, "submitted"),
        ]
    )
    unit = result.unit(1)
    assert unit.reports.accepted == 1
    assert unit.accepted_report_count == 3


def test_rows_of_unassigned_units_and_items_are_ignored():
    result = count([(1, 10)], reports=[ReportRow(1, 99, "accepted"), ReportRow(7, 10, "accepted")])
    assert result.reports.sent == 0
    assert [u.unit_id for u in result.units] == [1]


def test_summaries_count_like_reports():
    result = count(
        summaries=[
            SummaryRow(1, "accepted"),
            SummaryRow(2, "submitted", is_late=True),
            SummaryRow(3, "draft"),
            SummaryRow(9, "accepted"),  # not an assigned unit
        ]
    )
    assert result.summaries.expected == 3
    assert (result.summaries.sent, result.summaries.accepted) == (2, 1)
    assert (result.summaries.on_time, result.summaries.late, result.summaries.missing) == (1, 1, 1)
    states = {u.unit_id: u.summary for u in result.units}
    assert states[2].late and states[2].sent
    assert states[3].missing and states[3].status == "draft"


def test_units_rank_by_completion_then_on_time_then_accepted():
    result = count(
        reports=[
            # 川沙: both items, one late → 100 %, on time 50 %
            ReportRow(3, 10, "submitted"),
            ReportRow(3, 20, "submitted", is_late=True),
            # 曹路: both items on time, one accepted → first
            ReportRow(2, 10, "accepted"),
            ReportRow(2, 20, "submitted"),
            # 北蔡: one item → 50 %
            ReportRow(1, 10, "accepted"),
        ]
    )
    assert [(u.unit_id, u.rank) for u in result.units] == [(2, 1), (3, 2), (1, 3)]
    assert result.units[0].reports.completion_rate == 1
    assert result.units[1].reports.on_time_rate == Fraction(1, 2)


def test_accepted_count_breaks_a_tie_of_rates():
    result = count(
        reports=[
            ReportRow(1, 10, "submitted"),
            ReportRow(1, 20, "submitted"),
            ReportRow(2, 10, "accepted"),
            ReportRow(2, 20, "submitted"),
        ]
    )
    assert [u.unit_id for u in result.units[:2]] == [2, 1]


def test_equal_units_share_a_rank_in_pinyin_order():
    result = count(reports=[ReportRow(3, 10, "submitted"), ReportRow(1, 10, "submitted")])
    assert [(u.unit_id, u.rank) for u in result.units] == [(1, 1), (3, 1), (2, 3)]


def test_items_keep_plan_order_and_list_their_missing_units_in_pinyin_order():
    result = count_completeness(
        [(3, 20), (1, 20), (2, 10)],
        [ReportRow(2, 10, "submitted")],
        unit_sort_keys=PINYIN,
        item_order=[20, 10],
    )
    assert [i.item_id for i in result.items] == [20, 10]
    assert result.items[0].missing_unit_ids == [1, 3]
    assert result.items[1].missing_unit_ids == []
    assert result.items[1].reports.on_time == 1


def test_a_unit_is_complete_with_every_item_and_its_summary_sent():
    result = count(
        [(1, 10)],
        reports=[ReportRow(1, 10, "returned")],
        summaries=[SummaryRow(1, "returned")],
    )
    assert result.unit(1).is_complete


def test_empty_campaign():
    result = count([])
    assert result.units == [] and result.items == []
    assert result.reports.completion_rate == 0
    assert percent(result.reports.completion_rate) == "0%"


def test_percent_as_people_read_it():
    assert percent(Fraction(2, 3)) == "66.7%"
    assert percent(Fraction(1)) == "100%"
    assert percent(Fraction(1, 8)) == "12.5%"


def test_reminder_window_counts_days_left_up_to_the_deadline():
    due = datetime.date(2024, 9, 25)
    assert reminder_window(due, 3, datetime.date(2024, 9, 21)) is None
    assert reminder_window(due, 3, datetime.date(2024, 9, 22)) == 3
    assert reminder_window(due, 3, datetime.date(2024, 9, 25)) == 0
    assert reminder_window(due, 3, datetime.date(2024, 9, 26)) is None
    assert reminder_window(due, 0, datetime.date(2024, 9, 25)) == 0
    assert reminder_window(None, 3, datetime.date(2024, 9, 25)) is None
