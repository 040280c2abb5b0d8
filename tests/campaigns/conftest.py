"""Campaigns of one notice: a draft that could be published, and Pudong's published one."""

import datetime

import pytest

from qualitymonth.campaigns import services

D = datetime.date
NUMBER = "浦市监质〔2024〕99号"
ISSUER = "上海市浦东新区市场监督管理局"
TITLE = "关于开展2024年“质量月”活动的通知"


def runnable(unit, by, **fields):
    """A draft that could be published: a title, a period and one item."""
    return services.create_campaign(
        unit,
        by,
        fields={
            "year": 2024,
            "title": TITLE,
            "issuer": ISSUER,
            "start_date": D(2024, 9, 1),
            "end_date": D(2024, 9, 30),
            **fields,
        },
        categories=[{"title": "开展质量宣传", "items": [{"number": 1, "title": "启动仪式"}]}],
    )


@pytest.fixture
def first(pudong, admin):
    """Pudong's campaign of 浦市监质〔2024〕99号, published."""
    return services.publish_campaign(runnable(pudong, admin, doc_number=NUMBER), admin)
