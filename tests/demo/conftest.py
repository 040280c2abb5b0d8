"""What the demo's tests compare runs by: every row of every table and every file stored."""

import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def database_picture(media_root: Path) -> dict:
    """Every row of every model's table, and the names of the files under ``media_root``."""
    picture = {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in apps.get_models()
    }
    picture["files"] = sorted(str(path) for path in media_root.rglob("*") if path.is_file())
    return picture


def changed(before: dict, after: dict) -> list[str]:
    """The tables (and "files") that differ, for a readable failure."""
    return [
        name for name in sorted(before.keys() | after.keys()) if before.get(name) != after.get(name)
    ]


def run_demo(capture_on_commit) -> str:
    """``qualitymonth demo --load-only``, with the e-mails and text messages its transaction
    sends on commit really sent; returns what it printed."""
    out = io.StringIO()
    with capture_on_commit(execute=True):
        call_command("demo", "--load-only", stdout=out)
    return out.getvalue()
