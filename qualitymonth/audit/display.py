"""Audit entries as people read them: "修改活动", field names, before and after side by side."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from qualitymonth.accounts.models import Role
from qualitymonth.core.models import AuditEntry

# "<noun>.<verb>" is how services name actions ("campaign.updated"). Features that add actions
# may add their words here; anything unknown is shown as written.
NOUNS = {
    "campaign": "活动",
    "category": "活动类别",
    "item": "活动事项",
    "indicator": "指标",
    "notice": "通知",
    "person": "人员",
    "user": "人员",
    "membership": "角色",
    "org": "单位",
    "orgunit": "单位",
    "unit": "单位",
    "assignment": "任务分配",
    "event": "活动场次",
    "registration": "报名",
    "report": "信息报送",
    "unit_summary": "书面小结",
    "summary": "工作总结",
    "case": "咨询投诉",
    "reminder": "催报提醒",
    "reminder_rule": "催报提醒设置",
}
# Verbs that read as "<verb><noun>": 新建活动, 删除事项.
VERBS = {
    "created": "新建",
    "updated": "修改",
    "deleted": "删除",
    "published": "发布",
    "archived": "归档",
    "restored": "恢复",
    "imported": "导入",
    "copied": "复制",
    "moved": "调整顺序",
    "activated": "启用",
    "deactivated": "停用",
    "submitted": "提交",
    "returned": "退回",
    "accepted": "采用",
    "assigned": "分配",
    "unassigned": "取消分配",
    "planned": "安排",
    "held": "举办",
    "cancelled": "取消",
    "started": "开始填写",
    "reopened": "重新打开",
    "sent": "发送",
}
# Whole actions whose words don't follow the pattern.
ACTIONS = {
    "org.unit_created": "新建单位",
    "org.unit_updated": "修改单位",
    "org.unit_moved": "移动单位",
    "org.units_imported": "导入单位",
    "person.imported": "导入人员",
    "item.assigned": "分配活动事项",
    "upward.exported": "导出上报包",
    "upward.verified": "校验上报包",
    "upward.refused": "拒绝上报包",
    "upward.imported": "导入上报包",
    "upward.replaced": "替换上报包",
    "upward.discarded": "删除上报包",
    "upward.key_registered": "登记上报包签名公钥",
    "upward.key_revoked": "吊销上报包签名公钥",
}
# Other verbs, shown as "<noun>：<phrase>".
PHRASES = {
    "contacts_set": "设置联系人",
    "deadlines_set": "设置截止日期",
    "items_renumbered": "事项重新编号",
    "indicators_set": "设置指标",
    "password_reset": "重置密码",
    "password_changed": "修改密码",
    "role_added": "添加角色",
    "role_removed": "移除角色",
    "duties_changed": "修改业务职责",
    "photo_added": "添加照片",
    "photo_removed": "删除照片",
    "attachment_added": "添加附件",
    "starred": "标记亮点",
}
DETAIL_LABELS = {
    "reason": "原因",
    "role": "角色",
    "rows": "明细",
    "unit": "单位",
    "duties": "业务职责",
    "row": "行号",
    "lead": "牵头单位",
    "participant": "参与单位",
    "direction": "方向",
    "campaign": "活动编号",
    "items": "事项数",
    "count": "数量",
    "file": "文件",
    "filename": "文件名",
    "sha256": "校验值",
}
# Codes stored under keys that are not model fields ("role" beside a person's fields).
VALUE_LABELS = {"role": dict(Role.choices)}
MAX_VALUE_CHARS = 2000
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ISO_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})")


def action_label(action: str) -> str:
    if action in ACTIONS:
        return ACTIONS[action]
    noun, _, verb = action.partition(".")
    if not verb:
        return action
    noun_text = NOUNS.get(noun)
    if noun_text and verb in VERBS:
        return f"{VERBS[verb]}{noun_text}"
    if noun_text and verb in PHRASES:
        return f"{noun_text}：{PHRASES[verb]}"
    return action


@cache
def _model(target_type: str):
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def target_type_label(target_type: str) -> str:
    model = _model(target_type)
    return str(model._meta.verbose_name) if model else target_type


@cache
def _field(target_type: str, key: str):
    model = _model(target_type)
    if model is None:
        return None
    for field in model._meta.concrete_fields:
        if key in (field.attname, field.name):
            return field
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return field if hasattr(field, "verbose_name") else None


def field_label(target_type: str, key: str) -> str:
    field = _field(target_type, key)
    if field is not None:
        return str(field.verbose_name)
    return DETAIL_LABELS.get(key, key)


def _field_value_text(target_type: str, key: str, value) -> str:
    """A stored code shown as its label where the field has choices: "published" → 已发布."""
    field = _field(target_type, key)
    if field is not None and field.choices:
        labels = {str(code): label for code, label in field.flatchoices}
    else:
        labels = VALUE_LABELS.get(key, {})
    if isinstance(value, str | int) and str(value) in labels:
        return str(labels[str(value)])
    return value_text(value)


def value_text(value) -> str:
    """One value as text: dates as users write them, lists one per line."""
    if value is None or value == "":
        return "（空）"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, str):
        if match := _ISO_DATE.match(value):
            year, month, day = match.groups()
            return f"{int(year)}年{int(month)}月{int(day)}日"
        if match := _ISO_DATETIME.match(value):
            year, month, day, hour, minute = match.groups()
            return f"{int(year)}年{int(month)}月{int(day)}日 {hour}:{minute}"
        return value[:MAX_VALUE_CHARS]
    if isinstance(value, list):
        return "\n".join(value_text(element) for element in value) or "（空）"
    if isinstance(value, dict):
        return "；".join(f"{key}：{value_text(element)}" for key, element in value.items())
    return json.dumps(value, ensure_ascii=False)[:MAX_VALUE_CHARS]


@dataclass
class Change:
    field: str
    before: str
    after: str
    changed: bool


def changes(entry: AuditEntry) -> list[Change]:
    """The entry's fields with their old and new values, changed ones marked."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    keys = list(dict.fromkeys([*before, *after]))
    rows = []
    for key in keys:
        old, new = before.get(key), after.get(key)
        rows.append(
            Change(
                field=field_label(entry.target_type, key),
                before=_field_value_text(entry.target_type, key, old) if key in before else "",
                after=_field_value_text(entry.target_type, key, new) if key in after else "",
                changed=key not in before or key not in after or old != new,
            )
        )
    return rows


def detail_text(entry: AuditEntry) -> str:
    if not isinstance(entry.detail, dict):
        return ""
    return "；".join(
        f"{DETAIL_LABELS.get(key, key)}：{value_text(value)}" for key, value in entry.detail.items()
    )


def changes_text(entry: AuditEntry) -> str:
    """For the workbook: one line per field, "字段：旧 → 新"."""
    lines = []
    for change in changes(entry):
        if change.before and change.after:
            lines.append(f"{change.field}：{change.before} → {change.after}")
        elif change.after:
            lines.append(f"{change.field}：{change.after}")
        else:
            lines.append(f"{change.field}：{change.before}（删除前）")
    return "\n".join(lines)
