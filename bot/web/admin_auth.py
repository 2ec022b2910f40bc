"""Who may see the HR console: a bearer token, or a session cookie issued for it.

The cookie never holds the token itself, only an expiring HMAC of it, so a copied
cookie stops working after SESSION_S and rotating ADMIN_TOKEN ends every session.
All comparisons are constant-time (hmac.compare_digest).
"""

from __future__ import annotations

import hashlib
import hmac
import time

COOKIE = "kefu_admin"
SESSION_S = 12 * 3600


def _mac(token: str, issued: int) -> str:
    return hmac.new(token.encode(), f"kefu-admin:{issued}".encode(), hashlib.sha256).hexdigest()


def token_matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())


def bearer_ok(expected: str, authorization: str | None) -> bool:
    scheme, _, value = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and token_matches(expected, value.strip())


def session_value(token: str, now: float | None = None) -> str:
    issued = int(now if now is not None else time.time())
    return f"{issued}.{_mac(token, issued)}"


def session_ok(token: str, value: str | None, now: float | None = None) -> bool:
    issued_text, _, mac = (value or "").partition(".")
    if not issued_text.isdigit() or not mac:
        return False
    issued = int(issued_text)
    age = (now if now is not None else time.time()) - issued
    return 0 <= age <= SESSION_S and hmac.compare_digest(mac.encode(), _mac(token, issued).encode())
