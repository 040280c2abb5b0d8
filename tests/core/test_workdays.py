"""Working-day arithmetic on the Chinese holiday calendar: plain values, no database."""

import datetime

import pytest

from qualitymonth.core.workdays import (
    CALENDAR,
    WORKING,
    CalendarUnknown,
    add_working_days,
    days_between,
    is_working_day,
    last_known_year,
    next_working_day,
    period_end,
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


# Periods under 《市场监督管理投诉举报处理办法》 第四十五条 ---------------------------------------


def test_a_complaint_received_before_national_day_2026_is_decided_within_7_working_days():
    # Received Tuesday 29 September 2026: day 1 the 30th, 1–7 October off, then the 8th, 9th,
    # the 调休 Saturday 10th, 12th, 13th and day 7 on Wednesday 14 October.
    assert period_end(D(2026, 9, 29), 7, WORKING) == D(2026, 10, 14)
    assert period_end(D(2026, 9, 29), 4, WORKING) == D(2026, 10, 10)  # 调休 Saturday counts


def test_sixty_calendar_days_count_every_day_after_the_first():
    # Accepted Friday 9 October 2026: day 60 is Tuesday 8 December, a working day.
    assert period_end(D(2026, 10, 9), 60, CALENDAR) == D(2026, 12, 8)
    assert days_between(D(2026, 10, 9), D(2026, 12, 8), CALENDAR) == 60
    assert days_between(D(2026, 12, 8), D(2026, 10, 9), CALENDAR) == -60


def test_a_last_day_on_national_day_moves_to_the_first_day_after_the_holiday():
    # Accepted Sunday 2 August 2026: day 60 is 1 October; the holiday runs to the 7th.
    assert period_end(D(2026, 8, 2), 60, CALENDAR) == D(2026, 10, 8)


def test_a_last_day_in_the_2026_spring_festival_moves_past_it():
    # Accepted Friday 19 December 2025: day 60 is 17 February 2026, inside the Spring Festival
    # holiday (15–23 February); the first working day after it is Tuesday the 24th.
    assert period_end(D(2025, 12, 19), 60, CALENDAR) == D(2026, 2, 24)


def test_a_last_day_on_a_weekend_moves_to_monday_but_a_tiaoxiu_saturday_stands():
    # Day 60 from 14 October 2026 is Sunday 13 December: a day off, so Monday the 14th.
    assert period_end(D(2026, 10, 14), 60, CALENDAR) == D(2026, 12, 14)
    # Saturday 10 October 2026 is a 调休 working day: a period ending there ends there.
    assert period_end(D(2026, 9, 10), 30, CALENDAR) == D(2026, 10, 10)
    assert next_working_day(D(2026, 10, 10)) == D(2026, 10, 10)
    assert next_working_day(D(2026, 10, 1)) == D(2026, 10, 8)


def test_working_day_periods_never_move():
    for start in (D(2026, 9, 25), D(2026, 9, 29), D(2026, 10, 3)):
        for count in range(1, 20):
            end = period_end(start, count, WORKING)
            assert is_working_day(end) and next_working_day(end) == end


def test_a_last_day_in_a_year_the_calendar_does_not_know_is_a_clear_chinese_error():
    # chinesecalendar 1.11 knows the State Council's arrangements up to 2026, so the 2027
    # Spring Festival (from 6 February 2027) is unknown: whether 7 February 2027 is a day off
    # cannot be told, and the period's end is not guessed.
    unknown = D(last_known_year() + 1, 2, 7)
    with pytest.raises(CalendarUnknown) as caught:
        period_end(unknown - datetime.timedelta(days=60), 60, CALENDAR)
    assert f"{unknown.year}年2月7日不在节假日数据范围内" in caught.value.message
    assert f"（已知 2004—{last_known_year()} 年）" in caught.value.message
    assert "请升级 chinesecalendar" in caught.value.message


def test_unknown_counting_and_negative_periods_are_refused():
    with pytest.raises(ValueError):
        period_end(D(2026, 10, 9), 5, "fortnights")
    with pytest.raises(ValueError):
        period_end(D(2026, 10, 9), -1, CALENDAR)
