"""Chinese statutory working days (工作日) and the periods counted on them. Weekends and public
holidays are off, 调休 weekends on.

Pure Python on chinesecalendar, which carries the State Council's holiday arrangements
(国务院办公厅关于…部分节假日安排的通知) year by year; version 1.11 knows 2004–2026. A date outside
the years it knows raises `CalendarUnknown` instead of guessing: a statutory clock counted on a
guessed calendar is worse than a clear error. Upgrading chinesecalendar each December, when the
next year's arrangement is published, extends the range.

How a time limit is counted ("自收到投诉之日起七个工作日内"):
- the day of the start event itself is never counted (民法典 第二百零一条: 按照日计算期间的，
  开始的当日不计入，自下一日开始计算);
- so day 1 is the first working day *after* the start date, and the limit ends at the end of the
  N-th such working day. A complaint received on Friday 2024-09-27 has 2024-09-29 (a Sunday made a
  workday, 调休) as day 1 and Saturday 2024-10-12 (调休 again) as day 7; the National Day holiday
  2024-10-01..07 does not count.
- a receipt on a weekend or holiday is the same rule seen from the other side: the clock starts on
  the next working day, which is day 1.

Periods in calendar days (《市场监督管理投诉举报处理办法》, 总局令第121号, 第四十五条: mediation
ends 60 days after acceptance) follow the same counting rule: the first day is not counted, the
period ends on its last day, and a last day that falls on a statutory holiday moves to the first
day after it. "Statutory holiday" is read as the courts read 法定休假日 in 民事诉讼法 第八十五条:
every day off, the public holidays and the ordinary weekend alike, so a last day on a Sunday moves
to Monday; a 调休 Saturday is a working day and ends the period where it falls. A period counted in
working days always ends on a working day, so the rule never moves it.
"""

from __future__ import annotations

import datetime

import chinese_calendar

__all__ = [
    "CALENDAR",
    "WORKING",
    "CalendarUnknown",
    "add_working_days",
    "days_between",
    "first_known_year",
    "is_working_day",
    "last_known_year",
    "next_working_day",
    "period_end",
    "working_days_between",
]

# How a period is counted: in working days, or in calendar days (自然日).
WORKING = "working"
CALENDAR = "calendar"


class CalendarUnknown(ValueError):
    """The date lies outside the years whose holidays the calendar knows."""

    def __init__(self, day: datetime.date):
        self.day = day
        self.message = (
            f"{day.year}年{day.month}月{day.day}日不在节假日数据范围内"
            f"（已知 {first_known_year()}—{last_known_year()} 年），"
            "无法按法定节假日和调休计算期限；请升级 chinesecalendar 以取得新年度的放假安排。"
        )
        super().__init__(self.message)


def first_known_year() -> int:
    return min(day.year for day in chinese_calendar.constants.holidays)


def last_known_year() -> int:
    return max(day.year for day in chinese_calendar.constants.holidays)


def is_working_day(day: datetime.date) -> bool:
    """Whether ``day`` is a working day: Monday–Friday not on holiday, or a 调休 weekend."""
    if isinstance(day, datetime.datetime):
        day = day.date()
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError as error:
        raise CalendarUnknown(day) from error


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The ``count``-th working day after ``start`` (``start`` itself never counts).

    ``add_working_days(d, 0)`` is ``d``. A negative ``count`` is refused: a limit counts forward.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if isinstance(start, datetime.datetime):
        start = start.date()
    day = start
    found = 0
    one_day = datetime.timedelta(days=1)
    while found < count:
        day += one_day
        if is_working_day(day):
            found += 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """The working days ``d`` with ``start < d <= end``; negative when ``end`` is before ``start``.

    ``working_days_between(today, due)`` is what is left of a limit (0 on its last day);
    ``working_days_between(due, today)`` how far past it a case is.
    """
    if isinstance(start, datetime.datetime):
        start = start.date()
    if isinstance(end, datetime.datetime):
        end = end.date()
    if end < start:
        return -working_days_between(end, start)
    one_day = datetime.timedelta(days=1)
    count = 0
    day = start
    while day < end:
        day += one_day
        if is_working_day(day):
            count += 1
    return count


def next_working_day(day: datetime.date) -> datetime.date:
    """``day`` itself when it is a working day, otherwise the first working day after it."""
    if isinstance(day, datetime.datetime):
        day = day.date()
    one_day = datetime.timedelta(days=1)
    while not is_working_day(day):
        day += one_day
    return day


def period_end(start: datetime.date, count: int, counting: str = WORKING) -> datetime.date:
    """The last day of a period of ``count`` days from ``start`` (第四十五条, see above).

    In working days it is ``add_working_days``; in calendar days, the ``count``-th day after
    ``start``, moved to the next working day when it is a day off. Raises ``CalendarUnknown``
    when the calendar does not know a day the answer depends on.
    """
    if counting == WORKING:
        return add_working_days(start, count)
    if counting != CALENDAR:
        raise ValueError(f"unknown counting {counting!r}")
    if count < 0:
        raise ValueError("count must not be negative")
    if isinstance(start, datetime.datetime):
        start = start.date()
    return next_working_day(start + datetime.timedelta(days=count))


def days_between(start: datetime.date, end: datetime.date, counting: str = WORKING) -> int:
    """The days ``d`` with ``start < d <= end`` that count for a period of this kind: working
    days, or every day; negative when ``end`` is before ``start``."""
    if counting == WORKING:
        return working_days_between(start, end)
    if isinstance(start, datetime.datetime):
        start = start.date()
    if isinstance(end, datetime.datetime):
        end = end.date()
    return (end - start).days
