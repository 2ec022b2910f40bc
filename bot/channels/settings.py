"""Channel settings from credentials.yml and the environment.

Rasa 3.6 expands ``${VAR}`` only in *unquoted* YAML scalars, and raises at startup when
the variable is unset, which would stop every channel. credentials.yml therefore quotes
them (``token: "${WECHAT_TOKEN}"``): Rasa passes the text through unchanged and it is
expanded here, an unset variable meaning "missing". A key left out of credentials.yml
falls back to its environment variable, and an empty value counts as missing.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Tuple

from bot.channels.crypto import decode_aes_key

logger = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")

DEFAULT_DEADLINE_S = 4.0
DEFAULT_MAX_SKEW_S = 300.0


def expand(value: Any, environ: Mapping[str, str]) -> str:
    """A credentials value with any ``${VAR}`` replaced from the environment ("" if unset)."""
    if value is None:
        return ""
    return _PLACEHOLDER.sub(lambda m: environ.get(m.group(1), ""), str(value)).strip()


def number(environ: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = (environ.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        logger.warning("%s=%r is not a number; using %s", name, raw, default)
        return default
    if not low <= value <= high:
        logger.warning("%s=%s is outside [%s, %s]; using %s", name, raw, low, high, default)
        return default
    return value


@dataclass(frozen=True)
class Limits:
    """Input limits of the public channels (REST, WeChat, WeCom); see limits_from_env."""

    max_message_chars: int = 1000
    rate_per_min: float = 30.0  # per sender; 0 switches the limit off
    rate_burst: float = 10.0
    max_body_bytes: int = 64 * 1024  # REST webhook body
    action_timeout_s: float = 5.0  # one custom action call
    turn_timeout_s: float = 12.0  # a whole REST turn (the widget gives up at 15 s)


def limits_from_env(environ: Mapping[str, str] | None = None) -> Limits:
    env = os.environ if environ is None else environ
    d = Limits()
    return Limits(
        max_message_chars=int(number(env, "MAX_MESSAGE_CHARS", d.max_message_chars, 1, 100_000)),
        rate_per_min=number(env, "RATE_LIMIT_PER_MIN", d.rate_per_min, 0, 1_000_000),
        rate_burst=number(env, "RATE_LIMIT_BURST", d.rate_burst, 1, 1_000_000),
        max_body_bytes=int(number(env, "REST_MAX_BODY_BYTES", d.max_body_bytes, 1024, 10**8)),
        action_timeout_s=number(env, "ACTION_TIMEOUT_S", d.action_timeout_s, 0.1, 300),
        turn_timeout_s=number(env, "TURN_TIMEOUT_S", d.turn_timeout_s, 0.1, 600),
    )


@dataclass
class ChannelSettings:
    """Resolved values by field name, and the environment variables still missing."""

    values: Dict[str, str]
    missing: List[str] = field(default_factory=list)
    invalid: List[str] = field(default_factory=list)
    reply_deadline_s: float = DEFAULT_DEADLINE_S
    max_clock_skew_s: float = DEFAULT_MAX_SKEW_S
    limits: Limits = field(default_factory=Limits)

    @property
    def ready(self) -> bool:
        return not self.missing and not self.invalid

    def __getitem__(self, name: str) -> str:
        return self.values.get(name, "")


def resolve(
    credentials: Mapping[str, Any] | None,
    fields: Mapping[str, Tuple[str, bool]],
    environ: Mapping[str, str] | None = None,
) -> ChannelSettings:
    """`fields` maps a credentials key to (environment variable, required)."""
    env = os.environ if environ is None else environ
    creds = credentials or {}
    values: Dict[str, str] = {}
    missing: List[str] = []
    for key, (var, required) in fields.items():
        value = expand(creds[key], env) if creds.get(key) is not None else expand(env.get(var), env)
        values[key] = value
        if required and not value:
            missing.append(var)
    invalid: List[str] = []
    aes_key = values.get("encoding_aes_key")
    if aes_key:
        try:
            decode_aes_key(aes_key)
        except ValueError:
            invalid.append(fields["encoding_aes_key"][0])
    return ChannelSettings(
        values,
        missing,
        invalid,
        reply_deadline_s=number(env, "WECHAT_REPLY_DEADLINE_S", DEFAULT_DEADLINE_S, 0.05, 4.8),
        max_clock_skew_s=number(env, "WECHAT_MAX_CLOCK_SKEW_S", DEFAULT_MAX_SKEW_S, 0, 86400),
        limits=limits_from_env(env),
    )
