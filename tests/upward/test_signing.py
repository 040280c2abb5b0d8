"""The keys of upward packages: PEM in and out, the fingerprint people read over the phone,
and the refusals a city user meets pasting the wrong thing. No database."""

import re

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from qualitymonth.upward import signing


def test_a_new_key_signs_and_its_public_key_checks_the_signature():
    key = signing.private_key(signing.new_private_key())
    public = signing.public_key(signing.public_pem(key))
    signature = signing.sign(key, b"manifest")
    assert len(signature) == signing.SIGNATURE_BYTES
    assert signing.verify(signing.raw(public), signature, b"manifest")
    assert not signing.verify(signing.raw(public), signature, b"manifest, changed")
    other = Ed25519PrivateKey.generate().public_key()
    assert not signing.verify(signing.raw(other), signature, b"manifest")
    assert not signing.verify(b"short", signature, b"manifest")


def test_the_fingerprint_is_eight_groups_of_four_hex_digits_however_it_is_typed():
    key = Ed25519PrivateKey.generate().public_key()
    fingerprint = signing.fingerprint(key)
    assert re.fullmatch(r"([0-9A-F]{4} ){7}[0-9A-F]{4}", fingerprint)
    assert signing.fingerprint(signing.raw(key)) == fingerprint
    typed = fingerprint.replace(" ", "").lower()
    assert signing.normal_fingerprint(typed) == fingerprint
    assert signing.normal_fingerprint(fingerprint.replace(" ", ":")) == fingerprint
    assert signing.normal_fingerprint(fingerprint[:-1]) == ""
    assert signing.normal_fingerprint("not a fingerprint") == ""


def test_a_pasted_private_key_is_refused_with_a_warning():
    with pytest.raises(signing.KeyFormatError, match="这是私钥，不是公钥"):
        signing.public_key(signing.new_private_key().decode())


@pytest.mark.parametrize(
    "text",
    ["", "hello", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "公钥" * 10],
)
def test_text_that_is_no_public_key_is_refused(text):
    with pytest.raises(signing.KeyFormatError, match="无法识别公钥"):
        signing.public_key(text)


def test_a_key_of_another_algorithm_is_refused():
    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(signing.KeyFormatError, match="不是 Ed25519"):
        signing.public_key(pem.decode())
    with pytest.raises(signing.KeyFormatError, match="过长"):
        signing.public_key("x" * (signing.MAX_KEY_TEXT + 1))


def test_a_damaged_private_key_file_is_named():
    with pytest.raises(signing.KeyFormatError, match="签名私钥文件已损坏"):
        signing.private_key(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
