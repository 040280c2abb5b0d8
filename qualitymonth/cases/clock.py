"""The time-limit clock of a case, in working days, as staff read it: "剩余 3 个工作日".

``now()`` and ``today()`` are the one place cases read the time, so a test can set the day a
case is received and the day staff look at it (the National Day story) by patching them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from qualitymonth.core.chinese import chinese_date
from qualitymonth.core.workdays import CalendarUnknown, working_days_between

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
    state: str  # "ok" | "near" | "over" | "unknown"
    text: str  # "剩余 3 个工作日" / "今日到期" / "已超期 2 个工作日"
    remaining: int | None  # working days left (0 on the last day), negative when over

    @property
    def flagged(self) -> bool:
        return self.state in {"near", "over"}

    @property
    def due_text(self) -> str:
        return chinese_date(self.due_on)


def clock_for(milestone: str, due_on: datetime.date, on: datetime.date, warn: int) -> Clock:
    """The clock of a limit ending on ``due_on`` (a working day), seen on day ``on``."""
    try:
        if on > due_on:
            over = working_days_between(due_on, on)
            text = f"已超期 {over} 个工作日" if over else "已超期"
            return Clock(milestone, due_on, "over", text, -max(over, 1))
        left = working_days_between(on, due_on)
    except CalendarUnknown as error:
        return Clock(milestone, due_on, "unknown", error.message, None)
    text = f"剩余 {left} 个工作日" if left else "今日到期"
    return Clock(milestone, due_on, "near" if left <= warn else "ok", text, left)
