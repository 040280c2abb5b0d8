"""Notifications: the inbox every user has, and e-mail to those with an address."""

import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from qualitymonth.accounts.models import User
from qualitymonth.core.models import Notification
from qualitymonth.core.notifications import mark_all_read, mark_read, notify, only_to
from tests.conftest import make_person


@pytest.fixture
def zhang(db):
    person = make_person("zhang")
    person.full_name, person.email = "张伟", "zhangwei@example.gov.cn"
    person.save()
    return person


@pytest.fixture
def li(db):
    return make_person("li")  # no e-mail address


def test_notify_fills_each_inbox_and_emails_those_with_an_address(
    zhang, li, mailoutbox, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        with django_assert_num_queries(1):  # one bulk insert for all recipients
            created = notify(
                [zhang, li, zhang],
                "report_returned",
                "信息报送被退回：陆家嘴街道质量开放日",
                body="请补充活动照片。",
                url="/campaigns/1/",
            )
    assert [n.recipient for n in created] == [zhang, li]
    assert all(n.pk for n in created)
    assert Notification.objects.filter(kind="report_returned", read_at=None).count() == 2
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["zhangwei@example.gov.cn"]
    assert mail.subject == "【质量月活动管理平台】信息报送被退回：陆家嘴街道质量开放日"
    assert "张伟，您好" in mail.body and "请补充活动照片。" in mail.body
    assert "http://127.0.0.1:8000/campaigns/1/" in mail.body


def test_only_to_narrows_who_is_told_within_the_block(
    zhang, li, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with only_to(lambda person: person.username == "li"):
            told = notify([zhang, li], "hello", "你好")
        after = notify([zhang], "hello", "你好")
    assert [n.recipient for n in told] == [li] and [n.recipient for n in after] == [zhang]
    assert [mail.to for mail in mailoutbox] == [["zhangwei@example.gov.cn"]]  # from after only


def test_one_user_a_queryset_and_inactive_people(zhang, li, mailoutbox):
    li.is_active = False
    li.save()
    assert len(notify(zhang, "hello", "你好", email=False)) == 1
    assert [n.recipient for n in notify(User.objects.all(), "hello", "你好", email=False)] == [
        zhang
    ]
    assert mailoutbox == []


def test_no_email_when_the_change_is_rolled_back(zhang, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(zhang, "task_assigned", "新任务")
        raise RuntimeError
    assert mailoutbox == [] and not Notification.objects.exists()


def test_a_mail_failure_is_logged_and_keeps_the_inbox_entry(
    zhang, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.core.test_notifications.BrokenBackend"
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        created = notify(zhang, "task_assigned", "新任务")
    assert Notification.objects.filter(pk=created[0].pk).exists()
    assert "Notification e-mail (task_assigned) to 1 recipient(s) failed" in caplog.text


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server unreachable")


def test_only_links_inside_the_platform_or_http(zhang):
    with pytest.raises(ValueError):
        notify(zhang, "x", "x", url="javascript:alert(1)")


def test_mark_read_and_mark_all_read(zhang, li):
    first, second = (notify(zhang, "x", f"消息{i}", email=False)[0] for i in (1, 2))
    with pytest.raises(PermissionDenied):
        mark_read(first, li)
    assert mark_read(first, zhang).read_at is not None
    first.refresh_from_db()
    read_at = first.read_at
    mark_read(first, zhang)  # reading again keeps the first time
    first.refresh_from_db()
    assert first.read_at == read_at
    assert mark_all_read(zhang) == 1
    second.refresh_from_db()
    assert second.is_read


# Pages ----------------------------------------------------------------------------------------


def test_the_inbox_lists_only_ones_own_messages(client, zhang, li):
    notify(zhang, "x", "给张伟的消息", email=False)
    notify(li, "x", "给李的消息", email=False)
    client.force_login(zhang)
    page = client.get(reverse("core:inbox")).content.decode()
    assert "给张伟的消息" in page and "给李的消息" not in page
    assert 'id="inbox-badge"' in page and "1<span" in page


def test_guessing_another_users_message_id_is_not_found(client, zhang, li):
    theirs = notify(li, "x", "给李的消息", url="/campaigns/", email=False)[0]
    client.force_login(zhang)
    assert client.get(reverse("core:notification_open", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("core:notification_read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_one_read_with_htmx_updates_it_in_place(client, zhang):
    first, _second = (notify(zhang, "x", f"消息{i}", email=False)[0] for i in (1, 2))
    client.force_login(zhang)
    response = client.post(
        reverse("core:notification_read", args=[first.pk]),
        {"next": "/inbox/"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{first.pk}"' in html and "unread" not in html.split("</li>")[0]
    assert 'id="inbox-badge" class="inbox-badge" hx-swap-oob="true"' in html
    assert "1 条未读消息" in html
    first.refresh_from_db()
    assert first.is_read


def test_mark_all_read_without_javascript_returns_to_the_inbox(client, zhang):
    notify(zhang, "x", "消息", email=False)
    client.force_login(zhang)
    response = client.post(reverse("core:inbox_read_all"), {"next": "/inbox/?show=unread"})
    assert response.status_code == 302 and response.url == "/inbox/?show=unread"
    assert not Notification.objects.filter(read_at=None).exists()
    # An address elsewhere is not followed.
    response = client.post(reverse("core:inbox_read_all"), {"next": "https://evil.example/"})
    assert response.url == reverse("core:inbox")


def test_mark_all_read_with_htmx_returns_the_list(client, zhang):
    notify(zhang, "x", "消息", email=False)
    client.force_login(zhang)
    response = client.post(reverse("core:inbox_read_all"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "没有未读消息" in html and 'hx-swap-oob="true"' in html and "hidden" in html


def test_opening_a_message_reads_it_and_follows_its_link(client, zhang):
    message = notify(zhang, "x", "消息", url="/campaigns/", email=False)[0]
    client.force_login(zhang)
    response = client.get(reverse("core:notification_open", args=[message.pk]))
    assert response.status_code == 302 and response.url == "/campaigns/"
    message.refresh_from_db()
    assert message.is_read


def test_the_header_shows_the_unread_count(client, zhang):
    notify(zhang, "x", "消息", email=False)
    client.force_login(zhang)
    page = client.get(reverse("core:inbox")).content.decode()
    assert (
        '<span id="inbox-badge" class="inbox-badge">1<span class="visually-hidden">条未读' in page
    )
