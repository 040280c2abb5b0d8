"""An upload kept between preview and confirmation, in real storage."""

import pytest
from django.contrib.sessions.backends.cache import SessionStore
from django.core.files.storage import default_storage

from qualitymonth.core.uploads import PendingUpload


class Request:
    def __init__(self):
        self.session = SessionStore()


@pytest.fixture
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_kept_read_and_discarded(storage):
    request = Request()
    pending = PendingUpload(request, "import", "imports/test")
    assert pending.read() is None  # nothing kept yet
    pending.keep(b"workbook bytes")
    name = request.session["import"]
    assert name.startswith("imports/test/") and name.endswith(".xlsx")
    assert PendingUpload(request, "import", "imports/test").read() == b"workbook bytes"
    pending.discard()
    assert "import" not in request.session and not default_storage.exists(name)


def test_a_file_gone_from_storage_reads_as_expired(storage):
    request = Request()
    pending = PendingUpload(request, "import", "imports/test")
    pending.keep(b"x")
    default_storage.delete(request.session["import"])
    assert pending.read() is None
