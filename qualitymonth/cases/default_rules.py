"""The time limits seeded at installation (migration 0002), as plain data.

An administrator changes them later on the rules page, when the regulations change.

Statutory limits come from 《市场监督管理投诉举报处理暂行办法》 (总局令第20号, in force 2020-01-01;
articles as numbered after the 2022 amendment, 总局令第61号), 《中华人民共和国消费者权益保护法》
and 《市场监督管理行政处罚程序规定》. Consultations and testing requests have no statutory limit;
their rules are the bureau's own service commitment and say so.
"""

import datetime

# (kind, milestone, working days, start event, legal basis, effective from)
RULES = [
    (
        "complaint",
        "decision",
        7,
        "received",
        "《市场监督管理投诉举报处理暂行办法》第十四条：自收到投诉之日起七个工作日内作出受理或者不予受理的决定，"
        "并告知投诉人；《中华人民共和国消费者权益保护法》第四十六条。",
        datetime.date(2020, 1, 1),
    ),
    (
        "complaint",
        "closing",
        45,
        "accepted",
        "《市场监督管理投诉举报处理暂行办法》第二十一条：自投诉受理之日起四十五个工作日内投诉人和被投诉人"
        "未能达成调解协议的，终止调解。",
        datetime.date(2020, 1, 1),
    ),
    (
        "report",
        "decision",
        15,
        "received",
        "《市场监督管理行政处罚程序规定》第十八条：自收到举报材料之日起十五个工作日内予以核查，"
        "决定是否立案（特殊情况经负责人批准可延长十五个工作日）。",
        datetime.date(2020, 1, 1),
    ),
    (
        "consultation",
        "closing",
        5,
        "received",
        "本局服务承诺（非法定时限）：咨询自收到之日起五个工作日内答复。",
        datetime.date(2020, 1, 1),
    ),
    (
        "testing",
        "decision",
        7,
        "received",
        "本局服务承诺（非法定时限）：检测鉴定申请自收到之日起七个工作日内告知是否受理。",
        datetime.date(2020, 1, 1),
    ),
]


def ensure_default_rules(rule_model=None) -> None:
    """Create the seeded rules that are missing (the migration, and tests whose database was
    flushed after the migration ran)."""
    if rule_model is None:
        from .models import TimeLimitRule as rule_model
    for kind, milestone, days, start, basis, effective_from in RULES:
        rule_model.objects.get_or_create(
            kind=kind,
            milestone=milestone,
            effective_from=effective_from,
            defaults={"working_days": days, "start_event": start, "legal_basis": basis},
        )
