"""Never more registrations than places: 30 people press the button at the same moment for 10
places, each request in its own thread with its own database connection, against the real
database (SQLite with IMMEDIATE transactions, or PostgreSQL with the settings row locked)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from qualitymonth.registrations.models import Registration

PEOPLE = 30
PLACES = 10


@pytest.mark.django_db(transaction=True)
def test_thirty_simultaneous_registrations_for_ten_places(
    make_event, captcha_test_mode, fresh_cache
):
    event = make_event(capacity=PLACES, waiting_list=True)
    url = reverse("portal:event", args=[event.pk])
    start = threading.Barrier(PEOPLE)

    def press(n: int) -> int:
        try:
            client = Client(REMOTE_ADDR=f"10.1.{n // 250}.{n % 250 + 1}")
            start.wait(timeout=30)
            response = client.post(
                url,
                {
                    "name": f"市民{n}",
                    "mobile": f"1390000{n:04d}",
                    "captcha_0": "x",
                    "captcha_1": captcha_test_mode,
                },
            )
            return response.status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        statuses = list(pool.map(press, range(PEOPLE)))

    assert statuses == [302] * PEOPLE, statuses
    registrations = Registration.objects.filter(event=event)
    assert registrations.filter(status="confirmed").count() == PLACES
    assert registrations.filter(status="waiting").count() == PEOPLE - PLACES
    assert sorted(registrations.values_list("position", flat=True)) == list(range(1, PEOPLE + 1))
