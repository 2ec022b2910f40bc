"""Properties: whatever text arrives, the input checks, the normalizer (bot.text and the Rasa
component TextNormalizer) and the start of the NLU pipeline (JiebaTokenizer) never raise.

The trained model itself is exercised the same way, through the real stack, in
test_e2e_reliability.py (loading it here would cost about a minute per session).
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.channels.guard import check_text, clean_text, is_meaningful, valid_sender
from bot.nlu.normalizer import SCRIPT, TextNormalizer
from bot.text import detect_script, in_script, normalize_text

PROPERTY = settings(
    max_examples=300,
    deadline=None,
    database=None,  # leave no .hypothesis directory behind
    suppress_health_check=[HealthCheck.too_slow],
)

# Text as users (and attackers) send it: CJK, full-width forms, emoji, control and format
# characters and surrogates are drawn far more often than uniform code points would be.
SPECIAL = (
    "客服主管经理總監薪資工资多少二线城市?!。,…—"
    "\x00\x07\x1b\x7f\u200b\u200c\u200d\u2060\ufeff\u202e\u2028\u3000\xa0"
    "ＡＢＣ１２３😀👍🏻🎉👨‍👩‍👧/{}[]\"'\\<>&;%"
)
any_text = st.text(max_size=300)  # every code point except surrogates
hostile_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(SPECIAL),
        st.characters(),  # includes lone surrogates (JSON "\ud800" decodes to one)
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    ),
    max_size=300,
)


def tokenizer() -> JiebaTokenizer:
    config = {**JiebaTokenizer.get_default_config(), "dictionary_path": None}
    return JiebaTokenizer(config, None, None)


JIEBA = tokenizer()


@pytest.fixture(scope="module")
def normalizer(seeds) -> TextNormalizer:
    """The normalizer as configured: with the homophone table, so typo repair is fuzzed too."""
    return TextNormalizer.create({"homophones": str(seeds.artefacts.homophones_file)}, *[None] * 3)


@PROPERTY
@given(text=hostile_text)
@example(text="\ud800")
@example(text="\x00" * 10)
@example(text="客服\u200b主管" * 100)
def test_input_checks_never_raise_and_leave_nothing_invisible(text):
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned  # idempotent
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in cleaned)
    assert cleaned == cleaned.strip()
    checked = check_text(text, 100)
    assert checked.ok == (len(checked.text) <= 100 and is_meaningful(checked.text))
    assert checked.ok or checked.reply
    cleaned.encode("utf-8")  # what goes on to Rasa, SQLite and JSON is always encodable


@PROPERTY
@given(text=any_text)
@example(text="")
@example(text="客服總監的薪資多少")
@example(text="ｶｽﾀﾏｰ　ＳＥＲＶＩＣＥ")
def test_normalize_text_never_raises(text):
    out = normalize_text(text)
    assert isinstance(out, str)
    assert unicodedata.is_normalized("NFKC", out)
    assert detect_script(text) in ("simplified", "traditional")
    assert isinstance(in_script(out, detect_script(text)), str)


@PROPERTY
@given(text=hostile_text)
def test_what_the_channels_pass_on_always_normalizes(text):
    """REST and WeChat clean before Rasa sees the text, so even surrogates are safe."""
    normalize_text(check_text(text, 10_000).text)


def test_normalize_text_drops_a_lone_surrogate():
    assert normalize_text("客服\ud800主管") == "客服主管"


@PROPERTY
@given(texts=st.lists(any_text, min_size=1, max_size=5))
def test_normalizer_component_and_tokenizer_never_raise(normalizer, texts):
    messages = [Message(data={TEXT: text}) for text in texts]
    normalizer.process(messages)
    JIEBA.process(messages)
    for message, text in zip(messages, texts, strict=True):
        assert isinstance(message.get(TEXT), str)
        if text:
            assert message.get(SCRIPT) in ("simplified", "traditional")
        for token in message.get(TOKENS_NAMES[TEXT]) or []:
            assert 0 <= token.start <= token.end <= len(message.get(TEXT))


@PROPERTY
@given(
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | hostile_text,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
        max_leaves=5,
    )
)
def test_valid_sender_never_raises(value):
    result = valid_sender(value)
    assert result is None or (result == value and len(result) <= 128)
