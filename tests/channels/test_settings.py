"""Settings from credentials.yml and the environment; a channel without them stays unmounted."""

from __future__ import annotations

import logging

import pytest
import rasa.shared.utils.io
from rasa.shared.exceptions import RasaException
from rasa.shared.utils.common import class_from_module_path

from bot.channels.base import ChatAppInput
from bot.channels.settings import resolve
from bot.channels.wechat import WeChatInput
from bot.channels.wecom import WeComInput
from bot.knowledge.paths import PROJECT_ROOT as ROOT
from tests.channels.conftest import WECHAT_ENV, WECOM_ENV, serve

CREDENTIALS = (ROOT / "credentials.yml").read_text(encoding="utf-8")  # the committed file


@pytest.fixture
def clean_env(monkeypatch):
    for name in [*WECHAT_ENV, *WECOM_ENV]:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_rasa_aborts_on_an_unquoted_unset_variable_so_credentials_quote_them(tmp_path, clean_env):
    """Why credentials.yml quotes the placeholders: Rasa 3.6 raises for unquoted ones."""
    unquoted = tmp_path / "unquoted.yml"
    unquoted.write_text("bot.channels.wechat.WeChatInput:\n  token: ${WECHAT_TOKEN}\n")
    with pytest.raises(RasaException, match="WECHAT_TOKEN"):
        rasa.shared.utils.io.read_config_file(str(unquoted))


def test_quoted_placeholders_resolve_from_the_environment(tmp_path, clean_env):
    path = tmp_path / "credentials.yml"
    path.write_text(CREDENTIALS)
    for name, value in {**WECHAT_ENV, **WECOM_ENV}.items():
        clean_env.setenv(name, value)
    credentials = rasa.shared.utils.io.read_config_file(str(path))
    # Loaded by module path, as rasa.core.run._create_single_channel does for custom channels.
    channels = {
        path: class_from_module_path(path).from_credentials(creds)
        for path, creds in credentials.items()
        if path.startswith("bot.")
    }
    wechat = channels["bot.channels.wechat.WeChatInput"]
    wecom = channels["bot.channels.wecom.WeComInput"]
    assert isinstance(wechat, WeChatInput) and wechat.settings.ready
    assert wechat.settings["token"] == "test-token"
    assert wechat.url_prefix() == "wechat" and wecom.url_prefix() == "wecom"
    assert isinstance(wecom, WeComInput) and wecom.settings.ready
    assert wecom.settings.reply_deadline_s == 0.5


def test_unset_variables_are_reported_missing(tmp_path, clean_env):
    path = tmp_path / "credentials.yml"
    path.write_text(CREDENTIALS)
    clean_env.setenv("WECHAT_TOKEN", "t")
    clean_env.setenv("WECHAT_APP_SECRET", "")  # set but empty counts as missing
    credentials = rasa.shared.utils.io.read_config_file(str(path))
    wechat = WeChatInput.from_credentials(credentials["bot.channels.wechat.WeChatInput"])
    assert not wechat.settings.ready
    assert wechat.settings.missing == ["WECHAT_APP_ID", "WECHAT_APP_SECRET"]
    wecom = WeComInput.from_credentials(None)  # listed without any keys: environment only
    assert wecom.settings.missing == [
        "WECOM_CORP_ID",
        "WECOM_AGENT_ID",
        "WECOM_SECRET",
        "WECOM_TOKEN",
        "WECOM_ENCODING_AES_KEY",
    ]


def test_literal_values_and_bad_keys():
    env = {
        "WECHAT_ENCODING_AES_KEY": "too-short",
        "WECHAT_REPLY_DEADLINE_S": "soon",
        "WECHAT_MAX_CLOCK_SKEW_S": "0",
    }
    s = resolve({"token": "literal", "app_id": "wx${WECHAT_SUFFIX}"}, WeChatInput.FIELDS, env)
    assert s["token"] == "literal" and s["app_id"] == "wx"
    assert s.invalid == ["WECHAT_ENCODING_AES_KEY"] and not s.ready
    assert s.reply_deadline_s == 4.0  # not a number: the default
    assert s.max_clock_skew_s == 0  # 0 disables the timestamp window
    assert resolve({}, WeChatInput.FIELDS, {"WECHAT_REPLY_DEADLINE_S": "30"}).reply_deadline_s == 4


async def test_unconfigured_channel_mounts_no_webhook_and_says_so_once(clean_env, http, caplog):
    ChatAppInput._announced.clear()
    channel = WeChatInput.from_credentials({"token": "${WECHAT_TOKEN}"})

    async def never(_):
        raise AssertionError("must not be called")

    with caplog.at_level(logging.WARNING, logger="bot.channels.base"):
        channel.blueprint(never)  # a second blueprint() call must not log again
        async with serve(channel, never) as url:
            async with http.get(url + "/") as res:
                assert res.status == 200 and (await res.json()) == {"status": "disabled"}
            for method in ("get", "post"):
                async with http.request(method, url + "/webhook", data=b"<xml/>") as res:
                    assert res.status == 404
    notes = [r.getMessage() for r in caplog.records if "DISABLED" in r.getMessage()]
    assert len(notes) == 1
    assert "WECHAT_TOKEN" in notes[0] and "WECHAT_APP_SECRET" in notes[0]
    assert "/webhooks/wechat/webhook is not mounted" in notes[0]
