"""Signatures and AES against published test vectors, and strictness on malformed input.

Vectors come from:

* wechatpy's own tests (github.com/wechatpy/wechatpy): tests/test_utils.py
  (Official Account plaintext signature) and tests/test_crypto.py (WeCom: URL check,
  decryption, and an exact encryption with the random prefix fixed to "1234567890123456");
* Tencent's official samples: the WeCom Python callback sample (Sample.py in Tencent's
  weworkapi_python, callback/), and the Official Account WXBizMsgCrypt Python sample
  (Sample.py with token "spamtest", AppID wx2c2769f8efd9abc2).
"""

from __future__ import annotations

import base64

import pytest
from wechatpy.crypto import WeChatCrypto as WechatpyOACrypto

from bot.channels import xmlmsg
from bot.channels.crypto import (
    CryptoError,
    MessageCrypto,
    ReceiverMismatch,
    decode_aes_key,
    pkcs7_pad,
    pkcs7_unpad,
    signature,
    signature_matches,
    timestamp_fresh,
)

# -- wechatpy tests/test_utils.py: Official Account URL/message signature ----------------


def test_wechatpy_plaintext_signature_vector():
    expected = signature("test", "1410685589", "test")
    assert expected == "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"
    assert signature_matches(expected, "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff")
    assert not signature_matches(expected, "f21891de399b4e33a1a93c9a7b8a8fffb5a443fe")
    assert not signature_matches(expected, None)
    assert not signature_matches(expected, "")
    assert not signature_matches(expected, "签名")  # non-ASCII must not raise


# -- wechatpy tests/test_crypto.py: WeCom -------------------------------------------------

WECHATPY = MessageCrypto(
    "123456", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "wx49f0ab532d5d035a"
)
WECHATPY_ECHO = (
    "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
)
WECHATPY_ENCRYPT = (
    "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTy"
    "eDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYy"
    "olBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWO"
    "MZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7ml"
    "sl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0="
)


def test_wechatpy_wecom_url_check_vector():
    assert WECHATPY.verify(
        "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "1411443780", "437374425", WECHATPY_ECHO
    )
    assert not WECHATPY.verify(  # the vector's "should fail" case: another nonce
        "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", "1411443780", "437374424", WECHATPY_ECHO
    )
    assert WECHATPY.decrypt(WECHATPY_ECHO) == b"5927782489442352469"


def test_wechatpy_wecom_decrypt_vector():
    assert WECHATPY.verify(
        "74d92dfeb87ba7c714f89d98870ae5eb62dff26d", "1411525903", "461056294", WECHATPY_ENCRYPT
    )
    fields = xmlmsg.parse(WECHATPY.decrypt(WECHATPY_ENCRYPT))
    assert fields["Content"] == "test"
    assert fields["FromUserName"] == "messense"


def test_wechatpy_wecom_encrypt_vector_is_reproduced_exactly():
    reply = (
        "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n"
        "<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n"
        "<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n"
        "<CreateTime>1411525903</CreateTime>\n</xml>"
    )
    sealed = WECHATPY.seal(reply, "461056294", "1411525903", random_prefix=b"1234567890123456")
    assert sealed.encrypt == (
        "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNc"
        "BqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5w"
        "Y0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muX"
        "sVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxt"
        "AGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3"
    )
    assert sealed.msg_signature == "407518b7649e86ef23978113f92d27afa9296533"


# -- Tencent's official WeCom sample (weworkapi_python callback/Sample.py) ----------------

TENCENT_WECOM = MessageCrypto(
    "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
    "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
    "ww1436e0e65a779aee",
)
TENCENT_WECOM_ECHO = (
    "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA=="
)
TENCENT_WECOM_ENCRYPT = (
    "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGz"
    "BhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3J"
    "WcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQH"
    "E7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYu"
    "PDGOCI8jmnKiypE+"
)


def test_tencent_wecom_verify_url_vector():
    assert TENCENT_WECOM.verify(
        "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb", "1476416373", "47744683", TENCENT_WECOM_ECHO
    )
    assert TENCENT_WECOM.decrypt(TENCENT_WECOM_ECHO) == b"1288432023552776189"


def test_tencent_wecom_decrypt_vector():
    assert TENCENT_WECOM.verify(
        "0c3914025cb4b4d68103f6bfc8db550f79dcf48e",
        "1476422779",
        "1597212914",
        TENCENT_WECOM_ENCRYPT,
    )
    fields = xmlmsg.parse(TENCENT_WECOM.decrypt(TENCENT_WECOM_ENCRYPT))
    assert fields == {
        "ToUserName": "ww1436e0e65a779aee",
        "FromUserName": "ChenJiaShun",
        "CreateTime": "1476422779",
        "MsgType": "text",
        "Content": "你好",
        "MsgId": "1456453720",
        "AgentID": "1000002",
    }


# -- Tencent's official Official Account sample (WXBizMsgCrypt Sample.py) -----------------

TENCENT_OA = MessageCrypto(
    "spamtest", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx2c2769f8efd9abc2"
)
TENCENT_OA_ENCRYPT = (
    "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PG"
    "HQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6"
    "tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp"
    "3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhv"
    "Ql+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
)


def test_tencent_official_account_decrypt_vector():
    assert TENCENT_OA.verify(
        "5d197aaffba7e9b25a30732f161a50dee96bd5fa", "1409735669", "1320562132", TENCENT_OA_ENCRYPT
    )
    fields = xmlmsg.parse(TENCENT_OA.decrypt(TENCENT_OA_ENCRYPT))
    assert fields["Content"] == "abcdteT"
    assert fields["FromUserName"] == "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
    assert fields["MsgId"] == "6054768590064713728"


# -- interoperability and strictness ------------------------------------------------------

TENCENT_OA_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


def test_interoperates_with_wechatpy_both_ways():
    ours = MessageCrypto("tok", TENCENT_OA_KEY, "wxappid")
    theirs = WechatpyOACrypto("tok", TENCENT_OA_KEY, "wxappid")
    message = "<xml><Content><![CDATA[你好 ]]]]><![CDATA[> world]]></Content></xml>"
    sealed = ours.seal(message, "123", "1700000000")
    envelope = xmlmsg.envelope(sealed)
    assert theirs.decrypt_message(envelope, sealed.msg_signature, "1700000000", "123") == message
    their_xml = theirs.encrypt_message(message, "456", "1700000001")
    outer = xmlmsg.parse(their_xml)
    assert ours.verify(outer["MsgSignature"], "1700000001", "456", outer["Encrypt"])
    assert ours.decrypt(outer["Encrypt"]).decode() == message


def _raw_encrypt(c: MessageCrypto, plain: bytes) -> str:
    encryptor = c._cipher().encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


@pytest.mark.parametrize(
    "bad",
    [
        "not base64!",
        "",
        base64.b64encode(b"short").decode(),  # not a multiple of 16 bytes
        base64.b64encode(b"\x00" * 32).decode(),  # random block: padding byte out of range
        "QUJD QUJD QUJD QUJD QUJD QUJD",  # whitespace inside is not base64 data
    ],
)
def test_malformed_ciphertext_is_a_crypto_error(bad):
    with pytest.raises(CryptoError):
        TENCENT_OA.decrypt(bad)


def test_bad_padding_and_framing_are_rejected():
    c = TENCENT_OA
    body = b"0123456789abcdef" + (5).to_bytes(4, "big") + b"hello" + c.receiver_id
    good = pkcs7_pad(body)
    assert c.decrypt(_raw_encrypt(c, good)) == b"hello"
    inconsistent = good[:-2] + bytes([good[-1] - 1]) + good[-1:]  # padding bytes disagree
    with pytest.raises(CryptoError, match="padding"):
        c.decrypt(_raw_encrypt(c, inconsistent))
    too_long = pkcs7_pad(b"0123456789abcdef" + (9999).to_bytes(4, "big") + b"hello")
    with pytest.raises(CryptoError, match="length"):
        c.decrypt(_raw_encrypt(c, too_long))
    with pytest.raises(CryptoError, match="short"):
        c.decrypt(_raw_encrypt(c, pkcs7_pad(b"0123")))


def test_message_for_another_account_is_rejected():
    sealed = MessageCrypto("tok", TENCENT_OA_KEY, "wx-other").encrypt("<xml/>")
    with pytest.raises(ReceiverMismatch):
        MessageCrypto("tok", TENCENT_OA_KEY, "wx-mine").decrypt(sealed)


def test_pkcs7_uses_32_byte_blocks():
    assert len(pkcs7_pad(b"")) == 32 and pkcs7_pad(b"")[-1] == 32
    assert len(pkcs7_pad(b"x" * 31)) == 32
    assert len(pkcs7_pad(b"x" * 32)) == 64
    assert pkcs7_unpad(pkcs7_pad(b"abc")) == b"abc"
    with pytest.raises(CryptoError):
        pkcs7_unpad(b"x" * 31 + b"\x21")  # 33 > block size


def test_aes_key_must_be_43_base64_characters():
    assert len(decode_aes_key(TENCENT_OA_KEY)) == 32
    for bad in ("", "short", TENCENT_OA_KEY + "A", "!" * 43):
        with pytest.raises(ValueError):
            decode_aes_key(bad)


def test_timestamp_window():
    now = 1_700_000_000.0
    assert timestamp_fresh("1700000000", 300, now)
    assert timestamp_fresh("1699999700", 300, now)
    assert not timestamp_fresh("1699999699", 300, now)
    assert not timestamp_fresh("1700000301", 300, now)
    assert timestamp_fresh("1", 0, now)  # 0 disables the window
    for bad in ("", None, "abc", "-5", "1e9", "١٢٣", "9" * 20):
        assert not timestamp_fresh(bad, 300, now)
        assert not timestamp_fresh(bad, 0, now)
