"""The login lockout across addresses: one account guessed from many addresses is locked, its
owner still logs in from a browser they used before, and an admin can lift the lock.

The per-address lock (5 failures for one username from one address) is tested in
tests/core/test_security.py.
"""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from qualitymonth.accounts import services
from qualitymonth.accounts.models import LoginLock, Role, User
from qualitymonth.core.models import AuditEntry
from tests.conftest import make_person

PASSWORD = "Strong-Password-1"
LOGIN = "/accounts/login/"


def log_in(client, username: str, password: str, address: str):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def log_out(client):
    """As the person does (the test client's ``logout`` would forget every cookie)."""
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def guess_from_many_addresses(client, username: str, addresses: int = 50, each: int = 4):
    """What the finding saw: ``each`` wrong passwords from every one of ``addresses``
    addresses, below the per-address limit of 5 everywhere."""
    for n in range(addresses):
        for _ in range(each):
            log_in(client, username, f"guess-{n}-{_}", f"10.0.{n // 250}.{n % 250 + 1}")


@pytest.fixture
def zhang(lujiazui):
    return make_person("zhang", Role.REPORTER, lujiazui)


def test_guessing_one_account_from_many_addresses_locks_it(client, zhang):
    guess_from_many_addresses(client, "zhang")
    assert LoginLock.objects.get(username="zhang").failures == 20  # refused tries not counted

    # The right password, from yet another address, is refused: the guesser learns nothing.
    response = log_in(client, "zhang", PASSWORD, "192.168.7.7")
    page = response.content.decode()
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "在多处登录失败次数过多，已被暂时锁定" in page
    assert re.search(r"请在 \d{2}:\d{2} 之后（约 (59|60) 分钟后）再试", page)
    assert "区级管理员" in page and "系统管理员" in page
    # The lock is in the audit log of the person's district, for their admin to see.
    entry = AuditEntry.objects.get(action="person.login_locked")
    assert entry.target_id == str(zhang.pk) and entry.after["failures"] == 20


def test_an_unknown_username_is_locked_the_same_way(client, db):
    """The lock tells nobody whether an account exists."""
    guess_from_many_addresses(client, "nobody", addresses=10, each=2)
    page = log_in(client, "nobody", "x", "192.168.7.7").content.decode()
    assert "在多处登录失败次数过多" in page


def test_failures_spread_over_more_than_an_hour_do_not_lock(client, zhang):
    guess_from_many_addresses(client, "zhang", addresses=19, each=1)
    LoginLock.objects.update(window_started_at=timezone.now() - datetime.timedelta(minutes=61))
    guess_from_many_addresses(client, "zhang", addresses=5, each=1)
    assert LoginLock.objects.get(username="zhang").failures == 5
    assert log_in(client, "zhang", PASSWORD, "192.168.7.7").status_code == 302


def test_the_lock_lifts_by_itself_after_an_hour(client, zhang):
    guess_from_many_addresses(client, "zhang", addresses=20, each=1)
    assert log_in(client, "zhang", PASSWORD, "192.168.7.7").status_code == 429
    LoginLock.objects.update(locked_until=timezone.now() - datetime.timedelta(seconds=1))
    assert log_in(client, "zhang", PASSWORD, "192.168.7.7").status_code == 302


def test_the_owner_still_logs_in_from_a_browser_used_before(client, zhang):
    from django.test import Client

    assert log_in(client, "zhang", PASSWORD, "172.16.0.5").status_code == 302
    log_out(client)
    guess_from_many_addresses(Client(), "zhang")
    # Their own browser, even from a new address (a phone on another network).
    assert log_in(client, "zhang", PASSWORD, "192.168.7.7").status_code == 302
    # A fresh browser is still refused.
    assert log_in(Client(), "zhang", PASSWORD, "192.168.7.8").status_code == 429


def test_a_browser_is_no_longer_known_after_the_password_is_reset(client, zhang, admin):
    from django.test import Client

    assert log_in(client, "zhang", PASSWORD, "172.16.0.5").status_code == 302
    log_out(client)
    password = services.reset_password(zhang, admin)
    guess_from_many_addresses(Client(), "zhang", addresses=20, each=1)
    assert log_in(client, "zhang", password, "172.16.0.5").status_code == 429


def test_a_wrong_password_from_a_known_browser_still_counts_per_address(client, zhang):
    assert log_in(client, "zhang", PASSWORD, "172.16.0.5").status_code == 302
    log_out(client)
    for _ in range(5):
        log_in(client, "zhang", "wrong-password", "172.16.0.5")
    assert log_in(client, "zhang", PASSWORD, "172.16.0.5").status_code == 429


def test_the_district_admin_unlocks_from_the_person_page(client, zhang, admin):
    guess_from_many_addresses(client, "zhang", addresses=20, each=1)
    for _ in range(5):  # and one address locked on its own
        log_in(client, "zhang", "wrong-password", "10.9.9.9")
    client.force_login(admin)
    url = reverse("accounts:person", kwargs={"pk": zhang.pk})
    page = client.get(url).content.decode()
    assert "登录已锁定" in page and 'value="unlock_login"' in page
    listing = client.get(reverse("accounts:people")).content.decode()
    assert "登录已锁定" in listing

    response = client.post(
        reverse("accounts:person_action", kwargs={"pk": zhang.pk}), {"action": "unlock_login"}
    )
    assert response.status_code == 302
    assert not LoginLock.objects.filter(username="zhang").exists()
    assert not AccessAttempt.objects.filter(username="zhang").exists()
    entry = AuditEntry.objects.get(action="person.login_unlocked")
    assert entry.actor == admin and entry.before["account_locked_until"]
    log = client.get(reverse("audit:list")).content.decode()
    assert "人员：解除登录锁定" in log and "人员：登录被锁定（多处密码错误）" in log
    assert "登录已锁定" not in client.get(url).content.decode()
    client.logout()
    assert log_in(client, "zhang", PASSWORD, "10.9.9.9").status_code == 302


def test_an_admin_of_another_district_cannot_unlock(client, zhang, huangpu_admin):
    guess_from_many_addresses(client, "zhang", addresses=20, each=1)
    client.force_login(huangpu_admin)
    response = client.post(
        reverse("accounts:person_action", kwargs={"pk": zhang.pk}), {"action": "unlock_login"}
    )
    assert response.status_code == 404
    assert LoginLock.objects.get(username="zhang").locked_until


def test_the_axes_reset_username_command_lifts_both_locks(client, zhang):
    guess_from_many_addresses(client, "zhang", addresses=20, each=1)
    for _ in range(5):
        log_in(client, "zhang", "wrong-password", "10.9.9.9")
    call_command("axes_reset_username", "zhang")
    assert log_in(client, "zhang", PASSWORD, "10.9.9.9").status_code == 302


def test_the_per_address_message_says_whom_to_ask(client, zhang):
    for _ in range(5):
        log_in(client, "zhang", "wrong-password", "10.9.9.9")
    page = log_in(client, "zhang", PASSWORD, "10.9.9.9").content.decode()
    assert "登录失败次数过多，该账号已被暂时锁定" in page
    assert "区级管理员" in page


def test_a_locked_account_is_refused_at_the_django_admin_too(client, db):
    User.objects.create_superuser("root", password=PASSWORD)
    guess_from_many_addresses(client, "root", addresses=20, each=1)
    response = client.post(
        "/django-admin/login/",
        {"username": "root", "password": PASSWORD},
        REMOTE_ADDR="192.168.7.7",
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)
def test_failures_at_the_same_moment_on_several_servers_are_each_counted_once(lujiazui, settings):
    """Eight failures arriving together (threads standing in for app servers): the row lock
    counts every one, and the lock is set, and audited, once."""
    import threading

    from django.db import connection

    from qualitymonth.accounts import lockout

    make_person("zhang", Role.REPORTER, lujiazui)
    settings.ACCOUNT_LOCKOUT_FAILURES = 5
    barrier = threading.Barrier(8)
    errors = []

    def fail():
        try:
            barrier.wait(timeout=10)
            lockout.count_failure("zhang", timezone.now())
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=fail) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    row = LoginLock.objects.get(username="zhang")
    assert row.failures == 8 and row.locked_until
    assert AuditEntry.objects.filter(action="person.login_locked").count() == 1
