"""``qualitymonth check-case-clocks [--date YYYY-MM-DD]``: tell handlers of cases near or past a
time limit. Run it every working day from cron or a systemd timer; each limit is announced near
once and past once, so reruns send nothing new."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from qualitymonth.cases import clock
from qualitymonth.cases.services import check_case_clocks
from qualitymonth.core.chinese import chinese_date


class Command(BaseCommand):
    help = "提醒承办人临近或超过办理时限的咨询投诉举报（每个工作日运行一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按这一天计算（YYYY-MM-DD），默认今天。")

    def handle(self, *args, date=None, **options):
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(
                    f"日期“{date}”格式不对，应为 YYYY-MM-DD，例如 2024-10-08。"
                ) from error
        else:
            today = clock.today()
        sent = check_case_clocks(today)
        for notice in sent:
            what = "已超期" if notice.state == "over" else "临近期限"
            self.stdout.write(
                f"{notice.case.tracking_number} {notice.deadline.get_milestone_display()}：{what}"
                f"（期限 {chinese_date(notice.deadline.due_on)}）"
            )
        near = sum(1 for n in sent if n.state == "near")
        self.stdout.write(
            self.style.SUCCESS(
                f"{chinese_date(today)}：提醒临近期限 {near} 件、已超期 {len(sent) - near} 件。"
            )
        )
