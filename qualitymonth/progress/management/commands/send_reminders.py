"""``qualitymonth send-reminders [--date YYYY-MM-DD]``: remind units with missing reports or
summaries, for every published campaign. Run it once a day from cron or a systemd timer; a
rerun the same day sends nothing new."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qualitymonth.core.chinese import chinese_date
from qualitymonth.progress.services import Kind, send_all_due_reminders


class Command(BaseCommand):
    help = "向信息报送或书面小结未报的单位发送催报提醒（每天运行一次）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="按这一天计算（YYYY-MM-DD），默认今天。",
        )

    def handle(self, *args, date=None, **options):
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(
                    f"日期“{date}”格式不对，应为 YYYY-MM-DD，例如 2024-09-27。"
                ) from error
        else:
            today = timezone.localdate()
        outcomes = send_all_due_reminders(today)
        total = 0
        for outcome in outcomes:
            if not outcome.due:
                continue
            total += len(outcome.sent)
            line = (
                f"{outcome.campaign.name}：提醒 {len(outcome.sent)} 个单位"
                f"（信息报送 {outcome.count(Kind.REPORT)}，书面小结 {outcome.count(Kind.SUMMARY)}）"
            )
            if outcome.already_sent:
                line += f"，{outcome.already_sent} 条此前已提醒"
            self.stdout.write(line)
            if outcome.without_reporter:
                names = "、".join(unit.name for unit in outcome.without_reporter)
                self.stdout.write(self.style.WARNING(f"  没有填报员、无法提醒的单位：{names}"))
        self.stdout.write(self.style.SUCCESS(f"{chinese_date(today)}：共发送 {total} 条催报提醒。"))
