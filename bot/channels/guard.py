"""Input checks shared by the public channels (REST, WeChat, WeCom): pure functions, no I/O.

* `clean_text` drops what no user means to send (control, zero-width and other format
  characters, lone surrogates) before anything else looks at the text;
* `check_text` decides whether a cleaned text goes to Rasa, or gets a polite fixed reply
  because it is too long or has nothing to answer (only spaces, emoji or punctuation);
* `valid_sender` accepts a conversation id from a safe alphabet and length, or nothing;
* `TokenBucket` is the per-sender rate limit, in memory, with an injectable clock.
"""

from __future__ import annotations

import math
import re
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable

MAX_SENDER_CHARS = 128
SENDER_PATTERN = re.compile(rf"[A-Za-z0-9_.:@-]{{1,{MAX_SENDER_CHARS}}}")

TOO_LONG = "抱歉,您的消息太长了(超过 {limit} 个字),请精简到 {limit} 字以内,或分几次提问。"
NOTHING_TO_ANSWER = (
    "请输入您想了解的问题,例如:“客服主管工资多少”、“客服专员怎么晋升”、“客服经理要考什么证”。"
)
RATE_LIMITED = "您发送得太快了,请稍等片刻再提问。"
UNAVAILABLE = "抱歉,暂时无法查询,请稍后再试。"

# Categories removed outright: format (zero-width space/joiners, BOM, bidi overrides),
# surrogates (unpaired, from JSON "\ud800"), unassigned code points.
_DROP = {"Cf", "Cs", "Cn"}
# Categories turned into a space: control characters and line/paragraph separators.
_SPACE = {"Cc", "Zl", "Zp", "Zs"}
_SPACES = re.compile(r" {2,}")


def clean_text(text: str) -> str:
    """`text` without control/format characters; runs of spaces collapsed, ends stripped."""
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category in _DROP:
            continue
        out.append(" " if category in _SPACE else ch)
    return _SPACES.sub(" ", "".join(out)).strip()


def is_meaningful(text: str) -> bool:
    """Whether there is a letter or a digit (Han characters are letters) to understand."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


@dataclass(frozen=True)
class TextCheck:
    """`text` is what goes to Rasa; when `reply` is set, it is answered with that instead."""

    text: str
    reply: str = ""

    @property
    def ok(self) -> bool:
        return not self.reply


def check_text(text: str, max_chars: int) -> TextCheck:
    """Clean `text` and decide whether the bot should see it."""
    cleaned = clean_text(text)
    if len(cleaned) > max_chars:
        return TextCheck(cleaned, TOO_LONG.format(limit=max_chars))
    if not is_meaningful(cleaned):
        return TextCheck(cleaned, NOTHING_TO_ANSWER)
    return TextCheck(cleaned)


def valid_sender(value: Any) -> str | None:
    """The sender id if it is a string of 1-128 characters from [A-Za-z0-9_.:@-], else None.

    Anything else is rejected rather than mapped to a hash: the widget's UUIDs and the chat
    apps' OpenIDs always fit, so a sender outside the alphabet is a broken or hostile client,
    and a 400 tells it so instead of silently opening a conversation it cannot find again.
    """
    if isinstance(value, str) and SENDER_PATTERN.fullmatch(value):
        return value
    return None


class TokenBucket:
    """Per-key token buckets: `rate_per_min` tokens a minute, at most `burst` saved up.

    In memory and per process. `max_keys` bounds the memory: the least recently seen key is
    forgotten first (it comes back with a full bucket, which only helps a client that cycles
    through more ids than that). A rate of 0 or less switches the limit off.
    """

    def __init__(
        self,
        rate_per_min: float,
        burst: float,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self.rate_per_s = rate_per_min / 60.0
        self.burst = max(1.0, float(burst))
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.rate_per_s > 0

    def _refill(self, key: str, now: float) -> float:
        tokens, last = self._buckets.get(key, (self.burst, now))
        return min(self.burst, tokens + max(0.0, now - last) * self.rate_per_s)

    def allow(self, key: str) -> bool:
        """Take a token for `key` if there is one."""
        if not self.enabled:
            return True
        now = self.clock()
        tokens = self._refill(key, now)
        allowed = tokens >= 1.0
        self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
        self._buckets.move_to_end(key)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return allowed

    def retry_after(self, key: str) -> int:
        """Whole seconds until `key` has a token again (0 if it has one now)."""
        if not self.enabled:
            return 0
        missing = 1.0 - self._refill(key, self.clock())
        return max(0, math.ceil(missing / self.rate_per_s)) if missing > 0 else 0

    def __len__(self) -> int:
        return len(self._buckets)
