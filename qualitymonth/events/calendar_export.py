"""Events as an iCalendar file (RFC 5545) that Outlook, WPS and phone calendars import."""

from django.conf import settings
from icalendar import Calendar
from icalendar import Event as IcalEvent


def events_to_ical(campaign, events) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//qualitymonth//质量月活动管理平台//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", campaign.name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for event in events:
        entry = IcalEvent()
        entry.add("uid", f"event-{event.pk}@qualitymonth")
        entry.add("summary", event.title)
        entry.add("dtstart", event.starts_at)
        entry.add("dtend", event.ends_at)
        entry.add("dtstamp", event.updated_at)
        entry.add("location", event.address or event.online_url)
        entry.add("description", f"{event.item}\n{event.org_unit.name}")
        entry.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
        calendar.add_component(entry)
    return calendar.to_ical()
