"""Cases from a 全国12315平台 export (.xlsx): map its columns to ours, check every row, show the
problems, then create the cases in one transaction (``services.import_cases``).

Exports differ by province and by the columns a person chose, so columns are found by name: the
header row is the first of the top rows naming a 工单号 column, each of our fields is matched to
the first column bearing one of its usual names (``FIELDS``), and the person may change any
match on the preview before confirming. A row whose 工单号 a case already has is shown as
imported and left alone, so importing the same file twice changes nothing.

The file is read through ``core.xlsx.read_table`` (the bounded reader every import uses); only
the header row is peeked at first, through the same reader underneath.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from dataclasses import dataclass, field

from django.utils import timezone

from qualitymonth.core.privacy import mask_name, mask_phone
from qualitymonth.core.sheetreader import MAX_COLUMNS, XlsxError, sheet_rows
from qualitymonth.core.xlsx import HEADER_ROWS, SPARE_ROWS, read_table

from . import clock
from .models import Case, CaseKind
from .services import NUMBER_12315_RE, CaseInput, ImportedCase

MAX_ROWS = 5000
MAX_SUBJECT = 200


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    names: tuple[str, ...]  # the usual column names, best first
    required: bool = False


FIELDS = [
    Field(
        "number",
        "12315工单号",
        ("工单编号", "工单号", "登记编号", "投诉举报编号", "诉求编号", "编号", "单号"),
        required=True,
    ),
    Field("kind", "类型", ("诉求类型", "工单类型", "类型", "类别", "业务类型", "登记类型")),
    Field(
        "received",
        "登记时间",
        ("登记时间", "登记日期", "接收时间", "受理时间", "来件时间", "创建时间", "提交时间"),
        required=True,
    ),
    Field("contact", "诉求人", ("诉求人", "诉求人姓名", "投诉人", "举报人", "姓名", "联系人")),
    Field("mobile", "联系电话", ("联系电话", "诉求人电话", "手机号码", "手机号", "电话")),
    Field(
        "business",
        "被诉对象",
        ("被诉对象", "被投诉人", "被举报人", "被投诉对象", "被举报对象", "经营者名称", "涉及主体"),
    ),
    Field(
        "address",
        "被诉对象地址",
        ("被诉对象地址", "被投诉人地址", "被举报人地址", "经营者地址", "涉及地址", "地址"),
    ),
    Field("subject", "商品或服务", ("商品或服务", "商品名称", "服务名称", "涉及商品", "标题")),
    Field(
        "description",
        "诉求内容",
        ("诉求内容", "投诉内容", "举报内容", "问题描述", "事实和理由", "内容", "情况说明"),
        required=True,
    ),
]
FIELD_BY_KEY = {f.key: f for f in FIELDS}

KIND_WORDS = [
    ("投诉", CaseKind.COMPLAINT),
    ("举报", CaseKind.REPORT),
    ("咨询", CaseKind.CONSULTATION),
]
TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
    "%Y%m%d",
)
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)


@dataclass
class Preview:
    headers: list[str]  # the file's columns
    mapping: dict[str, str]  # our field key → the file's column ("" = none)
    rows: list[RowCheck]

    @property
    def has_problems(self) -> bool:
        return any(row.problems for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "unchanged": 0, "problems": 0}
        for row in self.rows:
            counts["problems" if row.problems else row.action] += 1
        return counts

    def to_import(self) -> list[ImportedCase]:
        return [row.imported for row in self.rows if row.action == "create" and row.imported]


@dataclass
class RowCheck:
    number: int  # the row as Excel numbers it
    values: dict[str, str]  # our field key → the cell's text
    kind: str = ""
    existing: str = ""  # the tracking number of the case that has this 工单号
    action: str = ""  # "create" or "unchanged"
    imported: ImportedCase | None = None
    problems: list[str] = field(default_factory=list)

    def get(self, key: str) -> str:
        return self.values.get(key, "")

    @property
    def masked_contact(self) -> str:
        return mask_name(self.get("contact"))

    @property
    def masked_mobile(self) -> str:
        return mask_phone(self.get("mobile"))


def file_headers(data: bytes) -> list[str]:
    """The column names of the header row: the first of the top ``HEADER_ROWS`` rows naming
    one of the usual 工单号 columns. Raises ``XlsxError`` naming what is missing."""
    if not data.startswith(b"PK"):
        raise XlsxError("文件不是 Excel 工作簿（.xlsx）。请从全国12315平台导出为 .xlsx 后上传。")
    names = FIELD_BY_KEY["number"].names
    rows = sheet_rows(data, max_rows=MAX_ROWS + SPARE_ROWS, max_columns=MAX_COLUMNS)
    with contextlib.closing(rows):
        for number, values in rows:
            if number > HEADER_ROWS:
                break
            cells = [_header(value) for value in values]
            if any(name in cells for name in names):
                return [cell for cell in cells if cell]
    raise XlsxError(
        f"没有找到表头：前 {HEADER_ROWS} 行中应有一行包含工单号列"
        f"（{'、'.join(names[:4])}等）。请上传从全国12315平台导出的工单表。"
    )


def _header(value) -> str:
    # As core.xlsx reads a header: spaces inside a name ignored.
    return str(value).strip().replace(" ", "") if value is not None else ""


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Each field's column: the first usual name found among the headers, else none."""
    mapping = {}
    used: set[str] = set()
    for item in FIELDS:
        found = next((name for name in item.names if name in headers and name not in used), "")
        mapping[item.key] = found
        if found:
            used.add(found)
    return mapping


def preview(data: bytes, mapping: dict[str, str] | None, default_kind: str) -> Preview:
    """The file's rows under ``mapping`` (guessed when None), each checked. Raises
    ``XlsxError`` for a file that cannot be read as a table."""
    headers = file_headers(data)
    if mapping is None:
        mapping = guess_mapping(headers)
    mapping = {f.key: mapping.get(f.key, "") for f in FIELDS}
    rows: list[RowCheck] = []
    missing = [f.label for f in FIELDS if f.required and not mapping[f.key]]
    unknown = [column for column in mapping.values() if column and column not in headers]
    if missing or unknown:
        problem = (
            f"请为{'、'.join(missing)}选择对应的列。"
            if missing
            else f"文件中没有“{'、'.join(unknown)}”列，请重新选择。"
        )
        return Preview(headers, mapping, [RowCheck(0, {}, problems=[problem])])
    chosen = {key: column for key, column in mapping.items() if column}
    table = read_table(
        data,
        required=[chosen["number"]],
        optional=list(dict.fromkeys(chosen.values())),
        max_rows=MAX_ROWS,
    )
    for row in table:
        values = {key: row.values.get(column, "") for key, column in chosen.items()}
        rows.append(RowCheck(row.number, values))
    _check(rows, default_kind)
    return Preview(headers, mapping, rows)


def _check(rows: list[RowCheck], default_kind: str) -> None:
    numbers = [re.sub(r"\s+", "", row.get("number")).upper() for row in rows]
    existing = dict(
        Case.objects.filter(number_12315__in=[n for n in numbers if n]).values_list(
            "number_12315", "tracking_number"
        )
    )
    seen: dict[str, int] = {}
    now = clock.now()
    for row, number in zip(rows, numbers, strict=True):
        problems = row.problems
        if not number:
            problems.append("缺少12315工单号。")
        elif not NUMBER_12315_RE.match(number):
            problems.append(f"工单号“{number}”不是 6–40 位数字或字母。")
        elif number in seen:
            problems.append(f"与第 {seen[number]} 行的工单号相同。")
        seen.setdefault(number, row.number)
        row.kind = _kind(row.get("kind")) or (default_kind if not row.get("kind") else "")
        if not row.kind:
            problems.append(f"类型“{row.get('kind')}”无法识别，应含“投诉”“举报”或“咨询”。")
        received = _moment(row.get("received"))
        if received is None:
            problems.append(
                f"登记时间“{row.get('received')}”无法识别，请写成 2026-09-29 10:30 这样的日期时间。"
            )
        elif received > now:
            problems.append(f"登记时间 {received:%Y-%m-%d %H:%M} 晚于现在。")
        description = row.get("description")
        if not description:
            problems.append("缺少诉求内容。")
        if len(row.get("mobile")) > 20:
            problems.append("联系电话超过 20 个字符。")
        if number in existing:
            row.existing = existing[number]
            row.action = "unchanged"
            continue
        if problems:
            continue
        row.action = "create"
        subject = row.get("subject") or description.splitlines()[0]
        row.imported = ImportedCase(
            number_12315=number,
            received_at=received,
            data=CaseInput(
                kind=row.kind,
                org_unit=None,
                subject=subject[:MAX_SUBJECT],
                description=description,
                contact_name=row.get("contact")[:60],
                mobile=row.get("mobile"),
                business_name=row.get("business")[:200],
                business_address=row.get("address")[:300],
            ),
        )


def _kind(text: str) -> str:
    return next((kind for word, kind in KIND_WORDS if word in text), "")


def _moment(text: str) -> datetime.datetime | None:
    """A 登记时间 as the export writes it: a date and time in one of the usual forms, or the
    serial number Excel keeps a date cell as."""
    text = text.strip()
    if not text:
        return None
    value = None
    try:
        serial = float(text)
    except ValueError:
        for pattern in TIME_FORMATS:
            try:
                value = datetime.datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
    else:
        if 20000 < serial < 100000:  # 1954 … 2173
            value = EXCEL_EPOCH + datetime.timedelta(days=serial)
            value = value.replace(microsecond=0)
        elif len(text) == 8:
            return _moment(f"{text[:4]}-{text[4:6]}-{text[6:]}")
    if value is None:
        return None
    return timezone.make_aware(value)
