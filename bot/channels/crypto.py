"""Signatures and the AES message encryption shared by WeChat Official Accounts and WeCom.

The scheme (Tencent's WXBizMsgCrypt, "安全模式"):

* signature = sha1 of the sorted strings (token, timestamp, nonce[, encrypt]) joined;
* key = base64(EncodingAESKey + "="), 32 bytes; AES-256-CBC with IV = key[:16];
* plaintext = 16 random bytes + big-endian uint32 length + message + AppID/CorpID,
  padded with PKCS#7 to a multiple of 32 bytes (not AES's 16).

Written here instead of taken from wechatpy because wechatpy compares signatures with
``!=`` (not constant time) and accepts any padding byte; here every comparison is
``hmac.compare_digest`` and malformed input raises a ``CryptoError`` the channel maps to 400.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import string
import struct
import time
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32  # PKCS#7 block size the WeChat scheme uses
_RANDOM_ALPHABET = string.ascii_letters + string.digits


class CryptoError(ValueError):
    """Ciphertext that cannot be decrypted: bad base64, length, padding or framing."""


class ReceiverMismatch(CryptoError):
    """Decrypted fine, but addressed to another AppID/CorpID."""


def signature(*parts: str) -> str:
    """sha1 over the sorted parts, as both platforms compute it."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def signature_matches(expected: str, provided: str | None) -> bool:
    """Constant-time comparison of a computed signature with the one in the request."""
    if not provided:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), provided.strip().lower().encode("utf-8"))


def timestamp_fresh(timestamp: str | None, max_skew_s: float, now: float | None = None) -> bool:
    """True when the request's timestamp is an integer within the window (0 disables the check)."""
    if not timestamp or not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return False
    if max_skew_s <= 0:
        return True
    now = time.time() if now is None else now
    return abs(now - int(timestamp)) <= max_skew_s


def decode_aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte key from the 43-character EncodingAESKey; ValueError when it is not one."""
    if len(encoding_aes_key) != 43:
        raise ValueError("EncodingAESKey must be 43 characters")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("EncodingAESKey is not base64") from exc
    if len(key) != 32:
        raise ValueError("EncodingAESKey must decode to 32 bytes")
    return key


def pkcs7_pad(data: bytes, block: int = BLOCK) -> bytes:
    n = block - len(data) % block
    return data + bytes([n]) * n


def pkcs7_unpad(data: bytes, block: int = BLOCK) -> bytes:
    if not data or len(data) % 16:
        raise CryptoError("ciphertext length is not a multiple of the AES block")
    n = data[-1]
    if not 1 <= n <= block or n > len(data):
        raise CryptoError("bad padding")
    if not hmac.compare_digest(data[-n:], bytes([n]) * n):
        raise CryptoError("bad padding")
    return data[:-n]


@dataclass(frozen=True)
class Envelope:
    """An encrypted message as it travels: the ciphertext and what signs it."""

    encrypt: str
    msg_signature: str
    timestamp: str
    nonce: str


class MessageCrypto:
    """Encrypts and decrypts message bodies for one account (token, AES key, AppID/CorpID)."""

    def __init__(self, token: str, encoding_aes_key: str, receiver_id: str) -> None:
        self.token = token
        self.key = decode_aes_key(encoding_aes_key)
        self.receiver_id = receiver_id.encode("utf-8")

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))

    # -- signatures -----------------------------------------------------------

    def sign(self, timestamp: str, nonce: str, encrypt: str) -> str:
        return signature(self.token, timestamp, nonce, encrypt)

    def verify(self, msg_signature: str | None, timestamp: str, nonce: str, encrypt: str) -> bool:
        return signature_matches(self.sign(timestamp, nonce, encrypt), msg_signature)

    # -- AES ------------------------------------------------------------------

    def encrypt(self, message: bytes | str, random_prefix: bytes | None = None) -> str:
        """base64 ciphertext of one message; `random_prefix` only for test vectors."""
        body = message.encode("utf-8") if isinstance(message, str) else message
        prefix = random_prefix or "".join(
            secrets.choice(_RANDOM_ALPHABET) for _ in range(16)
        ).encode("ascii")
        if len(prefix) != 16:
            raise ValueError("the random prefix is 16 bytes")
        plain = pkcs7_pad(prefix + struct.pack(">I", len(body)) + body + self.receiver_id)
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")

    def decrypt(self, encrypt: str) -> bytes:
        """The message bytes inside a base64 ciphertext; CryptoError on anything malformed."""
        try:
            raw = base64.b64decode(encrypt.strip().encode("ascii"), validate=True)
        except (binascii.Error, ValueError, UnicodeError) as exc:
            raise CryptoError("ciphertext is not base64") from exc
        if not raw or len(raw) % 16:
            raise CryptoError("ciphertext length is not a multiple of the AES block")
        decryptor = self._cipher().decryptor()
        plain = pkcs7_unpad(decryptor.update(raw) + decryptor.finalize())
        if len(plain) < 20:
            raise CryptoError("plaintext too short")
        (length,) = struct.unpack(">I", plain[16:20])
        if length > len(plain) - 20:
            raise CryptoError("declared length exceeds the plaintext")
        message, receiver = plain[20 : 20 + length], plain[20 + length :]
        if not hmac.compare_digest(receiver, self.receiver_id):
            raise ReceiverMismatch("message is for another AppID/CorpID")
        return message

    def seal(
        self,
        message: bytes | str,
        nonce: str,
        timestamp: str | None = None,
        random_prefix: bytes | None = None,
    ) -> Envelope:
        """Encrypt and sign, ready for `envelope_xml`."""
        ts = timestamp or str(int(time.time()))
        encrypt = self.encrypt(message, random_prefix)
        return Envelope(encrypt, self.sign(ts, nonce, encrypt), ts, nonce)


def random_nonce() -> str:
    return str(secrets.randbelow(9_000_000_000) + 1_000_000_000)
