"""Signed packages at the city: a district's key is registered once (fingerprint checked by
phone), rotated by registering a new one, revoked when it leaks; a package that is unsigned,
signed by a stranger, by another district or by a revoked key is refused, audited, and leaves
everything else as it was."""

import io
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qualitymonth.accounts.models import Role
from qualitymonth.core.models import AuditEntry
from qualitymonth.dashboard.queries import district_campaigns
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.upward import keys, package, services, signing
from qualitymonth.upward.models import DistrictKey, UpwardPackage
from qualitymonth.upward.package import PackageError
from tests.conftest import make_person

from .conftest import rebuilt, register_district_key, stored


def _pem(key: Ed25519PrivateKey) -> str:
    return signing.public_pem(key)


def _fingerprint(key: Ed25519PrivateKey) -> str:
    return signing.fingerprint(key.public_key())


def refused(data: bytes, city, by, settings, code: str) -> str:
    """The package refused on upload with ``code``: only the refusal's audit entry is new."""
    media = Path(settings.MEDIA_ROOT)
    before = stored(media)
    with pytest.raises(PackageError) as caught:
        services.receive_package(data, "p.zip", by, city)
    assert caught.value.code == code, caught.value.message
    before["rows"]["core.AuditEntry"] += 1
    assert stored(media) == before
    entry = AuditEntry.objects.filter(action="upward.refused").latest("id")
    assert entry.detail["code"] == code and entry.detail["reason"] == caught.value.message
    return caught.value.message


# Registering, rotating, revoking ---------------------------------------------------------


def test_a_city_user_registers_a_districts_key_after_checking_its_fingerprint(huangpu, city_viewer):
    key = Ed25519PrivateKey.generate()
    heard = _fingerprint(key).replace(" ", "").lower()  # typed as it was read out
    row = services.register_key(huangpu, _pem(key), heard, city_viewer)
    assert row.fingerprint == _fingerprint(key) and row.revoked_at is None
    assert row.registered_by == city_viewer
    entry = AuditEntry.objects.get(action="upward.key_registered")
    assert entry.actor == city_viewer and entry.org_path == huangpu.path
    assert entry.before is None and entry.after == {"fingerprint": row.fingerprint}


def test_a_fingerprint_that_does_not_match_is_refused_and_nothing_registered(huangpu, city_viewer):
    key, swapped = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    with pytest.raises(ValidationError) as caught:
        services.register_key(huangpu, _pem(swapped), _fingerprint(key), city_viewer)
    [message] = caught.value.message_dict["fingerprint"]
    assert message.startswith(f"指纹不符：区级告知的指纹“{_fingerprint(key)}”不是这个公钥的指纹")
    assert "公钥可能在传递中被替换" in message
    assert _fingerprint(swapped) not in message  # to be heard from the district, not copied
    assert not DistrictKey.objects.exists() and not AuditEntry.objects.exists()


def test_registering_a_new_key_revokes_the_old_one_which_is_kept(huangpu, city_viewer):
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    first = services.register_key(huangpu, _pem(old), _fingerprint(old), city_viewer)
    second = services.register_key(huangpu, _pem(new), _fingerprint(new), city_viewer)
    first.refresh_from_db()
    assert first.revoked_at is not None and first.revoked_by == city_viewer
    assert first.revoke_reason == "登记了新密钥（密钥轮换）"
    assert second.revoked_at is None
    assert DistrictKey.objects.filter(district=huangpu).count() == 2
    revoked = AuditEntry.objects.get(action="upward.key_revoked")
    assert revoked.target_id == str(first.pk) and revoked.detail["reason"] == first.revoke_reason
    registered = AuditEntry.objects.filter(action="upward.key_registered").latest("id")
    assert registered.before == {"fingerprint": first.fingerprint}
    # A key once revoked never comes back.
    with pytest.raises(ValidationError, match="这个公钥已经登记过（黄浦区），不能再次登记"):
        services.register_key(huangpu, _pem(old), _fingerprint(old), city_viewer)


def test_registering_and_revoking_need_upward_receive_on_the_city(
    huangpu, admin, reporter, city_viewer
):
    key = Ed25519PrivateKey.generate()
    beijing = OrgUnit.objects.create(name="北京市", kind=OrgUnit.Kind.CITY)
    outsider = make_person("beijing", Role.CITY_VIEWER, beijing)
    for person in (admin, reporter, outsider):  # a district admin, a reporter, another city
        with pytest.raises(PermissionDenied):
            services.register_key(huangpu, _pem(key), _fingerprint(key), person)
    row = services.register_key(huangpu, _pem(key), _fingerprint(key), city_viewer)
    for person in (admin, reporter, outsider):
        with pytest.raises(PermissionDenied):
            services.revoke_key(row, person, "私钥泄露")
    with pytest.raises(ValidationError, match="只能为市级下属的区登记"):
        services.register_key(beijing, _pem(key), _fingerprint(key), city_viewer)
    assert AuditEntry.objects.filter(action__startswith="upward.key").count() == 1


def test_revoking_needs_a_reason_and_is_audited(huangpu, city_viewer):
    key = Ed25519PrivateKey.generate()
    row = services.register_key(huangpu, _pem(key), _fingerprint(key), city_viewer)
    with pytest.raises(ValidationError, match="请写明吊销原因"):
        services.revoke_key(row, city_viewer, "  ")
    services.revoke_key(row, city_viewer, "私钥泄露")
    row.refresh_from_db()
    assert row.revoked_at is not None and row.revoke_reason == "私钥泄露"
    entry = AuditEntry.objects.get(action="upward.key_revoked")
    assert entry.actor == city_viewer and entry.detail["reason"] == "私钥泄露"
    with pytest.raises(ValidationError, match="已经吊销"):
        services.revoke_key(row, city_viewer, "再次")


# Packages refused for their signature -------------------------------------------------------


def test_figures_forged_with_recomputed_checksums_do_not_replace_the_districts(
    district_campaign, exported, city, city_viewer, settings
):
    """The finding: someone rebuilds Pudong's package with other figures and every checksum
    recomputed. Unsigned by Pudong's key, it is refused and Pudong's real figures stay."""
    services.delete_campaign_rows(district_campaign)
    genuine = services.import_file(exported.data, "pudong.zip", city_viewer, city)

    def inflate(manifest, files):
        for report in manifest["reports"]:
            report["values"] = {name: "99999.00" for name in report["values"]}

    forged = rebuilt(exported.data, inflate, key=Ed25519PrivateKey.generate())
    message = refused(forged, city, city_viewer, settings, "unknown_key")
    assert "市级没有登记这个密钥" in message
    [current] = district_campaigns(city, 2024, "quality_month")
    assert current == genuine.campaign
    assert UpwardPackage.objects.get().status == UpwardPackage.Status.IMPORTED


def test_an_unsigned_package_is_refused(district_campaign, exported, city, city_viewer, settings):
    services.delete_campaign_rows(district_campaign)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(exported.data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != package.SIGNATURE:
                target.writestr(info, source.read(info))
    message = refused(out.getvalue(), city, city_viewer, settings, "unsigned")
    assert "qualitymonth upward-keygen" in message


def test_another_districts_key_is_refused(
    district_campaign, exported, city, city_viewer, huangpu, settings
):
    """黄浦区's registered key signing a package of 浦东新区's figures."""
    services.delete_campaign_rows(district_campaign)
    register_district_key(huangpu)
    as_huangpu = rebuilt(exported.data, lambda manifest, files: None, keys.load("黄浦区"))
    message = refused(as_huangpu, city, city_viewer, settings, "wrong_district")
    assert "登记在黄浦区名下" in message


def test_a_revoked_key_is_refused_on_upload_and_on_import(
    district_campaign, exported, city, city_viewer, pudong_key, settings
):
    services.delete_campaign_rows(district_campaign)
    row = services.receive_package(exported.data, "p.zip", city_viewer, city)
    assert row.signing_key == pudong_key
    services.revoke_key(pudong_key, city_viewer, "服务器更换")
    with pytest.raises(PackageError) as caught:  # checked again before importing
        services.import_package(row, city_viewer)
    assert caught.value.code == "revoked_key"
    assert district_campaigns(city, 2024, "quality_month") == []
    message = refused(exported.data, city, city_viewer, settings, "revoked_key")
    assert "--rotate" in message


def test_a_rotated_key_signs_the_next_package(
    district_campaign, admin, city, city_viewer, pudong, pudong_key
):
    """The district makes a new key and the city registers it: the next export is accepted,
    one signed with the old key no longer."""
    old_export = services.export_package(district_campaign, admin)
    keys.create(pudong.name)
    new = register_district_key(pudong)
    new_export = services.export_package(district_campaign, admin)
    services.delete_campaign_rows(district_campaign)
    with pytest.raises(PackageError, match=r"已于.*吊销"):
        services.import_file(old_export.data, "old.zip", city_viewer, city)
    row = services.import_file(new_export.data, "new.zip", city_viewer, city)
    assert row.signing_key == new
    entry = AuditEntry.objects.get(action="upward.verified", target_id=str(row.pk))
    assert entry.detail["key"] == new.fingerprint


def test_an_export_without_a_key_says_how_to_make_one(
    district_campaign, admin, key_dir, pudong, client
):
    keys.key_file(pudong.name).unlink()
    with pytest.raises(ValidationError) as caught:
        services.export_package(district_campaign, admin)
    [message] = caught.value.messages
    assert message.startswith("本平台还没有浦东新区的上报包签名密钥")
    assert "qualitymonth upward-keygen --district 浦东新区" in message
    assert not AuditEntry.objects.filter(action="upward.exported").exists()

    client.force_login(admin)
    send = reverse("upward:send", kwargs={"pk": district_campaign.pk})
    page = client.get(send).content.decode()
    assert "本平台还没有浦东新区的上报包签名密钥" in page and "disabled" in page
    response = client.post(send, follow=True)
    assert response["Content-Type"].startswith("text/html")
    assert "upward-keygen" in response.content.decode()


# The page -------------------------------------------------------------------------------


def test_the_keys_page_registers_and_revokes(pudong, huangpu, admin, city_viewer, client):
    page = reverse("upward:keys")
    client.force_login(admin)
    assert client.get(page).status_code == 403
    client.force_login(city_viewer)
    listing = client.get(page).content.decode()
    assert "黄浦区" in listing and "未登记：这个区的上报包会被拒收" in listing
    assert page in client.get(reverse("upward:received")).content.decode()

    key = Ed25519PrivateKey.generate()
    upload = SimpleUploadedFile("黄浦区.pem", _pem(key).encode(), content_type="text/plain")
    wrong = client.post(
        page,
        {"action": "register", "district": huangpu.pk, "key_file": upload, "fingerprint": "12"},
    )
    assert "指纹不符" in wrong.content.decode() and not DistrictKey.objects.exists()
    response = client.post(
        page,
        {
            "action": "register",
            "district": huangpu.pk,
            "public_key": _pem(key),
            "fingerprint": _fingerprint(key),
        },
        follow=True,
    )
    assert f"已登记黄浦区的上报包签名公钥，指纹 {_fingerprint(key)}" in response.content.decode()
    row = DistrictKey.objects.get()

    empty = client.post(page, {"action": "revoke", "key": row.pk, "reason": ""}, follow=True)
    assert "请写明吊销原因" in empty.content.decode()
    revoked = client.post(
        page, {"action": "revoke", "key": row.pk, "reason": "私钥泄露"}, follow=True
    )
    assert "已吊销黄浦区的密钥" in revoked.content.decode()
    row.refresh_from_db()
    assert row.revoked_at is not None
    history = client.get(page).content.decode()
    assert 'id="revoked-keys"' in history and "私钥泄露" in history
    assert AuditEntry.objects.filter(action="upward.key_revoked", actor=city_viewer).exists()
