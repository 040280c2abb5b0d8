"""Changes to the organisation tree."""

from __future__ import annotations

import csv
from importlib import resources

from django.db import transaction

from .models import OrgUnit

_KIND_WORDS = {"街道": OrgUnit.Kind.SUBDISTRICT, "镇": OrgUnit.Kind.TOWN}


def ensure_unit(name: str, kind: str, parent: OrgUnit | None = None, **fields) -> OrgUnit:
    """The unit named ``name`` under ``parent``, created if missing (idempotent loading)."""
    unit, _created = OrgUnit.objects.get_or_create(
        parent=parent, name=name, defaults={"kind": kind, **fields}
    )
    return unit


def load_shanghai() -> dict[str, OrgUnit]:
    """Shanghai, its 16 districts and Pudong's 36 streets and towns, from the shipped data."""
    with transaction.atomic():
        city = ensure_unit("上海市", OrgUnit.Kind.CITY)
        districts = {
            row["name"]: ensure_unit(row["name"], OrgUnit.Kind.DISTRICT, city, sort_order=position)
            for position, row in enumerate(_rows("shanghai-districts.csv"), start=1)
        }
        pudong = districts["浦东新区"]
        for position, row in enumerate(_rows("pudong-streets-towns.csv"), start=1):
            ensure_unit(row["name"], _KIND_WORDS[row["kind"]], pudong, sort_order=position)
    return {"city": city, **districts}


def _rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("qualitymonth.orgs").joinpath("data", filename).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))
