"""The public pages (start, answer one question at a time, result), the contest's unit search,
the back office's rankings and their masked export, and the report page's figures."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qualitymonth.core.models import AuditEntry
from qualitymonth.core.privacy import mask_name
from qualitymonth.quizzes import portal_views, services
from qualitymonth.quizzes.models import Attempt, Question
from qualitymonth.reports import services as report_services
from tests.core.hostile_xlsx import DANGEROUS, assert_no_formulas

from .conftest import answer_all


@pytest.fixture(autouse=True)
def _clean_rate_limits(fresh_cache):
    return fresh_cache


def start(client, quiz, captcha, mobile="13812341234", **extra):
    return client.post(
        reverse("quizzes:public_quiz", args=[quiz.pk]),
        {
            "name": "王小明",
            "mobile": mobile,
            "captcha_0": "x",
            "captcha_1": captcha,
            **extra,
        },
    )


def test_a_citizen_takes_a_quiz_one_question_at_a_time_and_sees_the_explanations(
    client, quiz, captcha_test_mode
):
    listing = client.get(reverse("quizzes:public_list")).content.decode()
    assert "质量知识有奖问答" in listing
    page = client.get(reverse("quizzes:public_quiz", args=[quiz.pk])).content.decode()
    assert all(q.text not in page for q in Question.objects.all())  # nothing before starting

    response = start(client, quiz, captcha_test_mode)
    attempt = Attempt.objects.get()
    assert response.url == reverse("quizzes:attempt", args=[attempt.token])
    seen = []
    for question_id in attempt.question_ids:
        page = client.get(response.url).content.decode()
        question = Question.objects.get(pk=question_id)
        assert question.text in page
        assert question.explanation not in page  # no answer key before the end
        others = [q for q in Question.objects.all() if q.pk not in [*seen, question_id]]
        assert all(q.text not in page for q in others)  # later questions not yet sent
        seen.append(question_id)
        client.post(response.url, {"question": question_id, "answer": list(question.answer)})
    result = client.get(response.url)
    assert result.url == reverse("quizzes:result", args=[attempt.token])
    page = client.get(result.url).content.decode()
    assert "100 分" in page and "答对 3 / 3 题" in page
    for question_id in attempt.question_ids:
        assert Question.objects.get(pk=question_id).explanation in page


def test_the_same_mobile_number_is_refused_a_second_time(client, quiz, captcha_test_mode):
    start(client, quiz, captcha_test_mode)
    other_phone = client.__class__()
    response = start(other_phone, quiz, captcha_test_mode, mobile="138 1234 1234")
    assert response.status_code == 409
    assert "手机号 138****1234 已参加过本次答题。每个手机号只能参加一次。" in (
        response.content.decode()
    )
    # The same phone (its session) is taken back to its own attempt instead.
    again = start(client, quiz, captcha_test_mode)
    assert again.url == reverse("quizzes:attempt", args=[Attempt.objects.get().token])


def test_someone_elses_attempt_link_is_not_found(client, quiz, captcha_test_mode):
    start(client, quiz, captcha_test_mode)
    token = Attempt.objects.get().token
    stranger = client.__class__()
    assert stranger.get(reverse("quizzes:attempt", args=[token])).status_code == 404
    assert stranger.get(reverse("quizzes:result", args=[token])).status_code == 404


def test_starting_needs_the_captcha_and_is_rate_limited(client, quiz, captcha_test_mode):
    response = start(client, quiz, "WRONG")
    assert response.status_code == 400 and "验证码不正确" in response.content.decode()
    for _attempt in range(portal_views.START_PER_ADDRESS.count - 1):
        start(client.__class__(), quiz, "WRONG")
    response = start(client, quiz, captcha_test_mode, mobile="13900000000")
    assert response.status_code == 429 and "操作过于频繁" in response.content.decode()
    assert not Attempt.objects.exists()


def test_after_the_time_limit_the_page_shows_the_result_and_a_late_answer_is_refused(
    client, quiz, captcha_test_mode, monkeypatch
):
    start(client, quiz, captcha_test_mode)
    attempt = Attempt.objects.get()
    page = client.get(reverse("quizzes:attempt", args=[attempt.token])).content.decode()
    assert 'data-remaining="299"' in page or 'data-remaining="300"' in page
    later = attempt.deadline_at + datetime.timedelta(seconds=30)
    monkeypatch.setattr(services, "now", lambda: later)
    question = Question.objects.get(pk=attempt.question_ids[0])
    response = client.post(
        reverse("quizzes:attempt", args=[attempt.token]),
        {"question": question.pk, "answer": list(question.answer)},
    )
    page = client.get(client.get(response.url).url).content.decode()
    assert "答题时间已到，超时提交的答案不计分。" in page and "0 分" in page
    attempt.refresh_from_db()
    assert attempt.answers == {} and attempt.finished_at is not None


def test_a_contest_finds_the_unit_by_name_or_credit_code(
    client, contest, enterprises, captcha_test_mode
):
    url = reverse("quizzes:public_quiz", args=[contest.pk])
    page = client.get(url, {"q": "张江"}).content.decode()
    assert "上海张江精密仪器有限公司" in page and "上海张江食品有限公司" in page
    assert "上海外高桥电子有限公司" not in page
    page = client.get(url, {"q": "91310115ma1k4ccc3c"}).content.decode()
    assert "上海外高桥电子有限公司" in page and "上海张江" not in page
    assert "没有找到匹配的单位" in client.get(url, {"q": "不存在的公司"}).content.decode()

    response = start(client, contest, captcha_test_mode)
    assert response.status_code == 400 and "请先查找并选择您所在的单位" in (
        response.content.decode()
    )
    start(client, contest, captcha_test_mode, unit=enterprises[2].pk)
    assert Attempt.objects.get().org_unit == enterprises[2]


def test_rankings_and_their_export_mask_personal_data_and_a_full_view_is_audited(
    client, contest, enterprises, reporter
):
    start_at = datetime.datetime(2024, 9, 10, 10, 0, tzinfo=datetime.UTC)
    people = [
        ("王小明", "13800000001", enterprises[0], 4, 60),
        ("李四", "13800000002", enterprises[0], 2, 50),
        ("张三丰", "13800000003", enterprises[1], 4, 90),
    ]
    for name, mobile, unit, rightly, seconds in people:
        attempt = services.start_attempt(
            contest, name=name, mobile=mobile, org_unit=unit, at=start_at
        )
        answer_all(attempt, rightly, at=start_at + datetime.timedelta(seconds=seconds))
    client.force_login(reporter)
    page = client.get(reverse("quizzes:detail", args=[contest.pk])).content.decode()
    assert "138****0001" in page and "王**" in page
    assert "13800000001" not in page and "王小明" not in page
    ranking = page[page.index('id="unit-ranking"') : page.index('id="people-ranking"')]
    assert ranking.index("上海张江食品有限公司") < ranking.index("上海张江精密仪器有限公司")

    data = b"".join(client.get(reverse("quizzes:export", args=[contest.pk])).streaming_content)
    book = load_workbook(io.BytesIO(data))
    rows = list(book["个人排名"].iter_rows(min_row=2, values_only=True))
    assert [row[:7] for row in rows] == [
        (1, "王**", "138****0001", "上海张江精密仪器有限公司", 100, "4/4", "1分00秒"),
        (2, "张**", "138****0003", "上海张江食品有限公司", 100, "4/4", "1分30秒"),
        (3, "李*", "138****0002", "上海张江精密仪器有限公司", 50, "2/4", "0分50秒"),
    ]
    units = list(book["单位排名"].iter_rows(min_row=2, values_only=True))
    assert [(u[0], u[1], u[3], u[4]) for u in units] == [
        (1, "上海张江食品有限公司", 1, 100),
        (2, "上海张江精密仪器有限公司", 2, 75),
    ]
    assert "13800000001" not in str(rows)

    page = client.post(reverse("quizzes:reveal", args=[contest.pk])).content.decode()
    assert "13800000001" in page and "王小明" in page
    assert AuditEntry.objects.filter(action="quiz.personal_data_viewed").count() == 1

    public = client.get(reverse("quizzes:public_quiz", args=[contest.pk])).content.decode()
    assert "单位排名前十" in public and "上海张江食品有限公司" in public
    assert "138****" not in public


def test_back_office_pages_are_for_the_organisers(client, quiz, bank, make_other_reporter):
    client.force_login(make_other_reporter)
    assert client.get(reverse("quizzes:list")).status_code == 200
    for name, args in [
        ("quizzes:detail", [quiz.pk]),
        ("quizzes:export", [quiz.pk]),
        ("quizzes:edit", [quiz.pk]),
        ("quizzes:bank", [bank.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.post(reverse("quizzes:status", args=[quiz.pk, "close"])).status_code == 404
    assert client.post(reverse("quizzes:reveal", args=[quiz.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("quizzes:list")).status_code == 302


def test_the_organisers_report_is_prefilled_and_a_typed_figure_is_kept(
    client, quiz, reporter, item, lujiazui
):
    for n in range(3):
        services.start_attempt(quiz, name="甲", mobile=f"1380000000{n}")
    report = report_services.start_report(reporter, item=item, org_unit=lujiazui)
    indicator = item.indicators.get(name="参与人数")
    client.force_login(reporter)
    page = client.get(reverse("reports:edit", args=[report.pk])).content.decode()
    assert "系统统计：答题人数 3" in page
    assert f'name="figure-{indicator.pk}" value="3"' in page
    assert "已按系统统计预填 3" in page

    report_services.save_draft(report, reporter, figures={indicator.pk: "250"})
    page = client.get(reverse("reports:edit", args=[report.pk])).content.decode()
    assert f'name="figure-{indicator.pk}" value="250' in page
    assert "系统统计为 3，与填写的数值不同，请核对。" in page


def test_creating_a_quiz_in_the_back_office(client, reporter, item, bank):
    client.force_login(reporter)
    page = client.get(reverse("quizzes:new")).content.decode()
    assert reverse("quizzes:new_for_item", args=[item.pk]) in page
    response = client.post(
        reverse("quizzes:new_for_item", args=[item.pk]),
        {
            "title": "社区质量知识问答",
            "kind": "quiz",
            "org_unit": item.assignments.get().org_unit_id,
            "bank": bank.pk,
            "question_count": 4,
            "time_limit_minutes": 8,
        },
    )
    quiz = services.Quiz.objects.get(title="社区质量知识问答")
    assert response.url == reverse("quizzes:detail", args=[quiz.pk])
    client.post(reverse("quizzes:status", args=[quiz.pk, "open"]))
    quiz.refresh_from_db()
    assert quiz.is_open


def test_the_export_writes_names_that_look_like_formulas_as_text(client, reporter, quiz):
    services.update_quiz(quiz, reporter, title="=cmd|' /C calc'!A0 有奖问答")
    for n, name in enumerate(DANGEROUS):
        answer_all(services.start_attempt(quiz, name=name, mobile=f"1380000{n:04d}"), 1)
    client.force_login(reporter)
    data = b"".join(client.get(reverse("quizzes:export", args=[quiz.pk])).streaming_content)
    assert_no_formulas(data)
    book = load_workbook(io.BytesIO(data))
    names = [row[1] for row in book["个人排名"].iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(mask_name(name.strip()) for name in DANGEROUS)
    assert book["说明"]["A1"].value.startswith("=cmd|' /C calc'!A0 有奖问答（")
