"""Working-day arithmetic on the Chinese holiday calendar: plain values, no database."""

import datetime

import pytest

from qualitymonth.core.workdays import (
    CalendarUnknown,
    add_working_days,
    is_working_day,
    working_days_between,
)

D = datetime.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2024, 9, 27), True),  # Friday
        (D(2024, 9, 28), False),  # Saturday
        (D(2024, 9, 29), True),  # Sunday made a workday (调休) for National Day
        (D(2024, 10, 1), False),  # National Day
        (D(2024, 10, 4), False),  # Friday inside the holiday
        (D(2024, 10, 7), False),  # Monday, last day of the holiday
        (D(2024, 10, 8), True),
        (D(2024, 10, 12), True),  # Saturday made a workday (调休)
        (D(2024, 10, 13), False),
        (D(2025, 10, 8), False),  # 2025: National Day and Mid-Autumn together, 1–8 October
        (D(2025, 9, 28), True),  # 2025's 调休 Sunday
        (D(2026, 1, 1), False),
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_a_complaint_received_before_national_day_2024_is_due_on_the_tiaoxiu_saturday():
    # Day 1 is Sunday 29 September (调休), day 2 the 30th, then 8–12 October.
    assert add_working_days(D(2024, 9, 27), 1) == D(2024, 9, 29)
    assert add_working_days(D(2024, 9, 27), 2) == D(2024, 9, 30)
    assert add_working_days(D(2024, 9, 27), 3) == D(2024, 10, 8)
    assert add_working_days(D(2024, 9, 27), 7) == D(2024, 10, 12)


def test_the_receipt_day_itself_never_counts():
    assert add_working_days(D(2024, 10, 8), 1) == D(2024, 10, 9)
    assert add_working_days(D(2024, 10, 8), 0) == D(2024, 10, 8)


def test_a_receipt_on_a_holiday_starts_the_clock_on_the_next_working_day():
    # Received during the holiday: day 1 is 8 October, the first working day after it.
    assert add_working_days(D(2024, 10, 3), 1) == D(2024, 10, 8)
    assert add_working_days(D(2024, 10, 3), 7) == D(2024, 10, 15)  # 8–12, 14, 15
    # Received on a Saturday before the 调休 Sunday: that Sunday is day 1.
    assert add_working_days(D(2024, 9, 28), 1) == D(2024, 9, 29)


def test_working_days_between_counts_the_days_after_start_up_to_end():
    assert working_days_between(D(2024, 9, 27), D(2024, 10, 12)) == 7
    assert working_days_between(D(2024, 9, 30), D(2024, 10, 8)) == 1  # the holiday is skipped
    assert working_days_between(D(2024, 10, 8), D(2024, 10, 8)) == 0
    assert working_days_between(D(2024, 10, 12), D(2024, 10, 15)) == 2  # 14th, 15th
    assert working_days_between(D(2024, 10, 15), D(2024, 10, 12)) == -2


def test_add_and_between_agree():
    start = D(2024, 9, 20)
    for count in range(0, 30):
        assert working_days_between(start, add_working_days(start, count)) == count


def test_a_date_beyond_the_known_years_is_a_clear_error():
    with pytest.raises(CalendarUnknown) as caught:
        add_working_days(D(2026, 12, 28), 10)
    assert "2027年" in caught.value.message
    assert "chinesecalendar" in caught.value.message
    with pytest.raises(CalendarUnknown):
        is_working_day(D(2003, 6, 1))


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2024, 10, 8), -1)
