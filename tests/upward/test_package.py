"""The package as bytes: built, signed, read back, and refused for every kind of damage,
forgery and oddity, each with a Chinese message. No database."""

import datetime
import io
import json
import struct
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from qualitymonth.upward import package, signing
from qualitymonth.upward.package import PackageError, RegisteredKey, build_package

PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8 + b"\xff\xd9"
KEY = Ed25519PrivateKey.generate()  # Pudong's
OTHER_KEY = Ed25519PrivateKey.generate()  # Huangpu's


def registered(key: Ed25519PrivateKey, district: str, revoked_on=None) -> dict:
    public = key.public_key()
    return {signing.fingerprint(public): RegisteredKey(district, signing.raw(public), revoked_on)}


# What the city registered: Pudong's key and Huangpu's.
KEYS = registered(KEY, "浦东新区") | registered(OTHER_KEY, "黄浦区")


def read_package(data: bytes, keys=KEYS) -> package.Package:
    return package.read_package(data, keys)


def manifest() -> dict:
    campaign = {
        "year": 2024,
        "kind": "quality_month",
        "title": "关于开展2024年浦东新区“质量月”活动的通知",
        "theme": "质量铸就品牌",
        "start_date": "2024-09-01",
        "end_date": "2024-09-30",
        "doc_number": "浦市监质〔2024〕99号",
        "issuer": "上海市浦东新区市场监督管理局",
        "categories": [
            {
                "number": 1,
                "title": "开展质量宣传",
                "items": [
                    {
                        "id": "item-1",
                        "number": 1,
                        "title": "质量开放日",
                        "indicators": [
                            {
                                "name": "参与人数",
                                "unit": "人",
                                "value_type": "integer",
                                "aggregation": "sum",
                            },
                            {
                                "name": "满意度",
                                "unit": "%",
                                "value_type": "decimal",
                                "aggregation": "avg",
                            },
                        ],
                    }
                ],
            }
        ],
        "formulas": [],
        "deadlines": [],
    }
    reports = [
        {
            "id": "r-1",
            "item": {"id": "item-1", "number": 1, "title": "质量开放日"},
            "unit": {"id": "unit-2", "name": "陆家嘴街道", "kind": "subdistrict"},
            "event": {"id": "event-1", "title": "开放日", "date": "2024-09-12", "place": ""},
            "title": "开放日",
            "content": "内容",
            "effect": "成效",
            "starred": True,
            "submitted_at": "2024-09-12T18:00:00+08:00",
            "is_late": False,
            "values": {"参与人数": "120.00", "满意度": "90.00"},
        },
        {
            "id": "r-2",
            "item": {"id": "item-1", "number": 1, "title": "质量开放日"},
            "unit": {"id": "unit-2", "name": "陆家嘴街道", "kind": "subdistrict"},
            "event": None,
            "title": "宣传",
            "content": "",
            "effect": "",
            "starred": False,
            "submitted_at": None,
            "is_late": True,
            "values": {"参与人数": "80.00", "满意度": "95.00"},
        },
    ]
    body = {
        "generated_at": "2024-10-08T09:00:00+08:00",
        "campaign": campaign,
        "unit": {
            "name": "浦东新区",
            "kind": "district",
            "credit_code": "",
            "ancestors": ["上海市"],
        },
        "units": [
            {"id": "unit-2", "name": "陆家嘴街道", "kind": "subdistrict", "path": ["陆家嘴街道"]}
        ],
        "events": [
            {
                "id": "event-1",
                "item": "item-1",
                "unit": "unit-2",
                "title": "开放日",
                "starts_at": "2024-09-12T09:00:00+08:00",
                "ends_at": "2024-09-12T11:00:00+08:00",
                "mode": "offline",
                "place": "",
                "street_town": None,
                "status": "held",
            }
        ],
        "assignments": [{"item": "item-1", "unit": "unit-2", "role": "lead"}],
        "reports": reports,
        "photos": [
            {"path": "photos/001.jpg", "report": "r-1", "caption": "陆家嘴街道 9月12日 开放日"}
        ],
    }
    body["figures"] = package.compute_figures(body)
    return body


FILES = {"summary.docx": b"PK docx", "annex.xlsx": b"PK xlsx", "photos/001.jpg": PHOTO}


def good() -> bytes:
    return build_package(manifest(), FILES, KEY)


def signed(manifest_bytes: bytes, key=KEY, district="浦东新区", files=FILES) -> bytes:
    """A package of exactly these manifest bytes, signed: what a district platform with other
    rules could send, which only the checks after the signature can catch."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(package.MANIFEST, manifest_bytes)
        archive.writestr(package.SIGNATURE, package.sign_manifest(manifest_bytes, district, key))
        for path, data in files.items():
            archive.writestr(path, data)
    return out.getvalue()


def built_manifest() -> dict:
    with zipfile.ZipFile(io.BytesIO(good())) as archive:
        return json.loads(archive.read(package.MANIFEST))


def rezip(data: bytes, change) -> bytes:
    """The package with its members passed through ``change(name, body) -> body | None``
    (None leaves the member out), zipped again with correct CRCs: a deliberate edit."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = change(info.filename, source.read(info))
            if body is not None:
                target.writestr(info.filename, body)
    return out.getvalue()


def refused(data: bytes, code: str, keys=KEYS) -> str:
    with pytest.raises(PackageError) as caught:
        read_package(data, keys)
    assert caught.value.code == code, caught.value.message
    return caught.value.message


def test_a_built_package_reads_back_with_every_file_and_checksum():
    data = good()
    read = read_package(data)
    assert read.manifest["format"] == "qualitymonth.upward-package"
    assert read.manifest["version"] == package.VERSION
    assert read.files == FILES
    assert read.sha256 == package.sha256(data)
    assert read.key == signing.fingerprint(KEY.public_key())
    listed = {entry["path"]: entry for entry in read.manifest["files"]}
    assert set(listed) == set(FILES)  # every file but the manifest itself
    assert listed["photos/001.jpg"] == {
        "path": "photos/001.jpg",
        "sha256": package.sha256(PHOTO),
        "size": len(PHOTO),
    }


def test_figures_add_up_as_each_indicator_says():
    figures = manifest()["figures"]
    indicators = {i["name"]: i for i in figures["items"][0]["indicators"]}
    assert indicators["参与人数"]["value"] == "200.00"
    assert indicators["参与人数"]["reports"] == 2
    assert indicators["满意度"]["value"] == "92.50"  # an average
    assert figures["totals"] == {"参与人数": "200.00", "满意度": "92.50"}
    assert figures["headline"] == {
        "units_assigned": 1,
        "units_reported": 1,
        "events_registered": 1,
        "events_held": 1,
        "reports_accepted": 2,
    }


def test_a_changed_headline_figure_is_refused():
    wrong = manifest()
    wrong["figures"]["headline"]["events_held"] = 24
    assert "汇总数据与报送明细不一致" in refused(build_package(wrong, FILES, KEY), "figures")


@pytest.mark.parametrize("version", [1, 2])
def test_an_unsigned_package_of_an_earlier_format_is_refused_saying_what_to_do(version):
    """Formats 1 and 2 carried checksums only: accepting them would accept forgeries."""
    old = {**manifest(), "format": package.FORMAT, "version": version, "checksum": "…"}
    data = rezip(good(), lambda name, body: None if name == package.SIGNATURE else body)
    data = rezip(
        data, lambda name, body: json.dumps(old).encode() if name == "manifest.json" else body
    )
    message = refused(data, "unsigned")
    assert "上报包没有签名" in message and "旧版本平台导出的上报包没有签名" in message
    assert "qualitymonth upward-keygen --district 区名" in message and "交市级登记" in message
    # Signed after all (a platform in between), the old format is still refused.
    signed_old = signed(json.dumps(old).encode())
    assert "旧版本平台导出的" in refused(signed_old, "version")


def test_one_byte_changed_in_a_photo_is_refused_naming_the_file():
    def change(name, body):
        if name == "photos/001.jpg":
            return body[:100] + bytes([body[100] ^ 1]) + body[101:]
        return body

    message = refused(rezip(good(), change), "checksum")
    assert message == "文件 photos/001.jpg 的校验值不符，上报包可能已被改动。"


def test_one_byte_changed_in_the_manifest_is_refused():
    def change(name, body):
        if name == "manifest.json":
            return body.replace("内容".encode(), "内睿".encode(), 1)
        return body

    message = refused(rezip(good(), change), "bad_signature")
    assert message.startswith("上报包的签名与内容不符：上报包在区级导出后被改动过")


def test_a_byte_flipped_in_the_zip_itself_is_refused_by_its_crc():
    data = bytearray(good())
    at = bytes(data).index(PHOTO[200:260])  # the photo is stored uncompressed
    data[at] ^= 0xFF
    assert "已损坏" in refused(bytes(data), "corrupt")


def test_a_changed_figure_that_no_longer_matches_the_reports_is_refused():
    wrong = manifest()
    wrong["figures"]["totals"]["参与人数"] = "2000.00"
    assert "汇总数据与报送明细不一致" in refused(build_package(wrong, FILES, KEY), "figures")


def test_a_size_mismatch_is_refused():
    data = built_manifest()
    entry = next(e for e in data["files"] if e["path"] == "photos/001.jpg")
    entry["size"] += 1
    assert "photos/001.jpg 的大小" in refused(signed(json.dumps(data).encode()), "size")


def test_missing_and_extra_files_are_refused():
    without_photo = rezip(good(), lambda name, body: None if name.startswith("photos/") else body)
    assert refused(without_photo, "missing_file") == "上报包中缺少文件 photos/001.jpg。"

    data = good()
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("photos/002.jpg", PHOTO)
    assert "清单未列出的文件 photos/002.jpg" in refused(out.getvalue(), "extra_file")


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/passwd", "photos/../../x.jpg", "C:/x"])
def test_path_traversal_names_are_refused(name):
    data = good()
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr(zipfile.ZipInfo(name), b"x")
    assert "不安全" in refused(out.getvalue(), "unsafe_name")


def test_a_truncated_package_is_refused_not_mistaken_for_the_docx_inside_it():
    inner = build_package(manifest(), {**FILES, "summary.docx": good()}, KEY)  # a zip inside
    assert "不完整" in refused(inner[:-30], "corrupt")


def test_not_a_zip_no_manifest_and_bad_json_are_refused():
    assert "不是 .zip 压缩包" in refused(b"%PDF-1.7 not a package", "not_zip")
    assert refused(b"", "not_zip") == "上传的文件是空的。"
    no_manifest = rezip(good(), lambda name, body: None if name == "manifest.json" else body)
    assert "没有清单文件" in refused(no_manifest, "no_manifest")
    assert "不是有效的 JSON" in refused(signed(b"{not json"), "bad_manifest")


def _with_manifest(**changes) -> bytes:
    return signed(json.dumps({**built_manifest(), **changes}).encode())


def test_unknown_format_and_newer_version_are_refused():
    assert "不是质量月平台的上报包" in refused(_with_manifest(format="something.else"), "format")
    message = refused(_with_manifest(version=package.VERSION + 1), "version")
    assert f"格式版本为 {package.VERSION + 1}" in message and "升级" in message
    assert "无效" in refused(_with_manifest(version="1"), "version")


def test_a_manifest_missing_a_field_names_it():
    data = manifest()
    del data["campaign"]["categories"][0]["items"][0]["title"]
    message = refused(build_package(data, FILES, KEY), "bad_manifest")
    assert "campaign.categories[0].items[0].title" in message


def test_a_report_of_an_unknown_item_is_refused():
    data = manifest()
    data["reports"][0]["item"]["id"] = "item-99"
    assert "reports[0].item" in refused(build_package(data, FILES, KEY), "bad_manifest")


def test_an_oversize_package_is_refused_before_it_is_opened(monkeypatch):
    monkeypatch.setattr(package, "MAX_PACKAGE_BYTES", 1000)
    assert "超过" in refused(good(), "too_large")


def test_a_zip_bomb_is_refused_while_reading(monkeypatch):
    bomb = build_package(manifest(), {**FILES, "summary.docx": b"\0" * 2_000_000}, KEY)
    monkeypatch.setattr(package, "MAX_UNPACKED_BYTES", 1_000_000)
    assert "解压后超过" in refused(bomb, "too_large")


# The signature ------------------------------------------------------------------------------


def test_figures_changed_and_every_checksum_recomputed_are_refused_without_the_key():
    """The forgery checksums cannot catch: a package rebuilt with other figures, its checksums
    made to match again, signed with a key the city never registered for Pudong."""
    forged = manifest()
    for report in forged["reports"]:
        report["values"]["参与人数"] = "9999.00"
    forged["figures"] = package.compute_figures(forged)
    stranger = Ed25519PrivateKey.generate()
    message = refused(build_package(forged, FILES, stranger), "unknown_key")
    assert f"上报包由浦东新区的密钥 {signing.fingerprint(stranger.public_key())} 签名" in message
    assert "市级没有登记这个密钥" in message
    assert (
        "请浦东新区的区级平台管理员运行 qualitymonth upward-keygen --district 浦东新区" in message
    )


def test_a_signature_copied_from_a_genuine_package_does_not_fit_other_figures():
    genuine = good()
    with zipfile.ZipFile(io.BytesIO(genuine)) as archive:
        signature = archive.read(package.SIGNATURE)
    forged = manifest()
    forged["reports"][0]["values"]["参与人数"] = "9999.00"
    forged["figures"] = package.compute_figures(forged)
    data = build_package(forged, FILES, KEY)
    data = rezip(data, lambda name, body: signature if name == package.SIGNATURE else body)
    message = refused(data, "bad_signature")
    assert "被改动过，或签名是伪造的" in message and "请浦东新区重新导出" in message


def test_an_unsigned_package_is_refused():
    data = rezip(good(), lambda name, body: None if name == package.SIGNATURE else body)
    assert "upward-keygen" in refused(data, "unsigned")


def test_another_districts_key_is_refused():
    """Huangpu's key signing for Pudong, either saying so or claiming to be Pudong's."""
    as_huangpu = build_package(manifest(), FILES, OTHER_KEY)  # the manifest is Pudong's
    message = refused(as_huangpu, "wrong_district")
    assert message.startswith("上报包自称来自浦东新区，签名密钥")
    assert "却登记在黄浦区名下，一个区的密钥不能为别的区签名" in message

    text = json.dumps(built_manifest()).encode()
    claiming_huangpu = signed(text, key=OTHER_KEY, district="黄浦区")
    message = refused(claiming_huangpu, "wrong_district")
    assert message.startswith("上报包的清单来自“浦东新区”") and "登记在黄浦区名下" in message


def test_a_revoked_key_is_refused_saying_when_and_what_to_do():
    keys = registered(KEY, "浦东新区", revoked_on=datetime.date(2024, 10, 9))
    message = refused(good(), "revoked_key", keys)
    assert "已于2024年10月9日吊销" in message
    assert "qualitymonth upward-keygen --district 浦东新区 --rotate" in message


@pytest.mark.parametrize(
    "signature",
    [
        b"not json",
        b"[]",
        b'{"format": "something"}',
        json.dumps({"format": package.SIGNATURE_FORMAT, "version": 1, "algorithm": "Ed25519"}),
        json.dumps(
            {
                "format": package.SIGNATURE_FORMAT,
                "version": 1,
                "algorithm": "Ed25519",
                "district": "浦东新区",
                "key": signing.fingerprint(KEY.public_key()),
                "signature": "not base64!",
            }
        ),
        json.dumps(
            {
                "format": package.SIGNATURE_FORMAT,
                "version": 1,
                "algorithm": "Ed25519",
                "district": "浦东新区",
                "key": signing.fingerprint(KEY.public_key()),
                "signature": "AAAA",  # three bytes, not 64
            }
        ),
        b"[" * 2000 + b"]" * 2000,
    ],
)
def test_a_malformed_signature_file_is_refused(signature):
    body = signature.encode() if isinstance(signature, str) else signature
    data = rezip(good(), lambda name, old: body if name == package.SIGNATURE else old)
    assert "签名文件 signature.json 格式不正确" in refused(data, "bad_signature")


def test_an_unknown_signature_algorithm_asks_for_an_upgrade():
    def change(name, body):
        if name == package.SIGNATURE:
            return json.dumps({**json.loads(body), "algorithm": "ML-DSA-65"}).encode()
        return body

    assert "请先升级本平台" in refused(rezip(good(), change), "version")


# Odd zips and manifests: each a refusal, none a server error ---------------------------------


def _set_flag(data: bytes, bit: int) -> bytes:
    """Every member's general-purpose flag with ``bit`` set, in the local headers and the
    central directory alike."""
    out = bytearray(data)
    for signature, at in ((b"PK\x01\x02", 8), (b"PK\x03\x04", 6)):
        start = 0
        while (start := out.find(signature, start)) >= 0:
            (flags,) = struct.unpack_from("<H", out, start + at)
            struct.pack_into("<H", out, start + at, flags | bit)
            start += 4
    return bytes(out)


def test_a_member_flagged_as_encrypted_is_refused():
    message = refused(_set_flag(good(), 0x1), "encrypted")
    assert message == (
        "上报包中的文件 manifest.json 经过加密。本平台导出的上报包不加密，"
        "请直接上传区级平台导出的原文件。"
    )


def test_a_member_with_strong_encryption_or_a_patch_flag_is_refused():
    assert "不支持的压缩方式" in refused(_set_flag(good(), 0x40), "corrupt")
    assert "不支持的压缩方式" in refused(_set_flag(good(), 0x20), "corrupt")


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_a_compression_method_we_do_not_write_is_refused_unread(method):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good())) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info), compress_type=method)
    assert "不支持的压缩方式" in refused(out.getvalue(), "corrupt")


@pytest.mark.parametrize("depth", [100_000, 40])
def test_a_manifest_nested_too_deep_is_refused(depth):
    """Past the parser's recursion (100,000) or just past our limit (40), signed or not."""
    deep = b"[" * depth + b"]" * depth
    assert "嵌套层数过多" in refused(signed(deep), "bad_manifest")
    unsigned_deep = rezip(good(), lambda name, body: deep if name == "manifest.json" else body)
    refused(unsigned_deep, "bad_signature")  # the signature is checked before any parsing


def test_a_huge_central_directory_is_refused_before_zipfile_lists_it():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(25_000):
            archive.writestr(f"{n:05d}", b"")
    assert "文件目录过大" in refused(out.getvalue(), "too_large")


def test_an_oversize_signature_file_is_refused_unparsed():
    data = rezip(good(), lambda name, body: b" " * 5000 if name == package.SIGNATURE else body)
    assert "signature.json 过大（超过 4 KB）" in refused(data, "too_large")


def test_a_name_twice_and_too_many_files_are_refused(monkeypatch):
    out = io.BytesIO(good())
    with zipfile.ZipFile(out, "a") as archive, pytest.warns(UserWarning, match="Duplicate"):
        archive.writestr("photos/001.jpg", PHOTO)
    assert "photos/001.jpg 出现了两次" in refused(out.getvalue(), "corrupt")
    monkeypatch.setattr(package, "MAX_FILES", 3)
    assert "超过 3 个上限" in refused(good(), "too_large")


def test_a_name_in_a_message_is_printable_and_short():
    out = io.BytesIO(good())
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("photos/\x1b[31m" + "x" * 5000, b"x")
    message = refused(out.getvalue(), "extra_file")
    assert "\x1b" not in message and len(message) < 120


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"generated_at": float("nan")}, "bad_manifest"),  # NaN is no JSON
        ({"campaign": {**manifest()["campaign"], "year": 10**40}}, "campaign.year 超出范围"),
        ({"campaign": {**manifest()["campaign"], "year": -1}}, "campaign.year 超出范围"),
        ({"unit": {"name": "浦东新区", "kind": "district", "ancestors": [1]}}, "unit.ancestors[0]"),
        ({"version": True}, "格式版本“True”无效"),
    ],
)
def test_values_of_unexpected_types_deep_inside_are_refused(change, where):
    data = json.dumps({**built_manifest(), **change}).encode()
    with pytest.raises(PackageError) as caught:
        read_package(signed(data))
    assert where in caught.value.message or caught.value.code == where


def test_optional_fields_of_the_wrong_type_are_refused_by_name():
    data = manifest()
    data["campaign"]["categories"][0]["items"][0]["lead_units"] = 42
    data["reports"][0]["accepted_at"] = ["2024-09-12"]
    message = refused(build_package(data, FILES, KEY), "bad_manifest")
    assert "campaign.categories[0].items[0].lead_units" in message


@pytest.mark.parametrize("value", ["1e3", "NaN", "1" * 13, "0.001", " 12", "１２"])
def test_a_figure_not_written_as_the_manifest_writes_figures_is_refused(value):
    data = manifest()
    data["reports"][0]["values"]["参与人数"] = value
    message = refused(build_package(data, FILES, KEY), "bad_manifest")
    assert "reports[0].values.参与人数 不是数字或超出范围" in message


def test_a_formula_whose_value_no_decimal_can_state_gives_no_figure():
    data = manifest()
    data["campaign"]["formulas"] = [
        {
            "name": "比",
            "expression": "参与人数 / 0.000000000000000000000001",
            "display": "number",
            "decimals": 1,
        }
    ]
    assert package.compute_figures(data)["derived"] == {"比": None}
    data["figures"] = package.compute_figures(data)
    assert read_package(build_package(data, FILES, KEY)).manifest["figures"]["derived"] == {
        "比": None
    }


def test_a_zip_needing_a_newer_zip_version_is_refused():
    """Found by the fuzzer: zipfile raises NotImplementedError opening such a zip."""
    data = bytearray(good())
    at = data.index(b"PK\x01\x02")
    struct.pack_into("<H", data, at + 6, 64)  # version needed to extract: 6.4
    assert "不支持的压缩格式" in refused(bytes(data), "corrupt")


def test_a_district_whose_name_messages_would_shorten_still_signs():
    long_name = "浦东新区" * 20  # past what a message quotes whole
    data = manifest()
    data["unit"] = {**data["unit"], "name": long_name}
    read = read_package(build_package(data, FILES, KEY), registered(KEY, long_name))
    assert read.manifest["unit"]["name"] == long_name
