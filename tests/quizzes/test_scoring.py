"""The pure rules: answers, scoring, drawing, the time limit, ranking. No database."""

import datetime
import random

import pytest

from qualitymonth.quizzes import scoring


@pytest.mark.parametrize(
    ("text", "kind", "count", "expected"),
    [
        ("b", scoring.SINGLE, 4, "B"),
        (" C ", scoring.SINGLE, 4, "C"),
        ("d,a", scoring.MULTIPLE, 4, "AD"),
        ("Ａ、Ｃ", scoring.MULTIPLE, 4, "AC"),  # full-width letters and 顿号
        ("CAB", scoring.MULTIPLE, 3, "ABC"),
        ("正确", scoring.JUDGE, 2, "A"),
        ("错", scoring.JUDGE, 2, "B"),
        ("×", scoring.JUDGE, 2, "B"),
    ],
)
def test_answers_are_read_as_people_write_them(text, kind, count, expected):
    assert scoring.normalize_answer(text, kind, count) == expected


@pytest.mark.parametrize(
    ("text", "kind", "count", "message"),
    [
        ("", scoring.SINGLE, 4, "缺少答案"),
        ("E", scoring.SINGLE, 4, "答案中的“E”不在选项中（本题有 4 个选项：A–D）"),
        ("AB", scoring.SINGLE, 4, "单选题只能有一个答案"),
        ("A", scoring.MULTIPLE, 4, "多选题的答案至少应有两个选项"),
        ("也许", scoring.JUDGE, 2, "判断题的答案应为“正确”或“错误”"),
        ("第一项", scoring.SINGLE, 4, "应为选项字母"),
    ],
)
def test_impossible_answers_are_refused_in_chinese(text, kind, count, message):
    with pytest.raises(scoring.AnswerError, match=message):
        scoring.normalize_answer(text, kind, count)


def test_multiple_choice_scores_only_when_exactly_right():
    assert scoring.is_correct("ABD", "DBA")
    assert not scoring.is_correct("ABD", "AB")  # 少选
    assert not scoring.is_correct("ABD", "ABCD")  # 多选
    assert not scoring.is_correct("A", "")


def test_score_is_out_of_a_hundred_rounded_half_up():
    assert scoring.score(7, 9) == 78
    assert scoring.score(1, 8) == 13  # 12.5
    assert scoring.score(10, 10) == 100
    assert scoring.score(0, 0) == 0


def test_drawing_gives_different_questions_at_random():
    ids = list(range(1, 51))
    drawn = scoring.draw(ids, 10, random.Random(1))
    assert len(drawn) == len(set(drawn)) == 10 and set(drawn) <= set(ids)
    assert drawn != scoring.draw(ids, 10, random.Random(2))
    assert sorted(scoring.draw(ids[:5], 10)) == ids[:5]  # fewer in the bank: all of them


def test_the_time_limit_forgives_only_a_few_seconds_of_network_delay():
    deadline = datetime.datetime(2024, 9, 10, 10, 5, tzinfo=datetime.UTC)
    assert scoring.in_time(deadline, deadline)
    assert scoring.in_time(deadline, deadline + datetime.timedelta(seconds=5))
    assert not scoring.in_time(deadline, deadline + datetime.timedelta(seconds=6))
    assert scoring.remaining_seconds(deadline, deadline - datetime.timedelta(seconds=90)) == 90
    assert scoring.remaining_seconds(deadline, deadline + datetime.timedelta(seconds=9)) == 0


def test_the_same_question_typed_again_is_recognised():
    assert scoring.question_key("质量月在几月？") == scoring.question_key(" 质量月在 几月? ")
    assert scoring.question_key("质量月在几月？") != scoring.question_key("计量日在几月？")


def test_ranking_by_score_then_time_shares_places():
    people = [("甲", 90, 100), ("乙", 100, 300), ("丙", 90, 100), ("丁", 90, 50)]
    ranked = scoring.rank(people, key=lambda p: (-p[1], p[2]))
    assert [(place, p[0]) for place, p in ranked] == [(1, "乙"), (2, "丁"), (3, "甲"), (3, "丙")]
