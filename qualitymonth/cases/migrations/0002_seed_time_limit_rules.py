"""Seed the time limits in force at installation, as data an administrator can change when the
regulations change.

The rules are written out here, not imported from the app: a migration must do the same thing
whenever it runs, whatever later versions of the app's code say (0004 adds the rules of
总局令第121号 the same way). Statutory limits from 《市场监督管理投诉举报处理暂行办法》 (总局令第20号,
in force 2020-01-01; articles as numbered after the 2022 amendment, 总局令第61号), 《中华人民共和国
消费者权益保护法》 and 《市场监督管理行政处罚程序规定》; consultations and testing requests have no
statutory limit, their rules are the bureau's own service commitment and say so.
"""

import datetime

from django.db import migrations

FROM_2020 = datetime.date(2020, 1, 1)

# (kind, milestone, working days, start event, legal basis)
RULES = [
    (
        "complaint",
        "decision",
        7,
        "received",
        "《市场监督管理投诉举报处理暂行办法》第十四条：自收到投诉之日起七个工作日内作出受理或者不予受理的决定，"
        "并告知投诉人；《中华人民共和国消费者权益保护法》第四十六条。",
    ),
    (
        "complaint",
        "closing",
        45,
        "accepted",
        "《市场监督管理投诉举报处理暂行办法》第二十一条：自投诉受理之日起四十五个工作日内投诉人和被投诉人"
        "未能达成调解协议的，终止调解。",
    ),
    (
        "report",
        "decision",
        15,
        "received",
        "《市场监督管理行政处罚程序规定》第十八条：自收到举报材料之日起十五个工作日内予以核查，"
        "决定是否立案（特殊情况经负责人批准可延长十五个工作日）。",
    ),
    (
        "consultation",
        "closing",
        5,
        "received",
        "本局服务承诺（非法定时限）：咨询自收到之日起五个工作日内答复。",
    ),
    (
        "testing",
        "decision",
        7,
        "received",
        "本局服务承诺（非法定时限）：检测鉴定申请自收到之日起七个工作日内告知是否受理。",
    ),
]


def seed(apps, schema_editor):
    rule_model = apps.get_model("cases", "TimeLimitRule")
    for kind, milestone, days, start, basis in RULES:
        rule_model.objects.get_or_create(
            kind=kind,
            milestone=milestone,
            effective_from=FROM_2020,
            defaults={"working_days": days, "start_event": start, "legal_basis": basis},
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
