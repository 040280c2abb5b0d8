"""The one review mechanism of things units send in: field reports and unit summaries.

draft → submitted → returned (with a reason) → submitted … → accepted (locked; a campaign admin
reopens it, with a reason, back to returned). Each feature describes its kind of document with
a ``Reviewable`` and asks here who may review and reopen it and to move it on; this module
checks the transition, sets the status and the review fields, keeps a version of what it said
and writes the audit entry. Permissions of writing and the notifications stay with the feature,
which knows its pages and its people.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from qualitymonth.accounts.models import Membership, Role
from qualitymonth.accounts.scope import scope_of
from qualitymonth.campaigns.models import Campaign
from qualitymonth.core import audit

ACTION_WORDS = {
    "submitted": gettext_lazy("提交"),
    "returned": gettext_lazy("退回"),
    "accepted": gettext_lazy("采用"),
    "reopened": gettext_lazy("重新打开"),
}


@dataclass(frozen=True)
class Reviewable:
    """What the review needs to know of one kind of document."""

    noun: str  # how messages name it: 报送, 书面小结
    audit_prefix: str  # audit actions are "<prefix>.<action>"
    version_model: type[models.Model]
    version_field: str  # the version's foreign key to the document
    snapshot: Callable[[models.Model], dict]
    campaign: Callable[[models.Model], Campaign]

    def may_review(self, by, obj) -> bool:
        return scope_of(by).can("report.review", obj.org_unit)

    def may_reopen(self, by, obj) -> bool:
        return scope_of(by).can("campaign.admin", self.campaign(obj).org_unit)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def reviewers_of(org_unit) -> list:
    """The reviewers of the unit's own organisation and those above it."""
    memberships = Membership.objects.filter(
        role=Role.REVIEWER, org_unit_id__in=org_unit.ancestor_ids
    ).select_related("user")
    return [m.user for m in memberships]


def due_date(campaign: Campaign, kind: str) -> datetime.date | None:
    """The notice's deadline of this kind, else its last deadline, else the campaign's end."""
    deadlines = list(campaign.deadlines.all())
    of_kind = [d.due_date for d in deadlines if d.kind == kind]
    if of_kind:
        return max(of_kind)
    return max((d.due_date for d in deadlines), default=None) or campaign.end_date


def is_late(due: datetime.date | None, when: datetime.datetime) -> bool:
    """Sent after the day it was due (local time): still taken, but marked late."""
    return bool(due and timezone.localdate(when) > due)


def transition(kind: Reviewable, obj, by, status: str, action: str, **changes):
    """Move ``obj`` to ``status``, set ``changes``, keep the version and audit it.

    Call it inside the caller's transaction; the row is locked so two reviewers clicking at
    once cannot both move it. Returns the fresh object.
    """
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    if not obj.can_become(status):
        raise ValidationError(
            f"这份{kind.noun}现在是“{obj.get_status_display()}”，不能{ACTION_WORDS[action]}。"
        )
    before = obj.status
    obj.status = status
    for key, value in changes.items():
        setattr(obj, key, value)
    obj.version += 1
    obj.save()
    kind.version_model.objects.create(
        **{kind.version_field: obj},
        number=obj.version,
        action=action,
        snapshot=kind.snapshot(obj),
        created_by=by,
    )
    audit.record(
        by,
        f"{kind.audit_prefix}.{action}",
        obj,
        org_unit=obj.org_unit,
        before={"status": before},
        after={"status": status, **{k: str(v) for k, v in changes.items()}},
    )
    return obj


# The four moves, the same for every kind. Each checks who may make it; the caller wraps it in
# a transaction and tells the people concerned afterwards.


def submit(kind: Reviewable, obj, by, *, due: datetime.date | None, at=None):
    """Send for review; after ``due`` it is still taken, marked late. Whether ``by`` may write
    the document, and whether it is complete, the feature has checked.

    ``at`` is only for loading history (the demo's samples); people always act now.
    """
    now = at or timezone.now()
    return transition(
        kind,
        obj,
        by,
        obj.Status.SUBMITTED,
        "submitted",
        submitted_at=now,
        is_late=is_late(due, now),
        return_reason="",
    )


def send_back(kind: Reviewable, obj, by, reason: str, *, at=None):
    require(kind.may_review(by, obj), f"您没有权限审核这份{kind.noun}。")
    if not reason.strip():
        raise ValidationError("请填写退回原因，说明需要修改什么。")
    return transition(
        kind,
        obj,
        by,
        obj.Status.RETURNED,
        "returned",
        return_reason=reason.strip(),
        reviewed_by=by,
        reviewed_at=at or timezone.now(),
    )


def accept(kind: Reviewable, obj, by, *, at=None):
    require(kind.may_review(by, obj), f"您没有权限审核这份{kind.noun}。")
    return transition(
        kind,
        obj,
        by,
        obj.Status.ACCEPTED,
        "accepted",
        reviewed_by=by,
        reviewed_at=at or timezone.now(),
    )


def reopen(kind: Reviewable, obj, by, reason: str):
    """Only a campaign admin unlocks an accepted document, with a reason; it goes back to the
    unit as returned."""
    require(kind.may_reopen(by, obj), f"只有区级管理员可以重新打开已采用的{kind.noun}。")
    if not reason.strip():
        raise ValidationError("请填写重新打开的原因。")
    return transition(
        kind,
        obj,
        by,
        obj.Status.RETURNED,
        "reopened",
        return_reason=reason.strip(),
        reviewed_by=by,
        reviewed_at=timezone.now(),
    )
