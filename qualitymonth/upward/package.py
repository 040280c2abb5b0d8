"""The upward package (上报包) as bytes: building it, and checking one that arrives.

A package is a .zip holding ``manifest.json`` and the files it lists (``summary.docx``,
``annex.xlsx``, ``photos/NNN.jpg``), each with its SHA-256 and size. The manifest also carries a
checksum of its own canonical JSON, so a manifest edited by hand and zipped again is caught as
surely as a changed photo. These checksums find damage and hand edits; they are no signature:
whoever can rebuild a package can recompute them.

Pure Python on purpose (zipfile, json, hashlib; no Django): every rule a package must meet is
here, tested with plain bytes, and every refusal is a `PackageError` whose ``message`` is a
Chinese sentence naming the reason.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from qualitymonth.core import figures, formulas
from qualitymonth.core.figures import CENT

FORMAT = "qualitymonth.upward-package"
# 2: every event (not only those held) and the assignments, so that a city counts every figure
# of ``core.figures`` as the district does; the headline and derived figures.
VERSION = 2
DERIVED_PLACES = Decimal("0.000001")

MANIFEST = "manifest.json"
SUMMARY = "summary.docx"
ANNEX = "annex.xlsx"

MAX_PACKAGE_BYTES = 200 * 1024 * 1024
# Limits on what the package expands to, against zip bombs: read sizes are enforced while
# reading, never taken from the zip's own (forgeable) headers.
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_MANIFEST_BYTES = 50 * 1024 * 1024
MAX_FILES = 1000

_ALLOWED_NAME = re.compile(r"^(summary\.docx|annex\.xlsx|photos/\d{3,4}\.jpg)$")
AGGREGATIONS = ("sum", "avg", "max", "min")


class PackageError(Exception):
    """A package that cannot be imported; ``message`` names the reason in Chinese.

    ``code`` says which rule was broken, for services and tests: ``too_large``, ``not_zip``,
    ``corrupt``, ``unsafe_name``, ``no_manifest``, ``bad_manifest``, ``format``, ``version``,
    ``missing_file``, ``extra_file``, ``checksum``, ``size`` or ``figures``.
    """

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Package:
    """A package that passed every check: its manifest and its files by path."""

    manifest: dict
    files: dict[str, bytes]
    sha256: str  # of the whole .zip
    size: int


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def photo_path(number: int) -> str:
    return f"photos/{number:03d}.jpg"


# Numbers ----------------------------------------------------------------------------------


def decimal_text(value: Decimal | int | str) -> str:
    """A figure as the manifest writes it: two decimals, like the database keeps it."""
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def compute_figures(manifest: Mapping) -> dict:
    """What the manifest's rows add up to, by the rules of ``core.figures``: per item per
    indicator, per indicator name over the campaign, the derived figures of the campaign's
    formulas, and (from version 2, which carries every event and the assignments) the headline
    figures: ``{"headline": {...}, "items": [...], "totals": {name: "123.00"}, "derived": {...}}``.
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
                    "number": item["number"],
                    "title": item["title"],
                    "indicators": indicators,
                }
            )
    totals = {name: tally.value for name, tally in figures.combine(tallies).items()}
    result = {
        "items": items,
        "totals": {name: decimal_text(value) for name, value in totals.items()},
    }
    if manifest.get("version", VERSION) >= 2:
        result["headline"] = headline(manifest)
        result["derived"] = derived(campaign, totals)
    return result


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
    indicators is left out, as on the dashboard."""
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
        result[formula["name"]] = None if value is None else str(value.quantize(DERIVED_PLACES))
    return result


# Building ---------------------------------------------------------------------------------


def manifest_checksum(manifest: Mapping) -> str:
    """SHA-256 of the manifest's canonical JSON, without its own ``checksum``."""
    body = {key: value for key, value in manifest.items() if key != "checksum"}
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return sha256(canonical.encode())


def build_package(manifest: Mapping, files: Mapping[str, bytes]) -> bytes:
    """The .zip of ``manifest`` (completed with the format, version, file list and checksum)
    and ``files`` (path → bytes)."""
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
    manifest["checksum"] = manifest_checksum(manifest)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        text = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        archive.writestr(MANIFEST, text, compress_type=zipfile.ZIP_DEFLATED)
        for path, data in sorted(files.items()):
            # Photos and Office files are compressed already.
            archive.writestr(path, data, compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


# Reading ----------------------------------------------------------------------------------


def read_package(data: bytes) -> Package:
    """The package in ``data`` after every check, or `PackageError` naming the first problem."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise PackageError(
            f"上报包大小为 {len(data) / 1024 / 1024:.1f} MB，"
            f"超过 {MAX_PACKAGE_BYTES // 1024 // 1024} MB 上限。",
            "too_large",
        )
    if not data:
        raise PackageError("上传的文件是空的。", "not_zip")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise PackageError(
            "上传的文件不是 .zip 压缩包，请选择区级平台导出的上报包。", "not_zip"
        ) from error
    with archive:
        contents = _read_members(archive)
    if MANIFEST not in contents:
        raise PackageError(
            "上报包中没有清单文件 manifest.json，不是本平台导出的上报包。", "no_manifest"
        )
    manifest = _parse_manifest(contents.pop(MANIFEST))
    _check_files(manifest, contents)
    _check_figures(manifest)
    return Package(manifest=manifest, files=contents, sha256=sha256(data), size=len(data))


def _unsafe(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return (
        name.startswith(("/", "\\"))
        or "\\" in name
        or "\x00" in name
        or re.match(r"^[A-Za-z]:", name) is not None
        or any(part in ("..", ".") for part in parts)
    )


def _read_members(archive: zipfile.ZipFile) -> dict[str, bytes]:
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
    contents: dict[str, bytes] = {}
    unpacked = 0
    for info in infos:
        name = info.filename
        if _unsafe(name):
            raise PackageError(
                f"上报包中的文件名“{name}”不安全（含有上级目录或绝对路径），已拒绝导入。",
                "unsafe_name",
            )
        if info.is_dir():
            continue
        if name in contents:
            raise PackageError(f"上报包中的文件 {name} 出现了两次。", "corrupt")
        limit = MAX_MANIFEST_BYTES if name == MANIFEST else MAX_UNPACKED_BYTES - unpacked
        try:
            with archive.open(info) as member:
                body = member.read(limit + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
            # zipfile checks each member's CRC-32 as it reads it to the end.
            raise PackageError(
                f"上报包中的文件 {name} 已损坏（压缩数据或 CRC 校验不符），请重新导出后再上传。",
                "corrupt",
            ) from error
        except NotImplementedError as error:
            raise PackageError(
                f"上报包中的文件 {name} 使用了不支持的压缩方式。", "corrupt"
            ) from error
        if len(body) > limit:
            raise PackageError(
                f"上报包解压后超过 {MAX_UNPACKED_BYTES // 1024 // 1024} MB 上限，已拒绝导入。"
                if name != MANIFEST
                else "清单文件 manifest.json 过大，已拒绝导入。",
                "too_large",
            )
        unpacked += len(body)
        contents[name] = body
    return contents


def _parse_manifest(raw: bytes) -> dict:
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PackageError(
            "清单文件 manifest.json 不是有效的 JSON，上报包可能已损坏。", "bad_manifest"
        ) from error
    if not isinstance(manifest, dict):
        raise PackageError("清单文件 manifest.json 的内容不是一个对象。", "bad_manifest")
    if manifest.get("format") != FORMAT:
        raise PackageError(
            f"清单的格式标识为“{manifest.get('format')}”，不是质量月平台的上报包。", "format"
        )
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise PackageError(f"清单的格式版本“{version}”无效。", "version")
    if version > VERSION:
        raise PackageError(
            f"上报包的格式版本为 {version}，本平台只能导入版本 {VERSION} 及以下的上报包，"
            "请先升级本平台。",
            "version",
        )
    if manifest.get("checksum") != manifest_checksum(manifest):
        raise PackageError("清单文件 manifest.json 的校验值不符，上报包可能已被改动。", "checksum")
    validate_manifest(manifest)
    return manifest


def _check_files(manifest: dict, contents: dict[str, bytes]) -> None:
    listed: dict[str, dict] = {}
    for entry in manifest["files"]:
        path = entry["path"]
        if not _ALLOWED_NAME.match(path) or path in listed:
            raise PackageError(f"清单列出的文件名“{path}”无效。", "bad_manifest")
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
        raise PackageError(f"上报包中有清单未列出的文件 {extra[0]}，已拒绝导入。", "extra_file")
    photo_paths = [photo["path"] for photo in manifest["photos"]]
    for path in photo_paths:
        if path not in listed:
            raise PackageError(f"清单中的照片 {path} 不在文件列表中。", "bad_manifest")


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
        raise PackageError(f"清单文件 manifest.json 格式不正确：{where} {what}。", "bad_manifest")

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

    def number(self, obj, key: str, where: str, *, optional: bool = False) -> None:
        text = self.get(obj, key, str, where, optional=optional)
        if text is None:
            return
        try:
            value = Decimal(text)
        except InvalidOperation:
            self.fail(f"{where}.{key}", "不是数字")
        if not value.is_finite() or abs(value) >= Decimal(10) ** 12:
            self.fail(f"{where}.{key}", "超出范围")


def validate_manifest(manifest: dict) -> None:
    """Every field the importer reads is there with its type; references resolve."""
    s = _Shape(manifest)
    for entry_index, entry in enumerate(s.get(manifest, "files", list, "")):
        where = f"files[{entry_index}]"
        s.get(entry, "path", str, where)
        s.get(entry, "sha256", str, where)
        s.get(entry, "size", int, where)
    s.get(manifest, "generated_at", str, "")
    campaign = s.get(manifest, "campaign", dict, "")
    s.get(campaign, "year", int, "campaign")
    for key in ("kind", "title"):
        s.get(campaign, key, str, "campaign")
    for key in ("theme", "doc_number", "issuer", "start_date", "end_date"):
        s.get(campaign, key, str, "campaign", optional=True)
    item_ids: dict[str, set[str]] = {}
    for c, category in enumerate(s.get(campaign, "categories", list, "campaign")):
        where = f"campaign.categories[{c}]"
        s.get(category, "number", int, where)
        s.get(category, "title", str, where)
        for i, item in enumerate(s.get(category, "items", list, where)):
            item_where = f"{where}.items[{i}]"
            item_id = s.get(item, "id", str, item_where)
            s.get(item, "number", int, item_where, optional=True)
            s.get(item, "title", str, item_where)
            names = set()
            for n, indicator in enumerate(s.get(item, "indicators", list, item_where)):
                ind_where = f"{item_where}.indicators[{n}]"
                names.add(s.get(indicator, "name", str, ind_where))
                s.get(indicator, "unit", str, ind_where)
                s.get(indicator, "value_type", str, ind_where)
                if s.get(indicator, "aggregation", str, ind_where) not in AGGREGATIONS:
                    s.fail(f"{ind_where}.aggregation", "无效")
            if item_id in item_ids:
                s.fail(item_where, "编号重复")
            item_ids[item_id] = names
    for f, formula in enumerate(s.get(campaign, "formulas", list, "campaign")):
        for key in ("name", "expression", "display"):
            s.get(formula, key, str, f"campaign.formulas[{f}]")
        s.get(formula, "decimals", int, f"campaign.formulas[{f}]")
    for d, deadline in enumerate(s.get(campaign, "deadlines", list, "campaign")):
        for key in ("kind", "due_date", "description"):
            s.get(deadline, key, str, f"campaign.deadlines[{d}]")

    unit = s.get(manifest, "unit", dict, "")
    s.get(unit, "name", str, "unit")
    s.get(unit, "kind", str, "unit")
    for a, name in enumerate(s.get(unit, "ancestors", list, "unit")):
        if not isinstance(name, str):
            s.fail(f"unit.ancestors[{a}]")

    unit_ids = set()
    for u, member in enumerate(s.get(manifest, "units", list, "")):
        where = f"units[{u}]"
        unit_ids.add(s.get(member, "id", str, where))
        s.get(member, "name", str, where)
        s.get(member, "kind", str, where)
        for p, name in enumerate(s.get(member, "path", list, where)):
            if not isinstance(name, str):
                s.fail(f"{where}.path[{p}]")

    event_ids = set()
    for e, event in enumerate(s.get(manifest, "events", list, "")):
        where = f"events[{e}]"
        event_ids.add(s.get(event, "id", str, where))
        if s.get(event, "item", str, where) not in item_ids:
            s.fail(f"{where}.item", "不在活动事项中")
        if s.get(event, "unit", str, where) not in unit_ids:
            s.fail(f"{where}.unit", "不在单位列表中")
        for key in ("title", "starts_at", "ends_at", "mode", "status"):
            s.get(event, key, str, where)
        s.get(event, "place", str, where, optional=True)
        street = s.get(event, "street_town", str, where, optional=True)
        if street is not None and street not in unit_ids:
            s.fail(f"{where}.street_town", "不在单位列表中")

    if manifest["version"] >= 2:
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
        s.get(report, "title", str, where)
        s.get(report, "content", str, where)
        s.get(report, "effect", str, where)
        s.get(report, "starred", bool, where)
        s.get(report, "is_late", bool, where)
        s.get(report, "submitted_at", str, where, optional=True)
        values = s.get(report, "values", dict, where)
        for name in values:
            if name not in item_ids[item_id]:
                s.fail(f"{where}.values.{name}", "不是该事项的指标")
            s.number(values, name, f"{where}.values")

    for p, photo in enumerate(s.get(manifest, "photos", list, "")):
        where = f"photos[{p}]"
        s.get(photo, "path", str, where)
        s.get(photo, "caption", str, where)
        if s.get(photo, "report", str, where) not in report_ids:
            s.fail(f"{where}.report", "不在报送列表中")

    stated = s.get(manifest, "figures", dict, "")
    s.get(stated, "items", list, "figures")
    s.get(stated, "totals", dict, "figures")
    if manifest["version"] >= 2:
        s.get(stated, "headline", dict, "figures")
        s.get(stated, "derived", dict, "figures")


def peek(file, name: str = MANIFEST) -> bytes:
    """One file of a package already checked and stored (``file``: a binary file object),
    read without reading the rest: the manifest for a page, or the summary to download."""
    with zipfile.ZipFile(file) as archive, archive.open(name) as member:
        return member.read(MAX_UNPACKED_BYTES)
