import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qualitymonth.core.chinese import chinese_date, chinese_period
from qualitymonth.notices.parser import ParsedNotice, parse_notice
from qualitymonth.notices.reader import NoticeReadError, read_notice


class Command(BaseCommand):
    help = "Read a notice (.docx or .txt) and print what was read: qualitymonth import-notice FILE"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print JSON instead of text"
        )

    def handle(self, *args, file: Path, as_json: bool, **options):
        if not file.is_file():
            raise CommandError(f"找不到文件：{file}")
        try:
            source = read_notice(file.read_bytes(), file.name)
        except NoticeReadError as error:
            raise CommandError(str(error.message)) from error
        parsed = parse_notice(source)
        if as_json:
            self.stdout.write(json.dumps(parsed.to_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write("\n".join(describe(parsed)))


def describe(parsed: ParsedNotice) -> list[str]:
    """What was read, as a person checks it against the notice."""
    lines = [
        f"发文机关：{parsed.issuer}",
        f"发文字号：{parsed.doc_number}",
        f"标题：{parsed.title}",
        f"主送：{parsed.recipients}",
        f"活动主题：{parsed.theme}",
        f"活动时间：{chinese_period(parsed.start_date, parsed.end_date)}",
        f"活动类别 {len(parsed.categories)} 个，活动事项 {parsed.item_count} 项：",
    ]
    for category in parsed.categories:
        lines.append(f"  {category.label}{category.title}")
        for item in category.items:
            units = "、".join(item.lead_units)
            lines.append(f"    {item.label} {item.title}" + (f"（牵头：{units}）" if units else ""))
    lines += [f"活动要求：{len(parsed.requirements)} 条"]
    lines += [f"报送截止：{chinese_date(d.date)}（{d.text}）" for d in parsed.deadlines]
    lines += [
        f"联系人：{c.department}{c.name}，电话 {c.phone}，邮箱 {c.email}" for c in parsed.contacts
    ]
    lines += [
        f"成文日期：{chinese_date(parsed.signing_date)}",
        f"印发：{parsed.print_organ} {chinese_date(parsed.print_date)}",
        f"上报机关：{parsed.upward_recipient}",
    ]
    if parsed.warnings:
        lines.append("需要核对：")
        lines += [f"  - {warning.message}" for warning in parsed.warnings]
    return lines
