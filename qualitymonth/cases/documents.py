"""The document forms (文书) of 《市场监督管理投诉举报处理办法》 that a desk prints most, filled
from a case, as GB/T 9704-2012 .docx through ``core.docwriter``, the writer of the work summary.

Six of the order's ten forms: 投诉登记表 and 举报登记表 (文书式样一、二), 投诉受理决定书 (五),
投诉不予受理决定书 (六), 投诉终止调解决定书 (八) and 调解书 (九). Their layout follows the forms
as transcribed from the order: the name of the form as the title, the document number under it,
the addressee, the text, the bureau and the date (the bureau stamps its seal over them). Where the
form lists every ground with a blank for the chosen one's number, the document states the chosen
ground in its sentence. The document number's prefix and sequence are the bureau's own numbering,
which the platform does not keep: they are printed as blanks to fill in, with the year.

Call ``services.print_document``, which checks the permission and records the print in the audit
log (the forms carry the citizen's contact details in full).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from qualitymonth.core import docwriter
from qualitymonth.core.chinese import chinese_date

from . import legal
from .models import Case, CaseKind

BLANK = "________"


@dataclass(frozen=True)
class Form:
    title: str
    available: Callable[[Case], bool]
    build: Callable[[Case], bytes]


def _local_date(moment: datetime.datetime | None) -> datetime.date:
    return timezone.localtime(moment).date() if moment else timezone.localdate()


def _number(case: Case, moment: datetime.datetime | None) -> str:
    return f"{BLANK}市监{BLANK}〔{_local_date(moment).year}〕第{BLANK}号"


def _matter(case: Case) -> str:
    """ "某某车行电动自行车蓄电池"."""
    return f"{case.business_name}{case.subject}" if case.business_name else case.subject


def _received(case: Case) -> str:
    return chinese_date(case.received_on)


def _register_table(case: Case, who: str, target: str) -> list[docwriter.Table]:
    anonymous = case.kind == CaseKind.REPORT and not case.contact_name
    received = timezone.localtime(case.received_at)
    facts = docwriter.Table(
        "",
        (),
        [
            (f"{who}姓名", "匿名" if anonymous else case.contact_name, "联系电话", case.mobile),
            ("身份证件号码", case.id_number, "联系地址", ""),
            (f"{target}名称（姓名）", case.business_name, "地址", case.business_address),
            ("商品或服务", case.subject, "登记时间", f"{chinese_date(received)} {received:%H:%M}"),
            ("12315工单号", case.number_12315 or "（尚未登记）", "来源", case.get_source_display()),
        ],
        left_columns=(1, 3),
    )
    return [facts]


def _register_line(case: Case) -> str:
    return f"登记单位：{case.org_unit.name}　编号：{case.tracking_number}"


def _signatures(*who: str) -> docwriter.Table:
    return docwriter.Table(
        "", (), [(f"{name}（签字）", "年　　月　　日") for name in who], left_columns=(0,)
    )


def complaint_register(case: Case) -> bytes:
    """投诉登记表: the complainant, the business, the facts and the request."""
    tables = _register_table(case, "投诉人", "被投诉人")
    tables.append(
        docwriter.Table(
            "",
            (),
            [
                ("消费者权益争议事实依据", case.description),
                ("投诉请求", "（见事实依据栏）"),
            ],
            left_columns=(1,),
        )
    )
    tables.append(_signatures("投诉人", "经办人"))
    return docwriter.write_document(
        "投诉登记表",
        [f"登记单位：{case.org_unit.name}　编号：{case.tracking_number}"],
        tables=tables,
    )


def report_register(case: Case) -> bytes:
    """举报登记表: the reporter (anonymous where no name was given), the target, the leads."""
    tables = _register_table(case, "举报人", "被举报人")
    tables.append(
        docwriter.Table(
            "",
            (),
            [("涉嫌违反市场监督管理法律、法规、规章的具体线索和相应的事实依据", case.description)],
            left_columns=(1,),
        )
    )
    tables.append(_signatures("举报人", "经办人"))
    return docwriter.write_document(
        "举报登记表",
        [f"登记单位：{case.org_unit.name}　编号：{case.tracking_number}"],
        tables=tables,
    )


def acceptance(case: Case) -> bytes:
    """投诉受理决定书 (第十五条)."""
    handler = case.handler.display_name if case.handler else BLANK
    return docwriter.write_document(
        "投诉受理决定书",
        [
            f"我局于{_received(case)}收到你关于{_matter(case)}的投诉。经审查，符合"
            f"{legal.ORDER}规定的受理条件，我局决定受理。",
            f"联系人：{handler}；联系电话：{BLANK}。",
            "特此告知。",
        ],
        number=_number(case, case.accepted_at),
        addressee=f"{case.contact_name}：",
        signature=case.org_unit.name,
        date=_local_date(case.accepted_at),
    )


def refusal(case: Case) -> bytes:
    """投诉不予受理决定书 (第十五条, 第十六条): the ground, the reasons, the other routes."""
    ground = case.refusal_ground
    return docwriter.write_document(
        "投诉不予受理决定书",
        [
            f"我局于{_received(case)}收到你关于{_matter(case)}的投诉。经审查，属于{legal.ORDER}"
            f"第十六条第{legal.item_number(ground)}项规定的“{legal.REFUSAL_GROUNDS[ground]}”情形，"
            "依据该条规定，我局决定不予受理。",
            f"理由：{case.decision}",
            f"你还{legal.OTHER_ROUTES}。",
            "特此告知。",
        ],
        number=_number(case, case.closed_at),
        addressee=f"{case.contact_name}：",
        signature=case.org_unit.name,
        date=_local_date(case.closed_at),
    )


def termination(case: Case) -> bytes:
    """投诉终止调解决定书 (第二十三条), to both parties."""
    ground = case.termination_ground
    paragraphs = [
        f"经审查，关于{case.contact_name}投诉{_matter(case)}一案，我局于"
        f"{chinese_date(_local_date(case.accepted_at))}受理，调解过程中出现{legal.ORDER}"
        f"第二十三条第一款第{legal.item_number(ground)}项规定的“"
        f"{legal.TERMINATION_GROUNDS[ground]}”情形，依据该款规定，我局决定终止调解。",
    ]
    if case.decision:
        paragraphs.append(f"说明：{case.decision}")
    paragraphs += [f"投诉人、被投诉人{legal.OTHER_ROUTES}。", "特此告知。"]
    parties = "、".join(name for name in (case.contact_name, case.business_name) if name)
    return docwriter.write_document(
        "投诉终止调解决定书",
        paragraphs,
        number=_number(case, case.terminated_at),
        addressee=f"{parties}：",
        signature=case.org_unit.name,
        date=_local_date(case.terminated_at),
    )


def agreement(case: Case) -> bytes:
    """调解书 (第二十四条): the parties, the complaint, the agreement, the signatures."""
    how = case.get_mediation_method_display()
    if case.mediation_entrusted_to:
        how = f"经双方同意委托{case.mediation_entrusted_to}{how}"
    paragraphs = [
        f"投诉人：{case.contact_name}，联系电话：{case.mobile}。",
        f"被投诉人：{case.business_name}，地址：{case.business_address or BLANK}。",
        f"投诉内容及投诉请求：{case.description}",
        f"我局于{chinese_date(_local_date(case.accepted_at))}受理该投诉，依据{legal.ORDER}"
        f"组织双方{how}，双方自愿达成如下协议：",
        *docwriter.paragraphs_of(case.decision),
        "本调解书由投诉人、被投诉人签字或者盖章，加盖本局印章，投诉人、被投诉人各执一份，"
        "本局留存一份。",
    ]
    return docwriter.write_document(
        "调解书",
        paragraphs,
        number=_number(case, case.closed_at),
        tables=[_signatures("投诉人", "被投诉人", "调解人员")],
        signature=case.org_unit.name,
        date=_local_date(case.closed_at),
    )


def _complaint(case: Case) -> bool:
    return case.kind == CaseKind.COMPLAINT


DOCUMENTS: dict[str, Form] = {
    "complaint_register": Form("投诉登记表", _complaint, complaint_register),
    "report_register": Form("举报登记表", lambda c: c.kind == CaseKind.REPORT, report_register),
    "acceptance": Form(
        "投诉受理决定书", lambda c: _complaint(c) and c.accepted_at is not None, acceptance
    ),
    "refusal": Form(
        "投诉不予受理决定书", lambda c: _complaint(c) and bool(c.refusal_ground), refusal
    ),
    "termination": Form(
        "投诉终止调解决定书", lambda c: _complaint(c) and bool(c.termination_ground), termination
    ),
    "agreement": Form(
        "调解书",
        lambda c: _complaint(c) and c.agreement_form == Case.AgreementForm.BOOK,
        agreement,
    ),
}


def available(case: Case) -> list[tuple[str, Form]]:
    """The forms this case can print now, in the order of the order's forms."""
    return [(name, form) for name, form in DOCUMENTS.items() if form.available(case)]
