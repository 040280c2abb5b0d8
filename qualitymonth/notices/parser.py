"""Parse a Quality Month notice (通知) into structured data.

Pure Python (no Django). The entry point is `parse_notice`; it never raises. What it cannot place
is kept in `ParsedNotice.unplaced` and explained in `ParsedNotice.warnings`, whose messages are
Chinese templates with parameters so the web layer can mark them for translation.

The pipeline:

1. clean the text (control characters, full-width digits, traditional → simplified);
2. cut it into paragraphs: regroup tab/space separated plan tables, split a notice pasted on one
   line back into paragraphs, rejoin paragraphs broken by page breaks, remove stray spaces;
3. walk the paragraphs with a small state machine (header → preamble → sections → tail);
4. resolve dates once the campaign year is known, then check numbering and what is missing.
"""

from __future__ import annotations

import calendar
import itertools
import re
from collections.abc import Iterator
from dataclasses import astuple, dataclass, field
from datetime import date
from typing import Any

from qualitymonth.core.chinese import chinese_numeral, numeral_value, to_simplified
from qualitymonth.notices.reader import TABLE_PLACEHOLDER, TABLE_PLACEHOLDER_RE, NoticeSource

# --- result data classes ------------------------------------------------------------------------


@dataclass
class ParseWarning:
    template: str  # Chinese message with %(name)s placeholders
    params: dict = field(default_factory=dict)  # values for the placeholders (str/int only)
    excerpt: str = ""  # the text concerned, at most 80 characters

    @property
    def message(self) -> str:
        try:
            return self.template % self.params
        except (KeyError, TypeError, ValueError):
            return self.template

    def to_dict(self) -> dict:
        return {
            "template": self.template,
            "params": dict(self.params),
            "excerpt": self.excerpt,
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, d: dict) -> ParseWarning:
        return cls(template=d["template"], params=dict(d.get("params", {})), excerpt=d["excerpt"])


@dataclass
class ParsedItem:
    number: int | None  # the item's own number in the notice, None if unnumbered
    label: str  # numbering as written, normalised: "1." or "（1）"
    title: str  # the item's leading sentence without its final "。"
    description: str = ""  # the rest of the item's text
    lead_units: list[str] = field(default_factory=list)  # 牵头部门
    co_units: list[str] = field(default_factory=list)  # 协助部门 / 配合单位
    time_text: str = ""  # 活动时间 as written
    start_date: date | None = None
    end_date: date | None = None

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "label": self.label,
            "title": self.title,
            "description": self.description,
            "lead_units": list(self.lead_units),
            "co_units": list(self.co_units),
            "time_text": self.time_text,
            "start_date": _iso(self.start_date),
            "end_date": _iso(self.end_date),
        }

    @classmethod
    def from_dict(cls, d: dict) -> ParsedItem:
        return cls(
            number=d["number"],
            label=d["label"],
            title=d["title"],
            description=d["description"],
            lead_units=list(d["lead_units"]),
            co_units=list(d["co_units"]),
            time_text=d["time_text"],
            start_date=_from_iso(d["start_date"]),
            end_date=_from_iso(d["end_date"]),
        )


@dataclass
class ParsedCategory:
    number: int  # 1 for （一）
    label: str  # "（一）" with full-width brackets ("" for the implicit single category)
    title: str
    items: list[ParsedItem] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "label": self.label,
            "title": self.title,
            "items": [item.to_dict() for item in self.items],
        }

    @classmethod
    def from_dict(cls, d: dict) -> ParsedCategory:
        return cls(
            number=d["number"],
            label=d["label"],
            title=d["title"],
            items=[ParsedItem.from_dict(x) for x in d["items"]],
        )


@dataclass
class ParsedSection:
    heading: str
    body: str = ""

    def to_dict(self) -> dict:
        return {"heading": self.heading, "body": self.body}

    @classmethod
    def from_dict(cls, d: dict) -> ParsedSection:
        return cls(heading=d["heading"], body=d["body"])


@dataclass
class ParsedContact:
    name: str = ""
    phone: str = ""
    email: str = ""
    department: str = ""

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "phone": self.phone,
            "email": self.email,
            "department": self.department,
        }

    @classmethod
    def from_dict(cls, d: dict) -> ParsedContact:
        return cls(name=d["name"], phone=d["phone"], email=d["email"], department=d["department"])


@dataclass
class ParsedDeadline:
    date: date
    text: str  # the sentence it was found in, shortened

    def to_dict(self) -> dict:
        return {"date": self.date.isoformat(), "text": self.text}

    @classmethod
    def from_dict(cls, d: dict) -> ParsedDeadline:
        return cls(date=date.fromisoformat(d["date"]), text=d["text"])


@dataclass
class ParsedNotice:
    issuer: str = ""  # 发文机关
    doc_number: str = ""  # 发文字号, brackets normalised to 〔〕
    title: str = ""
    recipients: str = ""  # 主送机关, without the colon
    preamble: str = ""
    sections: list[ParsedSection] = field(default_factory=list)
    theme: str = ""
    start_date: date | None = None
    end_date: date | None = None
    categories: list[ParsedCategory] = field(default_factory=list)
    requirements: list[ParsedSection] = field(default_factory=list)
    deadlines: list[ParsedDeadline] = field(default_factory=list)
    contacts: list[ParsedContact] = field(default_factory=list)
    signing_date: date | None = None
    print_organ: str = ""  # 印发机关
    print_date: date | None = None
    upward_recipient: str = ""  # where the summary is reported upward
    year: int | None = None  # campaign year
    warnings: list[ParseWarning] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(len(category.items) for category in self.categories)

    def iter_items(self) -> Iterator[ParsedItem]:
        for category in self.categories:
            yield from category.items

    def to_dict(self) -> dict:
        return {
            "issuer": self.issuer,
            "doc_number": self.doc_number,
            "title": self.title,
            "recipients": self.recipients,
            "preamble": self.preamble,
            "sections": [s.to_dict() for s in self.sections],
            "theme": self.theme,
            "start_date": _iso(self.start_date),
            "end_date": _iso(self.end_date),
            "categories": [c.to_dict() for c in self.categories],
            "requirements": [r.to_dict() for r in self.requirements],
            "deadlines": [d.to_dict() for d in self.deadlines],
            "contacts": [c.to_dict() for c in self.contacts],
            "signing_date": _iso(self.signing_date),
            "print_organ": self.print_organ,
            "print_date": _iso(self.print_date),
            "upward_recipient": self.upward_recipient,
            "year": self.year,
            "warnings": [w.to_dict() for w in self.warnings],
            "unplaced": list(self.unplaced),
        }

    @classmethod
    def from_dict(cls, d: dict) -> ParsedNotice:
        return cls(
            issuer=d["issuer"],
            doc_number=d["doc_number"],
            title=d["title"],
            recipients=d["recipients"],
            preamble=d["preamble"],
            sections=[ParsedSection.from_dict(x) for x in d["sections"]],
            theme=d["theme"],
            start_date=_from_iso(d["start_date"]),
            end_date=_from_iso(d["end_date"]),
            categories=[ParsedCategory.from_dict(x) for x in d["categories"]],
            requirements=[ParsedSection.from_dict(x) for x in d["requirements"]],
            deadlines=[ParsedDeadline.from_dict(x) for x in d["deadlines"]],
            contacts=[ParsedContact.from_dict(x) for x in d["contacts"]],
            signing_date=_from_iso(d["signing_date"]),
            print_organ=d["print_organ"],
            print_date=_from_iso(d["print_date"]),
            upward_recipient=d["upward_recipient"],
            year=d["year"],
            warnings=[ParseWarning.from_dict(x) for x in d["warnings"]],
            unplaced=list(d["unplaced"]),
        )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _from_iso(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# --- warning templates --------------------------------------------------------------------------
# Kept together so the web layer (and translators) can see every message the parser produces.

W_INTERNAL = "解析通知时发生意外错误，已保留原文，请人工核对。"
W_TOO_LONG = "通知文字过长（%(chars)s 字），只解析了前 %(limit)s 字。"
W_NO_TEXT = "通知中没有可识别的文字。"
W_NO_TITLE = "未识别到通知标题。"
W_NO_ISSUER = "未识别到发文机关。"
W_NO_THEME = "未识别到活动主题。"
W_NO_PERIOD = "未识别到活动时间。"
W_NO_ITEMS = "未识别到活动事项。"
W_NO_YEAR = "未能确定活动年份，日期暂按 %(year)s 年计算，请核对。"
W_PERIOD_UNREADABLE = "活动时间“%(text)s”无法识别为日期。"
W_PERIOD_REVERSED = "活动结束日期早于开始日期，请核对。"
W_ITEM_DATE = "第%(number)s项的活动时间“%(text)s”无法识别为日期。"
W_ITEM_DATE_UNNUMBERED = "活动事项“%(title)s”的活动时间“%(text)s”无法识别为日期。"
W_NUMBER_GAP = "活动事项编号不连续：第%(previous)s项之后是第%(number)s项。"
W_NUMBER_BACK = "活动事项编号重复或倒序：第%(previous)s项之后是第%(number)s项。"
W_NUMBER_RESTART = "活动事项在各类别中分别从 1 开始编号，已保留原编号。"
W_UNPLACED = "有一段文字未能归入通知的任何部分，已保留在“未归类”中。"
W_UNPLACED_MORE = "另有 %(count)s 段文字未能归类，已保留在“未归类”中。"
W_TABLE_MISMATCH = "表格中的活动事项与正文的编号对不上，已作为单独的事项添加，请核对是否重复。"
W_TRADITIONAL_FAILED = "繁体字转换失败，已按原文解析。"

MAX_PARSE_CHARS = 2_000_000  # far beyond any real notice; keeps worst-case time bounded
_MAX_UNPLACED_WARNINGS = 20
_MAX_INLINE_STEPS = 32  # headings or document numbers read one after another in one paragraph
_EXCERPT_CHARS = 80

# --- character classes and patterns -------------------------------------------------------------

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉〔〕【】「」『』—…·"
_NUMERALS = "一二三四五六七八九十"
_CN_DATE_DIGITS = "〇○零一二三四五六七八九"
_FINAL_PUNCT = "。！？；：!?;:…”’」』"
_BOUNDARY = "。！？；：!?;:”’」』"

_TOP_HEADING_RE = re.compile(rf"^([{_NUMERALS}]{{1,3}})\s*[、.．]\s*(.*)$", re.S)
_CATEGORY_RE = re.compile(rf"^[（(]\s*([{_NUMERALS}]{{1,3}})\s*[）)]\s*[、.．]?\s*(.*)$", re.S)
_ITEM_RE = re.compile(r"^(\d{1,3})\s*[.．、](?![\d.．])\s*(.*)$", re.S)
_SUBPOINT_RE = re.compile(
    r"^(?:[（(]\s*(\d{1,2})\s*[）)]|(\d{1,2})\s*[)）]|([\u2460-\u2473]))\s*[、.．]?\s*(.*)$", re.S
)
_DOC_NUMBER_RE = re.compile(
    rf"([{_CJK}]{{1,10}})\s*[〔\[［(（【]\s*((?:19|20)\d{{2}})\s*[〕\]］)）】]\s*(\d{{1,5}})\s*号"
)
_TITLE_END_RE = re.compile(r"(?:通知|方案|意见|的函|通报|决定|安排|计划)")
_TITLE_ENDINGS = ("通知", "方案", "意见", "函", "通报", "决定", "安排", "计划")
_CLOSING_RE = re.compile(r"特此(?:通知|函告|通告|公告|函达)[。.！!]?$")
_ORGAN_SUFFIX_RE = re.compile(
    r"(?:局|委员会|委|办公室|政府|中心|领导小组|小组|协会|学会|联合会|研究所|所|院|厅|部|处|公司|集团)$"
)
_PAGE_NUMBER_RE = re.compile(
    r"^(?:[—\-–－―\s]*\d{1,3}[—\-–－―\s]*|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)$"
)
_DATE_DIGITS = r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
_DATE_CN = rf"[{_CN_DATE_DIGITS}]{{4}}\s*年\s*[{_NUMERALS}]{{1,3}}\s*月\s*[{_NUMERALS}]{{1,3}}\s*日"
_DATE_ANY = rf"(?:{_DATE_DIGITS}|{_DATE_CN})"
_DATE_LINE_RE = re.compile(rf"^[（(]?\s*({_DATE_ANY})\s*[）)]?$")
# "(?<!\s)": the organ's name ends where a run of spaces starts, so the spaces are not rescanned
# from each of their positions (a line of thousands of em spaces took seconds).
_PRINT_LINE_RE = re.compile(rf"^(.*?)(?<!\s)\s*({_DATE_ANY})\s*印\s*发$")

# Top-level headings we know, longest first so "活动时间安排" is not read as "活动时间".
_CONTENT_WORDS = (
    "活动内容",
    "主要内容",
    "重点活动",
    "主要活动",
    "活动项目",
    "具体安排",
    "活动安排",
    "工作安排",
    "工作内容",
    "活动计划",
    "重点工作",
    "主要任务",
    "重点任务",
    "工作任务",
    "具体活动",
)
_HEADING_KEYWORDS = sorted(
    {
        *_CONTENT_WORDS,  # the plan section is a heading too
        "指导思想",
        "总体要求",
        "工作目标",
        "活动目标",
        "目标任务",
        "基本原则",
        "活动主题",
        "主题",
        "活动时间",
        "时间安排",
        "活动期间",
        "活动日期",
        "活动范围",
        "活动对象",
        "参加对象",
        "参与对象",
        "组织领导",
        "组织机构",
        "组织架构",
        "活动要求",
        "工作要求",
        "有关要求",
        "相关要求",
        "具体要求",
        "保障措施",
        "组织保障",
        "工作保障",
        "工作措施",
        "其他事项",
        "联系方式",
        "实施步骤",
        "工作步骤",
        "活动步骤",
        "主办单位",
        "承办单位",
        "组织单位",
    },
    key=len,
    reverse=True,
)
_HEADING_KEYWORD_RE = re.compile("|".join(_HEADING_KEYWORDS))
_SECTION_ONLY = ("指导思想", "总体要求", "工作目标", "活动目标", "目标任务", "基本原则")

# Labelled fields inside an item ("牵头单位：…；配合单位：…；时间：…").
_FIELD_LABELS = {
    "lead": (
        "牵头单位",
        "牵头部门",
        "牵头处室",
        "责任单位",
        "责任部门",
        "责任处室",
        "主办单位",
        "主办部门",
        "承办单位",
    ),
    "co": (
        "协助部门",
        "协助单位",
        "配合单位",
        "配合部门",
        "配合处室",
        "协办单位",
        "参与单位",
        "参加单位",
        "协同单位",
        "参与部门",
        "协助处室",
    ),
    "time": ("活动时间", "时间安排", "完成时间", "实施时间", "时间"),
}
_FIELD_KIND = {label: kind for kind, labels in _FIELD_LABELS.items() for label in labels}
_FIELD_RE = re.compile("(" + "|".join(sorted(_FIELD_KIND, key=len, reverse=True)) + r")\s*[:：]\s*")

# Plan-table column names; "name" is a short activity name, "content" its text.
_COLUMN_NAMES = {
    "number": ("序号", "编号", "序", "项目编号", "号"),
    "category": ("类别", "活动类别", "分类", "类型", "板块", "活动类型"),
    "name": ("活动名称", "项目名称", "名称", "活动项目", "活动主题"),
    "content": (
        "活动内容",
        "工作内容",
        "内容",
        "主要内容",
        "具体内容",
        "活动安排",
        "工作任务",
        "活动事项",
        "事项",
        "项目",
        "活动",
    ),
    "time": (
        "活动时间",
        "时间",
        "时间安排",
        "日期",
        "活动日期",
        "完成时间",
        "起止时间",
        "实施时间",
        "时间节点",
        "计划时间",
    ),
    "lead": (
        "牵头部门",
        "牵头单位",
        "责任单位",
        "责任部门",
        "主办单位",
        "主办部门",
        "牵头处室",
        "责任处室",
        "牵头科室",
        "承办单位",
    ),
    "co": (
        "协助部门",
        "配合部门",
        "协办单位",
        "参与单位",
        "配合单位",
        "协助单位",
        "协同单位",
        "参加单位",
        "配合处室",
        "参与部门",
        "协助处室",
    ),
}


# --- public entry point -------------------------------------------------------------------------


def parse_notice(source: NoticeSource | str, *, today: date | None = None) -> ParsedNotice:
    """Parse a Quality Month notice into a `ParsedNotice`. Never raises.

    Recognises, in text or .docx (via `NoticeSource`):

    - the header: 发文机关 ("…文件"), 发文字号 (any bracket style → 〔2024〕), 标题 ("关于…的通知",
      also wrapped over two lines), 主送机关 ("…：") and the opening paragraph(s);
    - top-level sections "一、…": 指导思想 and other prose sections, 活动主题, 活动时间,
      活动内容 (the plan), 活动要求/工作要求 (requirements);
    - the plan: categories "（一）…" with items "1." / "1、" / "1．", sub-points "（1）" folded into
      the item's description, items without categories, unnumbered paragraphs as items,
      "牵头单位：…；配合单位：…；时间：…" fields, and plan tables (序号/活动内容/活动时间/牵头部门/
      协助部门 and their variants) from .docx or as tab/space separated text;
    - dates: "2024年9月1日至2024年9月30日", "9月1日—30日", "2024.9.1-2024.9.30", "9月上旬/中旬/
      下旬", "9月", "二〇二四年九月五日"; years missing from a date come from the notice;
    - reporting deadlines ("于9月30日前报送"), contacts (name/phone/e-mail/department), the
      unit reported to upward ("上报…办公室"), signature date, 印发机关 and 印发日期.

    Copes with page-break fragments, a notice pasted on one line, mixed full/half-width
    brackets, stray spaces between Chinese characters and traditional characters.
    `today` only supplies the year when the notice itself gives none.
    """
    try:
        return _Parser(today).parse(source)
    except Exception:  # the last line of defence: the import page must always get a result
        notice = ParsedNotice()
        text = getattr(source, "text", source)
        if isinstance(text, str) and text.strip():
            notice.unplaced.append(_CONTROL_RE.sub("", text[:MAX_PARSE_CHARS]))
        notice.warnings.append(ParseWarning(W_INTERNAL, {}))
        return notice


# --- text cleaning ------------------------------------------------------------------------------

_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufeff\u200b-\u200f\u2060]")
_BREAK_RE = re.compile("\r\n|[\r\x0c\u2028\u2029\x85]")
# Full-width ASCII letters, digits and @ → ASCII, so patterns need only one form of them.
_FULLWIDTH_TABLE = {
    **{code: code - 0xFEE0 for code in range(ord("０"), ord("９") + 1)},
    **{code: code - 0xFEE0 for code in range(ord("Ａ"), ord("Ｚ") + 1)},
    **{code: code - 0xFEE0 for code in range(ord("ａ"), ord("ｚ") + 1)},
    ord("＠"): ord("@"),
    0xA0: 0x20,  # no-break space
}


def _sanitize(text: str) -> str:
    text = _BREAK_RE.sub("\n", text)
    text = _CONTROL_RE.sub("", text)
    return text.translate(_FULLWIDTH_TABLE)


_QUOTED_RE = re.compile(r"“[^“”\n]*”|「[^「」\n]*」|『[^『』\n]*』|\"[^\"\n]*\"")
_LETTER_SPACED_RE = re.compile(
    rf"(?<![{_CJK}])[{_CJK}](?:[ \u3000]{{1,3}}[{_CJK}](?![{_CJK}])){{2,}}"
)
_SPACE_AT_PUNCT_RE = re.compile(
    rf"(?<=[{_CJK_PUNCT}])[ \u3000\t]+(?=[{_CJK}{_CJK_PUNCT}])"
    rf"|(?<=[{_CJK}])[ \u3000\t]+(?=[{_CJK_PUNCT}])"
)
_SPACE_BETWEEN_CJK_RE = re.compile(rf"(?<=[{_CJK}])[ \u3000\t]+(?=[{_CJK}])")
_CJK_CHAR_RE = re.compile(rf"[{_CJK}]")
_SPACE_AROUND_DATE_RE = re.compile(r"(?<=\d)[ \u3000]+(?=[年月日号])|(?<=[年月])[ \u3000]+(?=\d)")
_SPACES_RE = re.compile(r"[ \u3000\t]+")


def _squash_spaces(line: str) -> str:
    """Remove stray spaces between Chinese characters; keep the spaces of slogans.

    "质 量 月", "活动 主题" and "质量 强国" come from PDFs and justified text: a space next to a
    one- or two-character word is stray. "质量强国 浦东先行" and "“聚浦东 创未来”" are slogans
    whose space is meant: longer words on both sides, or inside quotes. Spaces next to Latin
    letters and digits are kept (single), except in dates ("2024 年 9 月").
    """
    line = _LETTER_SPACED_RE.sub(lambda m: re.sub(r"[ \u3000]", "", m.group()), line)
    parts: list[str] = []
    pos = 0
    for match in _QUOTED_RE.finditer(line):
        parts.append(_squash_unquoted(line[pos : match.start()]))
        parts.append(match.group())
        pos = match.end()
    parts.append(_squash_unquoted(line[pos:]))
    return _SPACES_RE.sub(" ", "".join(parts)).strip()


def _squash_unquoted(text: str) -> str:
    text = _SPACE_AT_PUNCT_RE.sub("", text)
    text = _SPACE_BETWEEN_CJK_RE.sub(_space_between_words, text)
    return _SPACE_AROUND_DATE_RE.sub("", text)


def _space_between_words(m: re.Match[str]) -> str:
    """Keep a space only between two words of three or more Chinese characters."""
    left = m.string[max(0, m.start() - 3) : m.start()]
    right = m.string[m.end() : m.end() + 3]
    long_words = len(left) == 3 == len(right) and all(_CJK_CHAR_RE.match(c) for c in left + right)
    return " " if long_words else ""


def _width(text: str) -> float:
    """Printed width in Chinese characters (Latin letters and digits are half as wide)."""
    narrow = len(text.encode("latin-1", "ignore"))  # counted in C: this runs on every line
    return len(text) - narrow / 2


def _shorten(text: str, limit: int = _EXCERPT_CHARS) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- cutting the text into paragraphs -----------------------------------------------------------


def _split_cells(line: str) -> list[str]:
    if "\t" in line:
        return [cell.strip() for cell in line.split("\t")]
    return [cell.strip() for cell in re.split(r"[ \u3000]{2,}", line.strip())]


def _is_tabular(line: str) -> bool:
    return "\t" in line.strip() or bool(re.search(r"\S[ \u3000]{2,}\S", line.strip()))


def _group_text_tables(lines: list[str], tables: list[list[list[str]]]) -> list[str]:
    """Turn a plan table pasted as text (cells split by tabs or 2+ spaces) into a table.

    The table is appended to `tables` and replaced by a placeholder line, so text tables and
    .docx tables take the same path.
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        header = _split_cells(line) if _is_tabular(line) else []
        if len(header) < 2 or _column_kinds(header) is None:
            out.append(line)
            i += 1
            continue
        rows = [header]
        i += 1
        while i < len(lines):
            row_line = lines[i]
            if _is_tabular(row_line) and len(_split_cells(row_line)) >= 2:
                rows.append(_split_cells(row_line))
            elif (
                _CATEGORY_RE.match(row_line.strip())
                and i + 1 < len(lines)
                and _is_tabular(lines[i + 1])
            ):
                rows.append([row_line.strip()])
            else:
                break
            i += 1
        tables.append(rows)
        out.append(TABLE_PLACEHOLDER.format(number=len(tables)))
    return out


def _skip_spaces(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _before_closings(line: str, end: int) -> str:
    """The text before the closing phrase starting at `end` and any just before it.

    "特此通知。特此通知。" ends the notice once. Each earlier phrase is looked for only in the few
    characters before the last one, so a line of thousands of them is read once.
    """
    while True:
        while end and line[end - 1].isspace():
            end -= 1
        again = _CLOSING_RE.search(line, max(0, end - 8), end)
        if not again:
            return line[:end].strip()
        end = again.start()


def _is_heading_line(line: str) -> bool:
    return bool(_TOP_HEADING_RE.match(line) or _CATEGORY_RE.match(line))


def _starts_structure(line: str) -> bool:
    """Does this paragraph open something new (so it cannot continue the previous one)?"""
    return bool(
        _TOP_HEADING_RE.match(line)
        or _CATEGORY_RE.match(line)
        or _ITEM_RE.match(line)
        or _SUBPOINT_RE.match(line)
        or _DATE_LINE_RE.match(line)
        or _PRINT_LINE_RE.match(line)
        or _CLOSING_RE.match(line)
        or TABLE_PLACEHOLDER_RE.match(line)
        or _FIELD_RE.match(line)
        or re.match(r"^(?:附件|抄送|主送|[^，。；：:]{0,12}联系人|联系电话|联系方式)", line)
        or _DOC_NUMBER_RE.fullmatch(line)
    )


def _is_standalone(line: str) -> bool:
    """Header and signature lines that never continue onto the next paragraph."""
    if _DOC_NUMBER_RE.fullmatch(line) or _DATE_LINE_RE.match(line) or _PRINT_LINE_RE.match(line):
        return True
    if line.endswith("文件") and _width(line) <= 40:
        return True
    if _looks_like_title(line) or _is_organ_line(line) or TABLE_PLACEHOLDER_RE.match(line):
        return True
    # A heading alone on its line ("（一）开展质量宣传，营造浓厚质量氛围") is complete.
    return _is_heading_line(line) and "。" not in line


@dataclass
class _Paragraph:
    """A paragraph being rebuilt from fragments; its state is kept so joining stays linear."""

    parts: list[str]
    width: float
    has_stop: bool
    standalone: bool
    after_theme: bool

    @classmethod
    def start(cls, line: str, previous: str | None) -> _Paragraph:
        heading = _TOP_HEADING_RE.match(previous) if previous and _width(previous) <= 40 else None
        return cls(
            parts=[line],
            width=_width(line),
            has_stop="。" in line,
            standalone=_is_standalone(line) if _width(line) <= 100 else False,
            # A theme line is short and complete without a full stop.
            after_theme=bool(heading and "主题" in heading.group(2)),
        )

    def continues_with(self, line: str) -> bool:
        """Is `line` the rest of this paragraph, cut by a page break or a hard line wrap?"""
        if self.parts[-1][-1] in _FINAL_PUNCT or self.standalone or self.after_theme:
            return False
        if _starts_structure(line):
            return False
        # A full printed line (~28 characters in GB/T 9704) or a paragraph already holding a
        # sentence end, stopping without punctuation, was cut.
        return self.width >= 22 or (self.has_stop and self.width >= 12)

    def add(self, line: str) -> None:
        if re.search(r"[A-Za-z0-9]$", self.parts[-1]) and re.match(r"[A-Za-z0-9]", line):
            self.parts.append(" ")
        self.parts.append(line)
        self.width += _width(line)
        self.has_stop = self.has_stop or "。" in line

    def text(self) -> str:
        return "".join(self.parts)


def _rejoin_fragments(lines: list[str]) -> list[str]:
    out: list[str] = []
    paragraph: _Paragraph | None = None
    for line in lines:
        if paragraph is not None and paragraph.continues_with(line):
            paragraph.add(line)
            continue
        if paragraph is not None:
            out.append(paragraph.text())
        paragraph = _Paragraph.start(line, out[-1] if out else None)
    if paragraph is not None:
        out.append(paragraph.text())
    return out


# A notice pasted without line breaks: cut it back into paragraphs before headings, categories,
# items, contacts, the closing phrase and the signature dates.

_MARKER_CACHE: dict[tuple[str, int], re.Pattern[str]] = {}
_MAX_MARKER = 99  # headings and categories are numbered 一 … 九十九
_ANY_TOP_MARKER_RE = re.compile(rf"(?<![{_NUMERALS}])([{_NUMERALS}]{{1,3}})\s*[、.．]\s*")
_CATEGORY_MARKER_RE = re.compile(rf"[（(]\s*([{_NUMERALS}]{{1,3}})\s*[）)]")
_ITEM_MARKER_RE = re.compile(
    r"(?<![\d.．A-Za-z])(\d{1,3})\s*[.．、](?![\s\d.．])|(?<![\d.．A-Za-z])(\d{1,3})\s*[.．、]\s+(?=\D)"
)
_CONTACT_MARKER_RE = re.compile(r"[^\s。；！？，：:“”]{0,10}联系人\s*[:：]")
_BOUNDARY_TOP_RE = re.compile(rf"(?:^|(?<=[{_BOUNDARY}]))[{_NUMERALS}]{{1,3}}、")


def _marker(kind: str, number: int) -> re.Pattern[str]:
    """The pattern of heading "五、" (kind "top") or category "（五）" (kind "category")."""
    key = (kind, number)
    if key not in _MARKER_CACHE:
        numeral = chinese_numeral(number)
        _MARKER_CACHE[key] = re.compile(
            rf"(?<![{_NUMERALS}]){numeral}\s*[、.．]\s*"
            if kind == "top"
            else rf"[（(]\s*{numeral}\s*[）)]"
        )
    return _MARKER_CACHE[key]


def _is_run_on(line: str) -> bool:
    if len(line) < 200:
        return False
    keyword_headings = sum(
        1 for m in _ANY_TOP_MARKER_RE.finditer(line) if _HEADING_KEYWORD_RE.match(line, m.end())
    )
    if keyword_headings >= 2 or len(_BOUNDARY_TOP_RE.findall(line)) >= 2:
        return True
    return len(_CATEGORY_MARKER_RE.findall(line)) >= 3


def _split_run_on(text: str, *, first_line: bool) -> list[str]:
    cuts = {0, len(text)}
    pos = _cut_header(text, cuts) if first_line else 0
    closing = _cut_closing(text, pos, cuts)
    for kind, start, end in _cut_top_headings(text, pos, closing, cuts):
        segments = _cut_categories(text, start, end, cuts)
        if kind in {"content", "other", "preamble"}:
            state = {"last": 0}
            for seg_start, seg_end in segments:
                _cut_items(text, seg_start, seg_end, cuts, state)
    _cut_contacts(text, pos, closing, cuts)
    _cut_tail(text, closing, cuts)
    points = sorted(cuts)
    pieces = (text[a:b].strip() for a, b in itertools.pairwise(points))
    return [piece for piece in pieces if piece]


# What follows "…文件" in a header: a document number or the title.
_AFTER_ISSUER_RE = re.compile(rf"\s*(?:[{_CJK}]{{1,10}}\s*[〔\[［(（【]\s*\d{{4}}|关于)")


def _cut_header(text: str, cuts: set[int]) -> int:
    pos = 0
    issuer_end = text.find("文件", 0, 60)
    if issuer_end >= 2 and _AFTER_ISSUER_RE.match(text, issuer_end + 2):
        pos = issuer_end + 2
        cuts.add(pos)
    doc = _DOC_NUMBER_RE.search(text, pos, pos + 80)
    if doc and doc.start() - pos <= 10:
        cuts.update({doc.start(), doc.end()})
        pos = doc.end()
    about = text.find("关于", pos, pos + 60)
    if about >= 0:
        end = _TITLE_END_RE.search(text, about, about + 120)
        if end:
            cuts.update({about, end.end()})
            pos = end.end()
            colon = re.search(r"[：:]", text[pos : pos + 50])
            if colon and "。" not in text[pos : pos + colon.start()]:
                pos = pos + colon.end()
                cuts.add(pos)
    return pos


def _cut_closing(text: str, start: int, cuts: set[int]) -> int:
    match = re.search(r"特此(?:通知|函告|通告|公告)[。.！!]?", text[start:])
    if not match:
        return len(text)
    cuts.update({start + match.start(), start + match.end()})
    return start + match.end()


_COLON_RE = re.compile(r"\s*[：:]")


def _cut_top_headings(text: str, start: int, end: int, cuts: set[int]) -> list[tuple]:
    segments: list[tuple] = []
    kind, seg_start, search = "preamble", start, start
    expected: int | None = None
    while True:
        found = None
        if expected is not None and expected > _MAX_MARKER:
            break
        pattern = _marker("top", expected) if expected else _ANY_TOP_MARKER_RE
        for m in pattern.finditer(text, search, end):
            keyword = _HEADING_KEYWORD_RE.match(text, m.end())
            at_boundary = m.start() == start or text[m.start() - 1] in _BOUNDARY + "\n "
            if keyword or at_boundary:
                found = (m, keyword)
                break
        if not found:
            break
        m, keyword = found
        segments.append((kind, seg_start, m.start()))
        cuts.add(m.start())
        if expected is None:
            expected = numeral_value(m.group(1)) or 1
        expected += 1
        if keyword:
            head_end = keyword.end()
            colon = _COLON_RE.match(text, head_end)
            head_end = colon.end() if colon else head_end
            cuts.add(head_end)
            kind = _classify_heading(keyword.group())
        else:
            head_end, kind = m.end(), "other"
        seg_start = search = head_end
    segments.append((kind, seg_start, end))
    return segments


def _cut_categories(text: str, start: int, end: int, cuts: set[int]) -> list[tuple[int, int]]:
    segments: list[tuple[int, int]] = []
    expected, seg_start, search = 1, start, start
    while expected <= _MAX_MARKER:
        m = _marker("category", expected).search(text, search, end)
        if not m:
            break
        segments.append((seg_start, m.start()))
        cuts.add(m.start())
        seg_start, search, expected = m.start(), m.end(), expected + 1
    segments.append((seg_start, end))
    return segments


def _cut_items(text: str, start: int, end: int, cuts: set[int], state: dict) -> None:
    allowed = {state["last"] + 1, 1}
    search = start
    while True:
        found = None
        for m in _ITEM_MARKER_RE.finditer(text, search, end):
            number = int(m.group(1) or m.group(2))
            if number in allowed:
                found = (m, number)
                break
        if not found:
            return
        m, number = found
        cuts.add(m.start())
        state["last"] = number
        allowed = {number + 1}
        search = m.end()


def _cut_contacts(text: str, start: int, end: int, cuts: set[int]) -> None:
    for m in _CONTACT_MARKER_RE.finditer(text, start, end):
        if m.start() > 0 and text[m.start() - 1] in _BOUNDARY:
            cuts.add(m.start())


def _cut_tail(text: str, start: int, cuts: set[int]) -> None:
    for m in re.finditer(_DATE_ANY + r"(?:\s*印\s*发)?", text[start:]):
        cuts.update({start + m.start(), start + m.end()})
    for m in re.finditer(r"抄送[:：]|附件\s*\d*[:：]?", text[start:]):
        cuts.add(start + m.start())


def _prepare_lines(text: str, tables: list[list[list[str]]]) -> list[str]:
    raw = [line.strip(" \t\u3000") for line in text.split("\n")]
    raw = [line for line in raw if line.strip() and not _PAGE_NUMBER_RE.match(line.strip())]
    raw = _group_text_tables(raw, tables)
    lines: list[str] = []
    for index, line in enumerate(raw):
        if TABLE_PLACEHOLDER_RE.match(line):
            lines.append(line)
            continue
        line = _squash_spaces(line)
        if _is_run_on(line):
            lines.extend(_squash_spaces(p) for p in _split_run_on(line, first_line=index == 0))
        elif line:
            lines.append(line)
    return _rejoin_fragments(lines)


# --- dates --------------------------------------------------------------------------------------

_DASH = r"(?:至|到|~|～|—+|–|-|－|―|─+)"
_PART = r"上中旬|中下旬|上旬|中旬|下旬|初|底|末"


def _date_token(p: str) -> str:
    """A date: "2024年9月1日", "9月1日", "9月上旬", "9月", or "2024.9.1"; groups prefixed `p`."""
    return (
        rf"(?:(?P<{p}y>\d{{4}})\s*年\s*)?(?P<{p}m>\d{{1,2}})\s*月\s*"
        rf"(?:(?P<{p}d>\d{{1,2}})\s*[日号]|(?P<{p}part>{_PART}))?"
        rf"|(?P<{p}ny>\d{{4}})\s*[./／\-]\s*(?P<{p}nm>\d{{1,2}})\s*[./／\-]\s*"
        rf"(?P<{p}nd>\d{{1,2}})(?!\d)"
    )


_RANGE_RE = re.compile(
    rf"(?:{_date_token('s')})"
    rf"(?:\s*{_DASH}\s*(?:{_date_token('e')}|(?P<tailday>\d{{1,2}})\s*[日号]|(?P<tailpart>{_PART})))?"
)
_CN_DATE_RE = re.compile(
    rf"([{_CN_DATE_DIGITS}]{{4}})\s*年\s*([{_NUMERALS}]{{1,3}})\s*月\s*([{_NUMERALS}]{{1,3}})\s*日"
)
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")


def _cn_dates_to_digits(text: str) -> str:
    """Chinese-numeral dates to digits: 二〇二四年九月五日 → 2024年9月5日."""

    def convert(m: re.Match[str]) -> str:
        parts = [numeral_value(g) for g in m.groups()]
        if None in parts:
            return m.group()
        return f"{parts[0]}年{parts[1]}月{parts[2]}日"

    return _CN_DATE_RE.sub(convert, text)


def _month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _part_days(part: str, year: int, month: int) -> tuple[int, int]:
    last = _month_end(year, month)
    return {
        "上旬": (1, 10),
        "中旬": (11, 20),
        "下旬": (21, last),
        "上中旬": (1, 20),
        "中下旬": (11, last),
        "初": (1, 10),
        "底": (21, last),
        "末": (21, last),
    }.get(part, (1, last))


@dataclass
class _DateMatch:
    start: date | None
    end: date | None
    text: str
    explicit_year: int | None


def _token(m: re.Match[str], p: str) -> tuple[int | None, int, int | None, str | None] | None:
    if m.group(p + "m"):
        year = m.group(p + "y")
        day = m.group(p + "d")
        return (
            int(year) if year else None,
            int(m.group(p + "m")),
            int(day) if day else None,
            m.group(p + "part"),
        )
    if m.group(p + "nm"):
        return int(m.group(p + "ny")), int(m.group(p + "nm")), int(m.group(p + "nd")), None
    return None


def _find_range(text: str, default_year: int | None) -> _DateMatch | None:
    """The first date or date range in `text`, with missing years taken from `default_year`."""
    text = _cn_dates_to_digits(text)
    for m in _RANGE_RE.finditer(text):
        start_token = _token(m, "s")
        if start_token is None:
            continue
        s_year, s_month, s_day, s_part = start_token
        if not 1 <= s_month <= 12:
            continue
        year = s_year or default_year
        explicit = s_year
        if year is None:
            return _DateMatch(None, None, m.group().strip(), None)
        try:
            first, last = (s_day, s_day) if s_day else _part_days(s_part or "", year, s_month)
            start = date(year, s_month, first)
            end = date(year, s_month, last)
            end_token = _token(m, "e")
            if end_token:
                e_year, e_month, e_day, e_part = end_token
                e_year = e_year or year
                if e_day:
                    end = date(e_year, e_month, e_day)
                else:
                    end = date(e_year, e_month, _part_days(e_part or "", e_year, e_month)[1])
                explicit = explicit or end_token[0]
            elif m.group("tailday"):
                end = date(year, s_month, int(m.group("tailday")))
            elif m.group("tailpart"):
                end = date(year, s_month, _part_days(m.group("tailpart"), year, s_month)[1])
            if end < start and not (end_token and end_token[0]):
                end = date(end.year + 1, end.month, end.day)  # "12月20日至1月10日"
        except ValueError:
            continue
        return _DateMatch(start, end, m.group().strip(), explicit)
    return None


_DEADLINE_RE = re.compile(
    r"(?P<date>(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*(?:\d{1,2}\s*[日号]|底|末)"
    r"|\d{4}\s*[./\-]\s*\d{1,2}\s*[./\-]\s*\d{1,2})"
    r"(?:\s*[（(][^）)]{0,8}[）)])?(?:\s*\d{1,2}\s*[:：时点]\s*(?:\d{1,2}\s*分?)?)?"
    r"\s*(?:前|之前|以前|为止)"
    r"|截止(?:时间|日期)?\s*(?:为|是|到|至)?\s*[:：]?\s*"
    r"(?P<date2>(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日号])"
)


def _deadlines_in(text: str, year: int | None) -> Iterator[ParsedDeadline]:
    text = _cn_dates_to_digits(text)
    for m in _DEADLINE_RE.finditer(text):
        raw = m.group("date") or m.group("date2")
        raw = re.sub(r"(\d{1,2})\s*月\s*(?:底|末)", lambda x: f"{x.group(1)}月下旬", raw)
        found = _find_range(raw, year)
        if found and found.end:
            yield ParsedDeadline(date=found.end, text=_sentence_around(text, m.start(), m.end()))


# How far a deadline's sentence is looked for on each side of its date. A longer sentence is cut
# to the part around the date anyway; without the bound, a paragraph of deadlines without a full
# stop would be scanned to its ends once per deadline.
_SENTENCE_REACH = 400


def _sentence_around(text: str, start: int, end: int) -> str:
    low, high = max(0, start - _SENTENCE_REACH), min(len(text), end + _SENTENCE_REACH)
    left = max(text.rfind(ch, low, start) for ch in "。！？\n")
    if left < 0:
        left = low - 1
    rights = [i for i in (text.find(ch, end, high) for ch in "。！？\n") if i >= 0]
    sentence = text[left + 1 : (min(rights) + 1 if rights else high)].strip()
    if len(sentence) <= _EXCERPT_CHARS:
        return sentence
    # Keep the part around the date when the sentence is long.
    offset = max(0, start - left - 1 - 30)
    return _shorten(("…" if offset else "") + sentence[offset:])


# --- contacts -----------------------------------------------------------------------------------

_CONTACT_START_RE = re.compile(
    rf"(?P<dept>[{_CJK}]{{0,12}}?)联系人(?:及(?:其)?(?:联系)?(?:电话|方式))?\s*[:：]"
)
# Used only when no "联系人" is named: "联系电话：68824341" / "咨询电话：…".
_CONTACT_FALLBACK_RE = re.compile(
    rf"(?P<dept>[{_CJK}]{{0,12}}?)(?:联系方式|咨询电话|联系电话)\s*[:：]"
)
_CONTACT_LABELS = (
    "联系电话|办公电话|固定电话|电话|手机号码|手机|座机|传真|电子邮箱|电子信箱|邮箱|E-?mail|email|"
    "邮件|地址|联系人"
)
# An e-mail address starts where a run of address characters starts and its parts are as long
# as RFC 5321 allows (local part 64, domain labels 63): unbounded, a long run of letters or
# digits without "@" was rescanned from every one of its characters.
_EMAIL = (
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{1,64}"
    r"@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,8}"
)
_CONTACT_TOKEN_RE = re.compile(
    rf"(?P<email>{_EMAIL})"
    r"|(?P<phone>(?<!\d)(?:1[3-9]\d{9}|[48]00[-－—]?\d{3}[-－—]?\d{4}"
    r"|(?:0\d{2,3}[-－—]?)?\d{7,8}(?:[-－—转]\d{1,6})?)(?!\d))"
    rf"|(?P<label>{_CONTACT_LABELS})"
    # A name stops where a label starts: "张三电话：…" once the space between them is gone.
    rf"|(?P<word>(?:(?!{_CONTACT_LABELS})[{_CJK}·])+)"
)
_DEPT_SUFFIX_RE = re.compile(r"(?:处|科|室|局|所|中心|办|部|组|队|站|股|院|委)$")
_NAME_SUFFIXES = ("同志",)
_NOT_NAMES = {"联系", "电话", "邮箱", "各单位", "如下", "地址", "手机", "传真", "座机"}


def _contacts_in(line: str) -> list[ParsedContact]:
    line = re.sub(r"[（(]\s*(0\d{2,3})\s*[）)]\s*(?=\d{7,8})", r"\1-", line)
    starts = list(_CONTACT_START_RE.finditer(line))
    if not starts:
        starts = list(_CONTACT_FALLBACK_RE.finditer(line))[:1]
    contacts: list[ParsedContact] = []
    for index, m in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(line)
        dept = m.group("dept")
        dept = dept if _DEPT_SUFFIX_RE.search(dept) else ""
        contacts.extend(_contacts_in_segment(line[m.end() : end], dept))
    return contacts


def _contacts_in_segment(segment: str, department: str) -> list[ParsedContact]:
    found: list[ParsedContact] = []
    skip_value = False
    for token in _CONTACT_TOKEN_RE.finditer(segment):
        kind = token.lastgroup
        value = token.group()
        if kind == "label":
            skip_value = value in {"传真", "地址"}
            continue
        if skip_value:
            skip_value = False
            continue
        if kind == "word":
            name = value
            for suffix in _NAME_SUFFIXES:
                name = name.removesuffix(suffix)
            if len(name) > 5:
                break  # prose begins: the contact details are over
            if len(name) < 2 or name in _NOT_NAMES:
                continue
            found.append(ParsedContact(name=name, department=department))
        elif kind == "phone":
            if not found or found[-1].phone:
                found.append(ParsedContact(department=department))
            found[-1].phone = re.sub(r"[－—]", "-", value)
        elif kind == "email":
            if not found or found[-1].email:
                found.append(ParsedContact(department=department))
            found[-1].email = value
    # "联系人：张三、李四，电话：…" — names listed together share the phone that follows them.
    for index in range(len(found) - 2, -1, -1):
        if not found[index].phone and not found[index].email:
            found[index].phone = found[index + 1].phone
            found[index].email = found[index + 1].email
    return [c for c in found if c.name or c.phone or c.email]


# --- small text helpers -------------------------------------------------------------------------

_OPENERS = {
    "（": "）",
    "(": ")",
    "“": "”",
    "《": "》",
    "「": "」",
    "『": "』",
    "【": "】",
    "〔": "〕",
}


def _first_sentence_end(text: str, enders: str = "。！？!?") -> int | None:
    """Index of the first sentence end outside brackets and quotes."""
    stack: list[str] = []
    for index, ch in enumerate(text):
        if ch in _OPENERS:
            stack.append(_OPENERS[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
        elif ch in enders and not stack:
            return index
    return None


def _split_title(text: str) -> tuple[str, str]:
    """Leading sentence (without its final "。") and the rest."""
    text = text.strip()
    end = _first_sentence_end(text)
    if end is None and _width(text) > 60:
        # An unbalanced bracket or quote hides every full stop from the scan above.
        found = [i for i in (text.find(ch) for ch in "。！？") if i >= 0]
        end = min(found) if found else None
    if end is None and _width(text) > 60:
        end = _first_sentence_end(text, "；;")
    if end is None:
        return text.rstrip("；;，, "), ""
    return text[:end].strip(), text[end + 1 :].strip()


def _clean_theme(text: str) -> str:
    text = re.sub(r"^(?:活动)?主题\s*[:：]\s*", "", text.strip())
    text = text.rstrip("。.；; ")
    if len(text) >= 2 and text[0] in '“"「『' and text[-1] in '”"」』':
        inner = text[1:-1]
        if not re.search(r"[“”\"「」『』]", inner):
            text = inner
    return text.strip()


def _looks_like_title(line: str) -> bool:
    # Titles are short and have no sentence punctuation; a body fragment ending in "…实施方案"
    # must not be taken for one.
    if re.search(r"[。，；,;]", line) or _width(line) > 60 or len(line) < 4:
        return False
    core = line.rstrip("》）) ")
    return core.endswith(_TITLE_ENDINGS) and (
        core.startswith("关于") or "通知" in core or "方案" in core
    )


def _is_organ_line(line: str) -> bool:
    if not 2 <= len(line) <= 40 or re.search(r"[。，；：:,;!?！？、\d]", line):
        return False
    if not re.fullmatch(rf"[{_CJK}（）() \u3000]+", line):
        return False
    return bool(_ORGAN_SUFFIX_RE.search(line))


def _label_style(label: str) -> str:
    """Numbering style of a label: "1." dot, "（1）" paren, "1）" half, "①" circle."""
    if label.startswith("（"):
        return "paren"
    if label.endswith("）"):
        return "half"
    if label.endswith("."):
        return "dot"
    return "circle" if label else ""


def _normalise_doc_number(m: re.Match[str]) -> str:
    return f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号"


def _split_units(text: str) -> list[str]:
    units = []
    for unit in re.split(r"[、，,；;／/\n\s]+", text or ""):
        unit = unit.strip(" 。.：:")
        if unit and unit not in {"无", "—", "-", "--", "——", "/", "暂无"}:
            units.append(unit)
    return units


def _extract_fields(text: str) -> tuple[str, dict[str, str]]:
    """Pull "牵头单位：…；配合单位：…；时间：…" out of an item's text."""
    if "：" not in text and ":" not in text:
        return text, {}
    matches = list(_FIELD_RE.finditer(text))
    if not matches:
        return text, {}
    fields: dict[str, str] = {}
    spans: list[tuple[int, int]] = []
    for index, m in enumerate(matches):
        limit = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        stop = re.search(r"[。；;）)\n]", text[m.end() : limit])
        value_end = m.end() + (stop.start() if stop else limit - m.end())
        value = text[m.end() : value_end].strip(" ，,")
        kind = _FIELD_KIND[m.group(1)]
        if value and kind not in fields:
            fields[kind] = value
        end = value_end
        if end < len(text) and text[end] in "；;，,":
            end += 1
        spans.append((m.start(), end))
    kept, pos = [], 0  # the text between the fields, joined once (not cut out field by field)
    for start, end in spans:
        kept.append(text[pos:start])
        pos = end
    kept.append(text[pos:])
    remaining = "".join(kept)
    remaining = re.sub(r"[（(]\s*[）)]", "", remaining)  # brackets that held only the fields
    remaining = re.sub(r"([。；;，,])\s*[。；;，,]+", r"\1", remaining).strip(" ，,；;")
    return remaining, fields


# --- plan tables --------------------------------------------------------------------------------


def _column_kind(cell: str) -> str | None:
    name = re.sub(r"[\s（）()]", "", cell)
    if not name or len(name) > 12:
        return None
    for kind, names in _COLUMN_NAMES.items():
        if name in names:
            return kind
    for kind in ("lead", "co", "time", "category", "name", "content", "number"):
        if kind != "number" and any(n in name for n in _COLUMN_NAMES[kind] if len(n) >= 2):
            return kind
    return None


def _column_kinds(cells: list[str]) -> dict[int, str] | None:
    kinds: dict[int, str] = {}
    for index, cell in enumerate(cells):
        kind = _column_kind(cell)
        if kind and kind not in kinds.values():
            kinds[index] = kind
    found = set(kinds.values())
    if not found & {"content", "name"}:
        return None
    if not found & {"number", "time", "lead", "co"}:
        return None
    return kinds


def _parse_number_cell(text: str) -> int | None:
    """The number in a 序号 cell: "3", "3.", "（三）", "十二"; None for anything else.

    At most three digits, as in the text (`_ITEM_RE`): a longer "number" is not one, would not
    fit the database's small integer, and a 100,000-digit one took seconds to convert.
    """
    text = re.sub(r"[\s.．、（）()]", "", text or "")
    if len(text) > 3:
        return None
    if text.isdecimal():  # not isdigit(): int() refuses "²"
        return int(text)
    return numeral_value(text)


def _category_from_text(text: str) -> ParsedCategory:
    """A category from its heading: "（一）开展质量宣传", "一、开展质量宣传" or a bare title."""
    marker = _CATEGORY_RE.match(text) or _TOP_HEADING_RE.match(text)
    if not marker:
        return ParsedCategory(number=0, label="", title=_split_title(text)[0])
    label = f"（{marker.group(1)}）" if _CATEGORY_RE.match(text) else f"{marker.group(1)}、"
    title = _split_title(marker.group(2))[0]
    return ParsedCategory(number=numeral_value(marker.group(1)) or 0, label=label, title=title)


def _table_note(cells: list[str]) -> str:
    """The text of a note row ("备注：……", usually merged across the table), else ""."""
    filled = {cell for cell in cells if cell}
    if len(filled) != 1:
        return ""
    text = filled.pop()
    return text if re.match(r"^(?:备注|附注|说明|注\s*[:：])", text) else ""


def _table_category_row(cells: list[str], column: dict[str, int]) -> ParsedCategory | None:
    """A plan-table row that opens a category, or None for an item row.

    Three layouts: one text across the merged row; "（一）…" alone in the row; a Chinese numeral
    in the 序号 column ("一", "一、") with the category's title in the content column.
    """
    filled = [cell for cell in cells if cell]
    first = filled[0]
    if len(set(filled)) == 1:
        if _CATEGORY_RE.match(first) or _TOP_HEADING_RE.match(first):
            return _category_from_text(first)
        merged = len(cells) > 1 and len(filled) == len(cells)
        if merged and _parse_number_cell(first) is None:
            return _category_from_text(first)
        return None
    number_cell = cells[column["number"]] if "number" in column else ""
    if number_cell and not re.search(r"\d", number_cell) and _parse_number_cell(number_cell):
        title = next(
            (cells[column[k]] for k in ("name", "content") if k in column and cells[column[k]]),
            "",
        )
        category = _category_from_text(title)
        category.number = _parse_number_cell(number_cell) or 0
        category.label = f"{chinese_numeral(category.number)}、"
        return category
    return None


def _table_item(
    cells: list[str], column: dict[str, int], extras: dict[int, str]
) -> ParsedItem | None:
    """One plan-table row as an item; columns we do not know go to its description."""

    def cell(kind: str) -> str:
        return cells[column[kind]] if kind in column and column[kind] < len(cells) else ""

    name = _squash_spaces(cell("name").replace("\n", " "))
    content = "\n".join(_squash_spaces(p) for p in cell("content").split("\n") if p.strip())
    if not name and not content:
        return None
    number = _parse_number_cell(cell("number"))
    if name:
        title, description = name.rstrip("。"), content
    else:
        title, description = _split_title(content)
    details = [
        f"{header}：{_squash_spaces(cells[i])}"
        for i, header in extras.items()
        if i < len(cells) and cells[i].strip()
    ]
    return ParsedItem(
        number=number,
        label=f"{number}." if number is not None else "",
        title=title,
        description="\n".join(part for part in [description, *details] if part),
        lead_units=[_squash_spaces(u) for u in _split_units(cell("lead"))],
        co_units=[_squash_spaces(u) for u in _split_units(cell("co"))],
        time_text=_squash_spaces(cell("time").replace("\n", " ")),
    )


# --- the state machine --------------------------------------------------------------------------


@dataclass
class _CategoryState:
    """What a category collected besides its items, decided on when the section ends."""

    body: list[str] = field(default_factory=list)  # text after the title on the marker line
    pending: list[str] = field(default_factory=list)  # plain paragraphs before a numbered item
    numbered: bool = False


class _Parser:
    def __init__(self, today: date | None):
        self.today = today
        self.n = ParsedNotice()
        self.tables: list[list[list[str]]] = []
        self.mode = "header"
        self.top_heading = ""
        self.top_number = 0
        self.section: ParsedSection | None = None
        self.category: ParsedCategory | None = None
        self.item: ParsedItem | None = None
        self.states: dict[int, _CategoryState] = {}
        self.loose: list[str] = []  # plain paragraphs in 活动内容 before any category or item
        # Loose paragraphs of ended content sections: items if the notice has no other items
        # (tables included, which may come later), else text we could not place.
        self.deferred_loose: list[tuple[str, str]] = []
        self.content_heading = ""
        self.content_categories: list[ParsedCategory] = []
        self.requirement: ParsedSection | None = None
        self.requirement_style = ""
        self.period_lines: list[str] = []
        self.pending_organ = ""
        self.signature_organ = ""
        self.skip_next = False
        self.used_tables: set[int] = set()
        self.unplaced_warnings = 0
        self.remainder: tuple[str, str] | None = None  # what `_line` reads next, if anything
        self.contact_keys: set[tuple] = set()  # the contacts found so far, to skip repeats
        self.numbered_items: dict[int, ParsedItem] = {}  # see `_number_items`
        # Paragraphs appended to text fields, joined once at the end so that a huge input
        # (one paragraph after another into the same field) stays linear in time.
        self.parts: dict[tuple[int, str], tuple[Any, str, list[str]]] = {}

    # -- driver ---------------------------------------------------------------------------------

    def parse(self, source: NoticeSource | str) -> ParsedNotice:
        text, tables = self._read_source(source)
        if len(text) > MAX_PARSE_CHARS:
            self.warn(W_TOO_LONG, chars=len(text), limit=MAX_PARSE_CHARS)
            text = text[:MAX_PARSE_CHARS]
        text = _sanitize(text)
        self.tables = [self._clean_table(t) for t in tables]
        try:
            text = to_simplified(text)
            self.tables = [
                [[to_simplified(cell) for cell in row] for row in table] for table in self.tables
            ]
        except Exception:
            self.warn(W_TRADITIONAL_FAILED)
        lines = _prepare_lines(text, self.tables)
        if not lines:
            self.warn(W_NO_TEXT)
        self._feed(lines)
        self._finish()
        return self.n

    @staticmethod
    def _read_source(source: Any) -> tuple[str, list]:
        if isinstance(source, NoticeSource):
            text, tables = source.text, source.tables
        elif isinstance(source, str):
            text, tables = source, []
        elif isinstance(source, bytes | bytearray):
            text, tables = bytes(source).decode("utf-8", "replace"), []
        else:
            text, tables = getattr(source, "text", "") or "", getattr(source, "tables", []) or []
        if not isinstance(text, str):
            text = str(text)
        return text, tables if isinstance(tables, list) else []

    @staticmethod
    def _clean_table(table: Any) -> list[list[str]]:
        rows = []
        for row in table if isinstance(table, list | tuple) else []:
            if isinstance(row, list | tuple):
                rows.append([_sanitize(str(cell if cell is not None else "")) for cell in row])
        return rows

    def _feed(self, lines: list[str]) -> None:
        for index, line in enumerate(lines):
            if self.skip_next:
                self.skip_next = False
                continue
            following = lines[index + 1] if index + 1 < len(lines) else ""
            try:
                self._line(line, following)
            except Exception:  # one odd paragraph must not cost the rest of the notice
                self.n.unplaced.append(line)
                self.warn(W_INTERNAL, line)
        self._end_mode()

    # -- text fields ----------------------------------------------------------------------------

    def _append_text(self, obj: Any, attr: str, text: str) -> None:
        key = (id(obj), attr)
        if key not in self.parts:
            current = getattr(obj, attr)
            self.parts[key] = (obj, attr, [current] if current else [])
        self.parts[key][2].append(text)

    def _text(self, obj: Any, attr: str) -> str:
        key = (id(obj), attr)
        return "\n".join(self.parts[key][2]) if key in self.parts else getattr(obj, attr)

    def _has_text(self, obj: Any, attr: str) -> bool:
        """`bool(self._text(obj, attr))` without joining: it is asked once per paragraph."""
        key = (id(obj), attr)
        return any(self.parts[key][2]) if key in self.parts else bool(getattr(obj, attr))

    def _materialise(self) -> None:
        for obj, attr, parts in self.parts.values():
            setattr(obj, attr, "\n".join(parts))
        self.parts.clear()

    # -- warnings and leftovers -----------------------------------------------------------------

    def warn(self, template: str, excerpt: str = "", **params: Any) -> None:
        self.n.warnings.append(ParseWarning(template, params, _shorten(excerpt)))

    def unplace(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        self.n.unplaced.append(text)
        self.unplaced_warnings += 1
        if self.unplaced_warnings <= _MAX_UNPLACED_WARNINGS:
            self.warn(W_UNPLACED, text)

    # -- one paragraph --------------------------------------------------------------------------

    def _line(self, line: str, following: str) -> None:
        """Read one paragraph, and what a heading or document number leaves after it.

        A loop, not recursion: a hostile paragraph may hold thousands of headings one after
        another. Each step rereads what remains of the paragraph, so after `_MAX_INLINE_STEPS`
        (real notices need two or three) the rest is kept as it is, unplaced.
        """
        for _ in range(_MAX_INLINE_STEPS):
            self.remainder = None
            self._paragraph(line, following)
            if self.remainder is None:
                return
            line, following = self.remainder
        self.remainder = None
        self.unplace(line)

    def _paragraph(self, line: str, following: str) -> None:
        placeholder = TABLE_PLACEHOLDER_RE.match(line)
        if placeholder:
            self._table(int(placeholder.group(1)) - 1)
            return
        closing = _CLOSING_RE.search(line)
        if closing and self.mode != "tail":
            before = _before_closings(line, closing.start())
            if before:
                self._line(before, "")
            self._end_mode()
            self.mode = "tail"
            return
        if self._contact_line(line):
            return
        if self.mode not in {"header", "tail"} and self._starts_tail(line, following):
            self._end_mode()
            self.mode = "tail"
        if self.mode == "tail":
            self._tail(line)
            return
        top = _TOP_HEADING_RE.match(line)
        if top and self._plausible_heading(top.group(2)):
            self._start_top(top.group(1), top.group(2))
            return
        if self.mode == "header":
            self._header(line, following)
            return
        handler = {
            "preamble": self._preamble,
            "section": self._section,
            "other": self._section,
            "theme": self._theme,
            "period": self._period,
            "content": self._content,
            "requirements": self._requirements,
        }[self.mode]
        handler(line)

    @staticmethod
    def _plausible_heading(rest: str) -> bool:
        return bool(rest) and (_width(rest) <= 40 or bool(_HEADING_KEYWORD_RE.match(rest)))

    def _starts_tail(self, line: str, following: str) -> bool:
        if self.mode == "period" and self.n.start_date is None and not self.period_lines:
            return False
        if _PRINT_LINE_RE.match(line) or _DATE_LINE_RE.match(line):
            return True
        return _is_organ_line(line) and bool(
            _DATE_LINE_RE.match(following) or _PRINT_LINE_RE.match(following)
        )

    def _contact_line(self, line: str) -> bool:
        """Record contacts; a paragraph that is only contact details is consumed."""
        if not re.search(r"联系人|联系电话|联系方式|咨询电话", line):
            return False
        contacts = _contacts_in(line)
        for contact in contacts:
            key = astuple(contact)
            if key not in self.contact_keys:
                self.contact_keys.add(key)
                self.n.contacts.append(contact)
        return bool(contacts) and bool(
            re.match(rf"^[（(]?[{_CJK}]{{0,12}}?(?:联系人|联系电话|联系方式|咨询电话)", line)
        )

    # -- header ---------------------------------------------------------------------------------

    def _header(self, line: str, following: str) -> None:
        doc = _DOC_NUMBER_RE.search(line)
        if doc and (doc.start() == 0 or _width(line) - _width(doc.group()) <= 6):
            self.n.doc_number = self.n.doc_number or _normalise_doc_number(doc)
            end = doc.end()
            while again := _DOC_NUMBER_RE.match(line, _skip_spaces(line, end)):
                end = again.end()  # numbers repeated: only the first counts, as before
            rest = line[end:].strip()
            if rest:  # "浦市监质〔2024〕99号    签发人：张三"
                self.remainder = (rest, following)
            return
        if line.endswith("文件") and _width(line) <= 40 and not self.n.issuer:
            self.n.issuer = line[:-2].strip()
            return
        if not self.n.title and _looks_like_title(line):
            self.n.title = line
            return
        if not self.n.title and line.startswith("关于") and "。" not in line and _width(line) <= 60:
            # A long title wrapped onto two lines.
            if following and _looks_like_title(line + following):
                self.n.title = line + following
                self.skip_next = True
                return
        if not self.n.recipients and re.fullmatch(r"[^。]{2,60}[：:]", line):
            self.n.recipients = line[:-1].strip()
            self.mode = "preamble"
            return
        if self._labelled(line):
            return
        if _CATEGORY_RE.match(line) or _ITEM_RE.match(line):
            self._start_implicit_content()
            self._content(line)
            return
        if self.n.title or _width(line) > 40 or "。" in line:
            recipients = re.match(r"^([^。，；：:]{2,40})[：:](.+)$", line)
            if recipients and self.n.title and not self.n.recipients:
                self.n.recipients = recipients.group(1).strip()
                line = recipients.group(2).strip()
            self.mode = "preamble"
            self._preamble(line)
            return
        self.unplace(line)

    def _labelled(self, line: str) -> bool:
        """Handle "活动主题：…" / "活动时间：…" written as a labelled line, not a section."""
        m = re.match(r"^(?:活动)?(主题|时间|期间)\s*[:：]\s*(.+)$", line)
        if not m:
            return False
        if m.group(1) == "主题":
            self.n.theme = self.n.theme or _clean_theme(m.group(2))
        else:
            self.period_lines.append(m.group(2))
        return True

    def _preamble(self, line: str) -> None:
        if self._labelled(line):
            return
        if _CATEGORY_RE.match(line) or _ITEM_RE.match(line):
            self._start_implicit_content()
            self._content(line)
            return
        self._append_text(self.n, "preamble", line)

    # -- top-level sections ---------------------------------------------------------------------

    def _start_top(self, numeral: str, rest: str) -> None:
        self._end_mode()
        heading, inline = rest.strip(), ""
        split = re.match(r"^([^：:。]{1,20})[：:。]\s*(.*)$", heading)
        if split and (_HEADING_KEYWORD_RE.match(split.group(1)) or _width(heading) > 20):
            heading, inline = split.group(1).strip(), split.group(2).strip()
        heading = heading.rstrip("：:。")
        self.top_heading = heading
        self.top_number = numeral_value(numeral) or 0
        self.mode = _classify_heading(heading)
        if self.mode == "content":
            self.content_heading = heading
        if self.mode in {"section", "other"}:
            self.section = ParsedSection(heading=heading)
            self.n.sections.append(self.section)
        if inline:
            self.remainder = (inline, "")

    def _end_mode(self) -> None:
        if self.mode == "content":
            self._end_content()
        self.section = None
        self.category = None
        self.item = None
        self.requirement = None
        self.requirement_style = ""

    def _section(self, line: str) -> None:
        if self.mode == "other" and (_ITEM_RE.match(line) or _SUBPOINT_RE.match(line)):
            # "一、开展质量宣传" followed by "1. …": the unknown heading was a category.
            self._section_to_category()
            self._content(line)
            return
        if self.mode == "section" and self._labelled_in_section(line):
            return
        self._append_text(self.section, "body", line)

    def _labelled_in_section(self, line: str) -> bool:
        return (
            self.section is not None
            and not self._has_text(self.section, "body")
            and self._labelled(line)
        )

    def _section_to_category(self) -> None:
        section = self.section
        # The section being read is the last one started (not `remove`, which compares by value:
        # two sections with the same heading and a body not yet joined are equal).
        if self.n.sections and self.n.sections[-1] is section:
            self.n.sections.pop()
        self.mode = "content"
        self.section = None
        category = ParsedCategory(
            number=self.top_number or len(self.n.categories) + 1,
            label=f"{chinese_numeral(self.top_number)}、" if self.top_number else "",
            title=self.top_heading,
        )
        self._add_category(category)
        body = self._text(section, "body") if section else ""
        if body:
            self.states[id(category)].body.append(body)

    def _theme(self, line: str) -> None:
        if not self.n.theme:
            self.n.theme = _clean_theme(line)
        else:
            self.unplace(line)

    def _period(self, line: str) -> None:
        if not self.period_lines:
            self.period_lines.append(line)
        else:
            self.unplace(line)

    # -- the plan -------------------------------------------------------------------------------

    def _start_implicit_content(self) -> None:
        self.mode = "content"

    def _add_category(self, category: ParsedCategory) -> None:
        self.n.categories.append(category)
        self.content_categories.append(category)
        self.states[id(category)] = _CategoryState()
        self.category = category
        self.item = None

    def _default_category(self) -> ParsedCategory:
        if self.category is None:
            title = self.content_heading or "活动内容"
            self._add_category(
                ParsedCategory(number=len(self.n.categories) + 1, label="", title=title)
            )
        assert self.category is not None
        return self.category

    def _content(self, line: str) -> None:
        category = _CATEGORY_RE.match(line)
        if category:
            number = numeral_value(category.group(1)) or len(self.n.categories) + 1
            title, body = _split_title(category.group(2))
            new = ParsedCategory(number=number, label=f"（{category.group(1)}）", title=title)
            self._add_category(new)
            if body:
                self.states[id(new)].body.append(body)
            return
        item = _ITEM_RE.match(line)
        if item:
            self._start_item(int(item.group(1)), f"{int(item.group(1))}.", item.group(2))
            return
        sub = _SUBPOINT_RE.match(line)
        if sub:
            number = sub.group(1) or sub.group(2)
            label = f"（{number}）" if sub.group(1) else (f"{number}）" if number else sub.group(3))
            if self.item is not None and _label_style(self.item.label) != _label_style(label):
                self._append_to_item(line)  # "（1）" under a "1." item is one of its sub-points
            else:
                self._start_item(int(number) if number else None, label, sub.group(4))
            return
        if self.item is not None and (self.item.number is not None or self.item.label):
            self._append_to_item(line)
            return
        if self.category is None:
            self.loose.append(line)
        else:
            self.states[id(self.category)].pending.append(line)

    def _start_item(self, number: int | None, label: str, text: str) -> None:
        category = self._default_category()
        state = self.states[id(category)]
        if not state.numbered:
            state.numbered = True
            for leftover in state.pending:  # introductory text before the first item
                self.unplace(leftover)
            state.pending.clear()
            if self.loose and category is self.content_categories[0]:
                for leftover in self.loose:
                    self.unplace(leftover)
                self.loose.clear()
        text, fields = _extract_fields(text)
        title, description = _split_title(text)
        item = ParsedItem(number=number, label=label, title=title, description=description)
        self._apply_fields(item, fields)
        category.items.append(item)
        self._number_items([item])
        self.item = item

    def _append_to_item(self, line: str) -> None:
        assert self.item is not None
        text, fields = _extract_fields(line)
        self._apply_fields(self.item, fields)
        if not text:
            return
        if not self.item.title:
            self.item.title, self.item.description = _split_title(text)
            return
        self._append_text(self.item, "description", text)

    @staticmethod
    def _apply_fields(item: ParsedItem, fields: dict[str, str]) -> None:
        if fields.get("lead") and not item.lead_units:
            item.lead_units = _split_units(fields["lead"])
        if fields.get("co") and not item.co_units:
            item.co_units = _split_units(fields["co"])
        if fields.get("time") and not item.time_text:
            item.time_text = fields["time"].strip("。 ")

    def _end_content(self) -> None:
        categories = self.content_categories
        if (
            categories
            and not any(c.items for c in categories)
            and any(self.states[id(c)].body for c in categories)
        ):
            # "（一）举办启动仪式。…" with no numbered items: the categories are the items.
            self._categories_to_items(categories)
        else:
            for category in categories:
                state = self.states[id(category)]
                for text in state.pending:
                    title, description = _split_title(_extract_fields(text)[0])
                    item = ParsedItem(number=None, label="", title=title, description=description)
                    self._apply_fields(item, _extract_fields(text)[1])
                    category.items.append(item)
                state.pending.clear()
                for text in state.body:
                    self.unplace(text)
                state.body.clear()
        heading = self.content_heading or "活动内容"
        self.deferred_loose.extend((heading, text) for text in self.loose)
        self.loose = []
        self.content_categories = []

    def _place_deferred_loose(self) -> None:
        if not self.deferred_loose:
            return
        if self.n.item_count:
            for _, text in self.deferred_loose:
                self.unplace(text)
        else:
            holder = ParsedCategory(len(self.n.categories) + 1, "", self.deferred_loose[0][0])
            for _, text in self.deferred_loose:
                text, fields = _extract_fields(text)
                title, description = _split_title(text)
                item = ParsedItem(None, "", title, description)
                self._apply_fields(item, fields)
                holder.items.append(item)
            self.n.categories.append(holder)
        self.deferred_loose = []

    def _number_items(self, items: list[ParsedItem]) -> None:
        """Record items just added to the plan by number (the later item of a number wins, as
        items are always added at the plan's end). A plan table is checked against them: with
        thousands of tables, gathering every item again for each one was quadratic."""
        for item in items:
            if item.number is not None:
                self.numbered_items[item.number] = item

    def _categories_to_items(self, categories: list[ParsedCategory]) -> None:
        holder = ParsedCategory(number=1, label="", title=self.content_heading or "活动内容")
        for category in categories:
            state = self.states[id(category)]
            description = "\n".join(state.body + state.pending)
            text, fields = _extract_fields(description)
            item = ParsedItem(category.number, category.label, category.title, text)
            self._apply_fields(item, fields)
            holder.items.append(item)
        self._number_items(holder.items)
        converted = {id(category) for category in categories}
        self.n.categories = [c for c in self.n.categories if id(c) not in converted]
        holder.number = len(self.n.categories) + 1
        self.n.categories.append(holder)

    # -- requirements ---------------------------------------------------------------------------

    def _requirements(self, line: str) -> None:
        category = _CATEGORY_RE.match(line)
        item = _ITEM_RE.match(line)
        if category:
            self._start_requirement(category.group(2), "category")
        elif item and self.requirement_style in {"", "item"}:
            self._start_requirement(item.group(2), "item")
        elif self.requirement is not None:
            self._append_text(self.requirement, "body", line)
        else:
            self._start_requirement(line, "plain")

    def _start_requirement(self, text: str, style: str) -> None:
        heading, body = _split_title(text)
        self.requirement = ParsedSection(heading=heading, body=body)
        self.requirement_style = style
        self.n.requirements.append(self.requirement)

    # -- signature and print block --------------------------------------------------------------

    def _tail(self, line: str) -> None:
        printed = _PRINT_LINE_RE.match(line)
        if printed:
            found = _find_range(printed.group(2), None)
            self.n.print_date = self.n.print_date or (found.start if found else None)
            organ = printed.group(1).strip() or self.pending_organ
            self.n.print_organ = self.n.print_organ or organ
            self.pending_organ = ""
            return
        dated = _DATE_LINE_RE.match(line)
        if dated:
            found = _find_range(dated.group(1), None)
            if found and self.n.signing_date is None:
                self.n.signing_date = found.start
                if self.pending_organ:
                    self.signature_organ = self.signature_organ or self.pending_organ
            else:
                self.unplace(line)
            self.pending_organ = ""
            return
        if _is_organ_line(line):
            if self.pending_organ:
                self.signature_organ = self.signature_organ or self.pending_organ
            self.pending_organ = line
            return
        if re.match(r"^[（(]此件.{0,12}[）)]$", line):
            return  # "（此件公开发布）" is a publishing note, not content
        if _ITEM_RE.match(line) or _CATEGORY_RE.match(line):
            # A plan given as an attachment after the signature.
            self.mode = "content"
            self._content(line)
            return
        self.unplace(line)

    # -- tables ---------------------------------------------------------------------------------

    def _table(self, index: int) -> None:
        if not 0 <= index < len(self.tables) or index in self.used_tables:
            return
        self.used_tables.add(index)
        table = self.tables[index]
        categories = self._table_categories(table)
        if categories is None:
            # Not a plan: read its cells as paragraphs (a header or signature block in a table).
            for row in table:
                seen: dict[str, None] = {}  # merged cells repeat their text: read it once
                for cell in row:
                    for part in cell.split("\n"):
                        part = _squash_spaces(part)
                        if part:
                            seen[part] = None
                for part in seen:
                    if TABLE_PLACEHOLDER_RE.match(part):
                        self.unplace(part)  # a cell's own text, not where a table stands
                    else:
                        self._line(part, "")
            return
        self._attach_table(categories)

    def _table_categories(self, table: list[list[str]]) -> list[ParsedCategory] | None:
        header_index = next((i for i, row in enumerate(table[:3]) if _column_kinds(row)), None)
        if header_index is None:
            return None
        header = table[header_index]
        kinds = _column_kinds(header) or {}
        extras = {
            i: re.sub(r"\s+", "", cell)
            for i, cell in enumerate(header)
            if i not in kinds and cell.strip()
        }
        column = {kind: i for i, kind in kinds.items()}
        categories: list[ParsedCategory] = []
        loose = ParsedCategory(number=0, label="", title="")
        current = loose
        for row in table[header_index + 1 :]:
            cells = [cell.strip() for cell in row] + [""] * (len(header) - len(row))
            if not any(cells) or _column_kinds(cells):
                continue  # empty row, or the header repeated on a new page
            note = _table_note(cells)
            if note:
                self.unplace(note)
                continue
            category = _table_category_row(cells, column)
            if category is not None:
                categories.append(category)
                current = category
                continue
            if "category" in column and cells[column["category"]]:
                # A 类别 column: a new value opens a category (merged cells repeat the value).
                category = _category_from_text(cells[column["category"]])
                if category.title != current.title:
                    categories.append(category)
                    current = category
            item = _table_item(cells, column, extras)
            if item is not None:
                current.items.append(item)
        for category in categories:
            if not category.items:  # a category row with nothing under it: keep its text
                self.unplace(f"{category.label}{category.title}")
        return ([loose] if loose.items else []) + [c for c in categories if c.items]

    def _attach_table(self, categories: list[ParsedCategory]) -> None:
        table_items = [item for category in categories for item in category.items]
        if not table_items:
            return
        existing = self.numbered_items
        if existing and all(item.number in existing for item in table_items):
            # The table repeats the items of the text: enrich them instead of adding duplicates.
            for item in table_items:
                target = existing[item.number]
                target.lead_units = target.lead_units or item.lead_units
                target.co_units = target.co_units or item.co_units
                target.time_text = target.time_text or item.time_text
                if not self._has_text(target, "description"):
                    target.description = item.description
            return
        if existing:
            self.warn(W_TABLE_MISMATCH)
        self._number_items(table_items)
        for category in categories:
            if not category.title:
                holder = self.category if self.mode == "content" and self.category else None
                if holder is None:
                    if self.mode != "content":
                        self._start_implicit_content()
                    holder = self._default_category()
                holder.items.extend(category.items)
                self.states[id(holder)].numbered = True
                self.item = None
            else:
                category.number = category.number or len(self.n.categories) + 1
                self.n.categories.append(category)
                self.category = None
                self.item = None

    # -- the end --------------------------------------------------------------------------------

    def _finish(self) -> None:
        for index in range(len(self.tables)):
            if index not in self.used_tables:
                self._table(index)
        self._end_mode()
        self._place_deferred_loose()
        self._materialise()
        if self.pending_organ:
            self.signature_organ = self.signature_organ or self.pending_organ
        self.n.issuer = self.n.issuer or self.signature_organ
        self._resolve_year()
        self._resolve_period()
        self._resolve_item_dates()
        self._find_deadlines()
        self._find_upward_recipient()
        self._check_numbering()
        self._report_missing()

    def _resolve_year(self) -> None:
        candidates: list[int | None] = []
        found = _find_range(" ".join(self.period_lines), None) if self.period_lines else None
        candidates.append(found.explicit_year if found else None)
        title_year = _YEAR_RE.search(self.n.title)
        candidates.append(int(title_year.group(1)) if title_year else None)
        doc_year = re.search(r"〔(\d{4})〕", self.n.doc_number)
        candidates.append(int(doc_year.group(1)) if doc_year else None)
        candidates.append(self.n.signing_date.year if self.n.signing_date else None)
        candidates.append(self.n.print_date.year if self.n.print_date else None)
        self.n.year = next((year for year in candidates if year), None)

    def _fallback_year(self) -> int:
        if self.n.year is None:
            self.n.year = (self.today or date.today()).year
            self.warn(W_NO_YEAR, year=self.n.year)
        return self.n.year

    def _resolve_period(self) -> None:
        text = " ".join(self.period_lines)
        if not text:
            # "活动时间为9月1日至30日" may sit in the opening paragraph.
            for candidate in (self.n.preamble, self.n.theme):
                m = re.search(r"(?:活动时间|活动期间|时间)[为是:：]?\s*([^。；]+)", candidate)
                if m and _find_range(m.group(1), self.n.year or 2000):
                    text = m.group(1)
                    break
        if not text:
            return
        found = _find_range(text, self.n.year)
        if found and found.start is None:
            found = _find_range(text, self._fallback_year())
        if not found or found.start is None:
            self.warn(W_PERIOD_UNREADABLE, text, text=_shorten(text, 40))
            return
        self.n.start_date, self.n.end_date = found.start, found.end
        if found.end and found.end < found.start:
            self.warn(W_PERIOD_REVERSED, text)

    def _resolve_item_dates(self) -> None:
        for item in self.n.iter_items():
            if not item.time_text:
                continue
            found = _find_range(item.time_text, self.n.year)
            if found and found.start is None:
                found = _find_range(item.time_text, self._fallback_year())
            if found and found.start:
                item.start_date, item.end_date = found.start, found.end
            elif item.number is not None:
                self.warn(
                    W_ITEM_DATE,
                    item.time_text,
                    number=item.number,
                    text=_shorten(item.time_text, 40),
                )
            else:
                self.warn(
                    W_ITEM_DATE_UNNUMBERED,
                    item.time_text,
                    title=_shorten(item.title, 30),
                    text=_shorten(item.time_text, 40),
                )

    def _prose(self) -> Iterator[str]:
        yield self.n.preamble
        for section in self.n.sections:
            yield section.body
        for requirement in self.n.requirements:
            yield f"{requirement.heading}。{requirement.body}"

    def _find_deadlines(self) -> None:
        year = self.n.year
        seen: set[date] = set()
        for text in self._prose():
            if not text or not re.search(r"前|为止|截止", text):
                continue
            if year is None and re.search(r"\d{1,2}\s*月\s*\d{1,2}", text):
                year = self._fallback_year()
            for deadline in _deadlines_in(text, year):
                if deadline.date not in seen:
                    seen.add(deadline.date)
                    self.n.deadlines.append(deadline)

    def _find_upward_recipient(self) -> None:
        pattern = (
            r"(?:上报|报送|呈报|报至)(?:至|给|到)?\s*"
            r"([^，。；、：:\s“”]{2,40}?(?:办公室|领导小组|委员会|管理局|局|厅|政府|中心))"
            r"(?=[，。；、\s]|$)"
        )
        candidates: list[tuple[int, str]] = []
        for text in self._prose():
            for m in re.finditer(pattern, text or ""):
                name = m.group(1)
                issuer = self.n.issuer
                if issuer and (name in issuer or issuer in name):
                    continue  # units report to the issuer; that is not the upward recipient
                candidates.append((0 if m.group().startswith("上报") else 1, name))
        if candidates:
            self.n.upward_recipient = min(candidates, key=lambda c: c[0])[1]

    def _check_numbering(self) -> None:
        previous: int | None = None
        restarted = False
        for category in self.n.categories:
            for position, item in enumerate(category.items):
                if item.number is None:
                    continue
                if previous is not None and item.number != previous + 1:
                    if item.number == 1 and position == 0:
                        restarted = True
                    elif item.number > previous + 1:
                        self.warn(W_NUMBER_GAP, item.title, previous=previous, number=item.number)
                    else:
                        self.warn(W_NUMBER_BACK, item.title, previous=previous, number=item.number)
                previous = item.number
        if restarted:
            self.warn(W_NUMBER_RESTART)
        if self.unplaced_warnings > _MAX_UNPLACED_WARNINGS:
            self.warn(W_UNPLACED_MORE, count=self.unplaced_warnings - _MAX_UNPLACED_WARNINGS)

    def _report_missing(self) -> None:
        if not self.n.title:
            self.warn(W_NO_TITLE)
        if not self.n.issuer:
            self.warn(W_NO_ISSUER)
        if not self.n.theme:
            self.warn(W_NO_THEME)
        if self.n.start_date is None and not any(
            w.template == W_PERIOD_UNREADABLE for w in self.n.warnings
        ):
            self.warn(W_NO_PERIOD)
        if self.n.item_count == 0:
            self.warn(W_NO_ITEMS)


def _classify_heading(heading: str) -> str:
    heading = heading.strip().rstrip("：:")
    if heading.startswith(_SECTION_ONLY):
        return "section"
    if "主题" in heading:
        return "theme"
    if heading.startswith(("活动时间", "时间")) or heading in {"活动期间", "活动日期"}:
        return "period"
    if any(word in heading for word in _CONTENT_WORDS) or heading == "内容":
        return "content"
    if "要求" in heading or "保障" in heading or "措施" in heading:
        return "requirements"
    if _HEADING_KEYWORD_RE.fullmatch(heading):
        return "section"
    return "other"
