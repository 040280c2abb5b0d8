from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from qualitymonth.orgs.models import OrgUnit
from qualitymonth.upward import services
from qualitymonth.upward.package import PackageError

from ._actor import actor


class Command(BaseCommand):
    help = "Check and import a district's upward package (上报包) at a city: FILE.zip --city NAME"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the package .zip")
        parser.add_argument("--city", required=True, help="the city's name, e.g. 上海市")
        parser.add_argument("--user", help="act as this user (default: the system operator)")

    def handle(self, *args, file: Path, city: str, user: str | None, **options):
        cities = list(OrgUnit.objects.filter(name=city, kind=OrgUnit.Kind.CITY)[:2])
        if len(cities) != 1:
            raise CommandError(
                f"没有名为“{city}”的市级单位。" if not cities else f"有多个名为“{city}”的市级单位。"
            )
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"无法读取文件 {file}：{error.strerror}") from error
        try:
            row = services.import_file(data, file.name, actor(user), cities[0])
        except PackageError as error:
            raise CommandError(error.message) from error
        except (PermissionDenied, ValidationError) as error:
            raise CommandError("；".join(getattr(error, "messages", [str(error)]))) from error
        self.stdout.write(
            f"已导入{row.title}：{row.report_count} 条采用信息，{row.photo_count} 张照片"
            f"（校验值 {row.sha256}）"
        )
        for note in row.notes:
            self.stdout.write(f"注意：{note}")
