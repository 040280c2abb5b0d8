"""Question kinds, answers, scoring and drawing questions: plain values in, plain values out.

Answers are option letters ("A", "AC"); a true/false question has the two options 正确 (A) and
错误 (B). A multiple-choice question scores only when exactly the right options are chosen (the
rule of Chinese knowledge contests: 多选、少选、错选均不得分).
"""

from __future__ import annotations

import datetime
import hashlib
import random
import re
import unicodedata
from collections.abc import Sequence

SINGLE = "single"
MULTIPLE = "multiple"
JUDGE = "judge"

KIND_LABELS = {SINGLE: "单选题", MULTIPLE: "多选题", JUDGE: "判断题"}
# What people write in the 题型 column.
KIND_BY_TEXT = {
    "单选题": SINGLE,
    "单选": SINGLE,
    "单项选择题": SINGLE,
    "多选题": MULTIPLE,
    "多选": MULTIPLE,
    "多项选择题": MULTIPLE,
    "判断题": JUDGE,
    "判断": JUDGE,
}
LETTERS = "ABCDEF"
JUDGE_OPTIONS = ("正确", "错误")
_JUDGE_ANSWERS = {
    "正确": "A",
    "对": "A",
    "是": "A",
    "√": "A",
    "✓": "A",
    "T": "A",
    "TRUE": "A",
    "A": "A",
    "错误": "B",
    "错": "B",
    "否": "B",
    "×": "B",
    "✗": "B",
    "X": "B",
    "F": "B",
    "FALSE": "B",
    "B": "B",
}


class AnswerError(ValueError):
    """An answer that cannot be right for the question; the message says why, in Chinese."""


def question_key(text: str) -> str:
    """What a question is recognised by: its text with full-width forms folded (NFKC) and
    blanks removed, hashed, so the same question typed again with other spaces or brackets is
    the same question."""
    folded = unicodedata.normalize("NFKC", text or "")
    return hashlib.sha256(re.sub(r"\s+", "", folded).rstrip("。.?？").encode()).hexdigest()


def letters_for(options: Sequence[str]) -> str:
    return LETTERS[: len(options)]


def normalize_answer(text: str, kind: str, option_count: int) -> str:
    """The answer as sorted option letters: "c, a" → "AC", "对" → "A".

    Raises ``AnswerError`` when the answer is empty, names an option the question does not have,
    or has the wrong number of letters for the kind.
    """
    raw = unicodedata.normalize("NFKC", text or "").strip().upper()
    if not raw:
        raise AnswerError("缺少答案。")
    if kind == JUDGE:
        answer = _JUDGE_ANSWERS.get(raw)
        if answer is None:
            raise AnswerError(f"判断题的答案应为“正确”或“错误”，不能是“{text}”。")
        return answer
    parts = re.sub(r"[\s,，、;；/]+", "", raw)
    if not parts.isalpha() or not parts.isascii():
        raise AnswerError(f"答案“{text}”应为选项字母，例如 A 或 ABD。")
    valid = LETTERS[:option_count]
    outside = sorted({letter for letter in parts if letter not in valid})
    if outside:
        letters = f"A–{valid[-1]}" if valid else "无"
        raise AnswerError(
            f"答案中的“{''.join(outside)}”不在选项中（本题有 {option_count} 个选项：{letters}）。"
        )
    answer = "".join(sorted(set(parts)))
    if kind == SINGLE and len(answer) != 1:
        raise AnswerError("单选题只能有一个答案。")
    if kind == MULTIPLE and len(answer) < 2:
        raise AnswerError("多选题的答案至少应有两个选项；只有一个正确选项请改为单选题。")
    return answer


def is_correct(answer: str, given: str) -> bool:
    """All and only the right options: a multiple-choice answer with one missing is wrong."""
    return bool(given) and set(answer) == set(given)


def score(correct: int, total: int) -> int:
    """A hundred-mark score, rounded half up (7 of 9 → 78)."""
    if total <= 0:
        return 0
    return (correct * 200 + total) // (total * 2)


def draw(question_ids: Sequence[int], count: int, rng: random.Random | None = None) -> list[int]:
    """``count`` different questions in random order (all of them if the bank has fewer)."""
    rng = rng or random.SystemRandom()
    pool = list(question_ids)
    return rng.sample(pool, min(count, len(pool)))


# An answer that left the phone just before the limit still counts: this many seconds of
# network delay are forgiven, no more.
GRACE_SECONDS = 5


def in_time(deadline: datetime.datetime, now: datetime.datetime) -> bool:
    """Does an answer received at ``now`` count, for an attempt ending at ``deadline``?"""
    return now <= deadline + datetime.timedelta(seconds=GRACE_SECONDS)


def remaining_seconds(deadline: datetime.datetime, now: datetime.datetime) -> int:
    return max(0, int((deadline - now).total_seconds()))


def rank(entries: Sequence[tuple], *, key) -> list[tuple[int, tuple]]:
    """Competition ranking ("1, 2, 2, 4"): ``key`` gives the sort key; equal keys share a place."""
    ordered = sorted(entries, key=key)
    ranked: list[tuple[int, tuple]] = []
    previous = object()
    place = 0
    for position, entry in enumerate(ordered, start=1):
        current = key(entry)
        if current != previous:
            place = position
            previous = current
        ranked.append((place, entry))
    return ranked
