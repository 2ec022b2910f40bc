"""Safe XML in, correctly escaped XML out."""

from __future__ import annotations

import pytest

from bot.channels import xmlmsg
from bot.channels.crypto import Envelope

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><MsgType>text</MsgType>
<Content>&xxe;</Content></xml>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<xml><Content>&lol9;</Content></xml>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE xml SYSTEM "http://127.0.0.1:9/evil.dtd"><xml><Content>x</Content></xml>"""


def test_reads_top_level_fields_and_cdata():
    body = (
        "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><CreateTime>1409735668</CreateTime>"
        "<MsgType>  <![CDATA[text]]></MsgType><Content><![CDATA[客服 <b>&amp;</b>]]></Content>"
        "<ScanCodeInfo><ScanType>qrcode</ScanType></ScanCodeInfo></xml>"
    )
    fields = xmlmsg.parse(body.encode())
    assert fields["ToUserName"] == "gh_1"
    assert fields["CreateTime"] == "1409735668"
    assert fields["MsgType"].strip() == "text"
    assert fields["Content"] == "客服 <b>&amp;</b>"
    assert "ScanType" not in fields  # nested elements are not flattened


@pytest.mark.parametrize(
    "body",
    [
        XXE,
        BILLION_LAUGHS,
        EXTERNAL_DTD,
        b"",
        b"   ",
        b"<xml>",
        b"<root><a>1</a></root>",
        b"\x00\xff\xfe garbage",
        "<xml><a>\udcff</a></xml>".encode("utf-8", "surrogatepass"),
    ],
)
def test_unsafe_or_malformed_xml_is_rejected(body):
    with pytest.raises(xmlmsg.XmlError):
        xmlmsg.parse(body)


def test_body_over_64_kb_is_rejected_before_parsing():
    body = b"<xml><Content>" + b"a" * (64 * 1024) + b"</Content></xml>"
    with pytest.raises(xmlmsg.XmlError, match="too large"):
        xmlmsg.parse(body)


@pytest.mark.parametrize(
    "content",
    ["plain", "a]]>b", "]]>", "]]]]>>", "<![CDATA[x]]>", "多行\n文本 & <tag>", "ends with ]]"],
)
def test_reply_cdata_round_trips_exactly(content):
    reply = xmlmsg.text_reply("user]]>", "gh_1", content, create_time=1)
    fields = xmlmsg.parse(reply.encode())
    assert fields["Content"] == content
    assert fields["ToUserName"] == "user]]>"
    assert fields["MsgType"] == "text"


def test_characters_xml_cannot_carry_are_dropped():
    reply = xmlmsg.text_reply("u", "gh", "a\x00b\x07c\x1fd\ttab\nline", create_time=1)
    assert xmlmsg.parse(reply.encode())["Content"] == "abcd\ttab\nline"


def test_envelope_shape():
    env = xmlmsg.envelope(Envelope("ENC+/=", "sig", "1700000000", "42"))
    assert xmlmsg.parse(env.encode()) == {
        "Encrypt": "ENC+/=",
        "MsgSignature": "sig",
        "TimeStamp": "1700000000",
        "Nonce": "42",
    }
