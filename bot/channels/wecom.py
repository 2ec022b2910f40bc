"""WeCom (企业微信) self-built app input channel.

credentials.yml::

    bot.channels.wecom.WeComInput:
      corp_id: "${WECOM_CORP_ID}"
      agent_id: "${WECOM_AGENT_ID}"
      secret: "${WECOM_SECRET}"
      token: "${WECOM_TOKEN}"
      encoding_aes_key: "${WECOM_ENCODING_AES_KEY}"

Callback URL in the app's "接收消息" settings: https://HOST/webhooks/wecom/webhook.
WeCom always encrypts: the URL check decrypts ``echostr``, every message is in ``<Encrypt>``
signed by ``msg_signature``, and passive replies are encrypted the same way.
"""

from __future__ import annotations

from typing import Any, ClassVar, Dict, Mapping, Tuple

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import xmlmsg
from bot.channels.base import ChatAppInput, Reject, ReplyTo
from bot.channels.cache import TTLCache
from bot.channels.clients import WeComAppClient
from bot.channels.crypto import CryptoError, MessageCrypto, timestamp_fresh
from bot.channels.settings import ChannelSettings


class WeComInput(ChatAppInput):
    PLATFORM = "wecom"
    TITLE = "WeCom"
    EMPTY_REPLY = ""
    FIELDS: ClassVar[Mapping[str, Tuple[str, bool]]] = {
        "corp_id": ("WECOM_CORP_ID", True),
        "agent_id": ("WECOM_AGENT_ID", True),
        "secret": ("WECOM_SECRET", True),
        "token": ("WECOM_TOKEN", True),
        "encoding_aes_key": ("WECOM_ENCODING_AES_KEY", True),
        "api_base_url": ("WECOM_API_BASE_URL", False),
    }

    def __init__(
        self, settings: ChannelSettings, cache: TTLCache | None = None, client: Any = None
    ) -> None:
        super().__init__(settings, cache, client)
        self.crypto: MessageCrypto | None = None
        if settings.ready:
            self.crypto = MessageCrypto(
                settings["token"], settings["encoding_aes_key"], settings["corp_id"]
            )

    def make_client(self) -> WeComAppClient:
        s = self.settings
        return WeComAppClient(s["corp_id"], s["secret"], s["agent_id"], s["api_base_url"])

    def _params(self, request: Request) -> Tuple[str, str, str]:
        timestamp = request.args.get("timestamp", "")
        nonce = request.args.get("nonce", "")
        return timestamp, nonce, request.args.get("msg_signature", "")

    async def verify_url(self, request: Request) -> HTTPResponse:
        assert self.crypto is not None
        timestamp, nonce, msg_signature = self._params(request)
        echostr = request.args.get("echostr", "")
        # A '+' left unencoded by a proxy arrives as a space; try it as '+' as well.
        candidates = dict.fromkeys((echostr, echostr.replace(" ", "+")))
        matching = [c for c in candidates if self.crypto.verify(msg_signature, timestamp, nonce, c)]
        if not matching:
            raise Reject(403, "bad msg_signature")
        if not timestamp_fresh(timestamp, self.settings.max_clock_skew_s):
            raise Reject(403, "stale timestamp")
        try:
            plain = self.crypto.decrypt(matching[0]).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CryptoError("echostr is not UTF-8") from exc
        return response.text(plain)

    def open(self, request: Request) -> Tuple[Dict[str, str], ReplyTo]:
        assert self.crypto is not None
        body = request.body or b""
        if len(body) > xmlmsg.MAX_BODY_BYTES:
            raise Reject(400, "body too large")
        timestamp, nonce, msg_signature = self._params(request)
        if not timestamp_fresh(timestamp, self.settings.max_clock_skew_s):
            raise Reject(403, "stale or missing timestamp")
        encrypt = xmlmsg.parse(body).get("Encrypt", "")
        if not encrypt:
            raise Reject(400, "no Encrypt element")
        if not self.crypto.verify(msg_signature, timestamp, nonce, encrypt):
            raise Reject(403, "bad msg_signature")
        return xmlmsg.parse(self.crypto.decrypt(encrypt)), ReplyTo(encrypted=True, nonce=nonce)

    def seal(self, reply_xml: str, reply_to: ReplyTo) -> str:
        assert self.crypto is not None
        return xmlmsg.envelope(self.crypto.seal(reply_xml, reply_to.nonce))
