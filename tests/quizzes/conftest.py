"""A published campaign whose item 2 (知识问答) is assigned to 陆家嘴街道, a bank of questions,
and an open quiz and contest organised by the street."""

import pytest

from qualitymonth.assignments.services import assign_units
from qualitymonth.campaigns.services import publish_campaign
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.quizzes import scoring, services
from qualitymonth.quizzes.models import Question, QuestionBank

QUESTIONS = [
    (scoring.SINGLE, "我国“质量月”在每年几月开展？", ["3月", "9月"], "B", "自1978年起每年9月。"),
    (scoring.JUDGE, "超过保质期的食品可以打折销售。", ["正确", "错误"], "B", "禁止经营。"),
    (scoring.MULTIPLE, "哪些计量器具用于贸易结算须强制检定？", ["电子秤", "加油机", "体重秤"], "AB",
     "用于贸易结算的计量器具实行强制检定。"),
    (scoring.SINGLE, "计量单位“千克”的符号是？", ["kg", "Kg"], "A", "国际单位制符号为 kg。"),
]  # fmt: skip


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def campaign(seed_campaign, admin, lujiazui):
    campaign = publish_campaign(seed_campaign, admin)
    assign_units(campaign.items.get(number=2), admin, lead=[lujiazui], participants=[])
    return campaign


@pytest.fixture
def item(campaign):
    return campaign.items.get(number=2)


def fill_bank(bank: QuestionBank) -> QuestionBank:
    for order, (kind, text, options, answer, explanation) in enumerate(QUESTIONS, start=1):
        Question.objects.create(
            bank=bank,
            kind=kind,
            text=text,
            text_key=scoring.question_key(text),
            options=options,
            answer=answer,
            explanation=explanation,
            order=order,
        )
    return bank


@pytest.fixture
def bank(reporter, lujiazui):
    return fill_bank(services.create_bank(reporter, org_unit=lujiazui, name="质量知识题库"))


@pytest.fixture
def quiz(reporter, item, lujiazui, bank):
    quiz = services.create_quiz(
        reporter,
        item=item,
        org_unit=lujiazui,
        bank=bank,
        kind="quiz",
        title="质量知识有奖问答",
        question_count=3,
        time_limit_minutes=5,
    )
    return services.open_quiz(quiz, reporter)


@pytest.fixture
def enterprises(pudong):
    park = OrgUnit.objects.create(name="张江科学城", kind=OrgUnit.Kind.PARK, parent=pudong)
    return [
        OrgUnit.objects.create(
            name=name, kind=OrgUnit.Kind.ENTERPRISE, parent=park, credit_code=code
        )
        for name, code in [
            ("上海张江精密仪器有限公司", "91310115MA1K4AAA1A"),
            ("上海张江食品有限公司", "91310115MA1K4BBB2B"),
            ("上海外高桥电子有限公司", "91310115MA1K4CCC3C"),
        ]
    ]


@pytest.fixture
def contest(reporter, item, lujiazui, bank, enterprises):
    contest = services.create_quiz(
        reporter,
        item=item,
        org_unit=lujiazui,
        bank=bank,
        kind="contest",
        title="企业质量知识竞赛",
        question_count=4,
        time_limit_minutes=10,
        show_unit_ranking=True,
    )
    return services.open_quiz(contest, reporter)


def answer_all(attempt, rightly: int, at=None) -> None:
    """Answer the attempt's questions, the first ``rightly`` of them correctly."""
    for index, question_id in enumerate(list(attempt.question_ids)):
        question = Question.objects.get(pk=question_id)
        given = question.answer if index < rightly else _wrong(question)
        services.answer(attempt, question_id, given, at=at)


def _wrong(question) -> str:
    return next(letter for letter in scoring.LETTERS if letter not in question.answer)


@pytest.fixture
def make_other_reporter(pudong):
    """A reporter of another street: no business with 陆家嘴's banks and quizzes."""
    from qualitymonth.accounts.models import Role
    from tests.conftest import make_person

    street = OrgUnit.objects.create(name="周家渡街道", kind=OrgUnit.Kind.SUBDISTRICT, parent=pudong)
    return make_person("other_reporter", Role.REPORTER, street)
