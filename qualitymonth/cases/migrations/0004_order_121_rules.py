"""The time limits of 《市场监督管理投诉举报处理办法》 (市场监管总局令第121号, published 2025-12-30, in
force 2026-04-15), which repealed the 2019 暂行办法 (总局令第20号).

The rules of 0002 that the order replaces end on 2026-04-14; the new ones start on 2026-04-15. Only
rules change here: no case deadline is touched, so every case received before 2026-04-15 keeps the
limits, the counting and the due dates it was given.

The data is written out here, not imported from the app, so this migration does the same thing
whenever it runs. A rule is added only where no rule for its kind and step starts on or after
2026-04-15 yet (an administrator may have entered it on the rules page already); an old rule is
ended only where it is still open-ended.
"""

import datetime

from django.db import migrations

ORDER_121_FROM = datetime.date(2026, 4, 15)
OLD_RULES_END = datetime.date(2026, 4, 14)
ORDER = "《市场监督管理投诉举报处理办法》（市场监管总局令第121号）"

# The kinds and steps whose 2020 rules the order replaces. Testing requests keep theirs.
REPLACED = [
    ("complaint", "decision"),
    ("complaint", "closing"),
    ("report", "decision"),
    ("consultation", "closing"),
]

# (kind, milestone, days, counting, extension days, start event, legal basis)
RULES = [
    (
        "complaint",
        "decision",
        7,
        "working",
        0,
        "received",
        f"{ORDER}第十五条：自收到投诉之日起七个工作日内作出受理或者不予受理的决定，并告知投诉人；"
        "不予受理的，说明理由，并告知《中华人民共和国消费者权益保护法》第三十九条规定的其他解决途径。"
        "第四十五条：期间开始之日不计算在内。",
    ),
    (
        "complaint",
        "mediation",
        60,
        "calendar",
        0,
        "accepted",
        f"{ORDER}第二十三条第一款第（五）项：自投诉受理之日起六十日内投诉人和被投诉人未能达成调解协议的，"
        "终止调解。第二十二条：检验、检测、鉴定的时间不计入调解期限；第二十一条：提出回避申请的，"
        "调解期限暂停计算。第四十五条：期间开始之日不计算在内；期间届满的最后一日是法定节假日的，"
        "以法定节假日后的第一日为期间届满的日期。",
    ),
    (
        "complaint",
        "termination_notice",
        7,
        "working",
        0,
        "terminated",
        f"{ORDER}第二十三条：终止调解的，自作出终止调解决定之日起七个工作日内告知投诉人和被投诉人。",
    ),
    (
        "report",
        "decision",
        15,
        "working",
        15,
        "received",
        "《市场监督管理行政处罚程序规定》第十八条：自收到举报材料之日起十五个工作日内予以核查，"
        "由负责人决定是否立案；特殊情况下，经负责人批准，可以延长十五个工作日；检测、检验、检疫、鉴定等"
        f"所需时间不计入。{ORDER}第三十六条：举报处理结果仅在法律、法规、规章有规定时告知举报人。",
    ),
    (
        "consultation",
        "closing",
        5,
        "working",
        0,
        "received",
        f"本局服务承诺（非法定时限）：咨询自收到之日起五个工作日内答复。咨询不适用{ORDER}（第四十四条）。",
    ),
]


def forward(apps, schema_editor):
    rule_model = apps.get_model("cases", "TimeLimitRule")
    for kind, milestone in REPLACED:
        rule_model.objects.filter(
            kind=kind,
            milestone=milestone,
            effective_from__lt=ORDER_121_FROM,
            effective_to__isnull=True,
        ).update(effective_to=OLD_RULES_END)
    for kind, milestone, days, counting, extension, start, basis in RULES:
        if rule_model.objects.filter(
            kind=kind, milestone=milestone, effective_from__gte=ORDER_121_FROM
        ).exists():
            continue
        rule_model.objects.create(
            kind=kind,
            milestone=milestone,
            days=days,
            counting=counting,
            extension_days=extension,
            start_event=start,
            legal_basis=basis,
            effective_from=ORDER_121_FROM,
        )


def backward(apps, schema_editor):
    """Remove the rules added here that no case uses yet, and let the old ones run on where
    nothing replaces them."""
    rule_model = apps.get_model("cases", "TimeLimitRule")
    deadline_model = apps.get_model("cases", "CaseDeadline")
    rule_model.objects.filter(effective_from=ORDER_121_FROM, legal_basis__in=[r[6] for r in RULES]).exclude(
        pk__in=deadline_model.objects.values("rule_id")
    ).delete()
    for kind, milestone in REPLACED:
        if not rule_model.objects.filter(
            kind=kind, milestone=milestone, effective_from__gte=ORDER_121_FROM
        ).exists():
            rule_model.objects.filter(
                kind=kind, milestone=milestone, effective_to=OLD_RULES_END
            ).update(effective_to=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_order_121_schema")]

    operations = [migrations.RunPython(forward, backward)]
