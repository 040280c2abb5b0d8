"""Background work: django-tasks' API, an in-process backend, and progress a page can poll.

Features define tasks with django-tasks' ``@task`` and call ``some_task.enqueue(...)``; the
backend that runs them is ``settings.TASKS``. The embedded default is :class:`ThreadBackend`,
which runs each task in a daemon thread of the web process; a deployment with task workers
switches the setting to a database- or Redis-backed backend and changes no feature code.
Tests that run inside a transaction use django-tasks' ``ImmediateBackend`` instead.

Progress goes through the cache (:func:`report_progress` / :func:`read_progress`) rather than the
database, because a task that writes everything in one transaction cannot make its own rows
visible to the page polling it until the end.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Any

from django.core.cache import cache
from django.db import connections, transaction
from django.utils import timezone
from django_tasks import TaskContext, TaskResult, TaskResultStatus
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskError
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks.signals import task_enqueued, task_finished, task_started
from django_tasks.utils import (
    get_exception_traceback,
    get_module_path,
    get_random_id,
    normalize_json,
)

__all__ = ["ThreadBackend", "clear_progress", "read_progress", "report_progress"]

logger = logging.getLogger(__name__)

# Results of this process's tasks, shared by every thread (django-tasks keeps one backend
# instance per thread), oldest first and capped so a long-running server does not grow.
_results: OrderedDict[str, TaskResult] = OrderedDict()
_results_lock = threading.Lock()
MAX_KEPT_RESULTS = 1000


class ThreadBackend(BaseTaskBackend):
    """Runs each enqueued task in its own daemon thread of this process.

    The thread starts when the enqueuing transaction commits (at once outside a transaction), so
    the task sees the rows it was enqueued for. It uses its own database connections and closes
    them at the end. Results live in memory: a restart loses queued and running work, which is
    the trade-off of the one-machine mode; deployments with workers use a persistent backend.
    """

    supports_get_result = True

    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        self.worker_id = get_random_id()

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        with _results_lock:
            _results[result.id] = result
            while len(_results) > MAX_KEPT_RESULTS:
                _results.popitem(last=False)
        task_enqueued.send(type(self), task_result=result)
        thread = threading.Thread(
            target=self._run, args=(result,), name=f"task-{task.name}-{result.id[:8]}", daemon=True
        )
        transaction.on_commit(thread.start)
        return result

    def get_result(self, result_id: str) -> TaskResult:
        with _results_lock:
            try:
                return _results[result_id]
            except KeyError:
                raise TaskResultDoesNotExist(result_id) from None

    def _run(self, result: TaskResult) -> None:
        try:
            self._execute(result)
        finally:
            # The thread ends here. Its connections go back (to the pool, on PostgreSQL) or are
            # closed, including any a signal receiver opened: a connection left to a dead thread
            # would be lost to the pool for good.
            connections.close_all()

    def _execute(self, result: TaskResult) -> None:
        task = result.task
        started = timezone.now()
        _set(result, status=TaskResultStatus.RUNNING, started_at=started, last_attempted_at=started)
        result.worker_ids.append(self.worker_id)
        task_started.send(type(self), task_result=result)
        try:
            if task.takes_context:
                value = task.call(TaskContext(task_result=result), *result.args, **result.kwargs)
            else:
                value = task.call(*result.args, **result.kwargs)
            _set(result, _return_value=normalize_json(value))
        except Exception as error:
            result.errors.append(
                TaskError(
                    exception_class_path=get_module_path(type(error)),
                    traceback=get_exception_traceback(error),
                )
            )
            _set(result, status=TaskResultStatus.FAILED, finished_at=timezone.now())
        else:
            _set(result, status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now())
        task_finished.send(type(self), task_result=result)


def _set(result: TaskResult, **values: Any) -> None:
    # TaskResult is a frozen dataclass; backends update it in place (as django-tasks' own do).
    for name, value in values.items():
        object.__setattr__(result, name, value)


# Progress ---------------------------------------------------------------------------------------

PROGRESS_TIMEOUT = 24 * 60 * 60


def report_progress(key: str, *, processed: int, total: int, phase: str = "") -> None:
    """Record how far the work ``key`` (e.g. "orgs.unit_import:12") has come."""
    cache.set(
        f"qualitymonth.progress:{key}",
        {"processed": processed, "total": total, "phase": phase},
        PROGRESS_TIMEOUT,
    )


def read_progress(key: str) -> dict | None:
    """``{"processed", "total", "phase"}`` as last reported, or None."""
    return cache.get(f"qualitymonth.progress:{key}")


def clear_progress(key: str) -> None:
    cache.delete(f"qualitymonth.progress:{key}")
