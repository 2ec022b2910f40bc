"""The pure input checks (bot.channels.guard) and the limits read from the environment."""

from __future__ import annotations

import pytest

from bot.channels.guard import (
    NOTHING_TO_ANSWER,
    TokenBucket,
    check_text,
    clean_text,
    is_meaningful,
    valid_sender,
)
from bot.channels.settings import Limits, limits_from_env


class Clock:
    """An injectable monotonic clock: no sleeps in the rate-limit tests."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# -- text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("客服\u200b主管\u200d工资\ufeff多少", "客服主管工资多少"),  # zero-width, BOM
        ("\x00客服\x07主管\x1b", "客服 主管"),  # control characters become spaces
        ("客服\n\n主管\t工资", "客服 主管 工资"),
        ("\u202e客服主管", "客服主管"),  # bidi override
        ("\ud800客服\udfff", "客服"),  # lone surrogates (JSON "\ud800")
        ("  客服　 主管  ", "客服 主管"),  # any run of spaces becomes one, ends stripped
        ("", ""),
    ],
)
def test_clean_text_drops_invisible_and_control_characters(raw, cleaned):
    assert clean_text(raw) == cleaned


@pytest.mark.parametrize("text", ["", "   ", "😀👍🏻", "?!。,……", "\u200b\u200d", "——~~"])
def test_nothing_to_answer_gets_the_polite_prompt(text):
    checked = check_text(text, 1000)
    assert not checked.ok and checked.reply == NOTHING_TO_ANSWER


@pytest.mark.parametrize("text", ["客服主管工资多少", "1", "hi", "客服😀", "/greet", "１２"])
def test_text_with_a_letter_or_digit_goes_to_the_bot(text):
    assert is_meaningful(text) and check_text(text, 1000).ok


def test_length_limit_counts_characters_after_cleaning():
    assert check_text("客" * 1000, 1000).ok
    too_long = check_text("客" * 1001, 1000)
    assert not too_long.ok and "1000" in too_long.reply and "太长" in too_long.reply
    # Invisible padding does not count against the limit.
    assert check_text("客" * 1000 + "\u200b" * 500, 1000).ok


# -- sender ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sender",
    ["a", "e2e-1", "3f2b8c1e-9d4a-4e0b-8f6a-2c1d0e9b7a65", "wechat:oUser_1", "a.b@c", "x" * 128],
)
def test_safe_senders_are_accepted(sender):
    assert valid_sender(sender) == sender


@pytest.mark.parametrize(
    "sender",
    [
        None,
        "",
        123,
        ["a"],
        "x" * 129,
        "../../etc/passwd",
        "a/b",
        "a'; DROP TABLE events;--",
        'a"b',
        "a b",
        "用户",
        "a\x00",
        "a\n",
    ],
)
def test_other_senders_are_rejected(sender):
    assert valid_sender(sender) is None


# -- rate limit -----------------------------------------------------------------------


def test_bucket_allows_a_burst_then_refills_at_the_rate():
    clock = Clock()
    bucket = TokenBucket(rate_per_min=30, burst=5, clock=clock)
    assert all(bucket.allow("u") for _ in range(5))
    assert not bucket.allow("u")
    assert bucket.retry_after("u") == 2  # 30/min: one token every 2 s
    clock.advance(1.9)
    assert not bucket.allow("u")
    clock.advance(0.2)
    assert bucket.allow("u") and not bucket.allow("u")
    clock.advance(3600)
    assert sum(bucket.allow("u") for _ in range(10)) == 5  # never more than the burst


def test_one_sender_cannot_use_up_another_senders_tokens():
    bucket = TokenBucket(rate_per_min=30, burst=3, clock=Clock())
    assert [bucket.allow("flooder") for _ in range(100)].count(True) == 3
    assert all(bucket.allow("normal") for _ in range(3))


def test_denied_requests_do_not_push_the_refill_back():
    clock = Clock()
    bucket = TokenBucket(rate_per_min=60, burst=1, clock=clock)
    assert bucket.allow("u")
    for _ in range(9):  # hammering while empty...
        clock.advance(0.1)
        assert not bucket.allow("u")
    clock.advance(0.15)
    assert bucket.allow("u")  # ...still refills one token a second


def test_zero_rate_switches_the_limit_off():
    bucket = TokenBucket(rate_per_min=0, burst=1, clock=Clock())
    assert all(bucket.allow("u") for _ in range(1000)) and bucket.retry_after("u") == 0


def test_memory_is_bounded_by_forgetting_the_least_recent_sender():
    bucket = TokenBucket(rate_per_min=30, burst=1, clock=Clock(), max_keys=3)
    for key in "abcd":
        bucket.allow(key)
    assert len(bucket) == 3
    assert bucket.allow("a")  # "a" was forgotten: a fresh bucket
    assert not bucket.allow("d")


# -- configuration --------------------------------------------------------------------


def test_limits_defaults_and_environment():
    assert limits_from_env({}) == Limits()
    assert Limits().max_message_chars == 1000 and Limits().max_body_bytes == 65536
    env = {
        "MAX_MESSAGE_CHARS": "200",
        "RATE_LIMIT_PER_MIN": "0",
        "RATE_LIMIT_BURST": "3",
        "REST_MAX_BODY_BYTES": "4096",
        "ACTION_TIMEOUT_S": "1.5",
        "TURN_TIMEOUT_S": "4",
    }
    assert limits_from_env(env) == Limits(200, 0.0, 3.0, 4096, 1.5, 4.0)


@pytest.mark.parametrize("value", ["lots", "-1", "0", "1e12"])
def test_bad_values_fall_back_to_the_default(value):
    assert limits_from_env({"MAX_MESSAGE_CHARS": value}).max_message_chars == 1000
