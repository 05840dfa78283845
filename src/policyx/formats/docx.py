"""A Word ``.docx`` → plain lines, with the standard library only (zipfile + ElementTree).

Paragraphs in body order; automatic numbering (``numbering.xml``) rendered back into the label Word shows
(``一、``, ``(一)``, ``1.``), since it is not in the paragraph's text; tables as one line per row, cells joined by a
TAB (``html.py``'s form, which ``tables`` reads) with horizontally and vertically merged cells repeated in every
position they cover; headers, footers, footnotes and deleted revisions are never read.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAX_XML = 200 * 1024 * 1024  # a zip bomb's document.xml is refused, not inflated
_WS = re.compile(r"[ \t\r\n]+")

_CN_DIGITS = "零一二三四五六七八九"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PAREN_NUM = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_LABEL_END = "、.．)）]】:："  # after these Word's tab/space suffix is dropped: the seed texts write 一、实施背景


class DocxError(ValueError):
    """A .docx that cannot be read; the message is one line."""


def chinese_counting(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五 (Word's chineseCounting)."""
    if n <= 0:
        return str(n)
    if n >= 10000:
        return str(n)
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            if zero:
                out += "零"
            out += ("" if unit == "十" and not out and digit == 1 else _CN_DIGITS[digit]) + unit
            zero = False
        elif out:
            zero = True
    return out


def _roman(n: int) -> str:
    pairs = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
             (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    out = ""
    for value, sym in pairs:
        while n >= value:
            out, n = out + sym, n - value
    return out


def _letters(n: int) -> str:
    # Word repeats the letter: 27 → aa
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def format_number(n: int, fmt: str) -> str:
    """One counter in one of Word's ``w:numFmt`` styles (unknown styles fall back to decimal)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "chineseLegalSimplified",
               "ideographLegalTraditional", "taiwaneseCounting", "taiwaneseCountingThousand"):
        text = chinese_counting(n)
        if fmt in ("chineseLegalSimplified", "ideographLegalTraditional"):
            text = text.translate(str.maketrans("一二三四五六七八九十百千", "壹贰叁肆伍陆柒捌玖拾佰仟"))
        return text
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10] if n > 0 else str(n)
    if fmt == "ideographZodiac":
        return _DIZHI[(n - 1) % 12] if n > 0 else str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return _CIRCLED[n - 1] if 0 < n <= len(_CIRCLED) else str(n)
    if fmt == "decimalEnclosedParen":
        return _PAREN_NUM[n - 1] if 0 < n <= len(_PAREN_NUM) else f"({n})"
    if fmt == "decimalFullWidth":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    suffix: str = "tab"
    legal: bool = False
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level; 0 = never


@dataclass
class _Numbering:
    """``numbering.xml``: abstract lists, their instances (w:num) and the live counters."""

    abstract: dict[str, dict[int, _Level]] = field(default_factory=dict)
    nums: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)  # numId → (abstractId, overrides)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    def label(self, num_id: str, ilvl: int) -> str:
        """The label Word shows for the next paragraph of list ``num_id`` at level ``ilvl`` (advancing it)."""
        if num_id not in self.nums or num_id == "0":
            return ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        if ilvl not in levels:
            return ""
        # instances without a start override share the abstract list's counters (Word continues the list);
        # an override starts an instance of its own
        key = f"num:{num_id}" if overrides else f"abs:{abstract_id}"
        counters = self.counters.get(key)
        if counters is None:
            counters = self.counters[key] = {}
        for lvl, start in overrides.items():
            counters.setdefault(lvl, start - 1)
        level = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper, lv in levels.items():
            if deeper > ilvl and (lv.restart is None or (lv.restart and lv.restart - 1 <= ilvl)):
                counters.pop(deeper, None)
        if level.fmt == "bullet":
            return ""

        def one(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lv = levels.get(k, _Level())
            value = counters.get(k, lv.start)
            return str(value) if level.legal and lv.fmt != "none" else format_number(value, lv.fmt)

        text = re.sub(r"%([1-9])", one, level.text)
        if not text:
            return ""
        if level.suffix != "nothing" and text[-1] not in _LABEL_END:
            text += " "
        return text


def _int(el: ET.Element | None, default: int | None = None) -> int | None:
    if el is None:
        return default
    try:
        return int(el.get(W + "val", ""))
    except ValueError:
        return default


def _read_numbering(xml: bytes | None) -> _Numbering:
    numbering = _Numbering()
    if not xml:
        return numbering
    root = ET.fromstring(xml)
    for ab in root.iter(W + "abstractNum"):
        levels: dict[int, _Level] = {}
        for lvl in ab.iter(W + "lvl"):
            ilvl = int(lvl.get(W + "ilvl", "0"))
            fmt, text, suff = lvl.find(W + "numFmt"), lvl.find(W + "lvlText"), lvl.find(W + "suff")
            levels[ilvl] = _Level(
                start=_int(lvl.find(W + "start"), 1) or 0,
                fmt=fmt.get(W + "val", "decimal") if fmt is not None else "decimal",
                text=text.get(W + "val", "") if text is not None else "",
                suffix=suff.get(W + "val", "tab") if suff is not None else "tab",
                legal=lvl.find(W + "isLgl") is not None,
                restart=_int(lvl.find(W + "lvlRestart")),
            )
        numbering.abstract[ab.get(W + "abstractNumId", "")] = levels
    for num in root.iter(W + "num"):
        abstract = num.find(W + "abstractNumId")
        overrides = {}
        for ov in num.iter(W + "lvlOverride"):
            start = _int(ov.find(W + "startOverride"))
            if start is not None:
                overrides[int(ov.get(W + "ilvl", "0"))] = start
        if abstract is not None:
            numbering.nums[num.get(W + "numId", "")] = (abstract.get(W + "val", ""), overrides)
    return numbering


def _style_numbering(xml: bytes | None) -> dict[str, tuple[str, int]]:
    """Paragraph styles that carry numbering themselves (heading styles linked to a list), basedOn followed."""
    if not xml:
        return {}
    root = ET.fromstring(xml)
    own: dict[str, tuple[str | None, int | None]] = {}
    based: dict[str, str] = {}
    for st in root.iter(W + "style"):
        sid = st.get(W + "styleId", "")
        base = st.find(W + "basedOn")
        if base is not None:
            based[sid] = base.get(W + "val", "")
        numpr = st.find(f"{W}pPr/{W}numPr")
        if numpr is not None:
            nid = numpr.find(W + "numId")
            own[sid] = (nid.get(W + "val") if nid is not None else None, _int(numpr.find(W + "ilvl")))
    out: dict[str, tuple[str, int]] = {}
    for sid in set(own) | set(based):
        num_id, ilvl, cur, seen = None, None, sid, set()
        while cur and cur not in seen:
            seen.add(cur)
            n, lv = own.get(cur, (None, None))
            num_id = num_id or n
            ilvl = ilvl if ilvl is not None else lv
            cur = based.get(cur, "")
        if num_id:
            out[sid] = (num_id, ilvl or 0)
    return out


def _runs_text(p: ET.Element) -> str:
    """A paragraph's visible text: w:t, tabs and breaks, skipping deleted revisions and field codes."""
    out: list[str] = []

    def walk(el: ET.Element) -> None:
        for child in el:
            tag = child.tag
            if tag in (W + "del", W + "instrText", W + "delText", W + "footnoteReference", W + "endnoteReference"):
                continue
            if tag == W + "t":
                out.append(child.text or "")
            elif tag == W + "tab":
                out.append("\t")
            elif tag in (W + "br", W + "cr"):
                out.append("\n")
            elif tag == W + "noBreakHyphen":
                out.append("-")
            elif tag != W + "pPr":
                walk(child)

    walk(p)
    return "".join(out)


@dataclass
class _Reader:
    numbering: _Numbering
    styles: dict[str, tuple[str, int]]

    def paragraph(self, p: ET.Element) -> str:
        text = _runs_text(p)
        ppr = p.find(W + "pPr")
        num_id, ilvl = None, 0
        if ppr is not None:
            style = ppr.find(W + "pStyle")
            if style is not None and style.get(W + "val", "") in self.styles:
                num_id, ilvl = self.styles[style.get(W + "val", "")]
            numpr = ppr.find(W + "numPr")
            if numpr is not None:
                nid = numpr.find(W + "numId")
                if nid is not None:
                    num_id = nid.get(W + "val")
                ilvl = _int(numpr.find(W + "ilvl"), ilvl) or 0
        if num_id and text.strip():
            text = self.numbering.label(num_id, ilvl) + text
        return text

    def table(self, tbl: ET.Element) -> list[list[str]]:
        """The grid: a gridSpan cell repeated across its columns, a vMerge continuation takes the cell above."""
        grid: list[list[str]] = []
        for tr in tbl.findall(W + "tr"):
            row: list[str] = []
            for tc in tr.findall(W + "tc"):
                tcpr = tc.find(W + "tcPr")
                span = _int(tcpr.find(W + "gridSpan"), 1) if tcpr is not None else 1
                vmerge = tcpr.find(W + "vMerge") if tcpr is not None else None
                col = len(row)
                if vmerge is not None and vmerge.get(W + "val", "continue") == "continue" and grid:
                    above = grid[-1]
                    text = above[col] if col < len(above) else ""
                else:
                    text = " ".join(t for t in (_WS.sub(" ", s).strip() for s in self.block_lines(tc)) if t)
                row.extend([text] * max(1, min(span or 1, 100)))
            grid.append(row)
        return grid

    def block_lines(self, parent: ET.Element) -> Iterator[str]:
        for child in parent:
            if child.tag == W + "p":
                yield from self.paragraph(child).split("\n")
            elif child.tag == W + "tbl":
                for row in self.table(child):
                    if any(c.strip() for c in row):
                        yield "\t".join(row)
            elif child.tag in (W + "sdt", W + "customXml", W + "smartTag"):
                inner = child.find(W + "sdtContent") if child.tag == W + "sdt" else child
                if inner is not None:
                    yield from self.block_lines(inner)


def _member(zf: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _MAX_XML:
        raise DocxError(f"{name} is {info.file_size:,} bytes uncompressed: too large")
    return zf.read(info)


def docx_text(data: bytes) -> str:
    """The body of a .docx as plain lines (paragraphs, numbered as shown; tables as TAB rows)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        body_xml = _member(zf, "word/document.xml")
        if body_xml is None:
            raise DocxError("not a Word document: the zip holds no word/document.xml")
        numbering = _read_numbering(_member(zf, "word/numbering.xml"))
        reader = _Reader(numbering, _style_numbering(_member(zf, "word/styles.xml")))
        root = ET.fromstring(body_xml)
    except zipfile.BadZipFile as exc:
        raise DocxError(f"damaged .docx (not a readable zip: {exc})") from None
    except ET.ParseError as exc:
        raise DocxError(f"damaged .docx (XML: {exc})") from None
    body = root.find(W + "body")
    if body is None:
        return ""
    return "\n".join(reader.block_lines(body))
