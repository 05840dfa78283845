"""Tables flattened to cells closed by ``|`` (``民政局 |`` on a line of its own), SPEC 9.

A CMS page's table often arrives one cell per line, each closed by `` |``, with no sign of where the header
ends or a row begins, and with a row's empty cells simply missing. The header is the run of leading cells
that read like column names; among its possible lengths, the one whose rows fit their columns best wins
(``columns.cell_cost``: a lone number under 序号, units under 牵头单位, a name under 分管领导). With a 序号
column a row starts at each row number; without one, rows are cut every header-width cells. Lines that hold
several cells each (``| 序号 | 项目 | 牵头单位 |``) are rows of their own.
"""

from __future__ import annotations

import regex

from policyx.departments import Resolver
from policyx.locate import Line
from policyx.models import Span
from policyx.tables.cells import Cell, Grid, squeeze
from policyx.tables.columns import align, cell_cost, roles_of
from policyx.tables.rules import TableRules

_HEADER_MAX = 16  # characters of a column name
_HEADER_CELLS = 24  # a header has at most this many cells: the lengths tried stay few on a long run of lines
_PROSE = regex.compile(r"[。,，;；:：、!?！？]")
_ORPHAN = 4.0  # a cell before the first row number that is not part of the header
_CUT_MAX = 400  # cells: past this many, rows without numbers are cut every header-width cells
_RULE = regex.compile(r"^:?-{2,}:?$")  # a Markdown rule cell


def pipe_cells(line: Line) -> list[Cell]:
    """The cells of a line closed by ``|``: ``序号 | 名称 |`` → 序号, 名称 (spans exact)."""
    cells: list[Cell] = []
    pos = line.start
    parts = line.text.split("|")
    for part in parts[:-1]:  # the text after the last | is the closing white space
        lead = len(part) - len(part.lstrip())
        text = part.strip()
        if text:
            cells.append(Cell(text, pos + lead, pos + lead + len(text)))
        pos += len(part) + 1
    return cells


def _header_like(cell: Cell, tr: TableRules, dr: Resolver) -> bool:
    s = squeeze(cell.text)
    if not s or len(s) > _HEADER_MAX or _PROSE.search(s) or tr.match("seq_cell", s):
        return False
    return tr.role_of(s) is not None or not dr.looks_like_unit(s)  # 责任单位 names a column, 民政局 a unit


def _cut(cells: list[Cell], roles: list[str | None], tr: TableRules, dr: Resolver) -> list[list[Cell]]:
    """Cells with no row numbers cut into rows of at most ``len(roles)`` cells, the cut where every row best fits
    its columns (a row whose empty cells are missing is shorter: it does not shift the rows after it)."""
    n, total = len(roles), len(cells)
    if total > _CUT_MAX:  # a long run: every n cells
        return [cells[i : i + n] for i in range(0, total, n)]
    costs = [[cell_cost(c.text, r, tr, dr) for r in roles] for c in cells]
    inf = float("inf")
    best: list[tuple[float, int]] = [(0.0, 0)] + [(inf, 0)] * total  # (cost of cells[:i], start of the last row)
    for i in range(1, total + 1):
        for k in range(1, min(n, i) + 1):
            cost = best[i - k][0] + align(costs[i - k : i])[0]
            if cost < best[i][0]:
                best[i] = (cost, i - k)
    rows: list[list[Cell]] = []
    i = total
    while i > 0:
        rows.append(cells[best[i][1] : i])
        i = best[i][1]
    return rows[::-1]


def _rows(cells: list[Cell], roles: list[str | None], tr: TableRules, dr: Resolver) -> list[list[Cell]]:
    """The body cells cut into rows: at each row number under a 序号 column (``rows[0]``: the cells before the
    first number), else where the rows best fit their columns (``rows[0]`` empty)."""
    if "seq" not in roles:
        return [[], *_cut(cells, roles, tr, dr)]
    rows: list[list[Cell]] = [[]]
    last: int | None = None
    for c in cells:
        m = tr.match("seq_cell", squeeze(c.text))
        num = int(m.group("n")) if m else None
        if num is not None and (last is None or num == last + 1):
            rows.append([])
            last = num
        rows[-1].append(c)
    return rows


def _fit(cells: list[Cell], header: list[str], tr: TableRules, dr: Resolver) -> tuple[float, list[list[Cell]]]:
    """The cost of reading ``cells`` as rows under ``header``, and the rows with every column filled."""
    roles = roles_of(header, tr)
    orphans, *rows = _rows(cells, roles, tr, dr)
    total = _ORPHAN * len(orphans)
    out: list[list[Cell]] = []
    for row in rows:
        if not row:
            continue
        cost, cols = align([[cell_cost(c.text, r, tr, dr) for r in roles] for c in row])
        if not cols:
            return float("inf"), []
        total += cost
        full = [Cell("", row[0].start, row[0].start)] * len(header)
        for c, j in zip(row, cols, strict=True):
            full[j] = c
        # an empty cell sits where it would have been printed: right after the cell before it
        for j in range(1, len(full)):
            if not full[j].text and full[j - 1].text:
                full[j] = Cell("", full[j - 1].end, full[j - 1].end)
        out.append(full)
    return total, out


def _line_rows(per_line: list[list[Cell]], span: Span, tr: TableRules, dr: Resolver) -> Grid | None:
    """A table written one row per line (``| 序号 | 项目 | 牵头单位 |``, Markdown's form): the first line is the
    header, a rule line (``|---|---|``) is skipped, a row short of cells is placed by what its columns hold."""
    rows = [cs for cs in per_line if cs and not all(_RULE.match(c.text) for c in cs)]
    if len(rows) < 2:
        return None
    header = [squeeze(c.text) for c in rows[0]]
    if not any(tr.role_of(h) for h in header):
        return None
    roles = roles_of(header, tr)
    out: list[list[Cell]] = []
    for row in rows[1:]:
        _, cols = align([[cell_cost(c.text, r, tr, dr) for r in roles] for c in row])
        if not cols:
            return None  # more cells than the header names: not this form
        full = [Cell("", row[0].start, row[0].start)] * len(header)
        for c, j in zip(row, cols, strict=True):
            full[j] = c
        out.append(full)
    spans = [(r[0].start, r[-1].end) for r in rows[1:]]
    return Grid(header, out, spans, span, tr.pipe_rule.id)


def pipe_block(lines: list[Line], tr: TableRules, dr: Resolver) -> Grid | None:
    """The table of a run of lines closed by ``|``, or None when no header with a known column is found."""
    per_line = [pipe_cells(ln) for ln in lines]
    if 3 * sum(len(cs) >= 2 for cs in per_line) >= 2 * len(per_line):  # most lines hold several cells
        return _line_rows(per_line, (lines[0].start, lines[-1].end), tr, dr)
    cells = [c for cs in per_line for c in cs]
    lead = 0
    while lead < min(len(cells), _HEADER_CELLS) and _header_like(cells[lead], tr, dr):
        lead += 1
    best: tuple[float, int, list[list[Cell]]] | None = None
    for h in range(2, lead + 1):
        header = [squeeze(c.text) for c in cells[:h]]
        if not any(tr.role_of(x) for x in header):
            continue
        cost, rows = _fit(cells[h:], header, tr, dr)
        if rows and (best is None or cost < best[0]):
            best = (cost, h, rows)
    if best is None:
        return None
    _, h, rows = best
    header = [squeeze(c.text) for c in cells[:h]]
    spans: list[Span] = []
    for row in rows:
        filled = [c for c in row if c.text]
        spans.append((filled[0].start, filled[-1].end))
    return Grid(header, rows, spans, (lines[0].start, lines[-1].end), tr.pipe_rule.id)
