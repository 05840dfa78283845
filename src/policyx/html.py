"""Stage 2, html: a government web page → its article body as plain lines, tables as tab-separated rows.

The body is the first CMS container of ``rules/sites.yaml`` that holds real Chinese text, else the
deepest block holding most of the page's Chinese text. The page's own metadata block (title, 索引号,
发布日期 …) is rendered above it as label lines for ``clean``/``meta``. Block elements become lines;
every ``<table>`` becomes one line per ``<tr>``, cells joined by a TAB, with rowspan/colspan cells
repeated, so ``tables`` can rebuild the grid from text alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from itertools import accumulate
from typing import TYPE_CHECKING

import regex
from pydantic import PrivateAttr

from policyx.clean import BoilerplateRules
from policyx.models import Document
from policyx.read import InputError, InputRules
from policyx.rules import Rule, RuleFile, RuleSet, check_ids_unique

if TYPE_CHECKING:  # selectolax is imported lazily: text-only batches never pay for it
    from selectolax.lexbor import LexborNode

_CJK = regex.compile(r"\p{Han}")
_LABEL_TAIL = regex.compile(r"[:：\s]+$|^[•·●▪■◆◇○\s]+")
_WS = regex.compile(r"[ \t\r\n\f]+")  # HTML white space only: U+3000 and U+00A0 are text, clean folds them


class Selector(Rule):
    selector: str
    label: str | None = None
    only_if_none: bool = False  # a header rule used only when the rules before it found nothing


class LabelBlocks(Rule):
    selector: str
    min_labels: int


class Fallback(Rule):
    selector: str
    share: float


class LinkLists(Rule):
    selector: str
    min_links: int
    min_share: float
    keep_href: str  # links that are the document's own (attachments, in-page anchors): not counted as links


class SiteRules(RuleFile):
    FILE = "sites.yaml"
    drop: list[Selector]
    header: list[Selector]
    bodies: list[Selector]
    min_cjk: int
    fallback: Fallback
    label_blocks: LabelBlocks
    link_lists: LinkLists
    blocks: list[str]

    _blocks: frozenset[str] = PrivateAttr()
    _keep_href: regex.Pattern[str] = PrivateAttr()

    def model_post_init(self, _ctx: object) -> None:
        blocks = [self.fallback, self.label_blocks, self.link_lists]
        check_ids_unique([*self.drop, *self.header, *self.bodies, *blocks], self.FILE)
        self._blocks = frozenset(self.blocks)
        self._keep_href = regex.compile(self.link_lists.keep_href)


def cjk_count(text: str) -> int:
    return len(_CJK.findall(text))


def _cjk_at_least(text: str, n: int) -> bool:
    """``cjk_count(text) >= n``, reading only up to the n-th Chinese character (a body holds thousands)."""
    if n <= 0:
        return True
    return any(i >= n for i, _ in enumerate(_CJK.finditer(text), 1))


class _Lines:
    """Accumulates inline text into lines; a block boundary ends the current line."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._buf: list[str] = []

    def add(self, text: str) -> None:
        self._buf.append(text)

    def end(self) -> None:
        line = _WS.sub(" ", "".join(self._buf)).strip(" ")
        if line:
            self.lines.append(line)
        self._buf = []

    def row(self, cells: list[str]) -> None:
        self.end()
        if any(cells):
            self.lines.append("\t".join(cells))


def _span(node: LexborNode, attr: str) -> int:
    try:
        return max(1, min(int(node.attributes.get(attr) or 1), 100))
    except ValueError:
        return 1


def _table_rows(table: LexborNode, blocks: frozenset[str]) -> list[list[str]]:
    """The grid of a table: rowspan/colspan cells repeated in every position they cover."""
    rows = [tr for tr in table.css("tr") if (owner := _owner_table(tr)) is not None and owner.mem_id == table.mem_id]
    grid: list[list[str]] = []
    pending: dict[int, tuple[int, str]] = {}  # column → (rows still covered, text) from a rowspan above
    for tr in rows:
        out: list[str] = []
        col = 0
        cells = [c for c in tr.iter() if c.tag in ("td", "th")]
        for cell in cells:
            col = _carry_rowspans(pending, col, out)
            text = " ".join(_render(cell, blocks).lines)
            rowspan, colspan = _span(cell, "rowspan"), _span(cell, "colspan")
            for _ in range(colspan):
                out.append(text)
                if rowspan > 1:
                    pending[col] = (rowspan - 1, text)
                col += 1
        _carry_rowspans(pending, col, out)  # rowspans hanging past the last cell of this row
        grid.append([_WS.sub(" ", c).strip() for c in out])
    return grid


def _carry_rowspans(pending: dict[int, tuple[int, str]], col: int, out: list[str]) -> int:
    """Fill the columns from ``col`` on that rowspans above still cover; returns the next free column."""
    while col in pending:
        left, text = pending[col]
        out.append(text)
        if left > 1:
            pending[col] = (left - 1, text)
        else:
            del pending[col]
        col += 1
    return col


def _table(table: LexborNode, blocks: frozenset[str], out: _Lines) -> None:
    """A table's rows; leading rows of one cell spanning every column are its caption (附件1 …), a plain line."""
    rows = _table_rows(table, blocks)
    width = max((len(r) for r in rows), default=0)
    caption = 0
    while caption < len(rows) and width > 1 and len(rows[caption]) == width and len(set(rows[caption])) == 1:
        caption += 1
    for cells in rows[:caption]:
        out.end()
        out.add(cells[0])
        out.end()
    for cells in rows[caption:]:
        out.row(cells)


def _owner_table(node: LexborNode) -> LexborNode | None:
    parent = node.parent
    while parent is not None and parent.tag != "table":
        parent = parent.parent
    return parent


Spans = dict[int, tuple[int, int]]  # node (mem_id) → the slice of a rendering's lines it produced


def _render(node: LexborNode, blocks: frozenset[str], spans: Spans | None = None) -> _Lines:
    """The lines of ``node``; ``spans`` receives the slice of them each block inside produced, which is that
    block's own rendering (a block starts and ends its lines, so nothing around it joins them)."""
    out = _Lines()
    if node.tag == "table" and len(node.css("table")) == 1:
        _table(node, blocks, out)
    else:
        _walk(node, blocks, out, spans)
        out.end()
    if spans is not None:
        spans[node.mem_id] = (0, len(out.lines))
    return out


def _walk(node: LexborNode, blocks: frozenset[str], out: _Lines, spans: Spans | None = None) -> None:
    # a stack of child iterators, not recursion: pages nest elements thousands deep
    # a frame: (children, block id or None, index of its first line)
    stack: list[tuple[Iterator[LexborNode], int | None, int]] = [(node.iter(include_text=True), None, 0)]
    while stack:
        children, block, first = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if block is not None:
                out.end()
                if spans is not None:
                    spans[block] = (first, len(out.lines))
            continue
        tag = child.tag
        if tag == "-text":
            out.add(child.text_content or "")
        elif tag == "br":
            out.end()
        elif tag == "table" and len(child.css("table")) == 1:  # css() matches the node itself
            # a data table; a table holding tables is page layout and renders as blocks
            _table(child, blocks, out)
        elif tag in blocks or tag in ("td", "th"):
            out.end()
            stack.append((child.iter(include_text=True), child.mem_id, len(out.lines)))
        elif not tag.startswith("-"):
            stack.append((child.iter(include_text=True), None, 0))


def _cjk_below(root: LexborNode) -> dict[int, int]:
    """Node (mem_id) → Chinese characters in the text under it, for every node in one pass (``text()`` per
    node is quadratic in the nesting depth). The text under a node is its text nodes' (comments excluded)."""
    totals: dict[int, int] = {}
    # document order puts every node before its descendants: backwards, a node's total is final when reached
    for node in reversed(list(root.traverse(include_text=True))):
        key = node.mem_id
        total = totals.get(key, 0)
        if node.tag == "-text":
            total += cjk_count(node.text_content or "")
            totals[key] = total
        parent = node.parent
        if total and parent is not None and key != root.mem_id:
            totals[parent.mem_id] = totals.get(parent.mem_id, 0) + total
    return totals


def drop_link_lists(root: LexborNode, sites: SiteRules) -> int:
    """Remove the blocks whose text is mostly link text (related articles, 政策解读 lists, menus), as jusText
    judges link density; links to attachments and in-page anchors are the document's own and do not count.
    Returns how many blocks went. One pass counts every node's characters, link characters and links."""
    cfg = sites.link_lists
    linked: set[int] = set()
    links: dict[int, int] = {}
    for a in root.css("a"):
        if sites._keep_href.search((a.attributes.get("href") or "").strip()):
            continue
        links[a.mem_id] = 1
        linked.update(n.mem_id for n in a.traverse(include_text=True) if n.tag == "-text")
    chars: dict[int, int] = {}
    link_chars: dict[int, int] = {}
    for node in reversed(list(root.traverse(include_text=True))):
        key = node.mem_id
        if node.tag == "-text":
            n = len("".join((node.text_content or "").split()))
            chars[key] = n
            link_chars[key] = n if key in linked else 0
        parent = node.parent
        if parent is not None and key != root.mem_id:
            pk = parent.mem_id
            chars[pk] = chars.get(pk, 0) + chars.get(key, 0)
            link_chars[pk] = link_chars.get(pk, 0) + link_chars.get(key, 0)
            links[pk] = links.get(pk, 0) + links.get(key, 0)
    gone: set[int] = set()
    dropped = 0
    for node in root.css(cfg.selector):  # ancestors first: a dropped list takes its inner lists with it
        key = node.mem_id
        if key in gone or links.get(key, 0) < cfg.min_links or not chars.get(key):
            continue
        if link_chars.get(key, 0) >= cfg.min_share * chars[key]:
            gone |= _subtree(node)
            node.decompose()
            dropped += 1
    return dropped


def find_body(root: LexborNode, sites: SiteRules) -> tuple[LexborNode, str]:
    """The article container and the id of the rule that found it."""
    for rule in sites.bodies:
        for node in root.css(rule.selector):
            if _cjk_at_least(node.text(), sites.min_cjk):
                return node, rule.id
    below = _cjk_below(root)
    scored = [(below.get(n.mem_id, 0), n) for n in root.css(sites.fallback.selector)]
    best = max((s for s, _ in scored), default=0)
    if best == 0:
        return root, sites.fallback.id
    # document order puts ancestors first, so the last qualifying node is the deepest
    chosen = [n for s, n in scored if s >= best * sites.fallback.share][-1]
    return chosen, sites.fallback.id


def _subtree(node: LexborNode) -> set[int]:
    return {n.mem_id for n in node.traverse(include_text=False)}


def _header_lines(root: LexborNode, body: LexborNode, sites: SiteRules, labels: frozenset[str]) -> list[str]:
    lines: list[str] = []
    seen: set[str] = set()
    # sets of node ids instead of walking up from every candidate: a page may nest thousands of lists
    in_body = _subtree(body)
    above_body = set()  # the body's ancestors
    node: LexborNode | None = body
    while node is not None:
        above_body.add(node.mem_id)
        node = node.parent
    in_taken: set[int] = set()  # the nodes under a header block already taken

    def free(node: LexborNode) -> bool:
        key = node.mem_id
        return key not in in_body and key not in above_body and key not in in_taken

    def keep(rendered: list[str]) -> None:
        # a label closing its block with no value (`文件状态：`, filled in by a script) would take the body's
        # first line for its value
        if rendered and _EMPTY_LABEL.match(rendered[-1]):
            rendered = rendered[:-1]
        # templates often repeat the header for mobile and desktop: keep each line once
        for line in rendered:
            if line not in seen:
                seen.add(line)
                lines.append(line)

    for rule in sites.header:
        if rule.only_if_none and lines:
            continue
        for node in root.css(rule.selector):
            if not free(node):
                continue
            in_taken |= _subtree(node)
            rendered = _render(node, sites._blocks).lines
            if rule.label and rendered:
                rendered = [f"{rule.label}:{' '.join(rendered)}"]
            keep(rendered)
    # candidates come ancestors first: a list nested in a list already rendered is a slice of that rendering,
    # and its label count a difference of running counts (rendering each of a thousand nested lists is quadratic)
    rendered_in: dict[int, _Rendering] = {}
    for node in root.css(sites.label_blocks.selector):
        if not free(node):
            continue
        whole = rendered_in.get(node.mem_id)
        if whole is None:
            whole = _Rendering(node, sites._blocks, labels)
            rendered_in.update(dict.fromkeys(whole.spans, whole))
        a, b = whole.spans[node.mem_id]
        if whole.labels[b] - whole.labels[a] >= sites.label_blocks.min_labels:
            in_taken |= _subtree(node)
            keep(whole.lines[a:b])
    return lines


class _Rendering:
    """A node's lines, the slice of them each block inside produced, and the running count of label cells."""

    def __init__(self, node: LexborNode, blocks: frozenset[str], labels: frozenset[str]) -> None:
        self.spans: Spans = {}
        self.lines = _render(node, blocks, self.spans).lines
        self.labels = list(accumulate((_label_count([line], labels) for line in self.lines), initial=0))


_EMPTY_LABEL = regex.compile(r"^[•·●▪■◆◇○\s]*\p{Han}(?:[\s\u3000]*\p{Han}){1,7}[\s\u3000]*[:：]\s*$")
_LABEL_LEAD = regex.compile(r"^[•·●▪■◆◇○\s]*(\p{Han}(?:[\s\u3000]*\p{Han}){1,7})[\s\u3000]*[:：]")


def _label_count(lines: list[str], labels: frozenset[str]) -> int:
    """Cells that are a metadata label (`索引号`, `发文字号:`) or open with one (`文　　号：穗民规字〔2025〕2号`)."""

    def is_label(cell: str) -> bool:
        if _LABEL_TAIL.sub("", cell).replace(" ", "").replace("\u3000", "") in labels:
            return True
        m = _LABEL_LEAD.match(cell)
        return m is not None and "".join(m.group(1).split()) in labels

    return sum(1 for line in lines for cell in line.split("\t") if is_label(cell))


def page_text(html: str, sites: SiteRules, labels: frozenset[str] = frozenset()) -> str:
    """The page's header block and article body as lines (see the module docstring)."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    if root is None:
        return ""
    for rule in sites.drop:
        for node in root.css(rule.selector):
            node.decompose()
    drop_link_lists(root, sites)
    body, _ = find_body(root, sites)
    header = _header_lines(tree.root or root, body, sites, labels)
    return "\n".join([*header, *_render(body, sites._blocks).lines])


class _Depth(HTMLParser):
    """The deepest nesting of a page's elements, by the standard library's tokenizer (linear in the page)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = self.deepest = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in _FLAT:
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _FLAT:
            self.depth = max(0, self.depth - 1)


# elements that never hold others (HTML's void elements), and those a sibling closes (optional end tags: a page of
# 5,000 unclosed <p> or <td> is flat, not deep)
_VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr")
)
_SIBLING_CLOSED = frozenset(
    ("p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot", "colgroup", "rt", "rp")
)
_FLAT = _VOID | _SIBLING_CLOSED


def ensure_shallow(html: str, limit: int) -> None:
    """Refuse a page nested deeper than ``limit``: its parse would cost depth x tags (minutes, not milliseconds).

    Start tags beyond end tags bound the depth from above; only when they exceed the limit is the page tokenized
    to measure it (two string counts for every other page).
    """
    if html.count("<") - 2 * html.count("</") <= limit:
        return
    probe = _Depth()
    probe.feed(html)
    probe.close()
    if probe.deepest > limit:
        raise InputError(f"HTML nested {probe.deepest:,} elements deep (limit {limit:,}; see rules/input.yaml)")


def html_to_text(doc: Document, rules: RuleSet) -> Document:
    if doc.source.format != "html":
        return doc
    ensure_shallow(doc.text, rules.get(InputRules).max_html_depth)
    labels = rules.get(BoilerplateRules).label_names
    return doc.model_copy(update={"text": page_text(doc.text, rules.get(SiteRules), labels)})
