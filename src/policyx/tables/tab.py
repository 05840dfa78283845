"""Tables rendered one row per line with TAB-separated cells (html.py's form of ``<table>``), SPEC 9."""

from __future__ import annotations

from policyx.models import Span
from policyx.tables.cells import Cell, Grid, Line, squeeze
from policyx.tables.rules import TableRules


def _tab_cells(line: Line) -> list[Cell]:
    cells, pos = [], line.start
    for part in line.text.split("\t"):
        lead = len(part) - len(part.lstrip())
        text = part.strip()
        cells.append(Cell(text, pos + lead, pos + lead + len(text)))
        pos += len(part) + 1
    return cells


def _is_caption(line: Line) -> bool:
    """A title row spanning the whole table (colspan repeated into every cell): not part of the grid."""
    cells = {c.strip() for c in line.text.split("\t")} - {""}
    return len(cells) == 1


def _looks_like_header(line: Line, tr: TableRules) -> bool:
    cells = [squeeze(c) for c in line.text.split("\t")]
    return 2 * sum(1 for c in cells if c and tr.match("header_vocab", c)) >= len(cells)


def tab_blocks(run: list[Line], tr: TableRules) -> list[list[Line]]:
    """Split a run of TAB lines into tables: a caption row, or a header row of another width, starts the next."""
    blocks: list[list[Line]] = [[]]
    width = -1
    for line in run:
        if _is_caption(line):
            blocks.append([])
            width = -1
            continue
        n = line.text.count("\t")
        if blocks[-1] and n != width and _looks_like_header(line, tr):
            blocks.append([])
        width = n
        blocks[-1].append(line)
    return [b for b in blocks if b]


def tab_block(block: list[Line], tr: TableRules) -> Grid | None:
    grid = [_tab_cells(ln) for ln in block]
    width = max(len(r) for r in grid)
    if width < 2:
        return None
    span: Span = (block[0].start, block[-1].end)
    header = [squeeze(c.text) for c in grid[0]] + [""] * (width - len(grid[0]))
    seq_col = next((j for j, h in enumerate(header) if tr.match("seq_header", h)), None)
    body = 1
    while seq_col is not None and body < len(grid):
        # a second header row (merged header cells repeated): its 序号 cell is not a number
        nxt = grid[body]
        if seq_col < len(nxt) and tr.match("seq_cell", squeeze(nxt[seq_col].text)):
            break
        below = [squeeze(c.text) for c in nxt]
        header = [h if j >= len(below) or below[j] == h else h + below[j] for j, h in enumerate(header)]
        body += 1
    rows = [r + [Cell("", r[-1].end, r[-1].end)] * (width - len(r)) for r in grid[body:]]
    if not rows:  # the cells are explicit here: one row is a table, a header alone is not
        return None
    if not any(tr.match("header_vocab", h) for h in header):
        return None
    return Grid(header, rows, [(ln.start, ln.end) for ln in block[body:]], span, tr.tab_rule.id)
