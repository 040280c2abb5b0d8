import pytest

from tests.cases.conftest import bureau, make_case_staff  # noqa: F401


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clean_rate_limits(fresh_cache):
    return fresh_cache


@pytest.fixture
def service(bureau):  # noqa: F811
    return make_case_staff("service", bureau)
