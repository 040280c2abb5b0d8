"""The upward package (上报包) as bytes: building it, and checking one that arrives.

A package is a .zip holding ``manifest.json``, ``signature.json`` and the files the manifest
lists (``summary.docx``, ``annex.xlsx``, ``photos/NNN.jpg``), each with its SHA-256 and size.
``signature.json`` is the district's Ed25519 signature (`signing`) of the manifest's bytes, and
so of every file's checksum: a package rebuilt with checksums recomputed, or a manifest edited
by hand, no longer carries a valid signature, and only the district's own platform can sign.

Reading checks the signature against the keys the city registered before it parses the
manifest, so a package nobody registered signed never reaches the JSON parser; and whatever
the bytes, reading ends in a `Package` or in a `PackageError` whose ``message`` is a Chinese
sentence naming the reason (``tests/upward/test_fuzz.py`` holds it to that).

Format 3 added the signature; packages of formats 1 and 2 carry none and are refused, since
accepting an unsigned package would let anyone send figures in a district's name.

Pure Python on purpose (zipfile, json, hashlib and `signing`; no Django): every rule a package
must meet is here, tested with plain bytes.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import io
import json
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from qualitymonth.core import figures, formulas
from qualitymonth.core.figures import CENT

from . import signing

FORMAT = "qualitymonth.upward-package"
# 2: every event (not only those held) and the assignments, so that a city counts every figure
# of ``core.figures`` as the district does; the headline and derived figures.
# 3: signed by the district (``signature.json``); the manifest's own checksum is gone, the
# signature covers the manifest.
VERSION = 3
SIGNATURE_FORMAT = "qualitymonth.upward-signature"
SIGNATURE_VERSION = 1
DERIVED_PLACES = Decimal("0.000001")
MAX_DERIVED_DIGITS = 20  # before the point: with six after, within Decimal's 28 digits

MANIFEST = "manifest.json"
SIGNATURE = "signature.json"
SUMMARY = "summary.docx"
ANNEX = "annex.xlsx"

MAX_PACKAGE_BYTES = 200 * 1024 * 1024
# Limits on what the package expands to, against zip bombs: read sizes are enforced while
# reading, never taken from the zip's own (forgeable) headers.
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_MANIFEST_BYTES = 50 * 1024 * 1024
MAX_SIGNATURE_BYTES = 4096
MAX_FILES = 1000
# zipfile turns every entry of the central directory into an object before anyone can count
# them: a 200 MB package of tiny entries would be millions. Ours is a few dozen bytes a file.
MAX_DIRECTORY_BYTES = 1024 * 1024
# The manifest nests seven levels deep (campaign → categories → items → indicators …).
MAX_DEPTH = 32
SMALL_INTEGER = 32767  # the largest year, number or decimal places a table keeps

_ALLOWED_NAME = re.compile(r"^(summary\.docx|annex\.xlsx|photos/\d{3,4}\.jpg)$")
# What our packages are written with; anything else (bzip2, LZMA, …) is refused unread.
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_ENCRYPTED = 0x1
AGGREGATIONS = ("sum", "avg", "max", "min")


class PackageError(Exception):
    """A package that cannot be imported; ``message`` names the reason in Chinese.

    ``code`` says which rule was broken, for services and tests: ``too_large``, ``not_zip``,
    ``corrupt``, ``encrypted``, ``unsafe_name``, ``no_manifest``, ``bad_manifest``,
    ``format``, ``version``, ``unsigned``, ``bad_signature``, ``unknown_key``,
    ``revoked_key``, ``wrong_district``, ``missing_file``, ``extra_file``, ``checksum``,
    ``size`` or ``figures``.
    """

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class RegisteredKey:
    """A district's public key as the receiving city registered it."""

    district: str
    public_key: bytes  # raw Ed25519
    revoked_on: datetime.date | None = None


@dataclass(frozen=True)
class Package:
    """A package that passed every check: its manifest, its files by path and the
    fingerprint of the registered key that signed it."""

    manifest: dict
    files: dict[str, bytes]
    sha256: str  # of the whole .zip
    size: int
    key: str


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def photo_path(number: int) -> str:
    return f"photos/{number:03d}.jpg"


def keygen_hint(district: str) -> str:
    """What the district must do to sign its packages, for messages that ask for it."""
    return (
        f"请{district}的区级平台管理员运行 qualitymonth upward-keygen --district {district} "
        "生成（或显示）签名密钥，并把公钥交市级登记（市级在“上报包签名密钥”页面登记）"
    )


# Numbers ----------------------------------------------------------------------------------


def decimal_text(value: Decimal | int | str) -> str:
    """A figure as the manifest writes it: two decimals, like the database keeps it."""
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def compute_figures(manifest: Mapping) -> dict:
    """What the manifest's rows add up to, by the rules of ``core.figures``: per item per
    indicator, per indicator name over the campaign, the derived figures of the campaign's
    formulas and the headline figures:
    ``{"headline": {...}, "items": [...], "totals": {name: "123.00"}, "derived": {...}}``.
    """
    campaign, reports = manifest["campaign"], manifest["reports"]
    by_item: dict[str, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for report in reports:
        for name, text in report["values"].items():
            by_item[report["item"]["id"]][name].append(Decimal(text))
    items = []
    tallies: list[tuple[str, figures.Tally]] = []  # in plan order
    for category in campaign["categories"]:
        for item in category["items"]:
            indicators = []
            for indicator in item["indicators"]:
                name, how = indicator["name"], indicator["aggregation"]
                values = by_item[item["id"]].get(name, [])
                total = figures.aggregate(values, how)
                indicators.append(
                    {
                        "name": name,
                        "unit": indicator["unit"],
                        "aggregation": how,
                        "reports": len(values),
                        "value": decimal_text(total) if total is not None else None,
                    }
                )
                if values:
                    tallies.append((name, figures.Tally.of(values, how)))
            items.append(
                {
                    "item": item["id"],
                    "number": item.get("number"),
                    "title": item["title"],
                    "indicators": indicators,
                }
            )
    totals = {name: tally.value for name, tally in figures.combine(tallies).items()}
    return {
        "headline": headline(manifest),
        "items": items,
        "totals": {name: decimal_text(value) for name, value in totals.items()},
        "derived": derived(campaign, totals),
    }


def headline(manifest: Mapping) -> dict[str, int]:
    """The headline figures of ``core.figures``, counted over the manifest's rows by their
    rules (the database counts them the same way in ``dashboard.queries``)."""
    events = manifest["events"]
    return {
        figures.UNITS_ASSIGNED.key: len({a["unit"] for a in manifest["assignments"]}),
        figures.UNITS_REPORTED.key: len({r["unit"]["id"] for r in manifest["reports"]}),
        figures.EVENTS_REGISTERED.key: sum(e["status"] != "cancelled" for e in events),
        figures.EVENTS_HELD.key: sum(e["status"] == "held" for e in events),
        figures.REPORTS_ACCEPTED.key: len(manifest["reports"]),
    }


def derived(campaign: Mapping, totals: Mapping[str, Decimal]) -> dict[str, str | None]:
    """Each formula of the campaign over the totals; a formula that no longer fits its
    indicators is left out, as on the dashboard, and a value beyond what six decimals can
    state (a division by a tiny constant) is None."""
    names = {
        indicator["name"]
        for category in campaign["categories"]
        for item in category["items"]
        for indicator in item["indicators"]
    }
    result: dict[str, str | None] = {}
    for formula in campaign["formulas"]:
        if formula["name"] in result:
            continue
        try:
            parsed = formulas.parse(formula["expression"], names)
        except formulas.FormulaError:
            continue
        value = parsed.evaluate(totals)
        stated = value is not None and value.is_finite() and value.adjusted() < MAX_DERIVED_DIGITS
        result[formula["name"]] = str(value.quantize(DERIVED_PLACES)) if stated else None
    return result


# Building ---------------------------------------------------------------------------------


def build_package(manifest: Mapping, files: Mapping[str, bytes], key: Ed25519PrivateKey) -> bytes:
    """The .zip of ``manifest`` (completed with the format, version and file list), its
    signature by ``key`` in the name of the manifest's district, and ``files`` (path →
    bytes)."""
    for path in files:
        if not _ALLOWED_NAME.match(path):
            raise ValueError(f"not a package file name: {path!r}")
    manifest = dict(manifest)
    manifest["format"] = FORMAT
    manifest["version"] = VERSION
    manifest["files"] = [
        {"path": path, "sha256": sha256(data), "size": len(data)}
        for path, data in sorted(files.items())
    ]
    text = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(MANIFEST, text, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr(SIGNATURE, sign_manifest(text, manifest["unit"]["name"], key))
        for path, data in sorted(files.items()):
            # Photos and Office files are compressed already.
            archive.writestr(path, data, compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


def sign_manifest(manifest: bytes, district: str, key: Ed25519PrivateKey) -> bytes:
    """``signature.json`` for the manifest's bytes, signed by ``key`` for ``district``."""
    signature = {
        "format": SIGNATURE_FORMAT,
        "version": SIGNATURE_VERSION,
        "algorithm": signing.ALGORITHM,
        "district": district,
        "key": signing.fingerprint(key.public_key()),
        "signature": base64.b64encode(
            signing.sign(key, _signed_message(district, manifest))
        ).decode("ascii"),
    }
    return json.dumps(signature, ensure_ascii=False, indent=1).encode()


def _signed_message(district: str, manifest: bytes) -> bytes:
    """What the key signs: the format, the district it speaks for and the manifest's SHA-256,
    so a signature can be used for nothing else."""
    return f"{SIGNATURE_FORMAT}/{SIGNATURE_VERSION}\n{district}\n{sha256(manifest)}".encode()


# Reading ----------------------------------------------------------------------------------


def read_package(data: bytes, keys: Mapping[str, RegisteredKey]) -> Package:
    """The package in ``data`` after every check, or `PackageError` naming the first problem.
    ``keys``: the public keys the city registered, by fingerprint (revoked ones included, to
    say so)."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise PackageError(
            f"上报包大小为 {len(data) / 1024 / 1024:.1f} MB，"
            f"超过 {MAX_PACKAGE_BYTES // 1024 // 1024} MB 上限。",
            "too_large",
        )
    if not data:
        raise PackageError("上传的文件是空的。", "not_zip")
    archive = _open(data)
    with archive:
        members = _members(archive)
        if MANIFEST not in members:
            raise PackageError(
                "上报包中没有清单文件 manifest.json，不是本平台导出的上报包。", "no_manifest"
            )
        if SIGNATURE not in members:
            raise PackageError(
                "上报包没有签名，无法确认它出自区级平台、导出后未被改动"
                "（旧版本平台导出的上报包没有签名）。请区级平台升级后，"
                "由区级平台管理员运行 qualitymonth upward-keygen --district 区名 生成签名密钥，"
                "把公钥交市级登记，再重新导出上报包。",
                "unsigned",
            )
        raw_signature = _read(archive, members.pop(SIGNATURE), MAX_SIGNATURE_BYTES)
        raw_manifest = _read(archive, members.pop(MANIFEST), MAX_MANIFEST_BYTES)
        key, district = _check_signature(raw_signature, raw_manifest, keys)
        manifest = _parse_manifest(raw_manifest)
        if manifest["unit"]["name"] != district:
            raise PackageError(
                f"上报包的清单来自“{shown(manifest['unit']['name'])}”，签名密钥 {key} "
                f"却登记在{district}名下，已拒绝导入。",
                "wrong_district",
            )
        contents = _read_files(archive, members)
    _check_files(manifest, contents)
    _check_figures(manifest)
    return Package(manifest=manifest, files=contents, sha256=sha256(data), size=len(data), key=key)


def shown(text: str, limit: int = 60) -> str:
    """A name from the package as a message may quote it: printable and not too long."""
    text = "".join(char if char.isprintable() else "?" for char in text)
    return text if len(text) <= limit else text[:limit] + "…"


def _open(data: bytes) -> zipfile.ZipFile:
    not_zip = PackageError("上传的文件不是 .zip 压缩包，请选择区级平台导出的上报包。", "not_zip")
    file = io.BytesIO(data)
    try:
        # The end record zipfile itself reads (a private helper, stable since Python 2): the
        # directory is sized before zipfile builds an object for each of its entries.
        end = zipfile._EndRecData(file)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise not_zip from error
    if end is not None and end[zipfile._ECD_SIZE] > MAX_DIRECTORY_BYTES:
        raise PackageError(
            f"上报包的文件目录过大（超过 {MAX_DIRECTORY_BYTES // 1024} KB），"
            "不是本平台导出的上报包。",
            "too_large",
        )
    try:
        return zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise not_zip from error
    except NotImplementedError as error:  # a zip needing a newer version, spanning disks
        raise PackageError(
            "上报包使用了本平台不支持的压缩格式，请直接上传区级平台导出的原文件。", "corrupt"
        ) from error


def _unsafe(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return (
        name.startswith(("/", "\\"))
        or "\\" in name
        or "\x00" in name
        or re.match(r"^[A-Za-z]:", name) is not None
        or any(part in ("..", ".") for part in parts)
    )


def _members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The archive's files by name, each checked before any is read: not too many, safe
    names, no name twice, not encrypted, compressed as we compress."""
    infos = archive.infolist()
    # A package cut short loses its own directory at the end; zipfile may then find the
    # directory of the summary .docx stored inside it and read that as the package.
    if infos and min(info.header_offset for info in infos) != 0:
        raise PackageError(
            "上报包不完整或已损坏（可能在下载或复制时被截断），请重新导出后再上传。", "corrupt"
        )
    if len(infos) > MAX_FILES:
        raise PackageError(
            f"上报包中有 {len(infos)} 个文件，超过 {MAX_FILES} 个上限。", "too_large"
        )
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = info.filename
        if _unsafe(name):
            raise PackageError(
                f"上报包中的文件名“{shown(name)}”不安全（含有上级目录或绝对路径），已拒绝导入。",
                "unsafe_name",
            )
        if info.is_dir():
            continue
        if name in members:
            raise PackageError(f"上报包中的文件 {shown(name)} 出现了两次。", "corrupt")
        if info.flag_bits & _ENCRYPTED:
            raise PackageError(
                f"上报包中的文件 {shown(name)} 经过加密。本平台导出的上报包不加密，"
                "请直接上传区级平台导出的原文件。",
                "encrypted",
            )
        if info.compress_type not in _METHODS:
            raise PackageError(f"上报包中的文件 {shown(name)} 使用了不支持的压缩方式。", "corrupt")
        members[name] = info
    return members


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, at most ``limit`` of them (`PackageError` beyond)."""
    name = shown(info.filename)
    try:
        with archive.open(info) as member:
            body = member.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
        # zipfile checks each member's CRC-32 as it reads it to the end.
        raise PackageError(
            f"上报包中的文件 {name} 已损坏（压缩数据或 CRC 校验不符），请重新导出后再上传。",
            "corrupt",
        ) from error
    except (NotImplementedError, RuntimeError) as error:
        # Flags the checks above do not know (a "patched" entry, strong encryption).
        raise PackageError(f"上报包中的文件 {name} 使用了不支持的压缩方式。", "corrupt") from error
    if len(body) > limit:
        size = f"{limit // 1024 // 1024} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
        raise PackageError(
            f"上报包中的文件 {name} 过大（超过 {size}），已拒绝导入。"
            if info.filename in (MANIFEST, SIGNATURE)
            else f"上报包解压后超过 {MAX_UNPACKED_BYTES // 1024 // 1024} MB 上限，已拒绝导入。",
            "too_large",
        )
    return body


def _read_files(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]) -> dict:
    contents: dict[str, bytes] = {}
    unpacked = 0
    for name, info in members.items():
        body = _read(archive, info, MAX_UNPACKED_BYTES - unpacked)
        unpacked += len(body)
        contents[name] = body
    return contents


def _json(raw: bytes, what: str):
    """The JSON document in ``raw``: no NaN or Infinity, at most `MAX_DEPTH` deep."""

    def constant(name: str):
        raise ValueError(name)

    problem = PackageError(f"{what}不是有效的 JSON，上报包可能已损坏。", "bad_manifest")
    try:
        document = json.loads(raw.decode("utf-8"), parse_constant=constant)
    except (UnicodeDecodeError, ValueError) as error:  # JSONDecodeError is a ValueError
        raise problem from error
    except RecursionError as error:
        raise PackageError(
            f"{what}嵌套层数过多，不是本平台导出的上报包。", "bad_manifest"
        ) from error
    # Anything shallower than the parser's own limit is held to ours, without recursion.
    level = [document]
    for _depth in range(MAX_DEPTH):
        level = [
            child
            for node in level
            if isinstance(node, dict | list)
            for child in (node.values() if isinstance(node, dict) else node)
        ]
        if not level:
            return document
    raise PackageError(f"{what}嵌套层数过多，不是本平台导出的上报包。", "bad_manifest")


def _check_signature(
    raw: bytes, manifest: bytes, keys: Mapping[str, RegisteredKey]
) -> tuple[str, str]:
    """The fingerprint and district of the registered key that signed ``manifest``."""
    malformed = PackageError(
        "上报包的签名文件 signature.json 格式不正确，上报包可能已被改动，请区级重新导出。",
        "bad_signature",
    )
    try:
        signed = _json(raw, "签名文件 signature.json ")
    except PackageError as error:
        raise malformed from error
    if not isinstance(signed, dict) or signed.get("format") != SIGNATURE_FORMAT:
        raise malformed
    if signed.get("version") != SIGNATURE_VERSION or signed.get("algorithm") != signing.ALGORITHM:
        raise PackageError(
            f"上报包的签名版本或算法（{shown(str(signed.get('algorithm')))}）本平台不认识，"
            "请先升级本平台。",
            "version",
        )
    claimed, fingerprint, text = (signed.get(k) for k in ("district", "key", "signature"))
    if not all(isinstance(value, str) for value in (claimed, fingerprint, text)):
        raise malformed
    try:
        signature = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise malformed from error
    if len(signature) != signing.SIGNATURE_BYTES:
        raise malformed
    named, shown_key = shown(claimed), shown(fingerprint)  # as messages quote them
    key = keys.get(fingerprint)
    if key is None:
        raise PackageError(
            f"上报包由{named}的密钥 {shown_key} 签名，但市级没有登记这个密钥，已拒绝导入。"
            f"如{named}确属本市，{keygen_hint(named)}，并在电话中核对密钥指纹，"
            "登记后再上传。",
            "unknown_key",
        )
    if key.revoked_on is not None:
        when = f"{key.revoked_on.year}年{key.revoked_on.month}月{key.revoked_on.day}日"
        raise PackageError(
            f"上报包的签名密钥 {shown_key}（{key.district}）已于{when}吊销，不能再用于上报，"
            f"已拒绝导入。请{key.district}的区级平台管理员运行 qualitymonth upward-keygen "
            f"--district {key.district} --rotate 生成新密钥，把新公钥交市级登记后重新导出。",
            "revoked_key",
        )
    if key.district != claimed:
        raise PackageError(
            f"上报包自称来自{named}，签名密钥 {shown_key} 却登记在{key.district}名下，"
            f"一个区的密钥不能为别的区签名，已拒绝导入。{keygen_hint(named)}。",
            "wrong_district",
        )
    if not signing.verify(key.public_key, signature, _signed_message(claimed, manifest)):
        raise PackageError(
            "上报包的签名与内容不符：上报包在区级导出后被改动过，或签名是伪造的，已拒绝导入。"
            f"请{named}重新导出上报包后再上传。",
            "bad_signature",
        )
    return fingerprint, key.district


def _parse_manifest(raw: bytes) -> dict:
    manifest = _json(raw, "清单文件 manifest.json ")
    if not isinstance(manifest, dict):
        raise PackageError("清单文件 manifest.json 的内容不是一个对象。", "bad_manifest")
    if manifest.get("format") != FORMAT:
        raise PackageError(
            f"清单的格式标识为“{shown(str(manifest.get('format')))}”，不是质量月平台的上报包。",
            "format",
        )
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise PackageError(f"清单的格式版本“{shown(str(version))}”无效。", "version")
    if version > VERSION:
        raise PackageError(
            f"上报包的格式版本为 {version}，本平台只能导入版本 {VERSION} 的上报包，"
            "请先升级本平台。",
            "version",
        )
    if version < VERSION:
        raise PackageError(
            f"上报包的格式版本为 {version}，是旧版本平台导出的，没有签名。"
            "请区级平台升级后重新导出。",
            "version",
        )
    validate_manifest(manifest)
    return manifest


def _check_files(manifest: dict, contents: dict[str, bytes]) -> None:
    listed: dict[str, dict] = {}
    for entry in manifest["files"]:
        path = entry["path"]
        if not _ALLOWED_NAME.match(path) or path in listed:
            raise PackageError(f"清单列出的文件名“{shown(path)}”无效。", "bad_manifest")
        listed[path] = entry
    for path, entry in listed.items():
        if path not in contents:
            raise PackageError(f"上报包中缺少文件 {path}。", "missing_file")
        body = contents[path]
        if len(body) != entry["size"]:
            raise PackageError(
                f"文件 {path} 的大小（{len(body)} 字节）与清单（{entry['size']} 字节）不符，"
                "上报包可能已被改动。",
                "size",
            )
        if sha256(body) != entry["sha256"]:
            raise PackageError(f"文件 {path} 的校验值不符，上报包可能已被改动。", "checksum")
    extra = sorted(set(contents) - set(listed))
    if extra:
        raise PackageError(
            f"上报包中有清单未列出的文件 {shown(extra[0])}，已拒绝导入。", "extra_file"
        )
    photo_paths = [photo["path"] for photo in manifest["photos"]]
    for path in photo_paths:
        if path not in listed:
            raise PackageError(f"清单中的照片 {shown(path)} 不在文件列表中。", "bad_manifest")


def _check_figures(manifest: dict) -> None:
    """The figures must be what the reports in the manifest add up to."""
    expected = compute_figures(manifest)
    if expected != manifest["figures"]:
        raise PackageError("清单中的汇总数据与报送明细不一致，上报包可能已被改动。", "figures")


# The manifest's shape ---------------------------------------------------------------------


class _Shape:
    """Checks one manifest against the shape this version writes, naming the first field that
    is missing or of the wrong type ("campaign.categories[0].items[2].title")."""

    def __init__(self, manifest: dict):
        self.manifest = manifest

    def fail(self, where: str, what: str = "缺少或类型不对"):
        raise PackageError(
            f"清单文件 manifest.json 格式不正确：{shown(where, 120)} {what}。", "bad_manifest"
        )

    def get(self, obj, key: str, kind, where: str, *, optional: bool = False):
        if not isinstance(obj, dict):
            self.fail(where)
        value = obj.get(key)
        if value is None and optional:
            return None
        if isinstance(value, bool) and kind is not bool:
            self.fail(f"{where}.{key}")
        if not isinstance(value, kind):
            self.fail(f"{where}.{key}")
        return value

    def texts(self, obj, keys: tuple[str, ...], where: str, *, optional: bool = False) -> None:
        for key in keys:
            self.get(obj, key, str, where, optional=optional)

    def names(self, obj, key: str, where: str, *, optional: bool = False) -> list:
        """A list of strings (unit names, a unit's path)."""
        names = self.get(obj, key, list, where, optional=optional) or []
        for n, name in enumerate(names):
            if not isinstance(name, str):
                self.fail(f"{where}.{key}[{n}]")
        return names

    def integer(self, obj, key: str, where: str, *, optional: bool = False) -> int | None:
        """A year, a number or decimal places: what a small-integer column keeps."""
        value = self.get(obj, key, int, where, optional=optional)
        if value is not None and not 0 <= value <= SMALL_INTEGER:
            self.fail(f"{where}.{key}", "超出范围")
        return value

    def number(self, obj, key: str, where: str) -> None:
        """A figure as `decimal_text` writes it: under 10¹² with at most two decimals."""
        if not _FIGURE.fullmatch(self.get(obj, key, str, where)):
            self.fail(f"{where}.{key}", "不是数字或超出范围")


_FIGURE = re.compile(r"-?[0-9]{1,12}(\.[0-9]{1,2})?")


def validate_manifest(manifest: dict) -> None:
    """Every field the importer reads is there with its type; references resolve."""
    s = _Shape(manifest)
    for entry_index, entry in enumerate(s.get(manifest, "files", list, "")):
        where = f"files[{entry_index}]"
        s.texts(entry, ("path", "sha256"), where)
        s.get(entry, "size", int, where)
    s.get(manifest, "generated_at", str, "")
    campaign = s.get(manifest, "campaign", dict, "")
    s.integer(campaign, "year", "campaign")
    s.texts(campaign, ("kind", "title"), "campaign")
    s.texts(
        campaign,
        ("theme", "doc_number", "issuer", "start_date", "end_date"),
        "campaign",
        optional=True,
    )
    item_ids: dict[str, set[str]] = {}
    for c, category in enumerate(s.get(campaign, "categories", list, "campaign")):
        where = f"campaign.categories[{c}]"
        s.integer(category, "number", where)
        s.get(category, "title", str, where)
        for i, item in enumerate(s.get(category, "items", list, where)):
            item_where = f"{where}.items[{i}]"
            item_id = s.get(item, "id", str, item_where)
            s.integer(item, "number", item_where, optional=True)
            s.get(item, "title", str, item_where)
            s.texts(item, ("description", "time_text"), item_where, optional=True)
            s.names(item, "lead_units", item_where, optional=True)
            s.names(item, "co_units", item_where, optional=True)
            names = set()
            for n, indicator in enumerate(s.get(item, "indicators", list, item_where)):
                ind_where = f"{item_where}.indicators[{n}]"
                names.add(s.get(indicator, "name", str, ind_where))
                s.texts(indicator, ("unit", "value_type"), ind_where)
                if s.get(indicator, "aggregation", str, ind_where) not in AGGREGATIONS:
                    s.fail(f"{ind_where}.aggregation", "无效")
            if item_id in item_ids:
                s.fail(item_where, "编号重复")
            item_ids[item_id] = names
    for f, formula in enumerate(s.get(campaign, "formulas", list, "campaign")):
        s.texts(formula, ("name", "expression", "display"), f"campaign.formulas[{f}]")
        s.integer(formula, "decimals", f"campaign.formulas[{f}]")
    for d, deadline in enumerate(s.get(campaign, "deadlines", list, "campaign")):
        s.texts(deadline, ("kind", "due_date", "description"), f"campaign.deadlines[{d}]")

    unit = s.get(manifest, "unit", dict, "")
    s.texts(unit, ("name", "kind"), "unit")
    s.names(unit, "ancestors", "unit")

    unit_ids = set()
    for u, member in enumerate(s.get(manifest, "units", list, "")):
        where = f"units[{u}]"
        unit_ids.add(s.get(member, "id", str, where))
        s.texts(member, ("name", "kind"), where)
        s.get(member, "credit_code", str, where, optional=True)
        s.names(member, "path", where)

    event_ids = set()
    for e, event in enumerate(s.get(manifest, "events", list, "")):
        where = f"events[{e}]"
        event_ids.add(s.get(event, "id", str, where))
        if s.get(event, "item", str, where) not in item_ids:
            s.fail(f"{where}.item", "不在活动事项中")
        if s.get(event, "unit", str, where) not in unit_ids:
            s.fail(f"{where}.unit", "不在单位列表中")
        s.texts(event, ("title", "starts_at", "ends_at", "mode", "status"), where)
        s.texts(event, ("place", "audience"), where, optional=True)
        street = s.get(event, "street_town", str, where, optional=True)
        if street is not None and street not in unit_ids:
            s.fail(f"{where}.street_town", "不在单位列表中")

    for a, assignment in enumerate(s.get(manifest, "assignments", list, "")):
        where = f"assignments[{a}]"
        if s.get(assignment, "item", str, where) not in item_ids:
            s.fail(f"{where}.item", "不在活动事项中")
        if s.get(assignment, "unit", str, where) not in unit_ids:
            s.fail(f"{where}.unit", "不在单位列表中")
        s.get(assignment, "role", str, where)

    report_ids = set()
    for r, report in enumerate(s.get(manifest, "reports", list, "")):
        where = f"reports[{r}]"
        report_id = s.get(report, "id", str, where)
        if report_id in report_ids:
            s.fail(f"{where}.id", "重复")
        report_ids.add(report_id)
        item_id = s.get(s.get(report, "item", dict, where), "id", str, f"{where}.item")
        if item_id not in item_ids:
            s.fail(f"{where}.item", "不在活动事项中")
        if s.get(s.get(report, "unit", dict, where), "id", str, f"{where}.unit") not in unit_ids:
            s.fail(f"{where}.unit", "不在单位列表中")
        event = s.get(report, "event", dict, where, optional=True)
        if event is not None and s.get(event, "id", str, f"{where}.event") not in event_ids:
            s.fail(f"{where}.event", "不在活动场次中")
        s.texts(report, ("title", "content", "effect"), where)
        s.get(report, "starred", bool, where)
        s.get(report, "is_late", bool, where)
        s.texts(report, ("submitted_at", "accepted_at"), where, optional=True)
        values = s.get(report, "values", dict, where)
        for name in values:
            if name not in item_ids[item_id]:
                s.fail(f"{where}.values.{name}", "不是该事项的指标")
            s.number(values, name, f"{where}.values")

    for p, photo in enumerate(s.get(manifest, "photos", list, "")):
        where = f"photos[{p}]"
        s.texts(photo, ("path", "caption"), where)
        if s.get(photo, "report", str, where) not in report_ids:
            s.fail(f"{where}.report", "不在报送列表中")

    stated = s.get(manifest, "figures", dict, "")
    s.get(stated, "items", list, "figures")
    for key in ("totals", "headline", "derived"):
        s.get(stated, key, dict, "figures")


def peek(file, name: str = MANIFEST) -> bytes:
    """One file of a package already checked and stored (``file``: a binary file object),
    read without reading the rest: the manifest for a page, or the summary to download."""
    with zipfile.ZipFile(file) as archive, archive.open(name) as member:
        return member.read(MAX_UNPACKED_BYTES)
