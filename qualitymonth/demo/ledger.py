"""The demo's record of what it has done (``DemoRecord``), read and written during one run.

Every change the demo makes happens inside a step, and a step runs once per database: a step
that finds what it needs missing (its campaign deleted, a name already taken by someone's own
data) is recorded as left out, with a note printed for the person running the demo, and is not
tried again. The objects a step creates are remembered, so later steps and later runs find the
demo's own things by record and never mistake people's things for them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .models import DemoRecord

M = TypeVar("M", bound=models.Model)


class Skip(Exception):
    """Raised by a step that leaves its work out; the message is the note shown."""


def needed(obj: M | None, note: str) -> M:
    """``obj``, or leave the step out with ``note`` when the demo's object is missing."""
    if obj is None:
        raise Skip(note)
    return obj


class Ledger:
    def __init__(self) -> None:
        self.notes: list[str] = []

    def step(self, name: str, body: Callable[[], object]) -> None:
        """Run ``body`` unless this database has seen the step already. A ``Skip`` leaves the
        step out, with its note, and undoes whatever the body had done."""
        key = f"step:{name}"
        if DemoRecord.objects.filter(key=key).exists():
            return
        try:
            with transaction.atomic():
                body()
        except Skip as skip:
            self.note(str(skip))
            DemoRecord.objects.create(key=key, note=str(skip))
            return
        DemoRecord.objects.create(key=key)

    def note(self, text: str) -> None:
        self.notes.append(text)

    def remember(self, obj: M, key: str | None = None) -> M:
        """Record ``obj`` as created by the demo; ``key`` names it for later look-ups."""
        DemoRecord.objects.create(
            key=key or f"{obj._meta.label_lower}:{obj.pk}",
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
        )
        return obj

    def made(self, key: str, model: type[M]) -> M | None:
        """The object the demo created under ``key``: None if it never did, or if the object
        has been deleted since."""
        record = DemoRecord.objects.filter(key=key).exclude(object_id=None).first()
        if record is None:
            return None
        return model.objects.filter(pk=record.object_id).first()

    def made_by_demo(self, obj: models.Model) -> bool:
        return DemoRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).exists()
