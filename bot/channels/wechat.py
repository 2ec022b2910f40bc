"""WeChat Official Account (微信公众号) input channel.

credentials.yml::

    bot.channels.wechat.WeChatInput:
      token: "${WECHAT_TOKEN}"
      app_id: "${WECHAT_APP_ID}"
      app_secret: "${WECHAT_APP_SECRET}"
      encoding_aes_key: "${WECHAT_ENCODING_AES_KEY}"

Server URL in the console: https://HOST/webhooks/wechat/webhook. Plaintext, compatible and
safe mode all work; in compatible and safe mode (``encrypt_type=aes``) only the encrypted
copy is trusted and the reply is encrypted.
"""

from __future__ import annotations

from typing import Any, ClassVar, Dict, Mapping, Tuple

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import xmlmsg
from bot.channels.base import ASK_GREET, IGNORE, Action, ChatAppInput, Reject, ReplyTo
from bot.channels.cache import TTLCache
from bot.channels.clients import OfficialAccountClient
from bot.channels.crypto import MessageCrypto, signature, signature_matches, timestamp_fresh
from bot.channels.settings import ChannelSettings


class WeChatInput(ChatAppInput):
    PLATFORM = "wechat"
    TITLE = "WeChat Official Account"
    EMPTY_REPLY = "success"
    FIELDS: ClassVar[Mapping[str, Tuple[str, bool]]] = {
        "token": ("WECHAT_TOKEN", True),
        "app_id": ("WECHAT_APP_ID", True),
        "app_secret": ("WECHAT_APP_SECRET", True),
        "encoding_aes_key": ("WECHAT_ENCODING_AES_KEY", False),
        "api_base_url": ("WECHAT_API_BASE_URL", False),
    }

    def __init__(
        self, settings: ChannelSettings, cache: TTLCache | None = None, client: Any = None
    ) -> None:
        super().__init__(settings, cache, client)
        self.crypto: MessageCrypto | None = None
        if settings.ready and settings["encoding_aes_key"]:
            self.crypto = MessageCrypto(
                settings["token"], settings["encoding_aes_key"], settings["app_id"]
            )

    def make_client(self) -> OfficialAccountClient:
        s = self.settings
        return OfficialAccountClient(s["app_id"], s["app_secret"], s["api_base_url"])

    def _check_request_signature(self, request: Request) -> Tuple[str, str]:
        timestamp = request.args.get("timestamp", "")
        nonce = request.args.get("nonce", "")
        expected = signature(self.settings["token"], timestamp, nonce)
        if not signature_matches(expected, request.args.get("signature")):
            raise Reject(403, "bad signature")
        if not timestamp_fresh(timestamp, self.settings.max_clock_skew_s):
            raise Reject(403, "stale timestamp")
        return timestamp, nonce

    async def verify_url(self, request: Request) -> HTTPResponse:
        self._check_request_signature(request)
        return response.text(request.args.get("echostr", ""))

    def open(self, request: Request) -> Tuple[Dict[str, str], ReplyTo]:
        body = request.body or b""
        if len(body) > xmlmsg.MAX_BODY_BYTES:
            raise Reject(400, "body too large")
        timestamp, nonce = self._check_request_signature(request)
        encrypt_type = (request.args.get("encrypt_type") or "raw").strip().lower()
        if encrypt_type == "raw":
            return xmlmsg.parse(body), ReplyTo(encrypted=False)
        if encrypt_type != "aes":
            raise Reject(400, "unknown encrypt_type")
        if self.crypto is None:
            raise Reject(400, "safe mode needs WECHAT_ENCODING_AES_KEY")
        encrypt = xmlmsg.parse(body).get("Encrypt", "")
        if not encrypt:
            raise Reject(400, "no Encrypt element")
        if not self.crypto.verify(request.args.get("msg_signature"), timestamp, nonce, encrypt):
            raise Reject(403, "bad msg_signature")
        return xmlmsg.parse(self.crypto.decrypt(encrypt)), ReplyTo(encrypted=True, nonce=nonce)

    def seal(self, reply_xml: str, reply_to: ReplyTo) -> str:
        if not reply_to.encrypted or self.crypto is None:
            return reply_xml
        return xmlmsg.envelope(self.crypto.seal(reply_xml, reply_to.nonce))

    def classify_event(self, event: str, fields: Mapping[str, str]) -> Action:
        # A new follower, or a follower scanning a parametric QR code: welcome them.
        return ASK_GREET if event in ("subscribe", "scan") else IGNORE
