"""A PDF with a text layer → plain lines in reading order (pypdfium2: PDFium, Apache-2.0/BSD-3-Clause).

Characters come with their boxes; the reader rebuilds what the page shows:
- *segments*: characters that touch on one baseline; a gap wider than a character starts a new segment
  (a table cell, a second column);
- *columns*: a page whose segments leave a vertical gutter near the middle, with long lines on both sides,
  is read left column first, then right; a line that crosses the gutter (a title) is read where it stands;
- *lines*: the segments of one column on one baseline, ordered by x and joined without spaces between
  Chinese characters; a wide gap between them becomes a TAB, so a ruled table comes out as the TAB rows
  ``tables`` reads (html.py's form), an empty first cell taking the cell above (a merged row label);
- *running headers and footers*: a line in the top or bottom margin whose text (digits ignored) recurs on
  half the pages or more, and page numbers (``- 3 -``, ``第3页``, ``3/12``) there, are dropped;
- *paragraphs*: a line that fills its column and does not end in sentence punctuation continues on the
  next line (CJK text wraps anywhere, with no hyphen), across columns and pages.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from policyx.formats.pdfgrid import Rule, ruled_tables

_SENTENCE_END = ("。", "！", "？", "；", "：", "!", "?", ";", ":", "…", "。”", "！”", "？”", "。」")
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(?:第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d+)[-—–－\s]*$")
_ROW_NUMBER = re.compile(r"^\d{1,3}$")  # a line that is only a small number: a table's 序号 cell, not prose
_MARGIN = 0.09  # top and bottom share of the page where running headers, footers and page numbers live
_ENCRYPTED = "encrypted PDF: it needs a password to open (decrypt it first, e.g. qpdf --decrypt)"
_TEXT_MIN_CHARS = 20  # fewer real characters in the whole file: no text layer


class PdfError(ValueError):
    """A PDF that cannot be read; the message is one line."""


@dataclass
class _Seg:
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    text: str = ""

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class _Line:
    segs: list[_Seg]
    fills: bool = False  # reaches the right edge of its column
    page: int = 0
    column: int = 0  # which column (or band) of its page
    left: float = 0.0  # the left edge of that column
    cells: list[str] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)  # x where each cell begins

    @property
    def y1(self) -> float:
        return max(s.y1 for s in self.segs)

    @property
    def y0(self) -> float:
        return min(s.y0 for s in self.segs)

    @property
    def x0(self) -> float:
        return self.segs[0].x0

    @property
    def x1(self) -> float:
        return self.segs[-1].x1

    @property
    def text(self) -> str:
        return "\t".join(self.cells)


def _join(a: str, b: str) -> str:
    """Two pieces of one line or paragraph: no space between Chinese, one between Latin words."""
    if a and b and a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha():
        return a + " " + b
    return a + b


def _rules(page, path_type: int) -> tuple[list[Rule], list[Rule]]:  # page: a pypdfium2 PdfPage
    """Vertical and horizontal ruling lines of the page: thin paths, and the edges of drawn rectangles."""
    vertical: list[Rule] = []
    horizontal: list[Rule] = []
    for obj in page.get_objects(filter=(path_type,), max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        if right - left < 3 and top - bottom >= 4:
            vertical.append(((left + right) / 2, bottom, top))
        elif top - bottom < 3 and right - left >= 4:
            horizontal.append(((bottom + top) / 2, left, right))
        elif right - left >= 4 and top - bottom >= 4:
            vertical += [(left, bottom, top), (right, bottom, top)]
            horizontal += [(bottom, left, right), (top, left, right)]
    return vertical, horizontal


def _ruled(rules: list[Rule], x0: float, x1: float, y: float) -> bool:
    """A vertical rule stands between x0 and x1 at height y: a cell border."""
    return any(x0 - 1.5 <= x <= x1 + 1.5 and bottom <= y <= top for x, bottom, top in rules)


def _segments(textpage, rules: list[Rule]) -> list[_Seg]:
    n = textpage.count_chars()
    if n <= 0:
        return []
    text = textpage.get_text_range(0, n)
    import pypdfium2.raw as raw  # the wrapper's get_charbox allocates per call: a reused box is twice as fast

    box = raw.FS_RECTF()
    segs: list[_Seg] = []
    cur: _Seg | None = None
    pending_space = False
    for i in range(min(n, len(text))):
        ch = text[i]
        if ch in "\r\n\x02\ufffe":
            pending_space = cur is not None and bool(cur.text)
            continue
        raw.FPDFText_GetLooseCharBox(textpage, i, box)  # the font's box: one height for every glyph
        left, b, r, t = box.left, box.bottom, box.right, box.top
        if ch.isspace() or ch == "\u3000":
            pending_space = True
            continue
        size = max(t - b, 1.0)
        if cur is not None:
            gap = left - cur.x1
            same_line = abs((b + t) / 2 - cur.cy) < 0.5 * max(size, cur.size)
            if (same_line and -0.3 * cur.size <= gap < 0.9 * max(size, cur.size)
                    and not (rules and gap > 0.05 * size and _ruled(rules, cur.x1, left, (b + t) / 2))):
                if pending_space and gap > 0.15 * size and ch.isascii() and cur.text[-1:].isascii():
                    cur.text += " "
                cur.text += ch
                cur.x1, cur.y0, cur.y1 = max(cur.x1, r), min(cur.y0, b), max(cur.y1, t)
                cur.size = max(cur.size, size)
                pending_space = False
                continue
        cur = _Seg(left, b, r, t, size, ch)
        segs.append(cur)
        pending_space = False
    return [s for s in segs if s.text.strip()]


def _row_segments(segs: list[_Seg], rules: list[Rule]) -> set[int]:
    """Segments on a baseline shared by three or more, or by two with a rule between: a table row, read
    across the whole page."""
    rows: list[list[_Seg]] = []
    for seg in sorted(segs, key=lambda s: -s.cy):
        if rows and abs(rows[-1][0].cy - seg.cy) < 0.5 * max(seg.size, rows[-1][0].size):
            rows[-1].append(seg)
        else:
            rows.append([seg])
    table = set()
    for row in rows:
        row.sort(key=lambda s: s.x0)
        if len(row) >= 3 or (len(row) == 2 and _ruled(rules, row[0].x1, row[1].x0, row[0].cy)):
            table.update(id(s) for s in row)
    return table


def _gutter(segs: list[_Seg], width: float) -> float | None:
    """The x of a two-column page's gutter: the middle of the widest strip near the page's middle that
    (almost) no segment crosses, with segments on both sides and long lines among them."""
    if len(segs) < 6:
        return None
    tolerance = max(2, len(segs) // 20)  # a centred title, running header or page number may cross it
    best: tuple[float, float] | None = None  # (width of the free strip, its middle)
    run_start: float | None = None
    for step in range(int(width * 0.3), int(width * 0.7) + 2):
        x = float(step)
        free = step <= int(width * 0.7) and sum(1 for s in segs if s.x0 < x < s.x1) <= tolerance
        if free and run_start is None:
            run_start = x
        elif not free and run_start is not None:
            if best is None or x - run_start > best[0]:
                best = (x - run_start, (run_start + x) / 2)
            run_start = None
    if best is None or best[0] < 6:
        return None
    x = best[1]
    left = [s.x1 - s.x0 for s in segs if s.x1 <= x]
    right = [s.x1 - s.x0 for s in segs if s.x0 >= x]
    long_lines = sum(1 for w in left + right if w > 0.3 * width)
    return x if min(len(left), len(right)) >= 3 and long_lines >= 3 else None


def _group_lines(segs: list[_Seg], rules: list[Rule]) -> list[_Line]:
    """Segments of one column on one baseline → lines, top to bottom."""
    lines: list[_Line] = []
    for seg in sorted(segs, key=lambda s: (-s.cy, s.x0)):
        if lines and abs(lines[-1].segs[0].cy - seg.cy) < 0.5 * max(seg.size, lines[-1].segs[0].size):
            lines[-1].segs.append(seg)
        else:
            lines.append(_Line([seg]))
    for line in lines:
        line.segs.sort(key=lambda s: s.x0)
        if any("\t" in s.text for s in line.segs):  # a row of a ruled table, its cells already read
            line.cells = [c for s in line.segs for c in s.text.split("\t")]
            line.starts = [line.segs[0].x0]
            continue
        cells: list[str] = []
        prev: _Seg | None = None
        for seg in line.segs:
            if (prev is not None and seg.x0 - prev.x1 < 1.5 * max(seg.size, prev.size)
                    and not _ruled(rules, prev.x1, seg.x0, seg.cy)):
                cells[-1] = _join(cells[-1], seg.text.strip())
            else:
                cells.append(seg.text.strip())
                line.starts.append(seg.x0)
            prev = seg
        line.cells = cells
    return lines


@dataclass
class _Page:
    segs: list[_Seg]
    width: float
    height: float
    rules: list[Rule]
    table: set[int] = field(default_factory=set)  # ids of the segments in table rows
    grid: set[int] = field(default_factory=set)  # ids of the rows of ruled tables (policyx.formats.pdfgrid)
    gutter: float | None = None

    def body(self) -> list[_Seg]:
        """Segments outside the top and bottom margins and outside table rows."""
        top, bottom = self.height * (1 - _MARGIN), self.height * _MARGIN
        return [s for s in self.segs if id(s) not in self.table and s.y0 < top and s.y1 > bottom]


def _median(values: list[float]) -> float:
    values = sorted(values)
    return values[len(values) // 2] if values else 0.0


def _layout(pages: list[_Page]) -> tuple[float, float, float]:
    """Find each page's gutter (a page of the same width with too few lines for its own takes the document's),
    and the document's right edges of a full-width line, a left-column line and a right-column line."""
    for page in pages:
        page.table = _row_segments(page.segs, page.rules) | page.grid
        page.gutter = _gutter([s for s in page.body() if s.x1 - s.x0 < 0.6 * page.width], page.width)
    gutters = Counter(round(p.gutter) for p in pages if p.gutter is not None)
    if gutters:
        usual = float(gutters.most_common(1)[0][0])
        for page in pages:
            body = page.body()
            crossing = sum(1 for s in body if s.x0 < usual < s.x1)
            # a page short of lines in one column finds no gutter, or a wider strip beside the real one
            if body and (page.gutter is None or abs(page.gutter - usual) > 10) and crossing <= len(body) // 20:
                page.gutter = usual
    full, left, right = [], [], []
    for page in pages:
        body = page.body()
        if page.gutter is None:
            full += [max((s.x1 for s in body), default=0.0)]
        else:
            g = page.gutter
            left += [max((s.x1 for s in body if s.x1 <= g), default=0.0)]
            right += [max((s.x1 for s in body if s.x0 >= g), default=0.0)]
    return _median([x for x in full if x]), _median([x for x in left if x]), _median([x for x in right if x])


def _page_lines(page: _Page, edges: tuple[float, float, float]) -> list[_Line]:
    """A page's lines in reading order, each marked when it fills its column."""
    segs, gutter, table = page.segs, page.gutter, page.table
    full_edge, left_edge, right_edge = edges
    groups: list[tuple[list[_Seg], float]] = []  # a column's segments, and that column's right edge
    if gutter is None:
        groups.append((segs, full_edge or max((s.x1 for s in segs), default=0.0)))
    else:
        full_edge = max(s.x1 for s in segs)
        # bands: a segment crossing the gutter (a title) or a table row is read where it stands
        run: list[_Seg] = []
        run_wide = False
        for seg in [*sorted(segs, key=lambda s: -s.cy), None]:
            wide = seg is not None and (id(seg) in table or seg.x0 < gutter < seg.x1)
            if seg is None or (run and wide != run_wide):
                if run_wide:
                    groups.append((run, full_edge))
                else:
                    groups.append(([s for s in run if s.x1 <= gutter], left_edge))
                    groups.append(([s for s in run if s.x0 >= gutter], right_edge))
                run = []
            if seg is not None:
                run.append(seg)
                run_wide = wide
    out: list[_Line] = []
    for k, (col, edge) in enumerate(groups):
        if not col:
            continue
        lines = _group_lines(col, page.rules)
        # the column's left edge: where most lines start (not a page number or an indented first line)
        starts = Counter(round(line.x0) for line in lines)
        left = min(x for x, n in starts.items() if n == max(starts.values()))
        for line in lines:
            size = max(s.size for s in line.segs)
            line.fills = len(line.cells) == 1 and line.x1 >= edge - 1.6 * size
            line.column, line.left = k, left
            out.append(line)
    return out


def _norm(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _drop_running(pages: list[tuple[list[_Line], float]]) -> list[list[_Line]]:
    """Running headers and footers (recurring in the margins, digits ignored) and page numbers removed."""
    counts: dict[str, int] = {}
    for lines, height in pages:
        seen = {_norm(ln.text) for ln in lines if ln.y0 > height * (1 - _MARGIN) or ln.y1 < height * _MARGIN}
        for key in seen:
            counts[key] = counts.get(key, 0) + 1
    recurring = {k for k, c in counts.items() if len(pages) >= 2 and c * 2 >= len(pages)}
    kept = []
    for lines, height in pages:
        out = []
        for ln in lines:
            in_margin = ln.y0 > height * (1 - _MARGIN) or ln.y1 < height * _MARGIN
            if in_margin and (_norm(ln.text) in recurring or _PAGE_NUMBER.match(ln.text)):
                continue
            out.append(ln)
        kept.append(out)
    return kept


def _carry_first_cells(lines: list[_Line]) -> None:
    """In a run of TAB rows, a row short of cells at its left took a merged cell: repeat the one above."""
    i = 0
    while i < len(lines):
        if len(lines[i].cells) < 2:
            i += 1
            continue
        j = i
        while j < len(lines) and len(lines[j].cells) >= 2:
            j += 1
        run = lines[i:j]
        widest = max(run, key=lambda ln: len(ln.cells))
        starts = widest.starts
        for k, line in enumerate(run[1:], 1):
            if len(line.cells) >= len(starts):
                continue
            first = line.starts[0]
            missing = sum(1 for x in starts if x < first - 2)
            above = run[k - 1].cells
            if 0 < missing < len(starts) and len(above) == len(starts):
                line.cells = above[:missing] + line.cells
        i = j


def _pitch(lines: list[_Line]) -> float:
    """The usual distance between baselines of one column: more than that between two lines is a paragraph gap."""
    steps = sorted(
        round(a.segs[0].cy - b.segs[0].cy, 1)
        for a, b in pairwise(lines)
        if a.page == b.page and a.column == b.column and a.segs[0].cy > b.segs[0].cy
    )
    return steps[len(steps) // 4] if steps else 0.0  # the lower quartile: wrapped lines outnumber paragraph gaps


def _continues(prev: _Line, line: _Line, pitch: float, marked: bool) -> bool:
    """``line`` goes on with ``prev``'s paragraph: prev fills its column, and ``line`` is neither indented, nor
    after a paragraph gap, nor a table row, nor a bare row number. Where the document marks its paragraphs
    (by first-line indents or gaps) that decides; where it does not, a line ending a sentence ends it too."""
    if not prev.fills or len(line.cells) != 1:
        return False
    size = max(s.size for s in line.segs)
    if line.x0 > line.left + 1.2 * size or _ROW_NUMBER.match(line.text):
        return False
    same_column = prev.page == line.page and prev.column == line.column
    if same_column and pitch and _gap(prev, line) > 1.3 * pitch:
        return False
    # across a column or page the gap cannot be seen: a finished sentence ends the paragraph there too
    return (marked and same_column) or not prev.text.rstrip().endswith(_SENTENCE_END)


def _gap(prev: _Line, line: _Line) -> float:
    return prev.segs[0].cy - line.segs[0].cy


def _paragraphs(lines: list[_Line]) -> list[str]:
    """Lines that fill their column continue on the next line (see ``_continues``)."""
    pitch = _pitch(lines)
    indents = sum(1 for ln in lines if len(ln.cells) == 1 and 1.5 < (ln.x0 - ln.left) / ln.segs[0].size < 2.5)
    gaps = sum(1 for a, b in pairwise(lines)
               if a.page == b.page and a.column == b.column and pitch and _gap(a, b) > 1.3 * pitch)
    marked = indents >= 3 or gaps >= 3
    out: list[str] = []
    for i, line in enumerate(lines):
        if i and out and _continues(lines[i - 1], line, pitch, marked):
            out[-1] = _join(out[-1], line.text)
        else:
            out.append(line.text)
    return out


def unmapped_share(text: str) -> float:
    """Share of characters a font without a Unicode map yields (private use, U+FFFD, control codes)."""
    chars = [c for c in text if not c.isspace()]
    bad = sum(1 for c in chars if c == "\ufffd" or "\ue000" <= c <= "\uf8ff" or ord(c) < 32)
    return bad / len(chars) if chars else 0.0


def pdf_text(data: bytes) -> str:
    """The text of a PDF's text layer, as paragraphs and TAB rows; PdfError for scans and encrypted files."""
    return "\n".join(_paragraphs(_flow(data)))


def pdf_lines(data: bytes) -> list[tuple[int, str]]:
    """The page's lines as the reader sees them (before paragraphs are rejoined): (page number, text)."""
    return [(line.page, line.text) for line in _flow(data)]


def _flow(data: bytes) -> list[_Line]:
    """Every page's lines in reading order, running headers, footers and page numbers dropped."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
            raise PdfError(_ENCRYPTED) from None
        raise PdfError(f"damaged PDF: {exc}") from None
    try:
        layout: list[_Page] = []
        images = 0
        for index in range(len(pdf)):
            page = pdf[index]
            width, height = page.get_size()
            rules, horizontal = _rules(page, pdfium.raw.FPDF_PAGEOBJ_PATH)
            segs = _segments(page.get_textpage(), rules)
            if not segs:
                images += sum(1 for obj in page.get_objects(filter=(pdfium.raw.FPDF_PAGEOBJ_IMAGE,), max_depth=1))
            segs, rows = ruled_tables(segs, rules, horizontal, _join)
            grid = [_Seg(left, top - 8.0, right, top - 2.0, 6.0, "\t".join(cells)) for top, left, right, cells in rows]
            layout.append(_Page(segs + grid, width, height, rules, grid={id(g) for g in grid}))
    finally:
        pdf.close()
    edges = _layout(layout)
    pages: list[tuple[list[_Line], float]] = []
    for index, page_layout in enumerate(layout):
        lines = _page_lines(page_layout, edges)
        for line in lines:
            line.page = index + 1
        pages.append((lines, page_layout.height))
    chars = sum(len(ln.text) for lines, _ in pages for ln in lines)
    if chars < _TEXT_MIN_CHARS:
        if images:
            raise PdfError("no text layer: scanned image; run OCR first (e.g. ocrmypdf -l chi_sim in.pdf out.pdf)")
        raise PdfError("no text layer: the PDF holds no readable text")
    if unmapped_share("".join(ln.text for lines, _ in pages for ln in lines)) > 0.3:
        raise PdfError("text layer unreadable: its fonts map glyphs to no characters; run OCR first")
    flow = [ln for lines in _drop_running(pages) for ln in lines]
    _carry_first_cells(flow)
    return flow
