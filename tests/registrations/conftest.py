import datetime

import pytest
from django.utils import timezone

from qualitymonth.assignments.services import assign_units
from qualitymonth.campaigns.services import publish_campaign
from qualitymonth.core.sms import LocmemBackend
from qualitymonth.events.services import plan_event
from qualitymonth.registrations import services


@pytest.fixture
def campaign(seed_campaign, admin, lujiazui):
    campaign = publish_campaign(seed_campaign, admin)
    assign_units(campaign.items.get(number=2), admin, lead=[], participants=[lujiazui])
    return campaign


@pytest.fixture
def item(campaign):
    return campaign.items.get(number=2)


@pytest.fixture
def sms_outbox(settings):
    settings.SMS_BACKEND = "qualitymonth.core.sms.LocmemBackend"
    LocmemBackend.outbox = []
    return LocmemBackend.outbox


@pytest.fixture
def make_event(reporter, item, lujiazui):
    """A public event a week from now, open for registration with ``capacity`` places."""

    def make_event(capacity=2, waiting_list=True, questions=None, title="质量开放日", **extra):
        start = timezone.now() + datetime.timedelta(days=7)
        event = plan_event(
            reporter,
            item=item,
            org_unit=lujiazui,
            title=title,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            address="陆家嘴环路1000号",
            street_town=lujiazui,
            is_public=True,
            **extra,
        )
        services.configure(
            event,
            reporter,
            enabled=True,
            capacity=capacity,
            waiting_list=waiting_list,
            questions=questions or [],
        )
        return event

    return make_event


def applicant(n: int, **extra) -> services.Applicant:
    return services.Applicant(name=f"市民{n}", mobile=f"1380000{n:04d}", **extra)
