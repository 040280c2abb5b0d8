"""Tests of the notice parser: the real Pudong 2024 notice, then the messy inputs bureaus send."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

import opencc
import pytest

from qualitymonth.notices.parser import (
    W_INTERNAL,
    W_NO_ITEMS,
    W_NO_PERIOD,
    W_NO_THEME,
    W_NO_TITLE,
    W_NUMBER_BACK,
    W_NUMBER_GAP,
    W_NUMBER_RESTART,
    W_UNPLACED,
    ParsedNotice,
    ParseWarning,
    parse_notice,
)
from qualitymonth.notices.reader import NoticeSource

SEED_PATH = (
    Path(__file__).resolve().parents[2]
    / "qualitymonth/notices/data/pudong-2024-quality-month-notice.txt"
)
SEED = SEED_PATH.read_text(encoding="utf-8")

SEED_TITLES = [
    "举办2024年度浦东新区“质量月”启动仪式暨振华重工升旗活动",
    "广泛开展质量公益宣传活动",
    "加强食品安全知识媒体宣传",
    "开展特种设备安全使用知识宣传",
    "开展“创·浦质”浦东新区政府质量奖孵化培育启动暨经验分享会",
    "开展浦东新区重点产业链供应链质量联动提升专题活动",
    "开展“聚浦东 创未来”浦东新区质量强区建设规划主题圆桌会",
    "组织开展地方特色食品传承发展座谈会",
    "深入开展城市基础设施智慧化运维长三角质量提升示范试点建设",
    "开展中小企业质量提升活动",
    "开展群众性质量提升活动",
    "开展重点工业产品生产企业质量安全培训",
    "开展重点领域产品质量监督抽查",
    "开展中小学校园食品安全突出问题专项整治",
    "开展药品经营和使用专项检查（协同检查阶段）",
    "开展2024年放心消费创建优秀单位、达标单位评审活动",
    "组织开展“质量开放日”活动",
    "组织开展人民群众质量体验活动",
    "组织开展计量强检上门服务",
    "组织开展质量服务惠民便民活动",
]
SEED_CATEGORIES = [
    ("（一）", "开展质量宣传，营造浓厚质量氛围", [1, 2, 3, 4]),
    ("（二）", "加强质量交流，促进战略产业加速发展", [5, 6, 7, 8]),
    ("（三）", "实施质量提升，发挥质量支撑作用", [9, 10, 11, 12]),
    ("（四）", "强化质量监管，保障营造良好市场秩序", [13, 14, 15, 16]),
    ("（五）", "优化质量服务，推动全社会质量共治", [17, 18, 19, 20]),
]


def items(notice: ParsedNotice):
    return [item for category in notice.categories for item in category.items]


def templates(notice: ParsedNotice) -> list[str]:
    return [w.template for w in notice.warnings]


@pytest.fixture(scope="module")
def seed() -> ParsedNotice:
    return parse_notice(SEED)


# --- the real notice ----------------------------------------------------------------------------


class TestSeedNotice:
    def test_header(self, seed):
        assert seed.issuer == "上海市浦东新区市场监督管理局"
        assert seed.doc_number == "浦市监质〔2024〕99号"
        assert seed.title == "关于开展2024年浦东新区“质量月”活动的通知"
        assert seed.recipients == "浦东新区各有关单位"
        assert seed.preamble.startswith("为全面贯彻党的二十大")
        assert seed.preamble.endswith("具体方案如下：")

    def test_theme_period_and_year(self, seed):
        assert seed.theme == "加快培育新质生产力，助推浦东高质量发展"
        assert (seed.start_date, seed.end_date) == (date(2024, 9, 1), date(2024, 9, 30))
        assert seed.year == 2024

    def test_guiding_ideas_is_the_only_section(self, seed):
        assert [s.heading for s in seed.sections] == ["指导思想"]
        body = seed.sections[0].body
        assert body.startswith("深入学习领会党的二十届三中全会精神")
        assert body.endswith("打造坚实的质量支撑。")
        # Two paragraphs, the first rebuilt from its page-break fragments.
        assert body.count("\n") == 1

    def test_five_categories(self, seed):
        got = [(c.label, c.title, [i.number for i in c.items]) for c in seed.categories]
        assert got == SEED_CATEGORIES
        assert [c.number for c in seed.categories] == [1, 2, 3, 4, 5]

    def test_twenty_items_with_titles(self, seed):
        assert seed.item_count == 20
        assert [i.number for i in items(seed)] == list(range(1, 21))
        assert [i.label for i in items(seed)] == [f"{n}." for n in range(1, 21)]
        assert [i.title for i in items(seed)] == SEED_TITLES

    def test_item_descriptions(self, seed):
        all_items = items(seed)
        assert all_items[0].description.startswith("在浦东新区重点企业开展“质量月”升旗")
        # Item 14 ends without "。" and must not swallow item 15.
        assert all_items[13].description.endswith("健全常态化监管长效机制")
        assert "落实“四个最严”" not in all_items[13].description
        assert all(i.description for i in all_items)
        assert all(not i.lead_units and not i.co_units and not i.time_text for i in all_items)

    def test_traditional_character_converted(self, seed):
        description = items(seed)[12].description
        assert "中小学生校服" in description
        assert "學" not in description

    def test_simplified_text_survives_conversion(self, seed):
        # The whole 指导思想 section comes through unchanged (apart from its page-break cuts),
        # so the traditional → simplified step altered no simplified character.
        original = SEED.split("一、指导思想")[1].split("二、活动主题")[0]
        assert seed.sections[0].body.replace("\n", "") == original.replace("\n", "")
        assert items(seed)[18].title == "组织开展计量强检上门服务"
        assert "浦东" in seed.theme and "质量" in seed.theme

    def test_page_break_fragments_rejoined(self, seed):
        all_items = items(seed)
        assert all_items[0].description.endswith("明确质量发展目标，合力推进质量强区工作。")
        assert "长三角基础设施运维行业企业质量" in all_items[8].description
        assert "通过现场参观、质量管理经验交流" in all_items[16].description
        assert "和《质量强国建设纲要上海实施方案》。" in seed.sections[0].body
        assert "努力调动社会各方积极性" in seed.requirements[1].body
        assert "\n" not in all_items[0].description

    def test_quoted_slogans_keep_their_spaces(self, seed):
        assert "“品承初心 质强浦东”" in seed.sections[0].body
        assert "“人人关心质量 人人创造质量 人人享受质量”" in seed.sections[0].body

    def test_requirements(self, seed):
        assert [r.heading for r in seed.requirements] == [
            "加强组织领导，确保活动落实到位",
            "注重活动实效，共同形成推进合力",
            "认真总结经验，及时报送活动信息",
        ]
        assert seed.requirements[0].body.startswith("紧密围绕方案要求")
        # The contact line and the closing phrase are not part of the last requirement.
        assert "联系人" not in seed.requirements[2].body.replace("联系人处", "")
        assert "特此通知" not in seed.requirements[2].body

    def test_deadline_contact_and_upward_recipient(self, seed):
        assert [d.date for d in seed.deadlines] == [date(2024, 9, 30)]
        assert "9月30日前报送" in seed.deadlines[0].text
        assert len(seed.deadlines[0].text) <= 80
        assert [(c.name, c.phone, c.email, c.department) for c in seed.contacts] == [
            ("陈择源", "68824341", "chenzeyuan@pudong.gov.cn", "质量处")
        ]
        assert seed.upward_recipient == "上海市质量工作领导小组办公室"

    def test_signature_and_print_block(self, seed):
        assert seed.signing_date == date(2024, 9, 5)
        assert seed.print_organ == "上海市浦东新区市场监督管理局办公室"
        assert seed.print_date == date(2024, 9, 6)

    def test_nothing_left_over(self, seed):
        assert seed.warnings == []
        assert seed.unplaced == []

    def test_round_trip_through_json(self, seed):
        data = json.loads(json.dumps(seed.to_dict(), ensure_ascii=False))
        assert data["start_date"] == "2024-09-01"
        assert data["categories"][0]["items"][0]["number"] == 1
        assert ParsedNotice.from_dict(data) == seed
        assert ParsedNotice.from_dict(data).to_dict() == seed.to_dict()

    def test_source_object_and_string_give_the_same_result(self, seed):
        assert parse_notice(NoticeSource(text=SEED, tables=[], filename="x.txt")) == seed


class TestSeedVariants:
    """The same notice as it arrives from other tools must parse the same way."""

    def test_whole_notice_on_one_line(self, seed):
        one_line = parse_notice(SEED.replace("\n", ""))
        expected = seed.to_dict()
        got = one_line.to_dict()
        # Paragraph breaks inside a section cannot be recovered; everything else must match.
        assert got.pop("sections")[0]["body"] == expected.pop("sections")[0]["body"].replace(
            "\n", ""
        )
        assert got == expected

    def test_one_line_with_spaces_between_paragraphs(self):
        notice = parse_notice(SEED.replace("\n\n", " ").replace("\n", " "))
        assert notice.item_count == 20
        assert [i.title for i in items(notice)] == SEED_TITLES
        assert notice.theme == "加快培育新质生产力，助推浦东高质量发展"
        assert len(notice.categories) == 5

    def test_traditional_characters(self, seed):
        traditional = opencc.OpenCC("s2t").convert(SEED)
        assert (
            "質量" in traditional and "浦東" in traditional
        )  # the test input really is traditional
        assert parse_notice(traditional) == seed

    def test_windows_line_endings_and_indentation(self, seed):
        text = "\r\n".join("\u3000\u3000" + line for line in SEED.split("\n"))
        assert parse_notice(text) == seed

    def test_half_width_brackets_everywhere(self, seed):
        text = (
            SEED.replace("（二）", "(二)").replace("（五）", "( 五 )").replace("〔2024〕", "[2024]")
        )
        notice = parse_notice(text)
        assert [c.label for c in notice.categories] == [c[0] for c in SEED_CATEGORIES]
        assert notice.doc_number == "浦市监质〔2024〕99号"
        assert notice.item_count == 20

    def test_page_numbers_between_fragments_are_dropped(self):
        text = SEED.replace("合力\n\n推进质量强区工作", "合力\n\n— 2 —\n\n推进质量强区工作")
        notice = parse_notice(text)
        assert items(notice)[0].description.endswith("合力推进质量强区工作。")
        assert notice.unplaced == []


# --- notices built for the messy cases ----------------------------------------------------------

HEADER = """上海市浦东新区市场监督管理局文件
浦市监质〔2025〕12号
关于开展2025年“质量月”活动的通知
各街镇、各有关单位：
为推动质量强区建设，现就开展2025年“质量月”活动通知如下：
"""
FOOTER = """特此通知。
上海市浦东新区市场监督管理局
2025年9月1日
"""


def notice_with(content: str, *, period: str = "2025年9月1日至9月30日", footer=FOOTER) -> str:
    return (
        HEADER
        + "一、活动主题\n质量强国 浦东先行\n"
        + f"二、活动时间\n{period}\n"
        + "三、活动内容\n"
        + content.strip()
        + "\n"
        + footer
    )


class TestNumbering:
    def test_mixed_bracket_and_numbering_styles(self):
        notice = parse_notice(
            notice_with("""
(一)开展质量宣传
1. 举办启动仪式。在区政府广场举行。
2．开展质量公益宣传。进社区、进园区。
（二） 加强质量交流
3、举办质量论坛。邀请专家授课。
( 三 )实施质量提升
4.开展小微企业质量提升行动。
""")
        )
        assert [(c.number, c.label, c.title) for c in notice.categories] == [
            (1, "（一）", "开展质量宣传"),
            (2, "（二）", "加强质量交流"),
            (3, "（三）", "实施质量提升"),
        ]
        assert [(i.number, i.label, i.title) for i in items(notice)] == [
            (1, "1.", "举办启动仪式"),
            (2, "2.", "开展质量公益宣传"),
            (3, "3.", "举办质量论坛"),
            (4, "4.", "开展小微企业质量提升行动"),
        ]
        assert items(notice)[2].description == "邀请专家授课。"
        assert not any(t in templates(notice) for t in (W_NUMBER_GAP, W_NUMBER_BACK))

    def test_skipped_number_is_kept_and_warned(self):
        notice = parse_notice(
            notice_with("""
1、举办启动仪式。
2、开展质量宣传。
4、开展计量服务。
""")
        )
        assert [i.number for i in items(notice)] == [1, 2, 4]
        gaps = [w for w in notice.warnings if w.template == W_NUMBER_GAP]
        assert len(gaps) == 1
        assert gaps[0].params == {"previous": 2, "number": 4}
        assert gaps[0].message == "活动事项编号不连续：第2项之后是第4项。"
        assert gaps[0].excerpt == "开展计量服务"

    def test_numbering_restarting_per_category(self):
        notice = parse_notice(
            notice_with("""
（一）质量宣传
1. 举办启动仪式。
2. 开展公益宣传。
（二）质量提升
1. 开展质量诊断。
2. 开展质量培训。
3. 开展标准宣贯。
""")
        )
        assert [[i.number for i in c.items] for c in notice.categories] == [[1, 2], [1, 2, 3]]
        assert templates(notice).count(W_NUMBER_RESTART) == 1
        assert W_NUMBER_GAP not in templates(notice)
        assert W_NUMBER_BACK not in templates(notice)

    def test_duplicate_number_is_warned(self):
        notice = parse_notice(notice_with("1. 举办启动仪式。\n2. 开展宣传。\n2. 开展培训。\n"))
        assert [i.number for i in items(notice)] == [1, 2, 2]
        assert W_NUMBER_BACK in templates(notice)

    def test_items_without_categories(self):
        notice = parse_notice(
            notice_with("""
1、举办启动仪式。在区政府广场举行。
2、开展质量公益宣传。
3、组织质量开放日。
""")
        )
        assert len(notice.categories) == 1
        category = notice.categories[0]
        assert (category.number, category.title) == (1, "活动内容")
        assert [i.title for i in category.items] == [
            "举办启动仪式",
            "开展质量公益宣传",
            "组织质量开放日",
        ]
        assert notice.warnings == []

    def test_sub_points_belong_to_the_item(self):
        notice = parse_notice(
            notice_with("""
1、开展质量宣传。具体包括：
（1）进社区宣传；
(2) 进校园宣传；
2、开展计量服务。
①上门检定；
""")
        )
        assert notice.item_count == 2
        first, second = items(notice)
        assert first.description == "具体包括：\n（1）进社区宣传；\n(2) 进校园宣传；"
        assert second.description == "①上门检定；"

    def test_items_numbered_with_half_brackets(self):
        notice = parse_notice(notice_with("1）举办启动仪式。\n2）开展宣传。\n（1）进社区。\n"))
        assert [(i.label, i.title, i.description) for i in items(notice)] == [
            ("1）", "举办启动仪式", ""),
            ("2）", "开展宣传", "（1）进社区。"),
        ]

    def test_items_numbered_with_parenthesised_digits(self):
        notice = parse_notice(notice_with("（1）举办启动仪式。\n（2）开展宣传。\n"))
        assert [(i.number, i.label, i.title) for i in items(notice)] == [
            (1, "（1）", "举办启动仪式"),
            (2, "（2）", "开展宣传"),
        ]

    def test_unnumbered_paragraphs_are_items(self):
        notice = parse_notice(
            notice_with("""
（一）质量宣传
举办启动仪式。在区政府广场举行。
开展质量公益宣传。
（二）质量服务
组织计量上门服务。
""")
        )
        assert [[(i.number, i.title) for i in c.items] for c in notice.categories] == [
            [(None, "举办启动仪式"), (None, "开展质量公益宣传")],
            [(None, "组织计量上门服务")],
        ]
        assert items(notice)[0].description == "在区政府广场举行。"

    def test_categories_with_text_and_no_items_become_items(self):
        notice = parse_notice(
            notice_with("""
（一）举办启动仪式。9月1日在区政府广场举行。
（二）开展质量宣传。通过电视、广播等媒体开展宣传。
""")
        )
        assert len(notice.categories) == 1
        assert [(i.number, i.label, i.title, i.description) for i in items(notice)] == [
            (1, "（一）", "举办启动仪式", "9月1日在区政府广场举行。"),
            (2, "（二）", "开展质量宣传", "通过电视、广播等媒体开展宣传。"),
        ]

    def test_chinese_numbered_headings_as_categories(self):
        text = (
            "关于开展质量月活动的通知\n各单位：\n现将活动安排通知如下：\n"
            "一、开展质量宣传\n1. 举办启动仪式。\n2. 开展公益宣传。\n"
            "二、优化质量服务\n3. 组织计量上门服务。\n"
            "三、工作要求\n请各单位于2025年9月30日前报送总结。\n"
        )
        notice = parse_notice(text)
        assert [(c.label, c.title, len(c.items)) for c in notice.categories] == [
            ("一、", "开展质量宣传", 2),
            ("二、", "优化质量服务", 1),
        ]
        assert notice.sections == []
        assert notice.deadlines[0].date == date(2025, 9, 30)

    def test_intro_sentence_before_items_is_kept_as_unplaced(self):
        notice = parse_notice(notice_with("各单位要结合实际开展以下活动：\n1. 举办启动仪式。\n"))
        assert notice.item_count == 1
        assert notice.unplaced == ["各单位要结合实际开展以下活动："]
        assert W_UNPLACED in templates(notice)


class TestSpacesAndCharacters:
    def test_stray_spaces_between_chinese_characters(self):
        notice = parse_notice(
            "关于开展“质 量 月”活动的通知\n各单位：\n"
            "一、活动 主题\n质量 强国 浦东 先行\n"
            "二、活 动 时 间\n2025 年 9 月 1 日至 2025 年 9 月 30 日\n"
            "三、活动 内容\n1. 开展 ISO 9001 质量 管理 体系 宣贯。\n"
        )
        assert notice.title == "关于开展“质量月”活动的通知"
        assert notice.theme == "质量强国浦东先行"
        assert (notice.start_date, notice.end_date) == (date(2025, 9, 1), date(2025, 9, 30))
        assert items(notice)[0].title == "开展 ISO 9001 质量管理体系宣贯"

    def test_space_between_longer_words_is_kept(self):
        notice = parse_notice(notice_with("1. 举办启动仪式。\n"))
        assert notice.theme == "质量强国 浦东先行"

    def test_hand_written_traditional_notice(self):
        notice = parse_notice(
            "關於開展2025年“質量月”活動的通知\n各有關單位：\n"
            "一、活動主題\n質量強國 浦東先行\n"
            "二、活動時間\n2025年9月1日至30日\n"
            "三、活動內容\n（一）開展質量宣傳\n1. 舉辦啟動儀式。\n2. 開展計量檢定服務。\n"
            "四、活動要求\n各單位於9月30日前報送總結。\n"
        )
        assert notice.title == "关于开展2025年“质量月”活动的通知"
        assert notice.categories[0].title == "开展质量宣传"
        assert [i.title for i in items(notice)] == ["举办启动仪式", "开展计量检定服务"]
        assert notice.end_date == date(2025, 9, 30)
        assert notice.deadlines[0].date == date(2025, 9, 30)

    def test_full_width_digits(self):
        notice = parse_notice(
            notice_with("１．举办启动仪式。\n２．开展宣传。\n", period="２０２５年９月１日至３０日")
        )
        assert [i.number for i in items(notice)] == [1, 2]
        assert notice.end_date == date(2025, 9, 30)

    def test_unbalanced_bracket_does_not_hide_the_title_sentence(self):
        notice = parse_notice(
            notice_with("1. 开展（质量宣传活动。" + "通过多种形式广泛宣传质量知识" * 4)
        )
        assert items(notice)[0].title == "开展（质量宣传活动"

    def test_fragment_ending_like_a_title_is_still_rejoined(self):
        notice = parse_notice(
            notice_with(
                "1. 开展宣传。宣传贯彻《质量强国建设纲要》及上海市实施方案\n和浦东新区行动方案。\n"
            )
        )
        assert items(notice)[0].description == (
            "宣传贯彻《质量强国建设纲要》及上海市实施方案和浦东新区行动方案。"
        )

    def test_doc_number_followed_by_signer(self):
        notice = parse_notice(
            "某某局文件\n浦市监质〔2024〕99号      签发人：张三\n关于开展质量月活动的通知\n"
        )
        assert notice.doc_number == "浦市监质〔2024〕99号"
        assert notice.unplaced == ["签发人：张三"]

    def test_title_wrapped_over_two_lines(self):
        notice = parse_notice(
            "关于开展2025年浦东新区“质量月”\n活动的通知\n各单位：\n为推动质量发展。\n"
        )
        assert notice.title == "关于开展2025年浦东新区“质量月”活动的通知"
        assert notice.recipients == "各单位"


class TestDates:
    @pytest.mark.parametrize(
        ("period", "start", "end"),
        [
            ("2024年9月1日至2024年9月30日", date(2024, 9, 1), date(2024, 9, 30)),
            ("2024年9月1日—30日", date(2024, 9, 1), date(2024, 9, 30)),
            ("9月1日至30日", date(2025, 9, 1), date(2025, 9, 30)),  # year from the title
            ("2024.9.1-2024.9.30", date(2024, 9, 1), date(2024, 9, 30)),
            ("2024-09-01至2024-09-30", date(2024, 9, 1), date(2024, 9, 30)),
            ("9月1日-9月30日", date(2025, 9, 1), date(2025, 9, 30)),
            ("9月上旬", date(2025, 9, 1), date(2025, 9, 10)),
            ("9月中旬", date(2025, 9, 11), date(2025, 9, 20)),
            ("9月下旬", date(2025, 9, 21), date(2025, 9, 30)),
            ("2024年2月下旬", date(2024, 2, 21), date(2024, 2, 29)),
            ("9月", date(2025, 9, 1), date(2025, 9, 30)),
            ("2024年9月15日", date(2024, 9, 15), date(2024, 9, 15)),
            ("2025年12月20日至1月10日", date(2025, 12, 20), date(2026, 1, 10)),
            ("二〇二四年九月一日至二〇二四年九月三十日", date(2024, 9, 1), date(2024, 9, 30)),
        ],
    )
    def test_period_formats(self, period, start, end):
        notice = parse_notice(notice_with("1. 举办启动仪式。\n", period=period))
        assert (notice.start_date, notice.end_date) == (start, end)

    def test_unreadable_period_is_warned(self):
        notice = parse_notice(notice_with("1. 举办启动仪式。\n", period="另行通知"))
        assert notice.start_date is None
        assert [w.params for w in notice.warnings if "无法识别" in w.template] == [
            {"text": "另行通知"}
        ]

    def test_period_in_labelled_line(self):
        notice = parse_notice(
            "关于开展质量月活动的通知\n各单位：\n活动主题：质量强国\n活动时间：2025年9月1日至30日\n"
        )
        assert notice.theme == "质量强国"
        assert (notice.start_date, notice.end_date) == (date(2025, 9, 1), date(2025, 9, 30))

    def test_year_from_doc_number_when_title_has_none(self):
        text = notice_with("1. 举办启动仪式。\n", period="9月1日至30日").replace(
            "2025年“质量月”", "“质量月”"
        )
        notice = parse_notice(text)
        assert notice.year == 2025
        assert notice.start_date == date(2025, 9, 1)

    def test_year_from_today_when_the_notice_gives_none(self):
        notice = parse_notice(
            "关于开展质量月活动的通知\n各单位：\n一、活动时间\n9月1日至30日\n",
            today=date(2031, 5, 4),
        )
        assert notice.start_date == date(2031, 9, 1)
        assert any(w.params == {"year": 2031} for w in notice.warnings)

    def test_chinese_numeral_signing_date(self):
        footer = "特此通知。\n上海市浦东新区市场监督管理局\n二〇二四年九月五日\n"
        notice = parse_notice(notice_with("1. 举办启动仪式。\n", footer=footer))
        assert notice.signing_date == date(2024, 9, 5)

    def test_signature_without_closing_phrase(self):
        footer = "上海市某区市场监督管理局\n2025年9月2日\n"
        notice = parse_notice(
            notice_with("1. 举办启动仪式。\n", footer=footer).replace(
                "上海市浦东新区市场监督管理局文件\n", ""
            )
        )
        assert notice.signing_date == date(2025, 9, 2)
        assert notice.issuer == "上海市某区市场监督管理局"
        assert notice.item_count == 1

    def test_print_organ_and_date_on_one_line(self):
        footer = (
            FOOTER
            + "抄送：区质量工作领导小组办公室\n"
            + "上海市浦东新区市场监督管理局办公室  2025年9月2日印发\n"
        )
        notice = parse_notice(notice_with("1. 举办启动仪式。\n", footer=footer))
        assert notice.print_organ == "上海市浦东新区市场监督管理局办公室"
        assert notice.print_date == date(2025, 9, 2)
        assert notice.unplaced == ["抄送：区质量工作领导小组办公室"]

    @pytest.mark.parametrize(
        ("sentence", "deadline"),
        [
            ("请各单位于9月30日前报送书面小结。", date(2025, 9, 30)),
            ("请于2025年10月8日（星期三）17:00前报送。", date(2025, 10, 8)),
            ("总结材料截止日期为2025年10月10日。", date(2025, 10, 10)),
            ("请于9月底前报送活动信息。", date(2025, 9, 30)),
        ],
    )
    def test_deadlines(self, sentence, deadline):
        text = notice_with("1. 举办启动仪式。\n").replace(
            FOOTER, f"四、工作要求\n（一）及时报送信息。{sentence}\n{FOOTER}"
        )
        notice = parse_notice(text)
        assert [d.date for d in notice.deadlines] == [deadline]
        assert notice.deadlines[0].text == sentence


class TestContacts:
    def contacts(self, line: str):
        notice = parse_notice(
            notice_with("1. 举办启动仪式。\n").replace(FOOTER, line + "\n" + FOOTER)
        )
        return [(c.name, c.phone, c.email, c.department) for c in notice.contacts], notice

    def test_name_and_phone(self):
        got, notice = self.contacts("联系人：张三，联系电话：12345678")
        assert got == [("张三", "12345678", "", "")]
        assert notice.unplaced == []

    def test_name_phone_and_email(self):
        got, _ = self.contacts("联系人：张三 电话：021-12345678，邮箱：a@b.cn")
        assert got == [("张三", "021-12345678", "a@b.cn", "")]

    def test_several_contacts(self):
        got, _ = self.contacts("联系人：张三，电话：12345678；李四，电话：13912345678。")
        assert got == [("张三", "12345678", "", ""), ("李四", "13912345678", "", "")]

    def test_names_sharing_a_phone(self):
        got, _ = self.contacts("联系人：张三、李四，联系电话：（021）68824341")
        assert got == [("张三", "021-68824341", "", ""), ("李四", "021-68824341", "", "")]

    def test_department_before_contact(self):
        got, _ = self.contacts("质量处联系人：王五同志，联系电话：68824341，传真：68820000")
        assert got == [("王五", "68824341", "", "质量处")]

    def test_two_departments_on_one_line(self):
        got, _ = self.contacts(
            "质量处联系人：王五，电话：68824341；计量处联系人：赵六，电话：68824342"
        )
        assert got == [("王五", "68824341", "", "质量处"), ("赵六", "68824342", "", "计量处")]

    def test_contact_inside_a_requirement_stays_in_its_text(self):
        text = notice_with("1. 举办启动仪式。\n").replace(
            FOOTER,
            "四、工作要求\n（一）及时报送。请于9月30日前报送，联系人：张三，电话：12345678。\n"
            + FOOTER,
        )
        notice = parse_notice(text)
        assert [(c.name, c.phone) for c in notice.contacts] == [("张三", "12345678")]
        assert "联系人：张三" in notice.requirements[0].body


class TestHeader:
    @pytest.mark.parametrize(
        "written", ["〔2024〕", "[2024]", "（2024）", "［2024］", "(2024)", "【2024】"]
    )
    def test_doc_number_brackets_normalised(self, written):
        notice = parse_notice(f"某某局文件\n浦市监质{written}99号\n关于开展质量月活动的通知\n")
        assert notice.doc_number == "浦市监质〔2024〕99号"
        assert notice.issuer == "某某局"

    def test_upward_recipient_from_bao_song(self):
        text = notice_with("1. 举办启动仪式。\n").replace(
            FOOTER,
            "四、工作要求\n（一）做好总结。区局汇总后报送市质量工作领导小组办公室。\n" + FOOTER,
        )
        assert parse_notice(text).upward_recipient == "市质量工作领导小组办公室"

    def test_reporting_to_the_issuer_is_not_upward(self):
        text = notice_with("1. 举办启动仪式。\n").replace(
            FOOTER, "四、工作要求\n（一）做好总结。请报送上海市浦东新区市场监督管理局。\n" + FOOTER
        )
        assert parse_notice(text).upward_recipient == ""


class TestFieldsInText:
    def test_lead_and_co_units_and_time_written_in_the_item(self):
        notice = parse_notice(
            notice_with("""
1. 举办启动仪式。在区政府广场举行。
牵头单位：区市场监管局质量处；配合单位：各街镇、各园区，区教育局
活动时间：9月上旬
2. 开展质量宣传（牵头部门：宣传科；协助部门：各所）。通过媒体宣传。
""")
        )
        first, second = items(notice)
        assert first.lead_units == ["区市场监管局质量处"]
        assert first.co_units == ["各街镇", "各园区", "区教育局"]
        assert first.time_text == "9月上旬"
        assert (first.start_date, first.end_date) == (date(2025, 9, 1), date(2025, 9, 10))
        assert first.description == "在区政府广场举行。"
        assert second.title == "开展质量宣传"
        assert (second.lead_units, second.co_units) == (["宣传科"], ["各所"])
        assert second.description == "通过媒体宣传。"


# --- plan tables --------------------------------------------------------------------------------

PLAN_TABLE = [
    ["序号", "活动内容", "活动时间", "牵头部门", "协助部门"],
    ["（一）开展质量宣传"] * 5,
    ["1", "举办启动仪式。在区政府广场举行。", "9月1日-9月30日", "质量处", "各街镇、各园区"],
    ["2", "开展公益宣传", "9月上旬", "宣传科，办公室", "各市场监管所；区融媒体中心"],
    ["（二）优化质量服务"] * 5,
    ["3", "计量器具上门强检", "2025年9月15日", "计量处\n计量所", ""],
    ["4", "质量咨询", "9月下旬", "质量处", "—"],
]


def table_notice(tables, content="[表格1]"):
    return NoticeSource(text=notice_with(content), tables=tables, filename="plan.docx")


class TestPlanTables:
    def test_docx_plan_table(self):
        notice = parse_notice(table_notice([PLAN_TABLE]))
        assert [(c.label, c.title) for c in notice.categories] == [
            ("（一）", "开展质量宣传"),
            ("（二）", "优化质量服务"),
        ]
        first, second, third, fourth = items(notice)
        assert (first.number, first.label, first.title) == (1, "1.", "举办启动仪式")
        assert first.description == "在区政府广场举行。"
        assert first.lead_units == ["质量处"]
        assert first.co_units == ["各街镇", "各园区"]
        assert (first.time_text, first.start_date, first.end_date) == (
            "9月1日-9月30日",
            date(2025, 9, 1),
            date(2025, 9, 30),
        )
        assert second.lead_units == ["宣传科", "办公室"]
        assert second.co_units == ["各市场监管所", "区融媒体中心"]
        assert (second.start_date, second.end_date) == (date(2025, 9, 1), date(2025, 9, 10))
        assert third.lead_units == ["计量处", "计量所"] and third.co_units == []
        assert (third.start_date, third.end_date) == (date(2025, 9, 15), date(2025, 9, 15))
        assert fourth.co_units == []
        assert (fourth.start_date, fourth.end_date) == (date(2025, 9, 21), date(2025, 9, 30))
        assert notice.warnings == []

    def test_column_name_variants_and_extra_columns(self):
        table = [
            ["编号", "活动名称", "工作内容", "时间安排", "责任单位", "配合部门", "活动地点"],
            ["1", "启动仪式", "举办启动仪式并发布方案。", "9月中旬", "质量处", "各街镇", "区政府"],
            ["2", "质量开放日", "组织企业开放参观。", "9月", "质量处", "参与企业", ""],
        ]
        notice = parse_notice(table_notice([table]))
        first, second = items(notice)
        assert (first.title, first.description) == (
            "启动仪式",
            "举办启动仪式并发布方案。\n活动地点：区政府",
        )
        assert (first.start_date, first.end_date) == (date(2025, 9, 11), date(2025, 9, 20))
        assert second.co_units == ["参与企业"]
        assert (second.start_date, second.end_date) == (date(2025, 9, 1), date(2025, 9, 30))

    @pytest.mark.parametrize(
        "header",
        [
            ["序号", "活动名称", "时间", "牵头单位", "配合单位"],
            ["编号", "工作内容", "活动时间", "责任单位", "协办单位"],
            ["序号", "活动内容", "时间安排", "牵头部门（单位）", "参与单位"],
        ],
    )
    def test_header_variants(self, header):
        table = [header, ["1", "举办启动仪式", "9月上旬", "质量处", "各街镇"]]
        notice = parse_notice(table_notice([table]))
        (item,) = items(notice)
        assert (item.title, item.lead_units, item.co_units) == (
            "举办启动仪式",
            ["质量处"],
            ["各街镇"],
        )
        assert item.start_date == date(2025, 9, 1)

    def test_category_column(self):
        table = [
            ["类别", "序号", "活动内容", "牵头部门"],
            ["质量宣传", "1", "启动仪式", "质量处"],
            ["质量宣传", "2", "公益宣传", "宣传科"],
            ["质量服务", "3", "计量上门", "计量处"],
        ]
        notice = parse_notice(table_notice([table]))
        assert [(c.title, [i.number for i in c.items]) for c in notice.categories] == [
            ("质量宣传", [1, 2]),
            ("质量服务", [3]),
        ]

    def test_chinese_numerals_in_the_number_column_open_categories(self):
        table = [
            ["序号", "活动内容", "牵头部门"],
            ["一", "开展质量宣传", ""],
            ["1", "启动仪式", "质量处"],
            ["二、", "优化质量服务", ""],
            ["2", "计量上门", "计量处"],
            ["备注：各单位可结合实际增加活动。"] * 3,
        ]
        notice = parse_notice(table_notice([table]))
        assert [
            (c.number, c.label, c.title, [i.title for i in c.items]) for c in notice.categories
        ] == [
            (1, "一、", "开展质量宣传", ["启动仪式"]),
            (2, "二、", "优化质量服务", ["计量上门"]),
        ]
        assert notice.unplaced == ["备注：各单位可结合实际增加活动。"]

    def test_table_repeated_header_and_empty_rows_are_skipped(self):
        table = [PLAN_TABLE[0], PLAN_TABLE[2], ["", "", "", "", ""], PLAN_TABLE[0], PLAN_TABLE[3]]
        notice = parse_notice(table_notice([table]))
        assert [i.number for i in items(notice)] == [1, 2]

    def test_table_not_referenced_in_text_is_still_read(self):
        notice = parse_notice(table_notice([PLAN_TABLE], content="详见活动安排表。"))
        assert notice.item_count == 4

    def test_table_repeating_text_items_enriches_them(self):
        content = "1. 举办启动仪式。在区政府广场举行。\n2. 开展公益宣传。\n[表格1]"
        table = [PLAN_TABLE[0], PLAN_TABLE[2], PLAN_TABLE[3]]
        notice = parse_notice(table_notice([table], content=content))
        assert notice.item_count == 2
        assert items(notice)[0].lead_units == ["质量处"]
        assert items(notice)[1].time_text == "9月上旬"

    def test_non_plan_table_is_read_as_paragraphs(self):
        footer = FOOTER + "[表格2]\n"
        layout = [
            ["抄送：区政府办公室", "抄送：区政府办公室"],
            ["上海市浦东新区市场监督管理局办公室", "2025年9月2日印发"],
        ]
        source = NoticeSource(
            text=notice_with("[表格1]", footer=footer), tables=[PLAN_TABLE, layout], filename=""
        )
        notice = parse_notice(source)
        assert notice.item_count == 4
        assert notice.print_organ == "上海市浦东新区市场监督管理局办公室"
        assert notice.print_date == date(2025, 9, 2)

    def test_ragged_and_odd_tables_do_not_break_parsing(self):
        tables = [
            [["序号", "活动内容", "牵头部门"], ["1"], [None, "开展宣传", None, "多余"]],
            [],
            [[]],
        ]
        notice = parse_notice(
            NoticeSource(text="[表格1]\n[表格2]\n[表格3]\n[表格9]", tables=tables)
        )
        assert [i.title for i in items(notice)] == ["开展宣传"]

    def test_table_in_text_with_tabs(self):
        rows = "\n".join("\t".join(row) for row in [PLAN_TABLE[0], *PLAN_TABLE[2:4]])
        notice = parse_notice(notice_with("（一）开展质量宣传\n" + rows))
        assert [(i.number, i.title, i.lead_units, i.co_units) for i in items(notice)] == [
            (1, "举办启动仪式", ["质量处"], ["各街镇", "各园区"]),
            (2, "开展公益宣传", ["宣传科", "办公室"], ["各市场监管所", "区融媒体中心"]),
        ]
        assert notice.categories[0].title == "开展质量宣传"

    def test_table_in_text_with_runs_of_spaces_and_category_rows(self):
        text = """序号    活动内容          活动时间     牵头部门    协助部门
（一）开展质量宣传
1       举办启动仪式      9月上旬      质量处      各街镇、各园区
2       开展公益宣传      9月中旬      宣传科      各市场监管所
（二）优化质量服务
3       计量器具上门强检  9月下旬      计量处      计量所
"""
        notice = parse_notice(notice_with(text))
        assert [(c.title, [i.number for i in c.items]) for c in notice.categories] == [
            ("开展质量宣传", [1, 2]),
            ("优化质量服务", [3]),
        ]
        third = items(notice)[2]
        assert (third.title, third.lead_units, third.co_units) == (
            "计量器具上门强检",
            ["计量处"],
            ["计量所"],
        )
        assert third.start_date == date(2025, 9, 21)

    def test_unreadable_item_time_is_warned(self):
        table = [PLAN_TABLE[0], ["7", "开展宣传", "全年", "质量处", ""]]
        notice = parse_notice(table_notice([table]))
        assert items(notice)[0].start_date is None
        assert [w.params for w in notice.warnings] == [{"number": 7, "text": "全年"}]


# --- inputs that are not notices ----------------------------------------------------------------


class TestRobustness:
    def test_empty_text(self):
        notice = parse_notice("")
        assert notice.item_count == 0
        for template in (W_NO_TITLE, W_NO_THEME, W_NO_PERIOD, W_NO_ITEMS):
            assert template in templates(notice)

    def test_only_a_title(self):
        notice = parse_notice("关于开展2024年“质量月”活动的通知")
        assert notice.title == "关于开展2024年“质量月”活动的通知"
        assert notice.year == 2024
        messages = [w.message for w in notice.warnings]
        assert "未识别到活动事项。" in messages
        assert "未识别到活动时间。" in messages
        assert W_NO_TITLE not in templates(notice)

    def test_binary_garbage_as_text(self):
        rng = random.Random(7)
        garbage = "".join(chr(rng.randrange(0, 0x110000)) for _ in range(20_000))
        notice = parse_notice(garbage)
        assert W_NO_ITEMS in templates(notice)
        json.dumps(notice.to_dict())  # still JSON-safe

    def test_bytes_and_none_are_accepted(self):
        assert parse_notice(SEED.encode()).item_count == 20
        assert W_NO_ITEMS in templates(parse_notice(None))  # type: ignore[arg-type]

    def test_one_megabyte_of_random_chinese(self):
        rng = random.Random(11)
        text = "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(1_000_000))
        notice = parse_notice(text)
        assert notice.item_count == 0
        assert W_NO_ITEMS in templates(notice)
        lines = "\n".join(text[i : i + 37] for i in range(0, 300_000, 37))
        assert W_NO_ITEMS in templates(parse_notice(lines))

    def test_many_unplaced_paragraphs_give_a_bounded_number_of_warnings(self):
        text = "关于开展质量月活动的通知\n一、活动主题\n质量\n" + "\n".join(
            f"多余段落{i}" for i in range(100)
        )
        notice = parse_notice(text)
        assert len(notice.unplaced) == 100
        assert templates(notice).count(W_UNPLACED) == 20
        assert any(w.params == {"count": 80} for w in notice.warnings)

    def test_shuffled_and_cut_notices_never_raise(self):
        rng = random.Random(2024)
        lines = SEED.split("\n")
        for _ in range(150):
            sample = rng.sample(lines, rng.randrange(1, len(lines)))
            text = "\n".join(sample)
            cut = rng.randrange(len(text) + 1)
            text = (
                text[:cut] + rng.choice(["", "\x00", "（", "1.", "一、", "\t\t", "　"]) + text[cut:]
            )
            notice = parse_notice(text)
            assert W_INTERNAL not in templates(notice)
            assert ParsedNotice.from_dict(notice.to_dict()) == notice

    def test_run_on_text_with_more_headings_than_numerals(self):
        def numeral(n: int) -> str:
            ones = "一二三四五六七八九"
            tens, unit = divmod(n, 10)
            text = (ones[tens - 1] if tens > 1 else "") + ("十" if tens else "")
            return text + (ones[unit - 1] if unit else "")

        text = "".join(
            f"{numeral(i % 100 or 1)}、工作要求请各单位认真落实。" for i in range(1, 130)
        )
        notice = parse_notice(text)
        assert W_INTERNAL not in templates(notice)
        assert len(notice.requirements) >= 99


class TestWarnings:
    def test_message_and_excerpt(self):
        warning = ParseWarning("第%(number)s项编号与前一项不连续", {"number": 4}, "开展计量服务")
        assert warning.message == "第4项编号与前一项不连续"
        assert ParseWarning.from_dict(warning.to_dict()) == warning

    def test_message_with_missing_parameter_falls_back_to_template(self):
        assert ParseWarning("第%(number)s项", {}).message == "第%(number)s项"

    def test_excerpts_are_short(self):
        notice = parse_notice("关于开展质量月活动的通知\n一、活动主题\n质量\n" + "长" * 500)
        assert all(len(w.excerpt) <= 80 for w in notice.warnings)
        assert notice.unplaced == ["长" * 500]
