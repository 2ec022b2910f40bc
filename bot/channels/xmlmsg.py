"""Reading platform XML safely and writing reply XML with correctly escaped CDATA.

Incoming XML goes through defusedxml with DTDs forbidden, so XXE, billion-laughs and any
other DOCTYPE trick is rejected before an entity is expanded. Replies are built here rather
than with wechatpy's reply classes, which put text into CDATA without escaping ``]]>``.
"""

from __future__ import annotations

import re
import time
from typing import Dict
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from bot.channels.crypto import Envelope

MAX_BODY_BYTES = 64 * 1024

# Characters XML 1.0 cannot carry at all, even inside CDATA.
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class XmlError(ValueError):
    """A body that is not a platform message: too large, malformed, or with a DTD."""


def parse(body: bytes | str) -> Dict[str, str]:
    """The top-level fields of an ``<xml>`` message as strings (first occurrence wins)."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    if len(data) > MAX_BODY_BYTES:
        raise XmlError("body too large")
    if not data.strip():
        raise XmlError("empty body")
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError, UnicodeError, RecursionError) as exc:
        raise XmlError(f"unreadable XML: {type(exc).__name__}") from exc
    if root.tag != "xml":
        raise XmlError("root element is not <xml>")
    fields: Dict[str, str] = {}
    for child in root:
        if isinstance(child.tag, str):
            fields.setdefault(child.tag, child.text or "")
    return fields


def clean(text: str) -> str:
    """Text without the characters XML cannot carry."""
    return _INVALID_XML_CHARS.sub("", text)


def cdata(text: str) -> str:
    """A CDATA section holding `text` exactly, ``]]>`` included."""
    return "<![CDATA[" + clean(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply(to_user: str, from_user: str, content: str, create_time: int | None = None) -> str:
    """A passive text reply (the same shape for Official Accounts and WeCom)."""
    created = int(time.time()) if create_time is None else create_time
    return (
        "<xml>"
        f"<ToUserName>{cdata(to_user)}</ToUserName>"
        f"<FromUserName>{cdata(from_user)}</FromUserName>"
        f"<CreateTime>{created}</CreateTime>"
        "<MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{cdata(content)}</Content>"
        "</xml>"
    )


def envelope(sealed: Envelope) -> str:
    """The encrypted reply body: ciphertext, its signature, timestamp and nonce."""
    return (
        "<xml>"
        f"<Encrypt>{cdata(sealed.encrypt)}</Encrypt>"
        f"<MsgSignature>{cdata(sealed.msg_signature)}</MsgSignature>"
        f"<TimeStamp>{sealed.timestamp}</TimeStamp>"
        f"<Nonce>{cdata(sealed.nonce)}</Nonce>"
        "</xml>"
    )


def element(tag: str, value: str) -> str:
    return f"<{tag}>{cdata(value)}</{tag}>"


def message(fields: Dict[str, str]) -> str:
    """An ``<xml>`` document from ordered fields (the simulator's incoming messages)."""
    inner = "".join(
        f"<{k}>{v}</{k}>" if k in ("CreateTime", "MsgId", "AgentID") else element(k, v)
        for k, v in fields.items()
    )
    return f"<xml>{inner}</xml>"
