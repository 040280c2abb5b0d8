"""A sample quiz and an enterprise contest for the demo, marked 【示例】: a bank of quality,
metrology and food-safety questions with explanations, a public quiz for item 18 (市民看质量)
and a contest for item 11 (质量知识竞赛) with a few enterprises' results. Both are organised by
the bureau's 质量处. Loading twice changes nothing."""

# The questions are Chinese sentences quoted from laws and standards; they stay whole lines.
# ruff: noqa: E501

from __future__ import annotations

import datetime

from qualitymonth.accounts.models import User
from qualitymonth.campaigns.models import Campaign
from qualitymonth.core.xlsx import Row
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.quizzes import bank_import, services
from qualitymonth.quizzes.models import Question, QuestionBank, Quiz

from . import world
from .ledger import Ledger, needed
from .world import SAMPLE

# 题型, 题目, 选项 A–D, 答案, 解析
QUESTIONS = [
    ("单选题", "全国“质量月”活动每年在哪个月份开展？", ["3月", "5月", "9月", "12月"], "C",
     "全国“质量月”活动自1978年起每年9月开展，由国家市场监督管理总局等部门联合组织。"),
    ("单选题", "“世界计量日”是每年的哪一天？", ["3月15日", "5月20日", "9月1日", "10月14日"], "B",
     "1875年5月20日17个国家签署《米制公约》，国际计量委员会将每年5月20日定为“世界计量日”。"),
    ("单选题", "我国法定计量单位中，质量的基本单位是？", ["克（g）", "千克（kg）", "吨（t）", "斤"], "B",
     "千克是国际单位制七个基本单位之一，也是我国法定计量单位；“斤”不是法定计量单位。"),
    ("单选题", "统一社会信用代码由多少位字符组成？", ["15位", "16位", "18位", "20位"], "C",
     "依据 GB 32100—2015，统一社会信用代码由18位阿拉伯数字或大写英文字母组成，最后一位是校验码。"),
    ("单选题", "消费者投诉，市场监督管理部门应当自收到投诉之日起几个工作日内作出受理或者不予受理的决定？",
     ["3个", "7个", "15个", "30个"], "B",
     "《市场监督管理投诉举报处理暂行办法》第十五条：应当自收到投诉之日起七个工作日内作出受理或者不予受理的决定。"),
    ("单选题", "预包装食品标签上“保质期”的含义是？",
     ["食品可以安全食用的最后期限", "在标签指明的贮存条件下保持品质的期限",
      "生产企业承诺退换的期限", "销售商可以销售的期限"], "B",
     "GB 7718 规定，保质期是预包装食品在标签指明的贮存条件下保持品质的期限；超过保质期的食品不得经营。"),
    ("单选题", "强制性产品认证的标志是？", ["CCC", "CE", "ISO", "QS"], "A",
     "我国强制性产品认证（China Compulsory Certification）标志为“CCC”；CE 是欧盟的符合性标志。"),
    ("多选题", "下列哪些计量器具用于贸易结算时，依法实行强制检定？",
     ["菜市场的电子计价秤", "加油站的燃油加油机", "出租汽车计价器", "家庭自用的体重秤"], "ABC",
     "《计量法》第九条：用于贸易结算、安全防护、医疗卫生、环境监测方面并列入强制检定目录的工作计量器具实行强制检定；"
     "家庭自用的体重秤不用于贸易结算。"),
    ("多选题", "购买预包装食品时，应当查看标签上的哪些内容？",
     ["生产日期和保质期", "配料表", "生产者名称、地址和联系方式", "广告代言人"], "ABC",
     "《食品安全法》第六十七条规定预包装食品标签应标明名称、规格、净含量、生产日期、成分或者配料表、"
     "生产者信息、保质期等；广告代言人不是标签内容。"),
    ("多选题", "下列哪些属于产品质量法规定的生产者的产品质量义务？",
     ["产品不存在危及人身、财产安全的不合理危险", "具备产品应当具备的使用性能",
      "符合在产品或者包装上注明采用的产品标准", "为所有产品提供终身免费维修"], "ABC",
     "《产品质量法》第二十六条规定了生产者的质量义务；终身免费维修不是法定义务。"),
    ("多选题", "在家中使用燃气，下列做法正确的是？",
     ["使用带有熄火保护装置的燃气灶", "定期检查燃气软管是否老化",
      "用明火检查燃气是否泄漏", "发现泄漏先关阀门、开窗通风"], "ABD",
     "检查燃气泄漏应用肥皂水涂抹接口，严禁用明火检漏；发现泄漏先关阀门、开窗通风，不要开关电器。"),
    ("判断题", "超过保质期的食品，只要外观和气味没有变化，就可以降价销售。", [], "错误",
     "《食品安全法》第三十四条禁止生产经营超过保质期的食品，与外观、价格无关。"),
    ("判断题", "经营者提供商品或者服务有欺诈行为的，消费者可以要求增加赔偿其受到的损失，"
     "增加赔偿的金额为消费者购买商品的价款或者接受服务的费用的三倍；不足五百元的，为五百元。", [], "正确",
     "《消费者权益保护法》第五十五条第一款。"),
    ("判断题", "电梯的定期检验合格标志应当张贴在电梯轿厢内显著位置。", [], "正确",
     "《特种设备安全法》第四十一条要求将定期检验标志置于该特种设备的显著位置，电梯通常张贴在轿厢内。"),
    ("判断题", "“市斤”是我国的法定计量单位，可以在商品标价中单独使用。", [], "错误",
     "《计量法》规定国家采用国际单位制，“市斤”不是法定计量单位；商品标价应使用千克、克等法定计量单位。"),
]  # fmt: skip

# (enterprise, name, mobile, questions right, seconds taken): the contest's sample results.
CONTEST_RESULTS = [
    ("上海微电子装备（集团）股份有限公司", "周晓雯", "13800010001", 10, 312),
    ("上海微电子装备（集团）股份有限公司", "钱立新", "13800010002", 8, 405),
    ("上海华虹宏力半导体制造有限公司", "孙海峰", "13800010003", 9, 288),
    ("上海华虹宏力半导体制造有限公司", "吴敏", "13800010004", 9, 350),
    ("上汽通用汽车有限公司", "郑志强", "13800010005", 7, 420),
    ("上海外高桥造船有限公司", "冯丽娟", "13800010006", 10, 376),
]


def load_sample_quizzes(ledger: Ledger, campaign: Campaign) -> None:
    gone = "未载入示例问答：演示数据的区级管理员或质量处已被删除。"
    admin = needed(world.person(ledger, "admin"), gone)
    division = needed(world.unit(ledger, world.DIVISION), gone)
    items = {item.number: item for item in campaign.items.all()}
    bank = ledger.remember(_sample_bank(division, admin))
    quiz = services.create_quiz(
        admin,
        item=items[18],
        org_unit=division,
        bank=bank,
        kind=Quiz.Kind.QUIZ,
        title=f"{SAMPLE}2024年质量月质量知识有奖问答",
        description="质量、计量、食品安全小知识，随机抽取 5 道题，限时 5 分钟。交卷后可看每道题的解析。",
        question_count=5,
        time_limit_minutes=5,
    )
    services.open_quiz(ledger.remember(quiz), admin)
    contest = services.create_quiz(
        admin,
        item=items[11],
        org_unit=division,
        bank=bank,
        kind=Quiz.Kind.CONTEST,
        title=f"{SAMPLE}2024年浦东新区企业质量知识竞赛",
        description="面向区内企业员工，以所在企业参赛，成绩计入企业排名。每人 10 道题，限时 10 分钟。",
        question_count=10,
        time_limit_minutes=10,
        show_unit_ranking=True,
    )
    services.open_quiz(ledger.remember(contest), admin)
    _sample_results(ledger, contest)


def _sample_bank(division: OrgUnit, admin: User) -> QuestionBank:
    bank = services.create_bank(admin, org_unit=division, name=f"{SAMPLE}质量月知识题库")
    rows = []
    for number, (kind, text, options, answer, explanation) in enumerate(QUESTIONS, start=2):
        values = {"题型": kind, "题目": text, "答案": answer, "解析": explanation}
        values.update(zip(bank_import.OPTION_HEADERS, options, strict=False))
        rows.append(Row(number, values))
    services.import_questions(bank, bank_import.check_rows(rows, bank), admin)
    return bank


def _sample_results(ledger: Ledger, contest: Quiz) -> None:
    """The enterprises' results; an enterprise that is not the demo's takes no part."""
    started = datetime.datetime(2024, 9, 12, 14, 0, tzinfo=datetime.UTC)
    for index, (enterprise, name, mobile, right, seconds) in enumerate(CONTEST_RESULTS):
        unit = world.unit(ledger, world.ENTERPRISES[enterprise])
        if unit is None:
            continue
        at = started + datetime.timedelta(minutes=index * 17)
        attempt = services.start_attempt(contest, name=name, mobile=mobile, org_unit=unit, at=at)
        ledger.remember(attempt)
        step = datetime.timedelta(seconds=seconds / len(attempt.question_ids))
        for position, question_id in enumerate(list(attempt.question_ids)):
            question = Question.objects.get(pk=question_id)
            given = question.answer if position < right else _wrong(question)
            services.answer(attempt, question_id, given, at=at + step * (position + 1))


def _wrong(question: Question) -> str:
    return "B" if question.answer != "B" else "A"
