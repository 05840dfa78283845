"""Flattened indicator tables with no 序号 column, rebuilt on their attribute column (SPEC 9).

``类别 / 指标 / 2020年 / 2025年 / 属性`` printed one cell per line: every row ends with its 约束性/预期性
cell, so that cell closes the row. A row one cell short is covered by the category cell of the row above
(a rowspan); a row with more lines has its category cell broken over lines.
"""

from __future__ import annotations

from policyx.models import Span
from policyx.tables.cells import Cell, Grid, Line, cell_of, join_header, squeeze
from policyx.tables.rules import TableRules

_HEADER_WINDOW = 10  # header cells after the indicator header


def _is_attr(line: Line, tr: TableRules) -> bool:
    return bool(tr.match("binding_cell", squeeze(line.text)))


def _joined(lines: list[Line]) -> Cell:
    return Cell("".join(ln.text for ln in lines), lines[0].start, lines[-1].end)


def attr_at(lines: list[Line], i: int, tr: TableRules, stops: set[int]) -> tuple[Grid | None, int]:
    """The table whose indicator header cell (``指标``) is line ``i``, and the line index to go on from."""
    lead = 0
    if i > 0 and lines[i].start not in stops:
        prev = squeeze(lines[i - 1].text)
        if tr.match("lead_header", prev) and tr.match("header_vocab", prev) and lines[i - 1].start not in stops:
            lead = 1
    k = i + 1
    while k < len(lines) and k - i <= _HEADER_WINDOW and tr.match("header_vocab", squeeze(lines[k].text)):
        if lines[k].start in stops or _is_attr(lines[k], tr):
            break
        k += 1
    header = join_header([squeeze(ln.text) for ln in lines[i - lead : k]], tr)
    n = len(header)
    if n < 3 or not tr.column("binding", header[-1]) or not any(tr.column("target", h) for h in header):
        return None, i + 1
    want = n - 1  # the cells before the attribute cell
    rows: list[list[Cell]] = []
    row_spans: list[Span] = []
    category: Cell | None = None
    p = k
    while p < len(lines):
        close = next((q for q in range(p, min(len(lines), p + n + 2)) if _is_attr(lines[q], tr)), None)
        if close is None or any(ln.start in stops for ln in lines[p : close + 1]):
            break
        body = lines[p:close]
        if lead and len(body) >= want:
            category = _joined(body[: len(body) - want + 1])
            cells = [category, *(cell_of(ln) for ln in body[len(body) - want + 1 :])]
        elif lead and len(body) == want - 1 and category is not None:
            cells = [category, *(cell_of(ln) for ln in body)]
        elif not lead and len(body) == want:
            cells = [cell_of(ln) for ln in body]
        else:
            break
        rows.append([*cells, cell_of(lines[close])])
        row_spans.append((body[0].start if body else lines[close].start, lines[close].end))
        p = close + 1
    if len(rows) < tr.min_rows:
        return None, i + 1
    span: Span = (lines[i - lead].start, lines[p - 1].end)
    return Grid(header, rows, row_spans, span, tr.attr_rule.id), p
