"""Stage 5, sections: numbered and unnumbered headings → a section tree (SPEC 3).

One pass over the lines finds the headings (styles are data in ``rules/headings.yaml``); levels are
relative: the first style met is the top, a style first seen under another nests below it, and a
style seen before pops the stack back to its own level. An annex starts a fresh top-level branch.
Lines are read without their Markdown ``#`` markers; a viewer's page markers (``2、)各街道``) are not
headings; a bare title line standing before a numbered heading of the top style met so far (a regulation
whose chapter numbers were lost) heads the run that follows it.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex
from pydantic import PrivateAttr

from policyx.locate import Line, text_lines
from policyx.models import Document, DocWarning, Section
from policyx.rules import Pattern, Rule, RuleFile, RuleSet, check_ids_unique


class HeadingStyle(Rule):
    pattern: Pattern
    kind: str | None = None  # level key shared by variants of one style; defaults to the id
    annex: bool = False
    own_line: bool = False
    confirm_next: bool = False

    @property
    def level_key(self) -> str:
        return self.kind or self.id


class AnnexList(Rule):
    start: Pattern
    item: Pattern
    link: Pattern


class PlainHeading(Rule):
    min_len: int
    max_len: int
    forbidden: Pattern
    exclude: list[Pattern]
    paragraph_end: Pattern
    paragraph_min_len: int
    cell_line: Pattern
    table_window: int


class PageMarker(Rule):
    styles: list[str]
    opening: str
    closing: str
    cut_start: Pattern


class HeadingRules(RuleFile):
    FILE = "headings.yaml"
    styles: list[HeadingStyle]
    annex_list: AnnexList
    title_end: Pattern
    title_trim: str
    table_row: Pattern
    confirm_window: int
    markdown_marker: Pattern
    page_marker: PageMarker
    plain: PlainHeading

    _styles: list[tuple[HeadingStyle, regex.Pattern[str]]] = PrivateAttr()
    _list_start: regex.Pattern[str] = PrivateAttr()
    _list_item: regex.Pattern[str] = PrivateAttr()
    _link: regex.Pattern[str] = PrivateAttr()
    _title_end: regex.Pattern[str] = PrivateAttr()
    _table_row: regex.Pattern[str] = PrivateAttr()
    _forbidden: regex.Pattern[str] = PrivateAttr()
    _exclude: regex.Pattern[str] = PrivateAttr()
    _para_end: regex.Pattern[str] = PrivateAttr()
    _cell: regex.Pattern[str] = PrivateAttr()
    _markdown: regex.Pattern[str] = PrivateAttr()
    _cut_start: regex.Pattern[str] = PrivateAttr()
    _brackets: dict[str, int] = PrivateAttr()

    def model_post_init(self, _ctx: object) -> None:
        check_ids_unique([*self.styles, self.annex_list, self.page_marker, self.plain], self.FILE)
        pm = self.page_marker
        if len(pm.opening) != len(pm.closing):
            raise ValueError(f"{self.FILE}: page_marker opening and closing must pair up")
        unknown = set(pm.styles) - {st.id for st in self.styles}
        if unknown:
            raise ValueError(f"{self.FILE}: page_marker names unknown styles {sorted(unknown)}")
        self._markdown = regex.compile(self.markdown_marker)
        self._cut_start = regex.compile(pm.cut_start)
        self._brackets = {ch: 1 for ch in pm.opening} | {ch: -1 for ch in pm.closing}
        self._styles = [(s, regex.compile(s.pattern)) for s in self.styles]
        self._list_start = regex.compile(self.annex_list.start)
        self._list_item = regex.compile(self.annex_list.item)
        self._link = regex.compile(self.annex_list.link)
        self._title_end = regex.compile(self.title_end)
        self._table_row = regex.compile(self.table_row)
        self._forbidden = regex.compile(self.plain.forbidden)
        self._exclude = regex.compile("|".join(f"(?:{p})" for p in self.plain.exclude) or r"(?!)")
        self._para_end = regex.compile(self.plain.paragraph_end)
        self._cell = regex.compile(self.plain.cell_line)


_CN_DIGITS = {ch: i for i, ch in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100}


def numeral_value(token: str | None) -> int | None:
    """The value of a heading numeral: ``12``, ``十二``, ``一百零五``, ``⑫``; None when it is not one."""
    if not token:
        return None
    if token.isdigit() and token.isascii():
        return int(token)
    if len(token) == 1 and "①" <= token <= "⑳":
        return ord(token) - ord("①") + 1
    total, digit = 0, 0
    for ch in token:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[ch]
            digit = 0
        else:
            return None
    return total + digit


@dataclass(slots=True)
class _Heading:
    line: int
    kind: str  # level key: the style's rule id
    rule: str
    number: str | None
    value: int | None
    title: str
    annex: bool = False
    leads: bool = False  # an unnumbered heading whose next line is a numbered heading


# compiled once: a module-level regex.sub() looks its pattern up in regex's cache on every call (~15 µs)
_SPACED_HAN = regex.compile(r"(?<=\p{Han})\s+(?=\p{Han})")
_SPACE = regex.compile(r"\s+")


def _title(rest: str, hr: HeadingRules) -> str:
    m = hr._title_end.search(rest)
    title = rest[: m.start()] if m else rest
    # spaced-out headings (`总  则`) read as one word
    title = _SPACED_HAN.sub("", title)
    return title.strip().rstrip(hr.title_trim).strip()


def _numbered(line: str, hr: HeadingRules) -> tuple[HeadingStyle, regex.Match[str]] | None:
    for style, pat in hr._styles:
        m = pat.match(line)
        if m:
            return style, m
    return None


_HAN = regex.compile(r"\p{Han}")


def _continues(
    lines: list[Line], i: int, style: HeadingStyle, value: int | None, hr: HeadingRules, found: list[_Heading]
) -> bool:
    """The numbering runs on through line ``i``: the line is a sentence and the last heading found of the same kind
    is numbered ``value - 1``, or the next numbered line (the paragraphs between skipped, within ``confirm_window``
    lines) is of the same kind and numbered ``value + 1``. Either way a heading's own text holds words
    (`1.2025年度…`), not digits (`2.54`)."""
    if value is None:
        return False
    if _is_paragraph(lines[i], hr):  # a sentence, not a cell (`2.5万张`): the number before it is enough
        for h in reversed(found):
            if h.kind == style.level_key:
                if h.value == value - 1:
                    return True
                break
    for j in range(i + 1, min(len(lines), i + 1 + hr.confirm_window)):
        hit = _numbered(lines[j].text, hr)
        if hit:
            nxt_style, m = hit
            return (
                nxt_style.level_key == style.level_key
                and numeral_value(m.groupdict().get("n")) == value + 1
                and bool(_HAN.search(lines[j].text, m.end()))
            )
    return False


def _leaves_open(text: str, hr: HeadingRules) -> bool:
    """Whether ``text`` ends inside a bracket or a quote it opened."""
    depth = 0
    for ch in text:
        depth = max(0, depth + hr._brackets.get(ch, 0))
    return depth > 0


def _page_cut(lines: list[Line], i: int, rest: str, hr: HeadingRules) -> bool:
    """The number at the start of line ``i`` is a viewer's page marker cutting a phrase, not a heading: the text after
    it starts with closing punctuation, or the line before is a page of text that stops inside a bracket or quote."""
    if hr._cut_start.match(rest):
        return True
    before = lines[i - 1].text if i > 0 else ""
    return len(before) >= hr.plain.paragraph_min_len and not hr._para_end.search(before) and _leaves_open(before, hr)


def _is_paragraph(line: Line, hr: HeadingRules) -> bool:
    return len(line.text) >= hr.plain.paragraph_min_len or bool(hr._para_end.search(line.text))


def _is_plain(i: int, lines: list[Line], shown: list[str], hr: HeadingRules, doc_title: str | None) -> bool:
    """A short unpunctuated line with a paragraph (or the document's title line) before it and a paragraph or
    numbered heading after it. ``shown`` are the lines as written, which the title is compared with."""
    p = hr.plain
    text = lines[i].text
    if not p.min_len <= len(text) <= p.max_len or hr._forbidden.search(text) or hr._exclude.search(text):
        return False
    title = doc_title.strip() if doc_title else None
    if title and shown[i] == title:
        return False
    if i == 0 or i + 1 >= len(lines):
        return False
    if not (_is_paragraph(lines[i - 1], hr) or (title and shown[i - 1] == title)):
        return False
    nxt = lines[i + 1]
    if not (_is_paragraph(nxt, hr) or _numbered(nxt.text, hr)):
        return False
    lo, hi = max(0, i - p.table_window), min(len(lines), i + p.table_window + 1)
    return not any(hr._cell.match(lines[j].text) for j in range(lo, hi))


def find_headings(
    lines: list[Line], hr: HeadingRules, doc_title: str | None = None, shown: list[str] | None = None
) -> list[_Heading]:
    """Every heading line, in order, with its style, number and title (levels come later).

    ``lines`` are matched against the rules; titles are cut from ``shown``, the same lines as written (a traditional-
    script text is matched through its simplified view, character for character, and keeps its own titles).
    """
    shown = shown if shown is not None else [ln.text for ln in lines]
    found: list[_Heading] = []
    i, n = 0, len(lines)
    while i < n:
        text = lines[i].text
        if hr._table_row.search(text):
            i += 1
            continue
        if hr._list_start.match(text):
            # the body's list of annexes: skip it and the numbered items that continue it
            i += 1
            while i < n and hr._list_item.match(lines[i].text):
                i += 1
            continue
        hit = _numbered(text, hr)
        if hit:
            style, m = hit
            rest = shown[i][m.end() :]
            value = numeral_value(m.groupdict().get("n"))
            if (
                (style.own_line and hr._title_end.search(rest))
                or (style.annex and hr._link.search(rest))
                or (style.confirm_next and not (_HAN.search(rest) and _continues(lines, i, style, value, hr, found)))
            ):
                i += 1
                continue
            if style.id in hr.page_marker.styles and _page_cut(lines, i, rest, hr):
                # a page marker: so is the marker of the page before it (`1、` on the first page)
                while found and found[-1].rule == style.id and value is not None and found[-1].value == value - 1:
                    value = found.pop().value
                i += 1
                continue
            consumed = 0
            if not rest and i + 1 < n and not _numbered(lines[i + 1].text, hr):
                rest, consumed = shown[i + 1], 1  # `附件1` / `第一条` alone: the title is on the next line
            number = shown[i][m.start("number") : m.end("number")]  # as written
            found.append(
                _Heading(
                    line=i,
                    kind=style.level_key,
                    rule=style.id,
                    number=_SPACE.sub("", number),
                    value=value,
                    title=_title(rest, hr),
                    annex=style.annex,
                )
            )
            i += 1 + consumed
            continue
        if _is_plain(i, lines, shown, hr, doc_title):
            leads = bool(_numbered(lines[i + 1].text, hr))
            found.append(_Heading(i, hr.plain.id, hr.plain.id, None, None, _title(shown[i], hr), leads=leads))
        i += 1
    return found


def _levels(heads: list[_Heading]) -> list[tuple[int, int | None]]:
    """(level, parent index) of every heading: relative levels with a stack."""
    out: list[tuple[int, int | None]] = []
    kind_level: dict[str, int] = {}
    stack: list[int] = []  # indices into heads; stack[k] has level k+1
    for idx, h in enumerate(heads):
        nxt = heads[idx + 1] if idx + 1 < len(heads) else None
        if h.annex:
            kind_level = {h.kind: 1}  # an annex is a fresh top-level branch with its own styles
            stack = []
        elif h.number is None and h.kind not in kind_level and h.leads and nxt and kind_level.get(nxt.kind) == 1:
            # a bare title line right before a numbered heading of the top style (a regulation whose chapter numbers
            # were lost: 第五条 … / 规划与设施建设 / 第六条 …) heads the run after it: it takes the top level and every
            # style moves one down
            stack = []
            kind_level = {k: lvl + 1 for k, lvl in kind_level.items()}
            kind_level[h.kind] = 1
        elif h.kind in kind_level:
            want = kind_level[h.kind]
            while stack and kind_level.get(heads[stack[-1]].kind, 0) >= want:
                stack.pop()
        else:
            kind_level[h.kind] = len(stack) + 1
        parent = stack[-1] if stack else None
        out.append((len(stack) + 1, parent))
        stack.append(idx)
    return out


def _skip_warnings(heads: list[_Heading], levels: list[tuple[int, int | None]], lines: list[Line]) -> list[DocWarning]:
    """heading_skip where numbering under one parent jumps or repeats (a restart at 1 is a new run)."""
    warnings: list[DocWarning] = []
    last_in: dict[tuple[int | None, str], _Heading] = {}
    last_any: dict[str, int] = {}
    for h, (_, parent) in zip(heads, levels, strict=True):
        if h.value is None:
            continue
        key = (parent, h.kind)
        before = last_in.get(key)
        prev = before.value if before is not None else None
        if prev is None:
            # first of its kind under this parent: 1, or numbering carried on from the previous parent
            ok = h.value == 1 or h.value == last_any.get(h.kind, 0) + 1
        else:
            ok = h.value == prev + 1 or (h.value == 1 and prev > 1)
        if not ok:
            line = lines[h.line]
            what = "repeats" if prev is not None and h.value == prev else "jumps"
            after = f" after {before.number}" if before is not None else ""
            warnings.append(
                DocWarning(
                    code="heading_skip",
                    message=f"heading numbering {what}: {h.number}{after}",
                    span=(line.start, line.end),
                )
            )
        last_in[key] = h
        last_any[h.kind] = h.value
    return warnings


def _trim_end(text: str, end: int) -> int:
    """``len(text[:end].rstrip())`` without copying the prefix."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def build_sections(
    text: str, hr: HeadingRules, doc_title: str | None = None, view: str | None = None
) -> tuple[list[Section], list[DocWarning]]:
    """The section tree of ``text`` and the numbering warnings.

    ``view`` is the text's simplified view (same length, same offsets) when it is in traditional script: headings are
    found in the view, their numbers and titles are taken from the text as written.
    """
    # a line is read without its Markdown `#` markers; its span still starts at the line
    raw = text_lines(text)
    shown = [hr._markdown.sub("", ln.text, count=1) for ln in raw]
    matched = shown if view is None else [hr._markdown.sub("", ln.text, count=1) for ln in text_lines(view)]
    lines = [Line(ln.start, ln.end, m) for ln, m in zip(raw, matched, strict=True)]
    heads = find_headings(lines, hr, doc_title, shown)
    levels = _levels(heads)
    # a section ends where the next heading of the same or a higher level starts (or at the end), before the
    # whitespace that precedes it: walk back over that whitespace rather than strip a prefix (linear, same result)
    ends = [_trim_end(text, len(text))] * len(heads)
    open_: list[int] = []
    for idx, (level, _) in enumerate(levels):
        if open_ and levels[open_[-1]][0] >= level:
            end = _trim_end(text, lines[heads[idx].line].start)
            while open_ and levels[open_[-1]][0] >= level:
                ends[open_.pop()] = end
        open_.append(idx)
    sections = [
        Section(
            id=f"s{idx + 1}",
            parent=f"s{parent + 1}" if parent is not None else None,
            level=level,
            number=h.number,
            title=h.title,
            span=(lines[h.line].start, max(ends[idx], lines[h.line].end)),
            rule=h.rule,
        )
        for idx, (h, (level, parent)) in enumerate(zip(heads, levels, strict=True))
    ]
    return sections, _skip_warnings(heads, levels, lines)


def split_sections(doc: Document, rules: RuleSet) -> Document:
    sections, warnings = build_sections(doc.text, rules.get(HeadingRules), doc.meta.title)
    return doc.model_copy(update={"sections": sections, "warnings": [*doc.warnings, *warnings]})
