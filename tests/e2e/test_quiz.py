"""Issue 6's quiz story at phone width: a citizen opens the demo's 质量知识有奖问答 from the portal,
starts with name, mobile number and captcha, answers one question at a time under the server's
countdown, and sees the score with every question's explanation; starting again with the same
mobile number from another phone is refused."""

import re

from playwright.sync_api import expect

from qualitymonth.demo.loader import load_demo
from qualitymonth.quizzes.models import Attempt, Question, Quiz


def test_a_citizen_takes_a_quiz_and_cannot_take_it_twice(
    phone_page, browser, live_server, settings, tmp_path, captcha_test_mode
):
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.cache import cache

    cache.clear()
    load_demo()
    quiz = Quiz.objects.get(kind="quiz", title__startswith="【示例】")
    answers = {q.text: q for q in Question.objects.filter(bank=quiz.bank)}

    citizen = phone_page
    citizen.goto(f"{live_server.url}/portal/quizzes/")
    citizen.locator(".portal-choice").filter(has_text="质量知识有奖问答").click()
    expect(citizen.get_by_role("heading", name=quiz.title)).to_be_visible()
    citizen.get_by_label("姓名").fill("王小明")
    citizen.get_by_label("手机号码").fill("13812341234")
    citizen.get_by_label("验证码").fill(captcha_test_mode)
    citizen.get_by_role("button", name="开始答题").click()

    for number in range(1, quiz.question_count + 1):
        expect(citizen.locator("#quiz-timer")).to_contain_text(f"第 {number} / 5 题")
        # The server's time left, counting down in the page.
        expect(citizen.locator("[data-countdown]")).to_have_text(re.compile(r"^[45]:\d\d$"))
        legend = citizen.locator(".quiz-question").inner_text()
        question = next(q for text, q in answers.items() if text in legend)
        # The answer key is not in the page while answering.
        assert question.explanation not in citizen.content()
        if number == 1:  # answered wrongly (a multiple choice one incompletely), to see it marked
            wrong = (
                question.answer[0]
                if len(question.answer) > 1
                else next(letter for letter in "AB" if letter != question.answer)
            )
            citizen.locator(f"input[name=answer][value={wrong}]").check()
        else:
            for letter in question.answer:
                citizen.locator(f"input[name=answer][value={letter}]").check()
        assert citizen.evaluate("document.documentElement.scrollWidth") <= 375
        button = "提交并交卷" if number == quiz.question_count else "下一题"
        citizen.get_by_role("button", name=button).click()

    expect(citizen.get_by_role("heading", name="答题结果")).to_be_visible()
    expect(citizen.locator("#quiz-score")).to_have_text("80 分")
    expect(citizen.get_by_text("答对 4 / 5 题")).to_be_visible()
    attempt = Attempt.objects.get(quiz=quiz, mobile="13812341234")
    results = citizen.locator("#quiz-results li")
    expect(results).to_have_count(5)
    expect(results.first).to_contain_text("答错")
    for question_id in attempt.question_ids:
        explanation = Question.objects.get(pk=question_id).explanation
        expect(citizen.locator("#quiz-results")).to_contain_text(explanation)
    assert citizen.evaluate("document.documentElement.scrollWidth") <= 375

    # Another phone, the same mobile number: refused with a clear message.
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    other = context.new_page()
    other.goto(f"{live_server.url}/portal/quizzes/{quiz.pk}/")
    other.get_by_label("姓名").fill("王小明")
    other.get_by_label("手机号码").fill("138 1234 1234")
    other.get_by_label("验证码").fill(captcha_test_mode)
    other.get_by_role("button", name="开始答题").click()
    expect(other.get_by_role("alert")).to_contain_text(
        "手机号 138****1234 已参加过本次答题。每个手机号只能参加一次。"
    )
    context.close()
    assert Attempt.objects.filter(quiz=quiz, mobile="13812341234").count() == 1
    assert citizen.js_errors == []
