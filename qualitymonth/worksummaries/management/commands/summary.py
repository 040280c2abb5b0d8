from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qualitymonth.campaigns.models import Campaign
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.worksummaries import services
from qualitymonth.worksummaries.document import summary_docx


class Command(BaseCommand):
    help = (
        "Write a work summary (工作总结) as .docx: "
        "qualitymonth summary --campaign ID --out FILE.docx, or --city ID --year YEAR"
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, help="a district's campaign id")
        parser.add_argument("--city", type=int, help="a city's org unit id (with --year)")
        parser.add_argument("--year", type=int)
        parser.add_argument("--out", type=Path, required=True, help="the .docx to write")
        parser.add_argument(
            "--keep",
            action="store_true",
            help="write the summary as it stands, without refreshing its figures first",
        )

    def handle(self, *args, campaign, city, year, out: Path, keep: bool, **options):
        if out.suffix.lower() != ".docx":
            raise CommandError("输出文件的扩展名应为 .docx。")
        if bool(campaign) == bool(city):
            raise CommandError("请指定 --campaign，或者 --city 与 --year 之一。")
        if campaign:
            found = Campaign.objects.filter(pk=campaign).select_related("org_unit").first()
            if found is None:
                raise CommandError(f"没有编号为 {campaign} 的活动。")
            summary = services.start_campaign_summary(None, found)
        else:
            unit = OrgUnit.objects.filter(pk=city, kind=OrgUnit.Kind.CITY).first()
            if unit is None or not year:
                raise CommandError("请用 --city 指定一个市级单位的编号，并用 --year 指定年度。")
            summary = services.start_city_summary(None, unit, year)
        if not keep or summary.generated_at is None:
            summary = services.generate(summary, None)
        out.write_bytes(summary_docx(summary))
        self.stdout.write(f"{summary.title} → {out}")
