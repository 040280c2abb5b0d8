"""Sample cases for the demo, marked 【示例】: a complaint received before the 2024 National Day
holiday and accepted, a report waiting for its decision, a consultation answered (all three under
the 2020 rules they were received under), and a complaint of September 2026 under 总局令第121号,
registered in 12315 and being mediated with its clock paused for testing; all filed with the
demo's bureau and handled by its service account 赵业务 (who has the 咨询投诉举报 duty)."""

from __future__ import annotations

import datetime

from qualitymonth.cases import services
from qualitymonth.cases.default_rules import ensure_default_rules

from . import world
from .ledger import Ledger, needed
from .world import SAMPLE, SHANGHAI


def _at(month: int, day: int, hour: int = 10, year: int = 2024) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def load_sample_cases(ledger: Ledger) -> None:
    gone = "未载入示例咨询投诉：演示数据的市场监督管理局或业务人员 service 已被删除。"
    bureau = needed(world.unit(ledger, world.BUREAU), gone)
    handler = needed(world.person(ledger, "service"), gone)
    ensure_default_rules()  # the rules seeded by the migration, if a test flushed them

    complaint = services.submit_case(
        services.CaseInput(
            kind="complaint",
            org_unit=bureau,
            subject=f"{SAMPLE}电动自行车蓄电池",
            business_name="浦东新区某某电动车商行",
            business_address="浦东新区示例路 100 号",
            description="9月20日购买的电动自行车，一周后蓄电池无法充电，商家拒绝更换。"
            "请求更换蓄电池或退货。",
            contact_name="王示例",
            mobile="13800001234",
        ),
        received_at=_at(9, 27),
    )
    ledger.remember(complaint)
    services.assign_case(complaint, handler, handler)
    services.accept_case(complaint, handler, "符合受理条件，已受理。", at=_at(10, 8, 9))

    report = services.submit_case(
        services.CaseInput(
            kind="report",
            org_unit=bureau,
            subject=f"{SAMPLE}菜场电子秤",
            business_name="某某菜市场 12 号摊位",
            business_address="浦东新区示例路 200 号",
            description="摊位电子秤称重明显偏多，怀疑作弊。",
            contact_name="李示例",
            mobile="13900005678",
        ),
        received_at=_at(9, 29, 15),
    )
    ledger.remember(report)

    consultation = services.submit_case(
        services.CaseInput(
            kind="consultation",
            org_unit=bureau,
            subject=f"{SAMPLE}家用燃气表检定",
            description="家用燃气表需要多久检定一次？是否收费？",
            contact_name="赵示例",
            mobile="13700009999",
        ),
        received_at=_at(9, 30, 11),
    )
    ledger.remember(consultation)
    services.close_case(
        consultation,
        handler,
        "家用燃气表属于强制检定计量器具，实行首次强制检定、限期使用、到期轮换，不收取检定费用。",
        at=_at(10, 8, 14),
    )

    mediated = services.submit_case(
        services.CaseInput(
            kind="complaint",
            org_unit=bureau,
            subject=f"{SAMPLE}智能门锁",
            business_name="浦东新区某某智能家居店",
            business_address="浦东新区示例路 300 号",
            description="9月20日购买的智能门锁，指纹识别经常失灵，商家称属正常现象，拒绝退换。"
            "请求退货退款。",
            contact_name="钱示例",
            mobile="13600002468",
        ),
        received_at=_at(9, 29, year=2026),
    )
    ledger.remember(mediated)
    services.assign_case(mediated, handler, handler)
    services.record_12315_number(mediated, handler, "13100000202609290088")
    services.accept_case(mediated, handler, "符合受理条件，已受理。", at=_at(10, 9, 9, year=2026))
    services.start_mediation(mediated, handler, method="on_site", at=_at(10, 12, 14, year=2026))
    services.pause_clock(
        mediated.deadlines.get(milestone="mediation"),
        handler,
        reason="testing",
        note="门锁送区质量技术监督检测所检测",
        on=datetime.date(2026, 11, 2),
    )
