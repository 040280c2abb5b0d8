"""An uploaded file kept between its preview and the person's confirmation.

The .xlsx imports (people, question banks) check every row and show the problems first; the
file waits in storage until the person confirms, so nothing is uploaded twice and nothing is
saved before they agree. Its storage name travels in their session only.
"""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


class PendingUpload:
    def __init__(self, request, key: str, folder: str, suffix: str = ".xlsx"):
        self.session = request.session
        self.key = key
        self.folder = folder
        self.suffix = suffix

    def keep(self, data: bytes) -> None:
        name = default_storage.save(
            f"{self.folder}/{uuid.uuid4().hex}{self.suffix}", ContentFile(data)
        )
        self.session[self.key] = name

    def read(self) -> bytes | None:
        """The kept file, or None when there is none or it has expired."""
        name = self.session.get(self.key)
        if not name or not default_storage.exists(name):
            return None
        with default_storage.open(name, "rb") as file:
            return file.read()

    def discard(self) -> None:
        name = self.session.pop(self.key, None)
        if name:
            default_storage.delete(name)
