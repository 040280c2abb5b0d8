"""The package as bytes: built, read back, and refused for every kind of damage. No database."""

import io
import json
import zipfile

import pytest

from qualitymonth.upward import package
from qualitymonth.upward.package import PackageError, build_package, read_package

PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8 + b"\xff\xd9"


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
    return build_package(manifest(), FILES)


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


def refused(data: bytes, code: str) -> str:
    with pytest.raises(PackageError) as caught:
        read_package(data)
    assert caught.value.code == code, caught.value.message
    return caught.value.message


def test_a_built_package_reads_back_with_every_file_and_checksum():
    data = good()
    read = read_package(data)
    assert read.manifest["format"] == "qualitymonth.upward-package"
    assert read.manifest["version"] == package.VERSION
    assert read.files == FILES
    assert read.sha256 == package.sha256(data)
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
    assert "汇总数据与报送明细不一致" in refused(build_package(wrong, FILES), "figures")


def test_a_version_1_package_without_assignments_is_still_read():
    """Packages exported before every event and the assignments were carried."""
    old = {key: value for key, value in manifest().items() if key != "assignments"}
    old["version"] = 1
    old["figures"] = package.compute_figures(old)
    assert "headline" not in old["figures"]
    data = _with_manifest(**old)
    assert read_package(data).manifest["version"] == 1


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

    assert "manifest.json 的校验值不符" in refused(rezip(good(), change), "checksum")


def test_a_byte_flipped_in_the_zip_itself_is_refused_by_its_crc():
    data = bytearray(good())
    at = bytes(data).index(PHOTO[200:260])  # the photo is stored uncompressed
    data[at] ^= 0xFF
    assert "已损坏" in refused(bytes(data), "corrupt")


def test_a_changed_figure_that_no_longer_matches_the_reports_is_refused():
    wrong = manifest()
    wrong["figures"]["totals"]["参与人数"] = "2000.00"
    assert "汇总数据与报送明细不一致" in refused(build_package(wrong, FILES), "figures")


def test_a_size_mismatch_is_refused():
    def change(name, body):
        if name == "manifest.json":
            data = json.loads(body)
            entry = next(e for e in data["files"] if e["path"] == "photos/001.jpg")
            entry["size"] += 1
            data["checksum"] = package.manifest_checksum(data)
            return json.dumps(data).encode()
        return body

    assert "photos/001.jpg 的大小" in refused(rezip(good(), change), "size")


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
    inner = build_package(manifest(), {**FILES, "summary.docx": good()})  # a zip inside
    assert "不完整" in refused(inner[:-30], "corrupt")


def test_not_a_zip_no_manifest_and_bad_json_are_refused():
    assert "不是 .zip 压缩包" in refused(b"%PDF-1.7 not a package", "not_zip")
    assert refused(b"", "not_zip") == "上传的文件是空的。"
    no_manifest = rezip(good(), lambda name, body: None if name == "manifest.json" else body)
    assert "没有清单文件" in refused(no_manifest, "no_manifest")
    bad_json = rezip(good(), lambda name, body: b"{not json" if name == "manifest.json" else body)
    assert "不是有效的 JSON" in refused(bad_json, "bad_manifest")


def _with_manifest(**changes) -> bytes:
    def change(name, body):
        if name == "manifest.json":
            data = {**json.loads(body), **changes}
            data["checksum"] = package.manifest_checksum(data)
            return json.dumps(data).encode()
        return body

    return rezip(good(), change)


def test_unknown_format_and_newer_version_are_refused():
    assert "不是质量月平台的上报包" in refused(_with_manifest(format="something.else"), "format")
    message = refused(_with_manifest(version=package.VERSION + 1), "version")
    assert f"格式版本为 {package.VERSION + 1}" in message and "升级" in message
    assert "无效" in refused(_with_manifest(version="1"), "version")


def test_a_manifest_missing_a_field_names_it():
    data = manifest()
    del data["campaign"]["categories"][0]["items"][0]["title"]
    message = refused(build_package(data, FILES), "bad_manifest")
    assert "campaign.categories[0].items[0].title" in message


def test_a_report_of_an_unknown_item_is_refused():
    data = manifest()
    data["reports"][0]["item"]["id"] = "item-99"
    assert "reports[0].item" in refused(build_package(data, FILES), "bad_manifest")


def test_an_oversize_package_is_refused_before_it_is_opened(monkeypatch):
    monkeypatch.setattr(package, "MAX_PACKAGE_BYTES", 1000)
    assert "超过" in refused(good(), "too_large")


def test_a_zip_bomb_is_refused_while_reading(monkeypatch):
    bomb = build_package(manifest(), {**FILES, "summary.docx": b"\0" * 2_000_000})
    monkeypatch.setattr(package, "MAX_UNPACKED_BYTES", 1_000_000)
    assert "解压后超过" in refused(bomb, "too_large")
