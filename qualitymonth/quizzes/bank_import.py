"""Questions from a workbook: check every row, show the problems, then save them all in one
transaction. The export writes the same columns, so an exported bank imports again unchanged."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from qualitymonth.core.xlsx import Row, read_table, write_table

from . import scoring
from .models import Question, QuestionBank

OPTION_HEADERS = [f"选项{letter}" for letter in scoring.LETTERS]
HEADERS = ["题型", "题目", *OPTION_HEADERS, "答案", "解析"]
REQUIRED = ["题型", "题目", "答案"]
MAX_TEXT = 1000
MAX_OPTION = 200
MAX_ROWS = 5000

NOTES = [
    "每行一道题。题型填：单选题、多选题、判断题。",
    f"单选题、多选题填 2–{len(scoring.LETTERS)} 个选项，须从选项A起连续填写，选项不能重复。",
    "判断题不填选项，答案填“正确”或“错误”（也可写 对/错、√/×）。",
    "答案填选项字母：单选题一个字母，如 B；多选题两个及以上，如 ACD（顺序、逗号不限）。",
    "多选题须全部选对才得分，少选、错选均不得分。",
    "解析在答题结束后显示给答题人，建议写明依据（法律法规、标准条款）。",
    "同一题库中题目相同（忽略空格和全角半角差别）的行视为同一题：再次导入不会重复，"
    "选项、答案或解析有变化的会更新。",
    "上传后先逐行检查并显示问题，确认无误才会保存。",
]

EXAMPLES = [
    [
        "单选题",
        "我国的“质量月”活动在每年的哪个月份开展？",
        "3月", "5月", "9月", "12月", "", "",
        "C",
        "全国“质量月”活动自1978年起于每年9月开展。",
    ],
    [
        "多选题",
        "下列哪些属于《计量法》规定的强制检定的工作计量器具？（用于贸易结算的）",
        "电子计价秤", "加油机", "家用体重秤", "出租车计价器", "", "",
        "ABD",
        "用于贸易结算、安全防护、医疗卫生、环境监测方面并列入目录的工作计量器具实行强制检定；"
        "家用体重秤不用于贸易结算。",
    ],
    [
        "判断题",
        "预包装食品超过保质期后，只要外观无变化仍可销售。",
        "", "", "", "", "", "",
        "错误",
        "《食品安全法》第三十四条禁止经营超过保质期的食品。",
    ],
]  # fmt: skip


@dataclass
class QuestionRow:
    number: int
    kind_label: str
    text: str
    options: list[str]
    answer_text: str
    explanation: str
    kind: str = ""
    answer: str = ""
    key: str = ""
    existing: Question | None = None
    action: str = ""  # "create", "update" or "unchanged"
    problems: list[str] = field(default_factory=list)

    @property
    def answer_display(self) -> str:
        return self.answer or self.answer_text


def template_workbook() -> bytes:
    return write_table(
        HEADERS,
        EXAMPLES,
        title="题目",
        widths=[10, 48, *[16] * len(OPTION_HEADERS), 8, 48],
        notes=NOTES,
    )


def export_workbook(bank: QuestionBank) -> bytes:
    rows = []
    for question in bank.questions.filter(is_active=True):
        options = [] if question.kind == scoring.JUDGE else list(question.options)
        options += [""] * (len(OPTION_HEADERS) - len(options))
        answer = (
            scoring.JUDGE_OPTIONS["AB".index(question.answer)]
            if question.kind == scoring.JUDGE
            else question.answer
        )
        rows.append(
            [
                scoring.KIND_LABELS[question.kind],
                question.text,
                *options,
                answer,
                question.explanation,
            ]
        )
    return write_table(
        HEADERS,
        rows,
        title="题目",
        widths=[10, 48, *[16] * len(OPTION_HEADERS), 8, 48],
        notes=NOTES,
    )


def read_file(data: bytes, bank: QuestionBank) -> list[QuestionRow]:
    """The rows of an uploaded questions workbook, each checked by ``check_rows``. Raises
    ``XlsxError`` with a Chinese message for a file that cannot be read as the table."""
    table = read_table(data, required=REQUIRED, optional=HEADERS, max_rows=MAX_ROWS)
    return check_rows(table, bank)


def check_rows(rows: list[Row], bank: QuestionBank) -> list[QuestionRow]:
    """Every row with what importing it would do, or why it cannot be imported."""
    existing = {q.text_key: q for q in bank.questions.all()}
    seen: dict[str, int] = {}
    checked = []
    for row in rows:
        values = row.values
        question = QuestionRow(
            number=row.number,
            kind_label=values.get("题型", ""),
            text=values.get("题目", ""),
            options=[values.get(header, "") for header in OPTION_HEADERS],
            answer_text=values.get("答案", ""),
            explanation=values.get("解析", ""),
        )
        _check_row(question)
        if question.text:
            question.key = scoring.question_key(question.text)
            if question.key in seen:
                question.problems.append(f"与第 {seen[question.key]} 行的题目重复。")
            seen.setdefault(question.key, row.number)
            question.existing = existing.get(question.key)
        if not question.problems:
            question.action = _action(question)
        checked.append(question)
    return checked


def _check_row(question: QuestionRow) -> None:
    problems = question.problems
    question.kind = scoring.KIND_BY_TEXT.get(question.kind_label.replace(" ", ""), "")
    if not question.kind:
        problems.append(
            f"题型“{question.kind_label}”不正确，应为：{'、'.join(scoring.KIND_LABELS.values())}。"
            if question.kind_label
            else "缺少题型。"
        )
    if not question.text:
        problems.append("缺少题目。")
    elif len(question.text) > MAX_TEXT:
        problems.append(f"题目超过 {MAX_TEXT} 字。")
    if len(question.explanation) > 2 * MAX_TEXT:
        problems.append(f"解析超过 {2 * MAX_TEXT} 字。")
    filled = [index for index, text in enumerate(question.options) if text]
    options = question.options[: filled[-1] + 1] if filled else []
    if question.kind == scoring.JUDGE:
        if filled:
            problems.append("判断题不填选项（选项固定为“正确”“错误”）。")
        options = list(scoring.JUDGE_OPTIONS)
    elif question.kind:
        gaps = [scoring.LETTERS[index] for index, text in enumerate(options) if not text]
        if gaps:
            problems.append(f"选项{'、'.join(gaps)}为空，选项须从选项A起连续填写。")
        elif len(options) < 2:
            problems.append("选择题至少要有两个选项（选项A、选项B）。")
        repeated = sorted({text for text in options if text and options.count(text) > 1})
        if repeated:
            problems.append(f"选项重复：{'、'.join(repeated)}。")
        if any(len(text) > MAX_OPTION for text in options):
            problems.append(f"选项超过 {MAX_OPTION} 字。")
    question.options = options
    if question.kind:
        try:
            question.answer = scoring.normalize_answer(
                question.answer_text, question.kind, len(options)
            )
        except scoring.AnswerError as error:
            problems.append(str(error))


def _action(question: QuestionRow) -> str:
    existing = question.existing
    if existing is None:
        return "create"
    same = (
        existing.is_active
        and existing.kind == question.kind
        and existing.text == question.text
        and list(existing.options) == question.options
        and existing.answer == question.answer
        and existing.explanation == question.explanation
    )
    return "unchanged" if same else "update"


def counts(rows: list[QuestionRow]) -> dict[str, int]:
    result = {"create": 0, "update": 0, "unchanged": 0, "problems": 0}
    for row in rows:
        result["problems" if row.problems else row.action] += 1
    return result


def require_clean(rows: list[QuestionRow]) -> None:
    if any(row.problems for row in rows):
        raise ValidationError("还有未解决的问题，不能导入。")
