"""Play WeChat or WeCom against a running Rasa server, from the terminal.

    python -m bot.channels.simulate wechat|wecom [--url http://localhost:5005] [--encrypt]
                                   [--user NAME] [--api-port 8999] [--print-env]

Each line read from stdin is sent as a text message, signed (and encrypted) exactly as the
platform does, and the passive reply is verified, decrypted and printed. Lines starting
with "!" send other kinds: !subscribe !unsubscribe !scan !image !location !link !voice TEXT.

Settings come from the same environment variables as the server, with test defaults when
unset; `--print-env` prints them as `export` lines for the server's shell. With `--api-port`
a stand-in for Tencent's API listens on 127.0.0.1 and prints customer-service messages,
the way slow or long replies arrive; point the server at it with the printed
WECHAT_API_BASE_URL / WECOM_API_BASE_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import sys
import time
from dataclasses import dataclass
from typing import Dict, Mapping, Tuple

from bot.channels import xmlmsg
from bot.channels.crypto import MessageCrypto, random_nonce, signature, signature_matches

TEST_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # Tencent's sample key
DEFAULTS: Dict[str, Dict[str, str]] = {
    "wechat": {
        "WECHAT_TOKEN": "dev-wechat-token",
        "WECHAT_APP_ID": "wx00000000dev00000",
        "WECHAT_APP_SECRET": "dev-wechat-secret",
        "WECHAT_ENCODING_AES_KEY": TEST_AES_KEY,
    },
    "wecom": {
        "WECOM_CORP_ID": "ww00000000dev00000",
        "WECOM_AGENT_ID": "1000002",
        "WECOM_SECRET": "dev-wecom-secret",
        "WECOM_TOKEN": "dev-wecom-token",
        "WECOM_ENCODING_AES_KEY": TEST_AES_KEY,
    },
}
ACCOUNT = {"wechat": "gh_simulator0000", "wecom": ""}  # ToUserName (OA original id / CorpID)
_MSG_IDS = itertools.count(int(time.time() * 1000))


def settings(platform: str, environ: Mapping[str, str] | None = None) -> Dict[str, str]:
    env = os.environ if environ is None else environ
    return {k: (env.get(k) or "").strip() or v for k, v in DEFAULTS[platform].items()}


@dataclass
class Platform:
    """Builds requests the way the platform does and reads its passive replies."""

    name: str  # "wechat" | "wecom"
    values: Dict[str, str]
    encrypt: bool = False
    user: str = "simulator-user"

    @property
    def _prefix(self) -> str:
        return "WECHAT_" if self.name == "wechat" else "WECOM_"

    def _get(self, key: str) -> str:
        return self.values[self._prefix + key]

    @property
    def receiver(self) -> str:
        return self._get("APP_ID") if self.name == "wechat" else self._get("CORP_ID")

    @property
    def crypto(self) -> MessageCrypto:
        return MessageCrypto(self._get("TOKEN"), self._get("ENCODING_AES_KEY"), self.receiver)

    @property
    def encrypted(self) -> bool:
        return self.encrypt or self.name == "wecom"

    def message_fields(self, line: str) -> Dict[str, str]:
        """The plaintext message a user's line (or !command) becomes."""
        now = str(int(time.time()))
        to_user = ACCOUNT[self.name] or self.receiver
        base = {"ToUserName": to_user, "FromUserName": self.user, "CreateTime": now}
        command, _, rest = line.partition(" ")
        if command in ("!subscribe", "!unsubscribe", "!scan"):
            fields = {**base, "MsgType": "event", "Event": command[1:].replace("scan", "SCAN")}
            if command == "!scan":
                fields["EventKey"] = "simulator"
        elif command == "!image":
            fields = {**base, "MsgType": "image", "PicUrl": "http://127.0.0.1/x.jpg"}
        elif command == "!voice":
            fields = {**base, "MsgType": "voice", "MediaId": "m", "Format": "amr"}
            fields["Recognition"] = rest
        elif command == "!location":
            fields = {**base, "MsgType": "location", "Location_X": "31.2", "Location_Y": "121.5"}
        elif command == "!link":
            fields = {**base, "MsgType": "link", "Title": "链接", "Url": "http://127.0.0.1/"}
        else:
            fields = {**base, "MsgType": "text", "Content": line}
        if fields["MsgType"] != "event":
            fields["MsgId"] = str(next(_MSG_IDS))
        if self.name == "wecom":
            fields["AgentID"] = self._get("AGENT_ID")
        return fields

    def request(
        self, fields: Mapping[str, str], timestamp: str | None = None
    ) -> Tuple[Dict[str, str], bytes]:
        """Query parameters and body of the POST the platform would send."""
        timestamp = timestamp or str(int(time.time()))
        nonce = random_nonce()
        plain = xmlmsg.message(dict(fields))
        if not self.encrypted:
            sig = signature(self._get("TOKEN"), timestamp, nonce)
            return {"signature": sig, "timestamp": timestamp, "nonce": nonce}, plain.encode()
        crypto = self.crypto
        encrypt = crypto.encrypt(plain)
        msg_signature = crypto.sign(timestamp, nonce, encrypt)
        if self.name == "wecom":
            outer = (
                f"<xml><ToUserName>{xmlmsg.cdata(self.receiver)}</ToUserName>"
                f"<Encrypt>{xmlmsg.cdata(encrypt)}</Encrypt>"
                f"<AgentID>{xmlmsg.cdata(self._get('AGENT_ID'))}</AgentID></xml>"
            )
            params = {"msg_signature": msg_signature, "timestamp": timestamp, "nonce": nonce}
            return params, outer.encode()
        outer = (
            f"<xml><ToUserName>{xmlmsg.cdata(fields['ToUserName'])}</ToUserName>"
            f"<Encrypt>{xmlmsg.cdata(encrypt)}</Encrypt></xml>"
        )
        params = {
            "signature": signature(self._get("TOKEN"), timestamp, nonce),
            "timestamp": timestamp,
            "nonce": nonce,
            "openid": self.user,
            "encrypt_type": "aes",
            "msg_signature": msg_signature,
        }
        return params, outer.encode()

    def read_reply(self, body: str) -> Dict[str, str] | None:
        """The passive reply's fields; None for "success"/empty. Raises on a bad signature."""
        if not body.strip() or body.strip() == "success":
            return None
        fields = xmlmsg.parse(body)
        if "Encrypt" not in fields:
            if self.encrypted:
                raise ValueError("expected an encrypted reply")
            return fields
        crypto = self.crypto
        expected = crypto.sign(fields["TimeStamp"], fields["Nonce"], fields["Encrypt"])
        if not signature_matches(expected, fields.get("MsgSignature")):
            raise ValueError("reply signature does not verify")
        return xmlmsg.parse(crypto.decrypt(fields["Encrypt"]))


# -- the terminal loop ----------------------------------------------------------


async def start_fake_api(port: int, token, send):
    """A stand-in for Tencent's token and message-send APIs on 127.0.0.1.

    `token(request)` and `send(request)` are aiohttp handlers; both the OA and
    the WeCom paths are routed to them. Returns the runner and the bound port.
    """
    from aiohttp import web

    app = web.Application()
    app.router.add_get("/cgi-bin/token", token)
    app.router.add_get("/cgi-bin/gettoken", token)
    app.router.add_post("/cgi-bin/message/custom/send", send)
    app.router.add_post("/cgi-bin/message/send", send)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]


async def _fake_api(port: int):
    """The simulator's fake API: prints the customer-service messages it receives."""
    from aiohttp import web

    async def token(_: web.Request) -> web.Response:
        return web.json_response({"access_token": "simulated", "expires_in": 7200})

    async def send(request: web.Request) -> web.Response:
        data = json.loads(await request.read())
        print(
            f"\n[客服消息 → {data.get('touser')}]\n{data.get('text', {}).get('content')}\n> ",
            end="",
            flush=True,
        )
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    runner, _ = await start_fake_api(port, token, send)
    return runner


async def _loop(platform: Platform, url: str, api_port: int | None) -> None:
    import aiohttp

    runner = await _fake_api(api_port) if api_port else None
    endpoint = f"{url.rstrip('/')}/webhooks/{platform.name}/webhook"
    print(f"→ {endpoint} ({'encrypted' if platform.encrypted else 'plaintext'}); Ctrl-D quits")
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as session:
            while True:
                print("> ", end="", flush=True)
                line = await asyncio.to_thread(sys.stdin.readline)
                if not line:
                    break
                line = line.rstrip("\n")
                if not line.strip():
                    continue
                params, body = platform.request(platform.message_fields(line))
                started = time.perf_counter()
                try:
                    async with session.post(endpoint, params=params, data=body) as res:
                        text = await res.text()
                        status = res.status
                except aiohttp.ClientError as exc:
                    print(f"[连接失败] {exc}")
                    continue
                took = (time.perf_counter() - started) * 1000
                if status != 200:
                    print(f"[HTTP {status}] {text} ({took:.0f} ms)")
                    continue
                try:
                    reply = platform.read_reply(text)
                except ValueError as exc:
                    print(f"[回复无法验证] {exc}: {text[:200]}")
                    continue
                if reply is None:
                    print(f"[无被动回复 {took:.0f} ms;如有内容将通过客服消息接口发送]")
                else:
                    print(f"{reply.get('Content', reply)}\n[{took:.0f} ms]")
    finally:
        if runner is not None:
            await runner.cleanup()


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.channels.simulate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("platform", choices=["wechat", "wecom"])
    parser.add_argument("--url", default="http://localhost:5005", help="the Rasa server")
    parser.add_argument("--encrypt", action="store_true", help="Official Account safe mode")
    parser.add_argument("--user", default="simulator-user", help="FromUserName to send as")
    parser.add_argument("--api-port", type=int, help="serve a stand-in API on this port")
    parser.add_argument("--print-env", action="store_true", help="print export lines and exit")
    args = parser.parse_args(argv)
    values = settings(args.platform)
    if args.print_env:
        for key, value in values.items():
            print(f"export {key}={value}")
        if args.api_port:
            var = "WECHAT_API_BASE_URL" if args.platform == "wechat" else "WECOM_API_BASE_URL"
            print(f"export {var}=http://127.0.0.1:{args.api_port}/cgi-bin/")
        return 0
    defaulted = [k for k in DEFAULTS[args.platform] if not (os.environ.get(k) or "").strip()]
    if defaulted:
        print(
            f"using test defaults for {', '.join(defaulted)} "
            f"(the server needs the same: --print-env)",
            file=sys.stderr,
        )
    platform = Platform(args.platform, values, encrypt=args.encrypt, user=args.user)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_loop(platform, args.url, args.api_port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
