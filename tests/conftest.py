"""Fixtures that build the world a test needs in a few named calls."""

from pathlib import Path

import pytest

from qualitymonth.accounts.models import Membership, Role, User
from qualitymonth.orgs.models import OrgUnit

SEED_NOTICE = (
    Path(__file__).resolve().parent.parent
    / "qualitymonth/notices/data/pudong-2024-quality-month-notice.txt"
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 costs ~100 ms a hash by design; tests that create many people use a fast hasher.
    The production hasher is asserted in tests/core (settings)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seed_notice_bytes() -> bytes:
    return SEED_NOTICE.read_bytes()


@pytest.fixture
def city(db) -> OrgUnit:
    return OrgUnit.objects.create(name="上海市", kind=OrgUnit.Kind.CITY)


@pytest.fixture
def pudong(city) -> OrgUnit:
    return OrgUnit.objects.create(name="浦东新区", kind=OrgUnit.Kind.DISTRICT, parent=city)


@pytest.fixture
def huangpu(city) -> OrgUnit:
    return OrgUnit.objects.create(name="黄浦区", kind=OrgUnit.Kind.DISTRICT, parent=city)


@pytest.fixture
def lujiazui(pudong) -> OrgUnit:
    return OrgUnit.objects.create(name="陆家嘴街道", kind=OrgUnit.Kind.SUBDISTRICT, parent=pudong)


def make_person(username: str, role: str | None = None, unit: OrgUnit | None = None) -> User:
    user = User.objects.create_user(username, password="Strong-Password-1", full_name=username)
    if role and unit:
        Membership.objects.create(user=user, org_unit=unit, role=role)
    return user


@pytest.fixture
def admin(pudong) -> User:
    """The campaign admin of Pudong's Quality Division."""
    return make_person("admin", Role.CAMPAIGN_ADMIN, pudong)


@pytest.fixture
def reporter(lujiazui) -> User:
    return make_person("reporter", Role.REPORTER, lujiazui)


@pytest.fixture
def huangpu_admin(huangpu) -> User:
    return make_person("huangpu_admin", Role.CAMPAIGN_ADMIN, huangpu)


@pytest.fixture
def city_viewer(city) -> User:
    return make_person("city_viewer", Role.CITY_VIEWER, city)


@pytest.fixture
def seed_campaign(pudong, admin, seed_notice_bytes):
    """The 2024 Pudong campaign imported from the real notice, as a draft."""
    from qualitymonth.notices.reader import read_notice
    from qualitymonth.notices.services import import_notice

    record = import_notice(
        read_notice(seed_notice_bytes, SEED_NOTICE.name), org_unit=pudong, by=admin
    )
    return record.campaign


@pytest.fixture
def captcha_test_mode(monkeypatch):
    """django-simple-captcha's documented test mode: the answer "PASSED" is accepted. The
    library reads CAPTCHA_TEST_MODE once at import, so the flag is patched where it is read."""
    from captcha.conf import settings as captcha_settings

    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", True)
    return "PASSED"


@pytest.fixture
def fresh_cache():
    """An empty cache, so rate-limit counts of one test never reach the next."""
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests run on a file, as the platform does (WAL: readers read while one writes,
    and a second writer waits its turn), not in memory with a shared cache, where a request
    fails at once with "table is locked" while a background task is writing."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["TEST"]["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")
