"""Customer-service message senders for replies that miss WeChat's 5-second window.

wechatpy's clients do the HTTP; these subclasses add what the channel needs:

* a configurable API base URL (WECHAT_API_BASE_URL / WECOM_API_BASE_URL), used for the
  access-token request too (wechatpy hard-codes that one to Tencent's host);
* an in-memory token refreshed well before it expires (wechatpy waits until 60 s before),
  fetched under a lock so that concurrent sends do not each fetch a token;
* request timeouts, also on the token request.

wechatpy uses `requests`, which blocks; `send` runs it in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from typing import Any, Dict

from wechatpy.client import WeChatClient
from wechatpy.enterprise.client import WeChatClient as WeComClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session.memorystorage import MemoryStorage

logger = logging.getLogger(__name__)
_SECRET_PARAMS = re.compile(r"(access_token|secret|corpsecret)=[^&\s'\"]*")

WECHAT_API_BASE_URL = "https://api.weixin.qq.com/cgi-bin/"
WECOM_API_BASE_URL = "https://qyapi.weixin.qq.com/cgi-bin/"
HTTP_TIMEOUT_S = 5.0
REFRESH_MARGIN_S = 600  # refresh this long before the token expires (tokens last 7200 s)


def _base(url: str, default: str) -> str:
    url = (url or default).strip()
    return url if url.endswith("/") else url + "/"


class _EarlyRefreshToken:
    """Mixin over wechatpy's BaseWeChatClient: token endpoint, lock, early refresh."""

    token_endpoint = "token"
    API_BASE_URL: str
    _http: Any
    session: Any
    timeout: Any
    expires_at: Any

    def _setup(self, api_base_url: str, timeout: float) -> None:
        self.API_BASE_URL = api_base_url
        self.timeout = timeout
        self._token_lock = threading.Lock()
        self._refresh_at = 0.0

    def _token_params(self) -> Dict[str, str]:
        raise NotImplementedError

    def fetch_access_token(self) -> Dict[str, Any]:
        res = self._http.get(
            self.API_BASE_URL + self.token_endpoint,
            params=self._token_params(),
            timeout=self.timeout,
        )
        res.raise_for_status()
        result = res.json()
        if result.get("errcode") or not result.get("access_token"):
            raise WeChatClientException(
                result.get("errcode"), result.get("errmsg"), client=self, response=res
            )
        expires_in = int(result.get("expires_in") or 7200)
        now = time.time()
        self.session.set(self.access_token_key, result["access_token"], expires_in)
        self.expires_at = int(now + expires_in)
        self._refresh_at = now + max(expires_in - REFRESH_MARGIN_S, expires_in / 2)
        return result

    @property
    def access_token(self) -> str:
        with self._token_lock:
            token = self.session.get(self.access_token_key)
            if token and time.time() < self._refresh_at:
                return token
            self.fetch_access_token()
            return self.session.get(self.access_token_key)


class OfficialAccountClient(_EarlyRefreshToken, WeChatClient):
    """Official Account: ``message/custom/send`` (客服消息)."""

    def __init__(self, app_id: str, secret: str, api_base_url: str = "", timeout=HTTP_TIMEOUT_S):
        super().__init__(app_id, secret, session=MemoryStorage(), timeout=timeout)
        self._setup(_base(api_base_url, WECHAT_API_BASE_URL), timeout)

    def _token_params(self) -> Dict[str, str]:
        return {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret}

    def send_text_sync(self, user_id: str, content: str) -> Any:
        return self.message.send_text(user_id, content)


class WeComAppClient(_EarlyRefreshToken, WeComClient):
    """WeCom self-built app: ``message/send`` to one member."""

    token_endpoint = "gettoken"

    def __init__(
        self,
        corp_id: str,
        secret: str,
        agent_id: str,
        api_base_url: str = "",
        timeout=HTTP_TIMEOUT_S,
    ):
        super().__init__(corp_id, secret, session=MemoryStorage(), timeout=timeout)
        self._setup(_base(api_base_url, WECOM_API_BASE_URL), timeout)
        self.agent_id = agent_id

    def _token_params(self) -> Dict[str, str]:
        return {"corpid": self.corp_id, "corpsecret": self.secret}

    def send_text_sync(self, user_id: str, content: str) -> Any:
        agent = int(self.agent_id) if str(self.agent_id).isdigit() else self.agent_id
        return self.message.send_text(agent, user_id, content)


def redact(exc: BaseException) -> str:
    """An exception's text without access tokens or secrets that URLs in it may carry."""
    return _SECRET_PARAMS.sub(r"\1=***", f"{type(exc).__name__}: {exc}")


class RedactSecrets(logging.Filter):
    """Mask secrets in log records: at DEBUG urllib3 logs each API request line with its query."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _SECRET_PARAMS.search(message):
            record.msg, record.args = _SECRET_PARAMS.sub(r"\1=***", message), ()
        return True


logging.getLogger("urllib3.connectionpool").addFilter(RedactSecrets())


async def send_texts(client: Any, user_id: str, chunks: list) -> int:
    """Send chunks in order without blocking the event loop; returns how many went out."""
    sent = 0
    for chunk in chunks:
        try:
            await asyncio.to_thread(client.send_text_sync, user_id, chunk)
        except Exception as exc:
            # 45015 (user silent for 48 h), 48001 (no permission), network errors...
            logger.warning(
                "customer-service send failed after %d of %d: %s", sent, len(chunks), redact(exc)
            )
            return sent
        sent += 1
    return sent
