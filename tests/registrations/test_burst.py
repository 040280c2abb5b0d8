"""A thousand people press "报名" for 50 places at the same moment, on the platform's own server
over real HTTP: 50 get a place, 950 go on the waiting list, nobody gets a server error, and on
PostgreSQL the server never holds more connections than its pool, during the burst or after."""

from collections import Counter

import pytest
from django.conf import settings

from qualitymonth.registrations.models import Registration
from tests.core.serving import (
    ConnectionWatch,
    PlatformServer,
    at_once,
    on_postgresql,
    open_form,
    server_connections,
)

PEOPLE = 1000
PLACES = 50


@pytest.mark.django_db(transaction=True)
def test_a_thousand_simultaneous_registrations_for_fifty_places(make_event, tmp_path):
    event = make_event(capacity=PLACES, waiting_list=True)
    page = f"/portal/events/{event.pk}/"
    with PlatformServer(tmp_path) as server, ConnectionWatch() as watch:
        # Each person opens the event page on their own phone (their own address and cookie)…
        forms = at_once(PEOPLE, lambda n: open_form(server, page, address=address(n)))

        # …fills in the form, and everyone presses the button at the same moment.
        def press(n: int) -> int:
            cookie, token = forms[n]
            return server.request(
                "POST",
                page,
                address=address(n),
                cookie=cookie,
                body={
                    "csrfmiddlewaretoken": token,
                    "name": f"市民{n}",
                    "mobile": f"1391{n:07d}",
                    "captcha_0": "x",
                    "captcha_1": "PASSED",
                },
            )[0]

        statuses = Counter(at_once(PEOPLE, press))
        left_open = server_connections() if on_postgresql() else []

    assert statuses == {302: PEOPLE}, f"{statuses}\n{server.log_tail()}"
    registrations = Registration.objects.filter(event=event)
    assert registrations.filter(status="confirmed").count() == PLACES
    assert registrations.filter(status="waiting").count() == PEOPLE - PLACES
    if on_postgresql():
        assert 0 < watch.peak <= settings.DATABASE_POOL_MAX, watch.peak
        assert len(left_open) <= settings.DATABASE_POOL_MAX
        assert {state for state, _wait in left_open} <= {"idle"}, left_open


def address(n: int) -> str:
    return f"10.7.{n // 250}.{n % 250 + 1}"
