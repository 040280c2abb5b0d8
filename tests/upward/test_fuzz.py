"""Whatever a package holds, reading it ends in a package or a refusal with a Chinese message,
never another exception (a server error), and a refused upload leaves everything as it was
but the ``upward.refused`` audit entry.

Hypothesis generates the packages: zips of random members (names safe and not, bodies binary
and JSON, every compression method, flag bits set, bytes flipped, cut short), manifests of odd
JSON nested deep, and genuine packages with a value somewhere in the manifest replaced or
deleted, then signed by the district, by a stranger, by another district, or not at all.

``QUALITYMONTH_FUZZ_EXAMPLES`` raises the number of examples each test tries (CI keeps them
few, about 20 seconds in all).
"""

from __future__ import annotations

import copy
import datetime
import io
import json
import os
import re
import struct
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from qualitymonth.upward import keys, package, services
from qualitymonth.upward.models import UpwardPackage
from qualitymonth.upward.package import PackageError

from .conftest import register_district_key, stored
from .test_package import KEY, KEYS, OTHER_KEY, good, registered

EXAMPLES = int(os.environ.get("QUALITYMONTH_FUZZ_EXAMPLES", "0"))
CHINESE = re.compile(r"[\u4e00-\u9fff]")
STRANGER = Ed25519PrivateKey.generate()
# Pudong's and Huangpu's keys, and a third district's, revoked.
FUZZ_KEYS = KEYS | registered(STRANGER, "徐汇区", revoked_on=datetime.date(2024, 10, 1))
GOOD = good()


def examples(default: int) -> settings:
    return settings(
        max_examples=max(default, EXAMPLES),
        deadline=datetime.timedelta(seconds=10),
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


# What is generated --------------------------------------------------------------------------

ODD_TEXT = st.sampled_from(
    [
        "",
        "9" * 5000,
        "1e999",
        "NaN",
        "-0",
        "１２",
        "12.345",
        "2024-13-45",
        "0001-01-01T00:00:00+08:00",
        "9999-12-31T23:59:59-12:00",
        "../evil",
        "photos/001.jpg",
        "浦东新区",
        "上海市",
        "district",
        "\x00\x1b[31m",
        "x" * 300,
    ]
)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.just(10**4000)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | ODD_TEXT,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=8) | ODD_TEXT, children, max_size=3)
    ),
    max_leaves=8,
)
NAMES = st.sampled_from(
    [
        package.MANIFEST,
        package.SIGNATURE,
        package.SUMMARY,
        package.ANNEX,
        "photos/001.jpg",
        "photos/002.jpg",
        "photos/",
        "../manifest.json",
        "/etc/passwd",
        "C:\\x",
        "photos/./001.jpg",
    ]
) | st.text(min_size=1, max_size=20).filter(
    lambda name: name.split("\x00")[0]
)  # zipfile cuts at NUL
METHODS = st.sampled_from(
    [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]
)


def _genuine_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def damaged(draw, data: bytes) -> bytes:
    """``data`` with flag bits set, bytes flipped, a piece cut out or the end cut off."""
    data = bytearray(data)
    for _ in range(draw(st.integers(0, 2))):
        signature, at = draw(st.sampled_from([(b"PK\x01\x02", 8), (b"PK\x03\x04", 6)]))
        start = data.find(signature)
        if start >= 0:
            (flags,) = struct.unpack_from("<H", data, start + at)
            bit = draw(st.sampled_from([0x1, 0x8, 0x20, 0x40, 0x800]))
            struct.pack_into("<H", data, start + at, flags | bit)
    for _ in range(draw(st.integers(0, 3))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    how = draw(st.sampled_from(["none", "none", "cut", "truncate"]))
    if how == "cut" and data:
        at = draw(st.integers(0, len(data) - 1))
        del data[at : at + draw(st.integers(1, 64))]
    elif how == "truncate" and data:
        del data[draw(st.integers(0, len(data) - 1)) :]
    return bytes(data)


@st.composite
def zips(draw) -> bytes:
    """A zip of random members: some of a genuine package's, some of random bytes or JSON."""
    genuine = _genuine_members(GOOD)
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names, on purpose
        with zipfile.ZipFile(out, "w") as archive:
            for _ in range(draw(st.integers(0, 6))):
                name = draw(NAMES)
                body = draw(
                    st.sampled_from(sorted(genuine.values()))
                    | st.binary(max_size=300)
                    | JSON.map(lambda value: json.dumps(value).encode())
                )
                method = draw(METHODS)
                if name.endswith("/"):
                    archive.writestr(name, b"")
                else:
                    archive.writestr(name, body, compress_type=method)
    return damaged(draw, out.getvalue())


def _changed(document, draw):
    """``document`` with one value somewhere inside replaced or deleted."""
    node = document
    while True:
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        if not children:
            return
        key, child = draw(st.sampled_from(children))
        if isinstance(child, dict | list) and child and draw(st.booleans()):
            node = child
            continue
        if draw(st.booleans()):
            del node[key]
        else:
            node[key] = draw(JSON)
        return


def tampered(draw, genuine: bytes, signers: dict) -> bytes:
    """The genuine package with its manifest changed in one to three places (its figures made
    to match again, or not), or replaced by odd JSON nested deep, then signed by one of
    ``signers`` (name → (key, district)), not at all, or left with the genuine signature."""
    members = _genuine_members(genuine)
    document = json.loads(members[package.MANIFEST])
    if draw(st.integers(0, 9)) == 0:
        depth = draw(st.sampled_from([31, 33, 2000, 100_000]))
        text = (b"[" * depth + b"]" * depth) if draw(st.booleans()) else None
    else:
        document = copy.deepcopy(document)
        for _ in range(draw(st.integers(1, 3))):
            _changed(document, draw)
        if draw(st.booleans()):
            try:
                document["figures"] = package.compute_figures(document)
            except Exception:
                pass
        text = None
    text = text or json.dumps(document, ensure_ascii=False).encode()
    members[package.MANIFEST] = text
    # Half signed by the district itself: the checks after the signature need the most work.
    signer = (
        "pudong" if draw(st.booleans()) else draw(st.sampled_from(["original", "none", *signers]))
    )
    if signer == "none":
        del members[package.SIGNATURE]
    elif signer != "original":
        key, district = signers[signer]
        members[package.SIGNATURE] = package.sign_manifest(text, district, key)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def assert_refusal(error: PackageError) -> None:
    assert error.code and CHINESE.search(error.message), error.message
    event(f"refused: {error.code}")  # --hypothesis-show-statistics tells how deep the fuzz got


# The pure reader ----------------------------------------------------------------------------

PURE_SIGNERS = {
    "pudong": (KEY, "浦东新区"),
    "huangpu": (OTHER_KEY, "黄浦区"),
    "huangpu as pudong": (OTHER_KEY, "浦东新区"),
    "revoked": (STRANGER, "徐汇区"),
    "stranger": (Ed25519PrivateKey.generate(), "浦东新区"),
}


def _read(data: bytes) -> None:
    try:
        read = package.read_package(data, FUZZ_KEYS)
    except PackageError as error:
        assert_refusal(error)
    else:
        assert read.key in FUZZ_KEYS and read.manifest["version"] == package.VERSION
        event("read")


@examples(300)
@given(data=zips())
def test_any_zip_is_read_or_refused(data):
    _read(data)


@examples(300)
@given(data=st.data())
def test_any_tampered_package_is_read_or_refused(data):
    _read(tampered(data.draw, GOOD, PURE_SIGNERS))


# Through the city's upload ----------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    genuine: bytes = field(repr=False)
    signers: dict = field(repr=False)
    media: Path


@pytest.fixture
def stage(district_campaign, exported, city, huangpu, settings) -> Stage:
    """Pudong's genuine package at a city that registered Pudong's and Huangpu's keys, and
    runs neither district here."""
    services.delete_campaign_rows(district_campaign)
    register_district_key(huangpu)
    signers = {
        "pudong": (keys.load("浦东新区"), "浦东新区"),
        "huangpu": (keys.load("黄浦区"), "黄浦区"),
        "huangpu as pudong": (keys.load("黄浦区"), "浦东新区"),
        "stranger": (STRANGER, "浦东新区"),
    }
    return Stage(exported.data, signers, Path(settings.MEDIA_ROOT))


@examples(120)
@given(data=st.data())
def test_any_upload_is_received_or_refused_leaving_only_the_audit_entry(
    data, stage, city, city_viewer
):
    media = stage.media
    if data.draw(st.booleans(), label="tampered"):
        upload = tampered(data.draw, stage.genuine, stage.signers)
    else:
        upload = data.draw(zips())
    with transaction.atomic():
        before = stored(media)
        try:
            row = services.receive_package(upload, "fuzz.zip", city_viewer, city)
        except PackageError as error:
            assert_refusal(error)
            before["rows"]["core.AuditEntry"] += 1
            assert stored(media) == before
        else:
            assert row.status == UpwardPackage.Status.VERIFIED
            try:
                services.import_package(row, city_viewer)
            except PackageError as error:
                assert_refusal(error)
            else:
                event("imported")
            row.file.delete(save=False)
        transaction.set_rollback(True)
