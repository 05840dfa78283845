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
from dataclasses import dataclass, field

_SENTENCE_END = "。！？；：!?;:…」』”’）)】"
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(?:第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d+)[-—–－\s]*$")
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


Rule = tuple[float, float, float]  # a vertical ruling line: x, bottom, top


def _vertical_rules(page, path_type: int) -> list[Rule]:
    """Vertical ruling lines of the page: thin paths, and the left and right edges of drawn rectangles."""
    rules: list[Rule] = []
    for obj in page.get_objects(filter=(path_type,), max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        if top - bottom < 4:
            continue  # a horizontal rule
        if right - left < 3:
            rules.append(((left + right) / 2, bottom, top))
        else:
            rules += [(left, bottom, top), (right, bottom, top)]
    return rules


def _ruled(rules: list[Rule], x0: float, x1: float, y: float) -> bool:
    """A vertical rule stands between x0 and x1 at height y: a cell border."""
    return any(x0 - 1.5 <= x <= x1 + 1.5 and bottom <= y <= top for x, bottom, top in rules)


def _segments(textpage, rules: list[Rule]) -> list[_Seg]:
    n = textpage.count_chars()
    if n <= 0:
        return []
    text = textpage.get_text_range(0, n)
    segs: list[_Seg] = []
    cur: _Seg | None = None
    pending_space = False
    for i in range(min(n, len(text))):
        ch = text[i]
        if ch in "\r\n\x02\ufffe":
            pending_space = cur is not None and bool(cur.text)
            continue
        left, b, r, t = textpage.get_charbox(i)
        if ch.isspace() or ch == "\u3000":
            pending_space = True
            continue
        size = max(t - b, r - left, 1.0)
        if cur is not None:
            gap = left - cur.x1
            same_line = abs((b + t) / 2 - cur.cy) < 0.5 * max(size, cur.size)
            if (same_line and -0.3 * cur.size <= gap < 0.9 * max(size, cur.size)
                    and not (rules and _ruled(rules, cur.x1, left, (b + t) / 2))):
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


def _row_segments(segs: list[_Seg]) -> set[int]:
    """Segments on a baseline shared by three or more: a table row, read across the whole page."""
    rows: list[list[_Seg]] = []
    for seg in sorted(segs, key=lambda s: -s.cy):
        if rows and abs(rows[-1][0].cy - seg.cy) < 0.5 * max(seg.size, rows[-1][0].size):
            rows[-1].append(seg)
        else:
            rows.append([seg])
    return {id(s) for row in rows if len(row) >= 3 for s in row}


def _gutter(segs: list[_Seg], width: float) -> float | None:
    """The x of a two-column page's gutter: free of segments near the middle, long lines on both sides."""
    if len(segs) < 6:
        return None
    for step in range(0, 21):
        x = width * (0.4 + step * 0.01)
        if any(s.x0 < x < s.x1 for s in segs):
            continue
        left = sorted(s.x1 - s.x0 for s in segs if s.x1 <= x)
        right = sorted(s.x1 - s.x0 for s in segs if s.x0 >= x)
        if len(left) >= 3 and len(right) >= 3 and min(left[len(left) // 2], right[len(right) // 2]) > 0.3 * width:
            return x
    return None


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


def _page_lines(segs: list[_Seg], width: float, rules: list[Rule]) -> list[_Line]:
    """A page's lines in reading order, each marked when it fills its column."""
    table = _row_segments(segs)
    gutter = _gutter([s for s in segs if id(s) not in table and s.x1 - s.x0 < 0.6 * width], width)
    groups: list[tuple[list[_Seg], float]] = []  # a column's segments, and that column's right edge
    if gutter is None:
        groups.append((segs, max(s.x1 for s in segs) if segs else 0.0))
    else:
        left_edge = max((s.x1 for s in segs if s.x1 <= gutter), default=0.0)
        right_edge = max((s.x1 for s in segs if s.x0 >= gutter), default=0.0)
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
    for col, edge in groups:
        if not col:
            continue
        for line in _group_lines(col, rules):
            size = max(s.size for s in line.segs)
            line.fills = len(line.cells) == 1 and line.x1 >= edge - 1.6 * size
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


def _paragraphs(lines: list[_Line]) -> list[str]:
    """Lines that fill their column and do not end a sentence continue on the next line."""
    out: list[str] = []
    joining = False
    for line in lines:
        text = line.text
        if joining and len(line.cells) == 1 and out:
            out[-1] = _join(out[-1], text)
        else:
            out.append(text)
        joining = line.fills and not text.rstrip().endswith(tuple(_SENTENCE_END))
    return out


def pdf_text(data: bytes) -> str:
    """The text of a PDF's text layer, as paragraphs and TAB rows; PdfError for scans and encrypted files."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
            raise PdfError(_ENCRYPTED) from None
        raise PdfError(f"damaged PDF: {exc}") from None
    try:
        pages: list[tuple[list[_Line], float]] = []
        images = 0
        for index in range(len(pdf)):
            page = pdf[index]
            width, height = page.get_size()
            textpage = page.get_textpage()
            rules = _vertical_rules(page, pdfium.raw.FPDF_PAGEOBJ_PATH)
            segs = _segments(textpage, rules)
            if not segs:
                images += sum(1 for obj in page.get_objects(filter=(pdfium.raw.FPDF_PAGEOBJ_IMAGE,), max_depth=1))
            lines = _page_lines(segs, width, rules)
            for line in lines:
                line.page = index + 1
            pages.append((lines, height))
    finally:
        pdf.close()
    chars = sum(len(ln.text) for lines, _ in pages for ln in lines)
    if chars < _TEXT_MIN_CHARS:
        if images:
            raise PdfError("no text layer: scanned image; run OCR first (e.g. ocrmypdf -l chi_sim in.pdf out.pdf)")
        raise PdfError("no text layer: the PDF holds no readable text")
    flow = [ln for lines in _drop_running(pages) for ln in lines]
    _carry_first_cells(flow)
    return "\n".join(_paragraphs(flow))
