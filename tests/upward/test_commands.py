import stat

import pytest
from django.core.management import CommandError, call_command

from qualitymonth.dashboard.queries import district_campaigns
from qualitymonth.upward import keys, services, signing
from qualitymonth.upward.models import DistrictKey


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


def test_keygen_writes_a_key_only_its_owner_reads_and_prints_the_fingerprint(
    pudong, key_dir, tmp_path, capsys
):
    exported = tmp_path / "浦东新区-公钥.pem"
    call_command("upward_keygen", district="浦东新区", export=exported)
    out = capsys.readouterr().out
    path = key_dir / "浦东新区.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_dir.stat().st_mode) == 0o700
    key = keys.load("浦东新区")
    fingerprint = signing.fingerprint(key.public_key())
    assert f"指纹：{fingerprint}" in out
    assert signing.public_pem(key) in out and "PRIVATE" not in out
    assert exported.read_text() == signing.public_pem(key)

    call_command("upward_keygen", district="浦东新区")  # again: shown, not replaced
    out = capsys.readouterr().out
    assert "已有上报包签名密钥" in out and f"指纹：{fingerprint}" in out
    assert keys.load("浦东新区").public_key() == key.public_key()

    call_command("upward_keygen", district="浦东新区", rotate=True)
    out = capsys.readouterr().out
    assert "旧密钥已作废" in out
    assert signing.fingerprint(keys.load("浦东新区").public_key()) != fingerprint
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in key_dir.iterdir()] == ["浦东新区.pem"]  # no temporary file left

    with pytest.raises(CommandError, match="没有名为“北京市”的区"):
        call_command("upward_keygen", district="北京市")


def test_the_city_registers_the_key_from_the_command_line_after_the_phone_call(
    pudong, city, key_dir, tmp_path, capsys
):
    public = tmp_path / "浦东新区.pem"
    call_command("upward_keygen", district="浦东新区", export=public)
    fingerprint = signing.fingerprint(keys.load("浦东新区").public_key())
    capsys.readouterr()
    arguments = {"city": "上海市", "district": "浦东新区", "key": public}
    with pytest.raises(CommandError, match="请先与浦东新区电话核对：由区级念出密钥指纹") as caught:
        call_command("upward_register_key", **arguments)
    assert fingerprint not in str(caught.value)
    with pytest.raises(CommandError, match="指纹不符"):
        call_command("upward_register_key", **arguments, fingerprint="0000 " * 8)
    call_command("upward_register_key", **arguments, fingerprint=fingerprint.lower())
    assert f"已登记浦东新区的上报包签名公钥，指纹 {fingerprint}" in capsys.readouterr().out
    assert DistrictKey.objects.get(district=pudong, revoked_at=None).fingerprint == fingerprint
    with pytest.raises(CommandError, match="没有上海市下属的“黄浦区”"):
        call_command("upward_register_key", **{**arguments, "district": "黄浦区"})
