"""Notifications: the one way the platform tells people something.

Every feature sends through ``notify``: it puts a message in each recipient's inbox (消息) and
e-mails those who have an address. Reading a message is not a business change, so it is not
audited.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urljoin

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from .models import Notification

log = logging.getLogger(__name__)

SUBJECT_PREFIX = "【质量月活动管理平台】"

# Who may be told at all, when a caller has narrowed it with ``only_to``; None: everybody.
_allowed: ContextVar[Callable[[object], bool] | None] = ContextVar("notify_only_to", default=None)


def notify(
    recipients,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """Put a message in each recipient's inbox (one bulk insert) and e-mail them.

    ``recipients`` is a user, or an iterable / queryset of users; duplicates and inactive
    users are skipped. ``url`` is a path inside the platform ("/campaigns/3/") or an absolute
    http(s) address. The inbox entries belong to the caller's transaction; the e-mails go out
    only after it commits (``transaction.on_commit``), so a rolled-back change sends nothing.
    E-mail failures are logged and never reach the caller or undo the inbox entries.
    """
    if url and not (url.startswith("/") or url.startswith(("http://", "https://"))):
        raise ValueError(f"Notification url must be a path or an http(s) address: {url!r}")
    people = _unique_active(recipients)
    notifications = Notification.objects.bulk_create(
        [
            Notification(recipient=person, kind=kind, title=title[:200], body=body, url=url)
            for person in people
        ]
    )
    if email:
        messages = [
            _email(person, title, body, url) for person in people if (person.email or "").strip()
        ]
        if messages:
            transaction.on_commit(lambda: _send(messages, kind))
    return notifications


@contextmanager
def only_to(allowed: Callable[[object], bool]) -> Iterator[None]:
    """Within the block, ``notify`` tells only the people ``allowed`` accepts; the others get
    neither a message nor an e-mail. The demo loader plays its sample work through the real
    services, which tell a unit's reviewers and reporters, and must reach nobody it did not make.
    """
    token = _allowed.set(allowed)
    try:
        yield
    finally:
        _allowed.reset(token)


def mark_read(notification: Notification, by) -> Notification:
    """Mark one of ``by``'s own messages read; another user's message is refused."""
    if notification.recipient_id != getattr(by, "pk", None):
        raise PermissionDenied("这不是您的消息。")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at=None).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_read(user) -> int:
    """Mark all of the user's unread messages read; returns how many there were."""
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at=None).count()


def _unique_active(recipients) -> list:
    if recipients is None:
        return []
    if not isinstance(recipients, Iterable) or hasattr(recipients, "_meta"):
        recipients = [recipients]
    people, seen = [], set()
    for person in recipients:
        if person is None or person.pk in seen or not person.is_active:
            continue
        seen.add(person.pk)
        people.append(person)
    allowed = _allowed.get()
    return people if allowed is None else [person for person in people if allowed(person)]


def _email(person, title: str, body: str, url: str) -> EmailMessage:
    text = f"{getattr(person, 'display_name', '') or person.get_username()}，您好：\n\n{title}\n"
    if body:
        text += f"\n{body}\n"
    if url:
        text += f"\n查看详情：{urljoin(settings.SITE_URL.rstrip('/') + '/', url)}\n"
    text += "\n此邮件由质量月活动管理平台自动发送，请勿直接回复。\n"
    subject = f"{SUBJECT_PREFIX}{title}".replace("\n", " ")
    return EmailMessage(subject=subject, body=text, to=[person.email.strip()])


def _send(messages: list[EmailMessage], kind: str) -> None:
    # One connection for the whole batch; a failure is logged, never raised: the inbox
    # entries are already saved and the recipient still sees the message there.
    try:
        connection = get_connection(fail_silently=False)
        sent = connection.send_messages(messages)
    except Exception:
        log.exception("Notification e-mail (%s) to %d recipient(s) failed", kind, len(messages))
        return
    log.info("Notification e-mail (%s) sent to %s of %d recipient(s)", kind, sent, len(messages))
