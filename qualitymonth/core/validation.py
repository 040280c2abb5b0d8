"""Django's own field rules for rows that arrive in bulk (a district's upward package), with
each problem named the way the person reads it: which row, which field, what is wrong."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models


def described(error: ValidationError, instance: models.Model, where: str) -> ValidationError:
    """``error`` about ``instance``'s fields as one sentence per problem naming ``where`` and
    the field: "事项“质量开放日”的指标“参与人数”的汇总方式：值 'median' 不是有效选项。"."""
    if not hasattr(error, "error_dict"):
        return ValidationError([f"{where}：{message}" for message in error.messages])
    problems = []
    for name, messages in error.message_dict.items():
        label = where
        if name in {field.name for field in instance._meta.fields}:
            label = f"{where}的{instance._meta.get_field(name).verbose_name}"
        problems += [f"{label}：{message}" for message in messages]
    return ValidationError(problems)


def check_fields(instance: models.Model, where: str) -> None:
    """The field rules of ``instance`` (required, length, choices, ranges), without the query
    per relation that ``full_clean`` makes: its related rows are the caller's, just made or
    found. Raises `ValidationError` as `described`."""
    relations = [field.name for field in instance._meta.concrete_fields if field.is_relation]
    try:
        instance.clean_fields(exclude=relations)
    except ValidationError as error:
        raise described(error, instance, where) from error
