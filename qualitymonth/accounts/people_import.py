"""People from a workbook: check every row against the database and the admin's scope, show
the problems, then create everyone in one transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from qualitymonth.core import audit
from qualitymonth.core.xlsx import Row, read_table, write_table
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.orgs.validators import check_phone

from .models import Duty, Membership, Role, User
from .scope import scope_of
from .services import can_manage, temporary_password

HEADERS = ["用户名", "姓名", "手机号", "电子邮箱", "单位", "角色", "职责", "含下级单位"]
REQUIRED = ["用户名", "姓名", "单位", "角色"]
_USERNAME_RE = re.compile(r"^[\w.@+-]{2,150}$")
_ROLE_BY_LABEL = {str(label): value for value, label in Role.choices}
_DUTY_BY_LABEL = {str(label): value for value, label in Duty.choices}


@dataclass
class PersonRow:
    number: int
    username: str
    full_name: str
    phone: str
    email: str
    unit_name: str
    role_label: str
    duty_labels: str
    sub_units_label: str = ""
    unit: OrgUnit | None = None
    role: str = ""
    duties: list[str] = field(default_factory=list)
    existing: User | None = None
    action: str = ""  # "create", "add_role" or "unchanged"
    problems: list[str] = field(default_factory=list)


def template_workbook() -> bytes:
    return write_table(
        HEADERS,
        [
            [
                "lujiazui02",
                "张三",
                "13800138000",
                "zhangsan@example.cn",
                "陆家嘴街道",
                "单位填报员",
                "",
                "否",
            ]
        ],
        title="人员",
        widths=[16, 12, 16, 26, 24, 14, 24, 12],
        notes=[
            "每行一人一个角色；同一人在几个单位任职，写几行（用户名相同）。",
            f"角色：{'、'.join(_ROLE_BY_LABEL)}。",
            f"职责（仅业务人员）：{'、'.join(_DUTY_BY_LABEL)}，多个用顿号分隔。",
            "含下级单位（仅单位填报员）：填“是”则也为下级单位填报，不填或“否”只为本单位填报。",
            "单位写单位名称或单位代码，须在您管理的范围内。",
            "新账号的初始密码在导入完成时显示一次，首次登录后须修改。",
        ],
    )


def read_file(data: bytes, by) -> list[PersonRow]:
    """The rows of an uploaded people workbook, each checked by ``check_rows``. Raises
    ``XlsxError`` with a Chinese message for a file that cannot be read as the table."""
    return check_rows(read_table(data, required=REQUIRED, optional=HEADERS), by)


def check_rows(rows: list[Row], by) -> list[PersonRow]:
    """Every row with what importing it would do, or why it cannot be imported."""
    units = list(scope_of(by).units("people.manage"))
    by_name: dict[str, list[OrgUnit]] = {}
    for unit in units:
        for key in {unit.name, unit.short_name, unit.code} - {""}:
            by_name.setdefault(key, []).append(unit)
    usernames = [row.values.get("用户名", "") for row in rows]
    existing = {u.username.lower(): u for u in User.objects.filter(username__in=usernames)}
    memberships = {
        (m.user_id, m.org_unit_id, m.role)
        for m in Membership.objects.filter(user__in=existing.values())
    }
    seen: dict[tuple[str, int | None, str], int] = {}
    checked = []
    for row in rows:
        v = row.values
        person = PersonRow(
            row.number,
            v.get("用户名", ""),
            v.get("姓名", ""),
            v.get("手机号", ""),
            v.get("电子邮箱", ""),
            v.get("单位", ""),
            v.get("角色", ""),
            v.get("职责", ""),
            v.get("含下级单位", ""),
        )
        _check_row(person, by_name, existing, by)
        key = (person.username.lower(), person.unit.pk if person.unit else None, person.role)
        if key in seen:
            person.problems.append(f"与第 {seen[key]} 行重复。")
        seen.setdefault(key, row.number)
        if not person.problems:
            if person.existing is None:
                person.action = "create"
            elif (person.existing.pk, person.unit.pk, person.role) in memberships:
                person.action = "unchanged"
            else:
                person.action = "add_role"
        checked.append(person)
    # A person in several rows is created by the first and given roles by the others.
    created = set()
    for person in checked:
        if person.action == "create":
            if person.username.lower() in created:
                person.action = "add_role"
            created.add(person.username.lower())
    return checked


def _check_row(person: PersonRow, by_name, existing, by) -> None:
    problems = person.problems
    if not _USERNAME_RE.match(person.username):
        problems.append("用户名须为 2–150 个字母、数字或 @.+-_ 字符。")
    if not person.full_name:
        problems.append("缺少姓名。")
    if person.phone and (problem := check_phone(person.phone)):
        problems.append(problem)
    if person.email:
        try:
            validate_email(person.email)
        except ValidationError:
            problems.append(f"电子邮箱“{person.email}”格式不正确。")
    matches = by_name.get(person.unit_name, [])
    if not person.unit_name:
        problems.append("缺少单位。")
    elif not matches:
        problems.append(f"单位“{person.unit_name}”不存在，或不在您管理的范围内。")
    elif len(matches) > 1:
        problems.append(f"有多个单位叫“{person.unit_name}”，请改写单位代码。")
    else:
        person.unit = matches[0]
    person.role = _ROLE_BY_LABEL.get(person.role_label, "")
    if not person.role:
        problems.append(f"角色“{person.role_label}”不正确，应为：{'、'.join(_ROLE_BY_LABEL)}。")
    labels = [label for label in re.split(r"[、，,；;\s]+", person.duty_labels) if label]
    unknown = [label for label in labels if label not in _DUTY_BY_LABEL]
    if unknown:
        problems.append(f"职责“{'、'.join(unknown)}”不正确，应为：{'、'.join(_DUTY_BY_LABEL)}。")
    person.duties = [_DUTY_BY_LABEL[label] for label in labels if label in _DUTY_BY_LABEL]
    if person.sub_units_label not in {"", "是", "否"}:
        problems.append("“含下级单位”应填“是”或“否”。")
    person.existing = existing.get(person.username.lower())
    if person.existing is not None and not can_manage(by, person.existing):
        problems.append(f"用户名“{person.username}”已被其他单位的人员使用。")


def apply_rows(rows: list[PersonRow], by) -> list[tuple[User, str]]:
    """Create the new people and give the roles, all or nothing. Returns each new person with
    their temporary password, to be shown once."""
    if any(row.problems for row in rows):
        raise ValidationError("还有未解决的问题，不能导入。")
    created: list[tuple[User, str]] = []
    with transaction.atomic():
        people: dict[str, User] = {}
        for row in rows:
            if row.action == "unchanged":
                continue
            person = people.get(row.username.lower()) or row.existing
            if person is None:
                password = temporary_password()
                person = User.objects.create_user(
                    row.username,
                    email=row.email,
                    password=password,
                    full_name=row.full_name,
                    phone=row.phone,
                    must_change_password=True,
                )
                people[row.username.lower()] = person
                created.append((person, password))
            Membership.objects.get_or_create(
                user=person,
                org_unit=row.unit,
                role=row.role,
                defaults={
                    "duties": row.duties if row.role == Role.SERVICE_STAFF else [],
                    "covers_sub_units": row.role != Role.REPORTER or row.sub_units_label == "是",
                },
            )
            audit.record(
                by,
                "person.imported",
                person,
                org_unit=row.unit,
                after={"unit": row.unit.name, "role": row.role, "row": row.number},
            )
    return created
