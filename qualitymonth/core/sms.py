"""Text messages (短信) to people without an account: the outbox and pluggable gateways.

Citizens who register for an event have no account and no inbox; the platform tells them by
SMS (a waiting-list place that became a confirmed one, a registration received). Every message
is first written to the outbox (``SmsMessage``, visible to staff in the admin and beside the
feature that sent it), then handed to the backend named by ``settings.SMS_BACKEND`` after the
sender's transaction commits, so a rolled-back change sends nothing.

The default backend, ``LogBackend``, only writes the message to the log: the embedded mode and
the demo send nothing to a phone. Production plugs its gateway (the bureau's SMS platform,
Aliyun / Tencent Cloud SMS …) with a class of its own::

    class GatewayBackend(qualitymonth.core.sms.SmsBackend):
        def send(self, mobile: str, text: str) -> str:
            ...  # call the gateway; return its message id, raise on failure

and ``SMS_BACKEND=myproject.sms.GatewayBackend`` in the environment. A failure is recorded on
the message (status 发送失败 with the reason) and logged; it never reaches the caller.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import SmsMessage
from .privacy import mask_phone

log = logging.getLogger(__name__)

# Gateways add the signature themselves in production; the prefix keeps log lines readable.
SIGNATURE = "【质量月】"


class SmsBackend:
    """A gateway: ``send`` delivers one message and returns the gateway's id for it."""

    def send(self, mobile: str, text: str) -> str:  # pragma: no cover - interface
        raise NotImplementedError


class LogBackend(SmsBackend):
    """The embedded default: the message goes to the log (number masked), not to a phone."""

    def send(self, mobile: str, text: str) -> str:
        log.info("SMS to %s: %s", mask_phone(mobile), text)
        return ""


class LocmemBackend(SmsBackend):
    """Keeps sent messages in ``LocmemBackend.outbox`` (tests)."""

    outbox: list[tuple[str, str]] = []

    def send(self, mobile: str, text: str) -> str:
        LocmemBackend.outbox.append((mobile, text))
        return f"locmem-{len(LocmemBackend.outbox)}"


def backend() -> SmsBackend:
    path = getattr(settings, "SMS_BACKEND", "qualitymonth.core.sms.LogBackend")
    return import_string(path)()


def send_sms(mobile: str, text: str, *, kind: str, ref: str = "", org_unit=None) -> SmsMessage:
    """Write the message to the outbox and send it once the caller's transaction commits."""
    message = SmsMessage.objects.create(
        mobile=mobile,
        text=(SIGNATURE + text)[:500],
        kind=kind,
        ref=ref,
        org_path=getattr(org_unit, "path", "") or "",
    )
    transaction.on_commit(lambda: deliver(message.pk))
    return message


def deliver(message_id: int) -> None:
    """Hand one queued message to the backend and record the outcome."""
    message = SmsMessage.objects.filter(pk=message_id, status=SmsMessage.Status.QUEUED).first()
    if message is None:
        return
    gateway = backend()
    message.backend = f"{type(gateway).__module__}.{type(gateway).__qualname__}"[:120]
    try:
        message.provider_id = (gateway.send(message.mobile, message.text) or "")[:120]
    except Exception as error:
        log.exception("SMS %s to %s failed", message.pk, mask_phone(message.mobile))
        message.status = SmsMessage.Status.FAILED
        message.error = str(error)[:300]
    else:
        message.status = SmsMessage.Status.SENT
        message.sent_at = timezone.now()
    message.save(update_fields=["backend", "provider_id", "status", "error", "sent_at"])
