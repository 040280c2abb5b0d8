"""Sample cases for the demo, marked 【示例】: a complaint received before the 2024 National Day
holiday and accepted, a report waiting for its decision, a consultation answered (all three under
the 2020 rules they were received under), and a complaint of September 2026 under 总局令第121号,
registered in 12315 and being mediated with its clock paused for testing; all filed with the
demo's bureau and handled by its service account 赵业务 (who has the 咨询投诉举报 duty)."""

from __future__ import annotations

import datetime

from qualitymonth.cases import services
from qualitymonth.cases.default_rules import ensure_default_rules
from qualitymonth.cases.models import Case

from . import world
from .ledger import Ledger, needed
from .world import SAMPLE, SHANGHAI


def _at(month: int, day: int, hour: int = 10, year: int = 2024) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def load_sample_cases(ledger: Ledger) -> None:
    gone = "未载入示例咨询投诉：演示数据的市场监督管理局或业务人员 service 已被删除。"
    bureau = needed(world.unit(ledger, world.BUREAU), gone)
    handler = needed(world.person(ledger, "service"), gone)
    ensure_default_rules()  # the rules seeded by the migrations, if a test flushed them

    def file(kind, subject, description, contact, mobile, received_at, business=("", "")):
        case = services.submit_case(
            services.CaseInput(
                kind=kind,
                org_unit=bureau,
                subject=f"{SAMPLE}{subject}",
                business_name=business[0],
                business_address=business[1],
                description=description,
                contact_name=contact,
                mobile=mobile,
            ),
            received_at=received_at,
        )
        return ledger.remember(case)

    complaint = file(
        "complaint",
        "电动自行车蓄电池",
        "9月20日购买的电动自行车，一周后蓄电池无法充电，商家拒绝更换。请求更换蓄电池或退货。",
        "王示例",
        "13800001234",
        _at(9, 27),
        ("浦东新区某某电动车商行", "浦东新区示例路 100 号"),
    )
    services.assign_case(complaint, handler, handler)
    services.accept_case(complaint, handler, "符合受理条件，已受理。", at=_at(10, 8, 9))

    file(
        "report",
        "菜场电子秤",
        "摊位电子秤称重明显偏多，怀疑作弊。",
        "李示例",
        "13900005678",
        _at(9, 29, 15),
        ("某某菜市场 12 号摊位", "浦东新区示例路 200 号"),
    )

    consultation = file(
        "consultation",
        "家用燃气表检定",
        "家用燃气表需要多久检定一次？是否收费？",
        "赵示例",
        "13700009999",
        _at(9, 30, 11),
    )
    services.close_case(
        consultation,
        handler,
        "家用燃气表属于强制检定计量器具，实行首次强制检定、限期使用、到期轮换，不收取检定费用。",
        at=_at(10, 8, 14),
    )

    _load_2026_mediation(file, handler)


def _load_2026_mediation(file, handler) -> Case:
    mediated = file(
        "complaint",
        "智能门锁",
        "9月20日购买的智能门锁，指纹识别经常失灵，商家称属正常现象，拒绝退换。请求退货退款。",
        "钱示例",
        "13600002468",
        _at(9, 29, year=2026),
        ("浦东新区某某智能家居店", "浦东新区示例路 300 号"),
    )
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
    return mediated
