"""The texts of 《市场监督管理投诉举报处理办法》 (市场监管总局令第121号, in force 2026-04-15) that
decisions on a case choose from and print: the refusal grounds of 第十六条, the termination
grounds of 第二十三条第一款, the pauses of a clock, the 12315 channels.

The grounds are numbered as the order numbers them; a case stores the number ("6"), so a later
correction of a text here changes how it is shown, not which ground was chosen. The wording
follows a transcription of the order's document forms (文书式样六 and 八); check it against the
official gazette text (国家市场监督管理总局公告 / 国务院公报) before relying on it in print.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ORDER = "《市场监督管理投诉举报处理办法》"
CONSUMER_LAW = "《中华人民共和国消费者权益保护法》"

CHINESE_NUMBERS = "一二三四五六七八九十"

# 第十六条: a complaint is not accepted where …
REFUSAL_GROUNDS = {
    "1": "投诉事项不属于市场监督管理部门职责，或者本行政机关不具有处理权限的",
    "2": "法院、仲裁机构、市场监督管理部门或者其他行政机关、消费者协会已经受理或者处理过同一消费者"
    "权益争议的",
    "3": "不是为生活消费需要购买、使用商品或者接受服务，或者不能证明与被投诉人之间存在消费者"
    "权益争议的",
    "4": "除法律另有规定外，投诉人知道或者应当知道自己的权益受到被投诉人侵害之日起超过三年的",
    "5": "未提供本办法第十条第一款、第十一条规定的材料，或者提供虚假材料的",
    "6": "冒用他人名义或者拒不配合市场监督管理部门核验真实身份信息的",
    "7": "法律、法规、规章规定不予受理的其他情形",
}

# 第二十三条第一款: mediation ends where …
TERMINATION_GROUNDS = {
    "1": "投诉人撤回投诉或者双方自行和解的",
    "2": "投诉人、被投诉人无正当理由不参加调解，或者明确拒绝调解的",
    "3": "经组织调解，投诉人或者被投诉人明确表示无法达成调解协议的",
    "4": "投诉人与被投诉人对鉴定、检测费用承担无法协商一致的",
    "5": "自投诉受理之日起六十日内投诉人和被投诉人未能达成调解协议的",
    "6": "市场监督管理部门受理投诉后，发现存在本办法第十六条、第四十二条规定情形的",
    "7": "投诉人、被投诉人死亡或者主体资格灭失的",
    "8": "法律、法规、规章规定的应当终止调解的其他情形",
}

OTHER_ROUTES = (
    f"可以按照{CONSUMER_LAW}第三十九条规定的其他途径（与经营者协商和解，请求消费者协会或者依法成立的"
    "其他调解组织调解，提请仲裁，向人民法院提起诉讼）解决消费者权益争议"
)

# A clock may pause for these reasons, on these kinds' steps: testing or appraisal time does not
# count towards mediation (第二十二条) nor a report's check (《市场监督管理行政处罚程序规定》
# 第十八条); a recusal request suspends mediation (第二十一条). A complaint received under the 2020
# rules mediates on its "closing" step.
PAUSABLE = {
    "testing": {("complaint", "mediation"), ("complaint", "closing"), ("report", "decision")},
    "recusal": {("complaint", "mediation"), ("complaint", "closing")},
}
PAUSE_BASIS = {
    "testing": f"{ORDER}第二十二条；《市场监督管理行政处罚程序规定》第十八条",
    "recusal": f"{ORDER}第二十一条",
}

# Where a citizen reaches 12315 directly, named plainly: the pages load nothing from outside.
CHANNELS_12315 = [
    _("拨打 12315 热线电话；"),
    _("登录全国12315平台网站（www.12315.cn）；"),
    _("使用“全国12315”手机 App，或微信、支付宝中的“全国12315平台”小程序。"),
]


def item_number(key: str) -> str:
    """ "6" → "（六）"."""
    return f"（{CHINESE_NUMBERS[int(key) - 1]}）"


def ground_choices(grounds: dict[str, str]) -> list[tuple[str, str]]:
    return [(key, f"{item_number(key)}{text}") for key, text in grounds.items()]


def refusal_text(key: str) -> str:
    return f"{ORDER}第十六条第{item_number(key)}项：{REFUSAL_GROUNDS[key]}"


def termination_text(key: str) -> str:
    return f"{ORDER}第二十三条第一款第{item_number(key)}项：{TERMINATION_GROUNDS[key]}"
