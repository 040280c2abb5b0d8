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


# The public event page and the quiz page need an event open for registration and an open quiz.
from tests.quizzes.conftest import bank, campaign, item, quiz  # noqa: E402, F401
from tests.registrations.conftest import make_event  # noqa: E402, F401
