"""Read: encodings (UTF-8, BOM, GB18030/GBK/GB2312, HTML-declared charsets), format sniffing, refusals."""

from __future__ import annotations

import codecs
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyx.read import InputError, InputRules, decode, read_document, sniff_format
from policyx.rules import RuleSet

# real sentences of corpus/ in characters that GB2312 also has
SENTENCES = [
    "为贯彻落实积极应对人口老龄化国家战略,结合我市实际,制定本方案。",
    "截至2020年底,全市累计建成养老机构6家,床位达到1312张。",
    "到2025年,政府运营养老床位比例不超过40%。",
]


@pytest.mark.parametrize("sentence", SENTENCES)
@pytest.mark.parametrize(
    ("codec", "prefix", "expected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("gb18030", b"", "gb18030"),
        ("gbk", b"", "gb18030"),
        ("gb2312", b"", "gb18030"),
    ],
)
def test_text_in_each_encoding_decodes(sentence: str, codec: str, prefix: bytes, expected: str, rules: RuleSet) -> None:
    doc = read_document(prefix + sentence.encode(codec), rules, name="doc.txt")
    assert doc.text == sentence
    assert doc.source.encoding == expected
    assert doc.source.format == "text"


@pytest.mark.parametrize("declared", ["gb2312", "GBK", "gb18030", "utf-8"])
def test_html_declaring_its_charset(declared: str, rules: RuleSet) -> None:
    body = f'<html><head><meta charset="{declared}"></head><body><p>{SENTENCES[0]}</p></body></html>'
    codec = "gbk" if declared.lower() != "utf-8" else "utf-8"
    doc = read_document(body.encode(codec), rules, name="page.html")
    assert SENTENCES[0] in doc.text
    assert doc.source.format == "html"
    assert doc.source.encoding == ("utf-8" if codec == "utf-8" else "gb18030")


def test_gbk_character_outside_gb2312_in_a_page_declared_gb2312(rules: RuleSet) -> None:
    # 镕 is GBK, not GB2312: pages that say gb2312 use GBK, so the GB family decodes as GB18030
    head = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    body = f"<html><head>{head}</head><body>朱镕基</body></html>"
    doc = read_document(body.encode("gbk"), rules, name="page.htm")
    assert "朱镕基" in doc.text


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("page", b"<!DOCTYPE html><html><body>x</body></html>", "html"),
        ("page", b"  <!-- cms --> <html lang=zh>", "html"),
        ("notes", "一、总体要求\n为贯彻落实".encode(), "text"),
        ("a.shtml", b"anything", "html"),
        ("a.txt", b"<html>", "text"),
    ],
)
def test_format_from_suffix_or_sniffed(name: str, data: bytes, expected: str, rules: RuleSet) -> None:
    assert sniff_format(name, data, rules.get(InputRules)) == expected


def test_truncated_gbk_is_a_clear_error() -> None:
    data = SENTENCES[1].encode("gbk")[:-1]  # half of the final 。
    with pytest.raises(InputError, match="truncated"):
        decode(data, "text")


def test_truncated_utf8_is_a_clear_error() -> None:
    data = (SENTENCES[0] * 3).encode("utf-8")[:-1]
    with pytest.raises(InputError, match="truncated UTF-8"):
        decode(data, "text")


def test_utf8_with_one_corrupt_byte_stays_utf8_with_a_warning(rules: RuleSet) -> None:
    good = ("\n".join(SENTENCES) * 5).encode("utf-8")
    doc = read_document(good[:40] + b"\xff" + good[40:], rules, name="doc.txt")
    assert doc.source.encoding == "utf-8 (lossy)"
    assert "\ufffd" in doc.text and SENTENCES[2] in doc.text
    assert [w.code for w in doc.warnings] == ["lossy_decode"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (bytes(range(256)) * 8, "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
    ],
)
def test_empty_and_binary_are_refused(data: bytes, message: str, rules: RuleSet) -> None:
    with pytest.raises(InputError, match=message):
        read_document(data, rules, name="x.txt")


def test_doc_id_comes_from_the_name_and_sha_from_the_bytes(rules: RuleSet) -> None:
    raw = SENTENCES[0].encode("utf-8")
    doc = read_document(raw, rules, name="corpus/000_d432b4ee5b26c821.txt")
    assert doc.doc_id == "000_d432b4ee5b26c821"
    assert doc.source.sha256 == hashlib.sha256(raw).hexdigest()


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=80),
    codec=st.sampled_from(["utf-8", "gb18030"]),
)
def test_any_chinese_text_round_trips(text: str, codec: str) -> None:
    data = text.encode(codec)
    decoded, _ = decode(data, "text")
    try:  # a few GB18030 byte strings are also valid UTF-8: then UTF-8 wins, as it must
        as_utf8: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        as_utf8 = None
    assert decoded == (as_utf8 if as_utf8 is not None else text)
