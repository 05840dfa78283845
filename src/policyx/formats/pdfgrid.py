"""Ruled tables of a PDF page: text inside drawn cells → one TAB row per table row (html.py's form).

Every text segment enclosed by ruling lines on four sides belongs to that cell; a cell's lines are joined
into one text (a cell wraps over as many lines as it needs). The cells of a table give its row and column
boundaries; a cell spanning several rows or columns (a merged cell, drawn without inner borders) is repeated
in every position it covers, as html.py does with rowspan/colspan, so ``tables`` reads the grid from text alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

Rule = tuple[float, float, float]  # a ruling line: its position, and where it starts and ends along it
_TOL = 1.5  # points: a segment's box touching a rule still lies inside it


class Segment(Protocol):
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def cy(self) -> float: ...


@dataclass
class _Cell:
    left: float
    right: float
    bottom: float
    top: float
    segs: list = field(default_factory=list)


def _enclosing(seg: Segment, vertical: list[Rule], horizontal: list[Rule]) -> tuple[float, float, float, float] | None:
    """The cell (left, right, bottom, top) whose rules surround ``seg`` on four sides, or None."""
    cx, cy = (seg.x0 + seg.x1) / 2, seg.cy
    lefts = [x for x, lo, hi in vertical if x <= seg.x0 + _TOL and lo - _TOL <= cy <= hi + _TOL]
    rights = [x for x, lo, hi in vertical if x >= seg.x1 - _TOL and lo - _TOL <= cy <= hi + _TOL]
    tops = [y for y, lo, hi in horizontal if y >= seg.y1 - _TOL and lo - _TOL <= cx <= hi + _TOL]
    bottoms = [y for y, lo, hi in horizontal if y <= seg.y0 + _TOL and lo - _TOL <= cx <= hi + _TOL]
    if not (lefts and rights and tops and bottoms):
        return None
    return max(lefts), min(rights), max(bottoms), min(tops)


def _bounds(values: list[float]) -> list[float]:
    """Distinct positions, those closer than 2 points merged."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > 2:
            out.append(v)
    return out


def _index(bounds: list[float], value: float) -> int:
    return min(range(len(bounds)), key=lambda i: abs(bounds[i] - value))


def ruled_tables(
    segs: list, vertical: list[Rule], horizontal: list[Rule], join: Callable[[str, str], str]
) -> tuple[list, list[tuple[float, float, float, list[str]]]]:
    """Split a page's segments: those outside ruled cells, and the tables' rows as (top, left, right, cells)."""
    if len(vertical) < 2 or len(horizontal) < 2:
        return segs, []
    cells: dict[tuple[int, int, int, int], _Cell] = {}
    free = []
    for seg in segs:
        box = _enclosing(seg, vertical, horizontal)
        if box is None:
            free.append(seg)
            continue
        key = tuple(round(v) for v in box)
        cells.setdefault(key, _Cell(*box)).segs.append(seg)  # type: ignore[arg-type]
    if not cells:
        return segs, []
    # tables: cells whose vertical extents touch or overlap, top to bottom
    tables: list[list[_Cell]] = []
    for cell in sorted(cells.values(), key=lambda c: -c.top):
        if tables and cell.top >= min(c.bottom for c in tables[-1]) - 2:
            tables[-1].append(cell)
        else:
            tables.append([cell])
    rows_out: list[tuple[float, float, float, list[str]]] = []
    for table in tables:
        if len(table) < 2:  # a boxed paragraph, not a table
            for cell in table:
                free += cell.segs
            continue
        xs = _bounds([c.left for c in table] + [c.right for c in table])
        ys = _bounds([c.bottom for c in table] + [c.top for c in table])[::-1]  # top first
        grid = [["" for _ in range(len(xs) - 1)] for _ in range(len(ys) - 1)]
        filled = [[False] * (len(xs) - 1) for _ in range(len(ys) - 1)]
        for cell in table:
            text = ""
            for seg in sorted(cell.segs, key=lambda s: (-round(s.cy), s.x0)):
                text = join(text, seg.text.strip())
            c0, c1 = _index(xs, cell.left), _index(xs, cell.right)
            r0, r1 = _index(ys, cell.top), _index(ys, cell.bottom)
            for r in range(r0, max(r1, r0 + 1)):
                for c in range(c0, max(c1, c0 + 1)):
                    if r < len(grid) and c < len(grid[r]):
                        grid[r][c], filled[r][c] = text, True
        left, right = xs[0], xs[-1]
        for r, row in enumerate(grid):
            if any(filled[r]):
                rows_out.append((ys[r], left, right, row))
    return free, rows_out
