"""The time limits a new installation has: those its migrations seed, read from them.

Migrations 0002 (the 2020 rules of the 暂行办法, 总局令第20号) and 0004 (the rules of
总局令第121号 from 2026-04-15, the 2020 ones they replace ending on 2026-04-14) each write their
rules out, frozen, so that they do the same whenever they run. This module reads that data back
for ``ensure_default_rules``, which puts the rules into a database that lost them (a test's
flushed database, the demo), so the data lives in one place. An administrator changes the rules
later on the rules page.
"""

from __future__ import annotations

import importlib


def _migration(name: str):
    return importlib.import_module(f"qualitymonth.cases.migrations.{name}")


def default_rules() -> list[dict]:
    """Every seeded rule, as the fields of a ``TimeLimitRule``."""
    first = _migration("0002_seed_time_limit_rules")
    order_121 = _migration("0004_order_121_rules")
    rules = [
        {
            "kind": kind,
            "milestone": milestone,
            "days": days,
            "counting": "working",
            "extension_days": 0,
            "start_event": start,
            "legal_basis": basis,
            "effective_from": first.FROM_2020,
            "effective_to": (
                order_121.OLD_RULES_END if (kind, milestone) in order_121.REPLACED else None
            ),
        }
        for kind, milestone, days, start, basis in first.RULES
    ]
    rules += [
        {
            "kind": kind,
            "milestone": milestone,
            "days": days,
            "counting": counting,
            "extension_days": extension,
            "start_event": start,
            "legal_basis": basis,
            "effective_from": order_121.ORDER_121_FROM,
            "effective_to": None,
        }
        for kind, milestone, days, counting, extension, start, basis in order_121.RULES
    ]
    return rules


def ensure_default_rules() -> None:
    """Create the seeded rules that are missing (tests whose database was flushed after the
    migrations ran, the demo)."""
    from .models import TimeLimitRule

    for rule in default_rules():
        key = {name: rule.pop(name) for name in ("kind", "milestone", "effective_from")}
        TimeLimitRule.objects.get_or_create(**key, defaults=rule)
