from django.core.management import call_command

from qualitymonth.events.models import Event
from qualitymonth.registrations.models import Registration
from qualitymonth.registrations.services import closed_reason, settings_of


def test_the_demo_has_events_open_for_registration_and_one_full_with_a_waiting_list(db):
    call_command("demo", "--load-only")
    events = Event.objects.filter(title__startswith="【示例】", registration_settings__enabled=True)
    assert events.count() == 3
    for event in events:
        assert event.is_public and closed_reason(settings_of(event), event.created_at) == ""
    full = events.get(title="【示例】小小质量官体验营")
    statuses = list(full.registrations.values_list("status", flat=True))
    assert statuses == ["confirmed"] * 3 + ["waiting"] * 2
    count = Registration.objects.count()
    call_command("demo", "--load-only")
    assert Registration.objects.count() == count and events.count() == 3
