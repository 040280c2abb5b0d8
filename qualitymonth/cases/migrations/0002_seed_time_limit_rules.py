"""Seed the time limits in force (qualitymonth/cases/default_rules.py), as data an administrator
can change when the regulations change."""

from django.db import migrations

from qualitymonth.cases.default_rules import ensure_default_rules


def seed(apps, schema_editor):
    ensure_default_rules(apps.get_model("cases", "TimeLimitRule"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
