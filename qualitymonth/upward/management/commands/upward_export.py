from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from qualitymonth.campaigns.models import Campaign
from qualitymonth.upward import services

from ._actor import actor


class Command(BaseCommand):
    help = "Write a district campaign's upward package (上报包): --campaign ID --out FILE.zip"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, required=True, help="the campaign's id")
        parser.add_argument("--out", type=Path, required=True, help="the .zip to write")
        parser.add_argument("--user", help="act as this user (default: the system operator)")

    def handle(self, *args, campaign: int, out: Path, user: str | None, **options):
        if out.suffix.lower() != ".zip":
            raise CommandError("输出文件的扩展名应为 .zip。")
        found = Campaign.objects.filter(pk=campaign).select_related("org_unit").first()
        if found is None:
            raise CommandError(f"没有编号为 {campaign} 的活动。")
        try:
            export = services.export_package(found, actor(user))
        except (PermissionDenied, ValidationError) as error:
            raise CommandError("；".join(getattr(error, "messages", [str(error)]))) from error
        out.write_bytes(export.data)
        self.stdout.write(
            f"{found.name}：{len(export.manifest['reports'])} 条采用信息，"
            f"{len(export.manifest['photos'])} 张照片 → {out}"
        )
