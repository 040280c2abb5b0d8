import pytest
from django.core.management import CommandError, call_command

from qualitymonth.dashboard.queries import district_campaigns
from qualitymonth.upward import services


def test_export_and_import_from_the_command_line(district_campaign, city, tmp_path, capsys):
    out = tmp_path / "pudong.zip"
    call_command("upward_export", campaign=district_campaign.pk, out=out)
    assert "3 条采用信息" in capsys.readouterr().out

    services.delete_campaign_rows(district_campaign)
    call_command("upward_import", str(out), city="上海市")
    assert "已导入2024年浦东新区质量月" in capsys.readouterr().out
    [imported] = district_campaigns(city, 2024, "quality_month")
    assert imported.upward_package.report_count == 3

    out.write_bytes(out.read_bytes()[:-30])  # a truncated download
    with pytest.raises(CommandError, match="上报包不完整或已损坏"):
        call_command("upward_import", str(out), city="上海市")


def test_the_commands_name_what_is_wrong(district_campaign, reporter, tmp_path):
    with pytest.raises(CommandError, match="扩展名"):
        call_command("upward_export", campaign=district_campaign.pk, out=tmp_path / "x.docx")
    with pytest.raises(CommandError, match="没有编号为 999999 的活动"):
        call_command("upward_export", campaign=999999, out=tmp_path / "x.zip")
    with pytest.raises(CommandError, match="没有权限"):
        call_command(
            "upward_export", campaign=district_campaign.pk, out=tmp_path / "x.zip", user="reporter"
        )
    with pytest.raises(CommandError, match="没有名为“北京市”的市级单位"):
        call_command("upward_import", str(tmp_path / "x.zip"), city="北京市")
