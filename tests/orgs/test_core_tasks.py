"""qualitymonth.core.tasks: the in-process ThreadBackend and the progress a page polls.

(Kept beside the import that first uses them; it tests core code only.)
"""

import threading
import time

import pytest
from django.db import transaction
from django_tasks import TaskResultStatus, task

from qualitymonth.core.tasks import clear_progress, read_progress, report_progress
from qualitymonth.orgs.models import OrgUnit

THREADS = {"default": {"BACKEND": "qualitymonth.core.tasks.ThreadBackend"}}


@task
def count_units(prefix: str) -> dict:
    return {
        "count": OrgUnit.objects.filter(name__startswith=prefix).count(),
        "thread": threading.current_thread().name,
    }


@task
def fail() -> None:
    raise ValueError("broken on purpose")


def wait(result, seconds: float = 10):
    deadline = time.monotonic() + seconds
    while not result.is_finished and time.monotonic() < deadline:
        time.sleep(0.02)
        result.refresh()
    assert result.is_finished, result.status
    return result


@pytest.fixture
def threads(settings):
    settings.TASKS = THREADS


@pytest.mark.django_db(transaction=True)
def test_a_task_runs_in_its_own_thread_after_the_enqueuing_transaction_commits(threads):
    with transaction.atomic():
        OrgUnit.objects.create(name="线程测试市", kind=OrgUnit.Kind.CITY)
        result = count_units.enqueue("线程测试")
        time.sleep(0.2)
        assert result.status == TaskResultStatus.READY  # not started before the commit
    wait(result)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["count"] == 1
    assert result.return_value["thread"].startswith("task-count_units-")
    assert result.return_value["thread"] != threading.current_thread().name
    assert count_units.get_result(result.id).id == result.id


@pytest.mark.django_db(transaction=True)
def test_a_failing_task_is_recorded_not_raised(threads):
    result = wait(fail.enqueue())
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class is ValueError
    assert "broken on purpose" in result.errors[0].traceback


def test_progress_goes_through_the_cache():
    assert read_progress("test:1") is None
    report_progress("test:1", processed=3, total=10, phase="saving")
    assert read_progress("test:1") == {"processed": 3, "total": 10, "phase": "saving"}
    clear_progress("test:1")
    assert read_progress("test:1") is None
