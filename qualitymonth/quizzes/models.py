"""Knowledge quizzes and enterprise contests (质量知识问答 / 竞赛).

A ``QuestionBank`` belongs to an org unit and holds ``Question`` rows (single choice, multiple
choice, true/false). A ``Quiz`` of a campaign item, organised by a unit, draws N questions from a
bank for each ``Attempt``; a contest (``Quiz.Kind.CONTEST``) has each participant answer under
their enterprise. One attempt per mobile number per quiz is a database constraint.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitymonth.core.privacy import mask_name, mask_phone

from . import scoring


class QuestionBank(models.Model):
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("题库名称"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("题库")
        verbose_name_plural = _("题库")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "name"],
                name="question_bank_unique_name",
                violation_error_message=_("本单位已有同名题库。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = scoring.SINGLE, _("单选题")
        MULTIPLE = scoring.MULTIPLE, _("多选题")
        JUDGE = scoring.JUDGE, _("判断题")

    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("题型"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("题目"))
    # The question as recognised again on a later import (scoring.question_key, hashed so the
    # unique index stays small on PostgreSQL).
    text_key = models.CharField(max_length=64, editable=False)
    options = models.JSONField(_("选项"), default=list)
    answer = models.CharField(_("答案"), max_length=6)
    explanation = models.TextField(_("解析"), blank=True)
    # A question taken out of the bank stays for the attempts that drew it.
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "text_key"], name="question_unique_in_bank"),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def lettered_options(self) -> list[tuple[str, str]]:
        return list(zip(scoring.LETTERS, self.options, strict=False))

    def answer_text(self, letters: str | None = None) -> str:
        """ "B. 错误", "A. … ；C. …" for the letters given (the right answer by default)."""
        letters = self.answer if letters is None else letters
        options = dict(self.lettered_options)
        return "；".join(f"{letter}. {options.get(letter, '')}" for letter in letters)


class Quiz(models.Model):
    class Kind(models.TextChoices):
        QUIZ = "quiz", _("知识问答")
        CONTEST = "contest", _("企业竞赛")

    class Status(models.TextChoices):
        DRAFT = "draft", _("未开放")
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已结束")

    item = models.ForeignKey(
        "campaigns.Item", verbose_name=_("活动事项"), on_delete=models.PROTECT, related_name="+"
    )
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+"
    )
    bank = models.ForeignKey(
        QuestionBank, verbose_name=_("题库"), on_delete=models.PROTECT, related_name="quizzes"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.QUIZ)
    title = models.CharField(_("名称"), max_length=120)
    description = models.TextField(_("说明"), blank=True)
    question_count = models.PositiveSmallIntegerField(_("每人题数"), default=10)
    time_limit_minutes = models.PositiveSmallIntegerField(_("答题时限（分钟）"), default=10)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    show_unit_ranking = models.BooleanField(
        _("公开单位排名前十"),
        default=False,
        help_text=_("竞赛的单位排名前十名显示在公众页面上。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("知识问答")
        verbose_name_plural = _("知识问答")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_contest(self) -> bool:
        return self.kind == self.Kind.CONTEST

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Attempt(models.Model):
    """One person's answering of a quiz: the questions drawn for them, their answers, the
    score. ``deadline_at`` is set by the server when they start; answers received after it
    (plus ``scoring.GRACE_SECONDS``) are not counted."""

    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("姓名"), max_length=60)
    mobile = models.CharField(_("手机号"), max_length=11)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    question_ids = models.JSONField(default=list)
    # {"<question id>": "AC"}: only answers received in time.
    answers = models.JSONField(default=dict)
    started_at = models.DateTimeField(_("开始时间"))
    deadline_at = models.DateTimeField(_("截止时间"))
    finished_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(_("答对题数"), default=0)
    score = models.PositiveSmallIntegerField(_("得分"), default=0)
    # From the start to the last answer counted.
    duration_seconds = models.PositiveIntegerField(_("用时（秒）"), default=0)

    class Meta:
        verbose_name = _("答题记录")
        verbose_name_plural = _("答题记录")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "mobile"],
                name="attempt_one_per_mobile",
                violation_error_message=_("该手机号已参加过本次答题。"),
            ),
        ]
        indexes = [models.Index(fields=["quiz", "-score", "duration_seconds"])]

    def __str__(self) -> str:
        return f"{self.quiz} · {self.masked_name}"

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_mobile(self) -> str:
        return mask_phone(self.mobile)

    @property
    def total(self) -> int:
        return len(self.question_ids)
