"""Campaigns as tests build them: one imported from a district's upward package (``upward``
hands these rows to ``create_imported_campaign``), and campaigns of one notice (a draft that
could be published, and Pudong's published one)."""

import datetime

import pytest

from qualitymonth.campaigns import services
from qualitymonth.campaigns.services import create_imported_campaign

D = datetime.date
SHA256 = "5e" * 32
RATE = {"name": "合格率", "expression": "合格台数 / 检定台数", "display": "percent", "decimals": 1}


def imported_plan() -> dict:
    """Pudong's plan with two items, their indicators, a derived figure and a deadline."""
    indicator = {"unit": "", "value_type": "integer", "aggregation": "sum"}
    return {
        "fields": {
            "kind": "quality_month",
            "year": 2024,
            "title": "关于开展2024年浦东新区“质量月”活动的通知",
            "doc_number": "浦市监质〔2024〕99号",
            "start_date": D(2024, 9, 1),
            "end_date": D(2024, 9, 30),
        },
        "categories": [
            {
                "number": 1,
                "title": "开展质量宣传",
                "items": [
                    {
                        "key": "item-2",
                        "number": 2,
                        "title": "质量知识进社区",
                        "indicators": [
                            {**indicator, "name": "参与人数", "unit": "人"},
                            {**indicator, "name": "满意度", "value_type": "decimal"},
                        ],
                    },
                    {
                        "key": "item-19",
                        "number": 19,
                        "title": "计量强检上门服务",
                        "indicators": [
                            {**indicator, "name": "检定台数"},
                            {**indicator, "name": "合格台数"},
                        ],
                    },
                ],
            }
        ],
        "derived": [dict(RATE)],
        "deadlines": [{"kind": "summary", "due_date": D(2024, 9, 30), "description": "书面小结"}],
    }


@pytest.fixture
def imported(pudong, city_viewer):
    """The plan imported for Pudong by the city's user."""
    return create_imported_campaign(pudong, city_viewer, **imported_plan(), sha256=SHA256)


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
