"""The keys that sign upward packages (上报包签名): Ed25519 through the `cryptography` library.

A district deployment holds a private key; its city registers the matching public key once,
after reading its fingerprint to each other over the phone. Checksums find damage, but anyone
can recompute them; only the holder of the private key can sign, so a package the city accepts
was made by the district's own platform and not changed since.

Keys travel as PEM (PKCS#8 for the private key, SubjectPublicKeyInfo for the public key), the
format ``openssl pkey`` reads. Pure Python: no Django.
"""

from __future__ import annotations

import hashlib
import re

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "Ed25519"
SIGNATURE_BYTES = 64
MAX_KEY_TEXT = 4096  # a PEM public key is about 113 characters
# 128 bits of the key's SHA-256: eight groups of four hex digits, short enough to read aloud.
_FINGERPRINT_HEX = 32


class KeyFormatError(ValueError):
    """Text that is not an Ed25519 key of the kind asked for; the message is Chinese."""


def new_private_key() -> bytes:
    """A new private key as PEM (PKCS#8, unencrypted: the file's permissions protect it)."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def private_key(pem: bytes) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise KeyFormatError("签名私钥文件已损坏或不是 PEM 格式的私钥。") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFormatError("签名私钥不是 Ed25519 密钥。")
    return key


def public_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def public_key(text: str) -> Ed25519PublicKey:
    """The public key in ``text`` (PEM, as ``qualitymonth upward-keygen`` prints and exports
    it), or `KeyFormatError` naming what is wrong."""
    if "PRIVATE KEY" in text:
        raise KeyFormatError(
            "这是私钥，不是公钥。私钥只能留在区级平台上，请只提交公钥"
            "（-----BEGIN PUBLIC KEY----- 开头的内容）；私钥已经外传的，请区级重新生成密钥。"
        )
    if len(text) > MAX_KEY_TEXT:
        raise KeyFormatError("公钥内容过长，不是本平台生成的公钥。")
    try:
        key = serialization.load_pem_public_key(text.strip().encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError, UnsupportedAlgorithm) as error:
        raise KeyFormatError(
            "无法识别公钥：请提交区级平台运行 qualitymonth upward-keygen 得到的公钥，"
            "即 -----BEGIN PUBLIC KEY----- 与 -----END PUBLIC KEY----- 之间的全部内容。"
        ) from error
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFormatError("公钥不是 Ed25519 密钥，不是本平台生成的公钥。")
    return key


def raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(key: Ed25519PublicKey | bytes) -> str:
    """What people compare over the phone: "3F2A 91C0 …", eight groups of four hex digits."""
    digest = hashlib.sha256(key if isinstance(key, bytes) else raw(key)).hexdigest()
    return _grouped(digest[:_FINGERPRINT_HEX].upper())


def normal_fingerprint(text: str) -> str:
    """A fingerprint as someone typed it (lower case, without spaces, with colons or dashes),
    written the way `fingerprint` writes it; "" if it cannot be one."""
    digits = re.sub(r"[\s:：\-]", "", text).upper()
    if not re.fullmatch(rf"[0-9A-F]{{{_FINGERPRINT_HEX}}}", digits):
        return ""
    return _grouped(digits)


def _grouped(digits: str) -> str:
    return " ".join(digits[at : at + 4] for at in range(0, len(digits), 4))


def sign(key: Ed25519PrivateKey, message: bytes) -> bytes:
    return key.sign(message)


def verify(public: bytes, signature: bytes, message: bytes) -> bool:
    """Whether ``signature`` is the signature of ``message`` by the raw public key ``public``."""
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
