from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qualitymonth.orgs.models import OrgUnit
from qualitymonth.upward import keys, signing


class Command(BaseCommand):
    help = (
        "Make (or show) the district's key for signing its upward packages (上报包签名密钥) "
        "and print its public key and fingerprint: --district NAME [--rotate] [--export FILE]"
    )

    def add_arguments(self, parser):
        parser.add_argument("--district", required=True, help="the district's name, e.g. 浦东新区")
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="replace the district's key with a new one (the city must register it again)",
        )
        parser.add_argument("--export", type=Path, help="also write the public key to this file")

    def handle(self, *args, district: str, rotate: bool, export: Path | None, **options):
        if not OrgUnit.objects.filter(name=district, kind=OrgUnit.Kind.DISTRICT).exists():
            raise CommandError(f"本平台的组织机构中没有名为“{district}”的区。")
        path = keys.key_file(district)
        try:
            key = keys.load(district)
        except signing.KeyFormatError as error:
            if not rotate:
                raise CommandError(f"{error}（{path}）可加 --rotate 重新生成。") from error
            key = None
        if key is not None and not rotate:
            self.stdout.write(f"{district}已有上报包签名密钥（{path}），未作改动。")
        else:
            key = keys.create(district)
            self.stdout.write(f"已为{district}生成新的上报包签名密钥：{path}（仅本机可读）。")
            if rotate:
                self.stdout.write(
                    "旧密钥已作废：市级登记新公钥之前，本平台导出的上报包会被市级拒收。"
                )
        public = signing.public_pem(key)
        if export is not None:
            export.write_text(public, encoding="ascii")
            self.stdout.write(f"公钥已写入 {export}")
        self.stdout.write(
            f"\n{public}\n指纹：{signing.fingerprint(key.public_key())}\n\n"
            "请把公钥（上面 BEGIN 到 END 之间的全部内容，或 --export 写出的文件）交市级登记，"
            "并在电话中与市级核对指纹。私钥文件不要外传。"
        )
