"""The time-limit clock of a case as staff read it: "剩余 3 个工作日", "剩余 45 日", "已暂停计时".

``now()`` and ``today()`` are the one place cases read the time, so a test can set the day a
case is received and the day staff look at it (the National Day story) by patching them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from qualitymonth.core.chinese import chinese_date
from qualitymonth.core.workdays import (
    CALENDAR,
    CalendarUnknown,
    days_between,
    last_known_year,
    working_days_between,
)

# Near a limit: this many working days or fewer left (settings.CASE_CLOCK_WARN_DAYS).
DEFAULT_WARN_DAYS = 2


def now() -> datetime.datetime:
    return timezone.now()


def today() -> datetime.date:
    return timezone.localdate(now())


def warn_days() -> int:
    return int(getattr(settings, "CASE_CLOCK_WARN_DAYS", DEFAULT_WARN_DAYS))


@dataclass(frozen=True)
class Clock:
    milestone: str  # "受理决定"
    due_on: datetime.date
    state: str  # "ok" | "near" | "over" | "paused" | "unknown"
    text: str  # "剩余 3 个工作日" / "今日到期" / "已超期 2 日" / "已暂停计时（…）"
    remaining: int | None  # days left in the limit's own unit (0 on the last day), < 0 when over
    note: str = ""  # why the date may still move: a provisional end

    @property
    def flagged(self) -> bool:
        return self.state in {"near", "over"}

    @property
    def due_text(self) -> str:
        return chinese_date(self.due_on)


def clock_of(deadline, on: datetime.date, warn: int) -> Clock:
    """The clock of a running ``CaseDeadline`` seen on day ``on``.

    A limit counted in calendar days shows calendar days ("剩余 45 日") but turns "near", like a
    working-day limit, when ``warn`` working days or fewer are left: staff act on working days,
    and a limit ending on a Monday must warn them on the Friday before.
    """
    milestone = deadline.get_milestone_display()
    due_on = deadline.due_on
    unit = "日" if deadline.counting == CALENDAR else "个工作日"
    note = ""
    if deadline.provisional:
        note = (
            f"暂定：{due_on.year}年的法定节假日安排尚未收录（已知至 {last_known_year()} 年），"
            "如期限届满日逢节假日，将顺延至节后第一个工作日。"
        )
    if deadline.paused_since is not None:
        pauses = getattr(deadline, "open_pauses", None)
        if pauses is None:
            pauses = list(deadline.pauses.filter(ended_on=None))
        why = pauses[0].get_reason_display() if pauses else ""
        since = chinese_date(deadline.paused_since)
        text = f"已暂停计时（{why}，自{since}起）" if why else f"已暂停计时（自{since}起）"
        return Clock(milestone, due_on, "paused", text, None, note)
    try:
        left = days_between(on, due_on, deadline.counting)
        working_left = working_days_between(on, due_on) if on <= due_on else None
    except CalendarUnknown as error:
        if deadline.counting != CALENDAR:
            return Clock(milestone, due_on, "unknown", error.message, None, note)
        working_left = (due_on - on).days if on <= due_on else None
    if on > due_on:
        over = -left
        text = f"已超期 {over} {unit}" if over else "已超期"
        return Clock(milestone, due_on, "over", text, -max(over, 1), note)
    text = f"剩余 {left} {unit}" if left else "今日到期"
    state = "near" if working_left is not None and working_left <= warn else "ok"
    return Clock(milestone, due_on, state, text, left, note)
