"""A GB/T 9704 .docx as LibreOffice lays it out: converted to PDF by soffice and read back from
pdftotext's word boxes as the lines of each page, with the checks the layout tests share.

The page's geometry is the standard's, in points: the text block starts 37 mm from the top and
28 mm from the left, 156 mm wide, 22 lines of 28.95 pt, 28 characters a line.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest
from docx.shared import Mm

TOP = Mm(37).pt
LEFT = Mm(28).pt
RIGHT = LEFT + Mm(156).pt
LINE_PITCH = 28.95
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
PITCH = 16 - 0.25  # a 3号 character less the document's character spacing
RIGHT_SPACE = 2 * 16  # 右空二字, two characters of the font's size

# A line may start with none of the closing marks nor end with an opening one; LibreOffice
# then moves the character before the mark (or the opening mark) to the next line.
CLOSING = set("，。、；：？！）》」』】〕”’…")
OPENING = set("（《「『【〔“‘")
PAGE_NUMBER = re.compile(r"^—\d+—$")

# Prose in the manner of a work summary, long enough for several pages; one paragraph with
# figures, the others Chinese characters and marks only.
SAMPLE_PARAGRAPHS = (
    "今年质量月期间，区局坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党中央、国务院"
    "关于建设质量强国的决策部署，紧扣“加快培育新质生产力，助推浦东高质量发展”这一主题，把质量月"
    "活动作为推动全社会重视质量、关注质量、提升质量的重要抓手，精心谋划，周密部署，统筹推进，各项"
    "活动取得了明显成效，营造了人人关心质量、人人创造质量、人人享受质量的浓厚氛围。",
    "一是加强组织领导。区局成立了质量月活动领导小组，由主要领导任组长，分管领导任副组长，各相关"
    "处室和市场监管所负责人为成员，领导小组办公室设在质量发展处，负责活动的组织协调和日常推进。"
    "各街道、镇和相关单位也相应成立工作专班，明确责任分工，细化工作措施，确保各项任务落到实处、"
    "取得实效。",
    "二是突出宣传引导。充分利用报纸、电视、广播和政务新媒体等平台，广泛宣传质量强国建设的重大"
    "意义和质量月活动的主要内容，及时报道各单位开展活动的好做法、好经验。在商圈、社区、学校和园区"
    "设置宣传展板，发放宣传资料，开展质量知识有奖问答，引导广大市民和企业职工积极参与，进一步增强"
    "全社会的质量意识。",
    "三是推动质量提升。组织开展质量管理体系认证提升行动，帮助中小企业查找质量管理薄弱环节，制定"
    "改进措施。深入开展重点产品质量攻关，推广先进质量管理方法，鼓励企业对标国际先进水平，加强标准、"
    "计量、认证认可和检验检测等质量基础设施的协同服务，为企业提供一站式技术支撑，助力企业提质增效、"
    "转型升级。",
    "四是强化质量监管。围绕与人民群众生活密切相关的重点产品，组织开展产品质量监督抽查，共抽查产品"
    "320批次，发现不合格产品15批次，均已依法处置。开展计量强检上门服务，为菜场、超市和个体商户检定"
    "电子秤1209台，合格率达到95.5%，有效维护了公平公正的市场秩序和消费者合法权益。",
    "五是优化质量服务。依托质量基础设施一站式服务平台，组织技术专家深入企业开展问诊服务，帮助企业"
    "解决生产经营中遇到的质量难题。举办质量开放日和“市民看质量”活动，邀请市民代表走进企业生产车间"
    "和检验检测实验室，近距离感受质量管理的全过程，进一步拉近了质量工作与人民群众的距离。",
)


def _missing(what: str) -> None:
    """Fails the test in CI, which must have ``what``; skips it elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is needed in CI to check the .docx in LibreOffice")
    pytest.skip(f"{what} is not installed")


def soffice() -> str:
    """LibreOffice's command; pdftotext must be there too, to read its PDF back."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        _missing("LibreOffice (soffice)")
    if shutil.which("pdftotext") is None:
        _missing("pdftotext (poppler-utils)")
    return found


def require_times_new_roman_widths() -> None:
    """For a test that measures figures: LibreOffice must set Times New Roman's figures half
    an em wide as Word does, in Times New Roman or in Liberation Serif (fonts-liberation2),
    which has its widths, rather than in DejaVu Serif, whose figures are wider."""
    face = subprocess.run(["fc-match", "Times New Roman"], capture_output=True, text=True)
    if not any(name in face.stdout for name in ("Times New Roman", "Liberation Serif")):
        _missing("A face with Times New Roman's widths (fonts-liberation2)")


def to_pdf(data: bytes, folder: Path, name: str = "document") -> Path:
    """The .docx converted to PDF by LibreOffice, as a user exports it."""
    source = folder / f"{name}.docx"
    source.write_bytes(data)
    result = subprocess.run(
        [
            soffice(),
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{folder}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = folder / f"{name}.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.exists(), result.stdout + result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    return pdf


@dataclass(frozen=True)
class Line:
    """One line of a page: its text without the blanks pdftotext puts between words, where it
    starts and ends, and which of the page's grid lines (0 to 21) it stands on."""

    text: str
    left: float
    right: float
    slot: int

    @property
    def continues(self) -> bool:
        """A line that starts at the left edge goes on with a paragraph; a paragraph's first
        line is indented two characters."""
        return abs(self.left - LEFT) < PITCH / 2

    @property
    def all_chinese(self) -> bool:
        """Chinese characters and full-width marks only: no digit or Latin letter, whose
        width is the Latin face's."""
        return all(ord(ch) >= 0x2E80 or ch in "“”‘’…" for ch in self.text)


def pages(pdf: Path) -> list[list[Line]]:
    """Each page's lines, top to bottom, without the page number."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    namespace = {"x": "http://www.w3.org/1999/xhtml"}
    result = []
    for page in ElementTree.fromstring(html).iterfind(".//x:page", namespace):
        rows: dict[int, list] = {}
        for word in page.iterfind("x:word", namespace):
            middle = (float(word.get("yMin")) + float(word.get("yMax"))) / 2
            box = (float(word.get("xMin")), float(word.get("xMax")), word.text or "")
            rows.setdefault(int((middle - TOP) // LINE_PITCH), []).append(box)
        lines = []
        for slot, words in sorted(rows.items()):
            words.sort()
            text = "".join(text for _, _, text in words)
            if not PAGE_NUMBER.match(text):
                lines.append(Line(text, words[0][0], max(right for _, right, _ in words), slot))
        result.append(lines)
    return result


def text_pages(laid_out: list[list[Line]]) -> list[list[Line]]:
    """The pages before the first attachment's (附件, 附件1)."""
    for number, lines in enumerate(laid_out):
        if lines and re.fullmatch(r"附件\d*", lines[0].text):
            return laid_out[:number]
    return laid_out


def assert_28_characters_a_line(laid_out: list[list[Line]]) -> int:
    """Every line of Chinese text that is not the last of its paragraph holds 28 characters,
    26 after a first line's indent; one fewer where LibreOffice moved a character on with a
    mark that may not start (or end) a line. Returns how many lines were checked."""
    lines = [line for page in text_pages(laid_out) for line in page]
    checked = 0
    for line, after in itertools.pairwise(lines):
        if not (after.continues and line.all_chinese):
            continue
        full = CHARS_PER_LINE if line.continues else CHARS_PER_LINE - 2
        moved_on = after.text[:1] in OPENING or after.text[1:2] in CLOSING
        allowed = {full - 1, full} if moved_on else {full}
        assert len(line.text) in allowed, f"{len(line.text)} characters, not {full}: {line.text}"
        checked += 1
    return checked


def assert_on_the_grid(laid_out: list[list[Line]]) -> None:
    """No page has a line below its 22nd; a page whose last paragraph goes on to the next page
    is full to its 22nd line."""
    page_list = text_pages(laid_out)
    for number, lines in enumerate(page_list):
        assert lines[-1].slot < LINES_PER_PAGE, f"page {number + 1}: {lines[-1]}"
        following = page_list[number + 1] if number + 1 < len(page_list) else []
        if following and following[0].continues:
            assert lines[-1].slot == LINES_PER_PAGE - 1, f"page {number + 1} ends early"


def line_of(laid_out: list[list[Line]], text: str) -> tuple[Line, Line | None]:
    """The line holding exactly ``text`` on the last page before the attachments, where the
    signature and date are, and the line below it."""
    lines = text_pages(laid_out)[-1]
    found = [number for number, line in enumerate(lines) if line.text == text]
    assert found, f"{text!r} is not a line of its own: {[line.text for line in lines]}"
    number = found[-1]
    return lines[number], lines[number + 1] if number + 1 < len(lines) else None
