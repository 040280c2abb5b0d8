"""How entries read: action names, field names and values in Chinese."""

from qualitymonth.audit.display import action_label, changes, changes_text, value_text
from qualitymonth.core.models import AuditEntry


def test_action_labels():
    assert action_label("campaign.updated") == "修改活动"
    assert action_label("item.deleted") == "删除活动事项"
    assert action_label("person.password_reset") == "人员：重置密码"
    assert action_label("org.units_imported") == "导入单位"
    assert action_label("something.new") == "something.new"  # unknown words stay as written


def test_values_as_people_write_them():
    assert value_text("2024-09-30") == "2024年9月30日"
    assert value_text("2024-09-30T10:05:00+08:00") == "2024年9月30日 10:05"
    assert value_text(None) == "（空）"
    assert value_text(True) == "是"
    assert value_text(["陆家嘴街道", "周家渡街道"]) == "陆家嘴街道\n周家渡街道"


def test_changes_use_field_names_and_choice_labels():
    entry = AuditEntry(
        action="campaign.published",
        target_type="campaigns.campaign",
        before={"status": "draft", "theme": "旧主题"},
        after={"status": "published", "theme": "旧主题", "end_date": "2024-09-30"},
    )
    rows = {row.field: row for row in changes(entry)}
    assert (rows["状态"].before, rows["状态"].after, rows["状态"].changed) == (
        "草稿",
        "已发布",
        True,
    )
    assert rows["活动主题"].changed is False
    assert rows["结束日期"].before == "" and rows["结束日期"].after == "2024年9月30日"
    assert "状态：草稿 → 已发布" in changes_text(entry)
