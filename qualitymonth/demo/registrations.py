"""Sample public events open for registration, marked 【示例】: an open day with a few
registrations, a 小小质量官 camp that is full with people on its waiting list, and an online
class, organised by the demo's 陆家嘴街道 and its reporter. They start in the next days (counted
from the day the demo is loaded), so citizens can register on the portal."""

from __future__ import annotations

import datetime

from django.utils import timezone

from qualitymonth.campaigns.models import Campaign
from qualitymonth.events.models import Event
from qualitymonth.events.services import plan_event
from qualitymonth.registrations import services

from . import world
from .ledger import Ledger, needed
from .world import SAMPLE

PEOPLE = [
    ("张示例", "13800000101"),
    ("李示例", "13800000102"),
    ("王示例", "13800000103"),
    ("刘示例", "13800000104"),
    ("陈示例", "13800000105"),
]


def load_sample_registrations(ledger: Ledger, campaign: Campaign) -> None:
    gone = "未载入示例报名活动：演示数据的陆家嘴街道或它的填报员 lujiazui 已被删除。"
    organiser = needed(world.person(ledger, "lujiazui"), gone)
    unit = needed(world.unit(ledger, (*world.PUDONG, "陆家嘴街道")), gone)
    item = campaign.items.get(number=18)
    today = timezone.localdate()

    def at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
        day = today + datetime.timedelta(days=days)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    def event(title, starts, *, capacity, questions="", **fields):
        planned = plan_event(
            organiser,
            item=item,
            org_unit=unit,
            title=title,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            street_town=unit,
            is_public=True,
            expected_participants=capacity,
            **fields,
        )
        services.configure(
            planned,
            organiser,
            enabled=True,
            capacity=capacity,
            waiting_list=True,
            questions=services.parse_questions(questions),
        )
        return ledger.remember(planned)

    open_day = event(
        f"{SAMPLE}质量开放日：走进智能制造工厂",
        at(3, 9, 30),
        capacity=30,
        address="浦东新区示例路 88 号 某某智能制造有限公司",
        audience="辖区居民",
        questions="*年龄段：18岁以下/18-60岁/60岁以上",
    )
    for name, mobile in PEOPLE[:3]:
        ledger.remember(
            services.register(open_day, services.Applicant(name, mobile, {"q1": "18-60岁"}))
        )
    camp = event(
        f"{SAMPLE}小小质量官体验营",
        at(5, 14),
        capacity=3,
        address="陆家嘴街道社区文化活动中心",
        audience="6—12 岁儿童及家长",
        questions="*孩子年龄：6-8岁/9-12岁\n学校",
    )
    for name, mobile in PEOPLE:  # 3 places, 2 on the waiting list
        ledger.remember(services.register(camp, services.Applicant(name, mobile, {"q1": "9-12岁"})))
    event(
        f"{SAMPLE}线上质量课堂：如何看懂产品标签",
        at(2, 19),
        capacity=200,
        mode=Event.Mode.ONLINE,
        online_url="https://example.org/live",
    )
