from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from qualitymonth.orgs.models import OrgUnit
from qualitymonth.upward import services, signing

from ._actor import actor


class Command(BaseCommand):
    help = (
        "Register a district's public key for its upward packages at the city, after checking "
        "its fingerprint by phone: --city NAME --district NAME --key FILE.pem --fingerprint F"
    )

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True, help="the city's name, e.g. 上海市")
        parser.add_argument("--district", required=True, help="the district's name")
        parser.add_argument("--key", type=Path, required=True, help="the district's public key")
        parser.add_argument(
            "--fingerprint", default="", help="the fingerprint the district read out by phone"
        )
        parser.add_argument("--user", help="act as this user (default: the system operator)")

    def handle(self, *args, city, district, key: Path, fingerprint, user, **options):
        found = OrgUnit.objects.filter(
            name=district,
            kind=OrgUnit.Kind.DISTRICT,
            parent__name=city,
            parent__kind=OrgUnit.Kind.CITY,
        ).first()
        if found is None:
            raise CommandError(f"没有{city}下属的“{district}”。")
        try:
            text = key.read_text(encoding="ascii", errors="replace")[: signing.MAX_KEY_TEXT + 1]
        except OSError as error:
            raise CommandError(f"无法读取文件 {key}：{error.strerror}") from error
        if not fingerprint.strip():
            raise CommandError(
                f"请先与{district}电话核对：由区级念出密钥指纹，"
                "加 --fingerprint 写上听到的指纹再运行。"
            )
        try:
            row = services.register_key(found, text, fingerprint, actor(user))
        except (PermissionDenied, ValidationError) as error:
            raise CommandError("；".join(getattr(error, "messages", [str(error)]))) from error
        self.stdout.write(f"已登记{district}的上报包签名公钥，指纹 {row.fingerprint}。")
