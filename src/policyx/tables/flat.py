"""Flattened tables (one cell per line), rebuilt on their sequence-number column (SPEC 9).

A flattened table is found by its ``序号`` header cell: the header cells around it are joined where a cell
was split over lines, rows are anchored on the sequence numbers 1, 2, 3 …, a merged category cell before
the numbers is repeated on every row it covers, cells split over lines are merged back, and a row short of
cells (a rowspan) takes the missing ones from the row above. Every cell keeps its span in the text.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from policyx.models import Span
from policyx.tables.cells import Cell, Failure, Grid, Line, cell_of, join_header, squeeze
from policyx.tables.rules import TableRules


@dataclass(slots=True)
class _Row:
    seq: Line  # the line holding the row's number
    lead: list[Line]  # the category lines printed before its number
    body: list[Line]  # the lines after it


def _seq(line: Line, tr: TableRules) -> int | None:
    m = tr.match("seq_cell", squeeze(line.text))
    return int(m.group("n")) if m else None


# --- flattened tables ------------------------------------------------------------------------------------


def _unwrap_header(cells: list[str], want: int, tr: TableRules) -> list[str]:
    """Join wrapped header cells (申请中央 + 预算内投资(万元)) while there are more cells than the rows have."""
    cells = list(cells)
    while len(cells) > want:
        for i in range(1, len(cells)):
            if tr.wraps(cells[i - 1], cells[i]):
                cells[i - 1 : i + 1] = [cells[i - 1] + cells[i]]
                break
        else:
            break
    return cells


def _merge(a: Cell, b: Cell, tr: TableRules) -> Cell:
    # a list of units keeps one unit per line; a word or sentence broken by the column width joins up
    units = tr.match("unit_line", squeeze(a.text)) and tr.match("unit_line", squeeze(b.text))
    return Cell(a.text + ("\n" if units else "") + b.text, a.start, b.end)


def _is(tr: TableRules, name: str, cell: Cell) -> bool:
    return bool(tr.match(name, squeeze(cell.text)))


def _merge_run(cells: list[Cell], i: int, j: int, tr: TableRules) -> list[Cell]:
    """``cells`` with ``cells[i:j]`` merged into one."""
    merged = cells[i]
    for c in cells[i + 1 : j]:
        merged = _merge(merged, c, tr)
    return [*cells[:i], merged, *cells[j:]]


def _fit(cells: list[Cell], n: int, tr: TableRules, profiles: list[_Profile] | None = None) -> list[Cell] | None:
    """Merge the lines of one row into at most ``n`` cells; None when they cannot be merged that far.

    The shortest pair of neighbours merges first (broken words are short); between equals, the merge that
    best fits ``profiles`` (what each column usually holds) wins.
    """
    cells = list(cells)
    i = 1
    while i < len(cells):  # a word broken over two lines by a narrow column
        tail = "fragment_tail" if len(cells) > n else "fragment"
        if _is(tr, "fragment", cells[i - 1]) and _is(tr, tail, cells[i]):
            cells = _merge_run(cells, i - 1, i + 1, tr)
        else:
            i += 1
    if len(cells) > n:  # a responsibility cell printed one unit per line closes the row
        j = len(cells)
        while j > 0 and _is(tr, "unit_line", cells[j - 1]):
            j -= 1
        if len(cells) - j >= 2:
            cells = _merge_run(cells, j, min(len(cells), j + len(cells) - n + 1), tr)
    while len(cells) > n:
        options = []
        for i in range(1, len(cells)):
            a, b = cells[i - 1], cells[i]
            if _is(tr, "numeric_cell", a) or _is(tr, "numeric_cell", b) or tr.match("sentence_end", a.text):
                continue
            after = _merge_run(cells, i - 1, i + 1, tr)
            fit = _row_cost(after, profiles, tr) if profiles and len(after) <= n else 0.0
            options.append((len(a.text) + len(b.text), fit, i))
        if not options:
            return None
        _, _, i = min(options)
        cells = _merge_run(cells, i - 1, i + 1, tr)
    return cells


@dataclass(slots=True)
class _Profile:
    features: tuple[float, ...]


def _features(cell: Cell, tr: TableRules) -> tuple[float, ...]:
    s = squeeze(cell.text)
    return (
        math.log(1 + len(s)) / 2,
        1.0 if tr.match("unit_line", s) else 0.0,
        1.0 if tr.match("unit_list", s) else 0.0,
        1.0 if tr.match("numeric_cell", s) else 0.0,
        1.0 if tr.match("sentence_end", s) else 0.0,
    )


def _cost(features: tuple[float, ...], profile: _Profile) -> float:
    return sum(abs(a - b) for a, b in zip(features, profile.features, strict=True))


def _row_cost(cells: list[Cell], profiles: list[_Profile], tr: TableRules) -> float:
    features = [_features(c, tr) for c in cells]
    cols = _align(features, profiles)
    return sum(_cost(f, profiles[j]) for f, j in zip(features, cols, strict=True))


def _profiles(rows: list[list[Cell]], n: int, tr: TableRules) -> list[_Profile]:
    full = [r for r in rows if len(r) == n]
    out = []
    for j in range(n):
        feats = [_features(r[j], tr) for r in full] or [(0.0,) * 5]
        out.append(_Profile(tuple(sum(f[k] for f in feats) / len(feats) for k in range(5))))
    return out


def _align(features: list[tuple[float, ...]], profiles: list[_Profile]) -> list[int]:
    """The columns (increasing) that the ``k <= n`` cells of a row (their features) most likely fill."""
    k, n = len(features), len(profiles)
    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(k + 1)]  # best[i][j]: first i cells placed in the first j columns
    for j in range(n + 1):
        best[0][j] = 0.0
    for i in range(1, k + 1):
        for j in range(i, n + 1):
            best[i][j] = min(best[i][j - 1], best[i - 1][j - 1] + _cost(features[i - 1], profiles[j - 1]))
    cols: list[int] = []
    i, j = k, n
    while i > 0:
        if j > i and best[i][j] == best[i][j - 1]:
            j -= 1
        else:
            cols.append(j - 1)
            i, j = i - 1, j - 1
    return cols[::-1]


def _complete(rows: list[list[Cell]], n: int, tr: TableRules, fallback: list[Span]) -> list[list[Cell]]:
    """Give short rows (merged cells spanning rows) the missing cells of the row above."""
    profiles = _profiles(rows, n, tr)  # learnt from the rows that are whole
    out: list[list[Cell]] = []
    for r, cells in enumerate(rows):
        if len(cells) == n:
            out.append(cells)
            continue
        full: list[Cell | None] = [None] * n
        for c, j in zip(cells, _align([_features(c, tr) for c in cells], profiles), strict=True):
            full[j] = c
        start = fallback[r][0]
        out.append([c if c else (out[-1][j] if out else Cell("", start, start)) for j, c in enumerate(full)])
    return out


def _ends_at(lines: list[Line], q: int, tr: TableRules, stops: set[int]) -> bool:
    """The table cannot go on at line ``q``."""
    return q >= len(lines) or lines[q].start in stops or tr.ends_table(squeeze(lines[q].text))


def _find_rows(
    lines: list[Line], k: int, n_after: int, tr: TableRules, stops: set[int], learn: bool = True
) -> tuple[list[int], int]:
    """Indices of the sequence lines 1, 2, 3 … from line ``k``, and the index just past the table.

    ``learn``: use the columns that hold numbers in whole rows to tell a numeric cell from the next number.
    """
    seqs = [k]
    numeric = [0] * n_after  # per column: how many whole rows so far hold a number there
    whole = 0
    p, limit = k + 1, len(lines)
    while p < limit:
        if _ends_at(lines, p, tr, stops):
            break
        if _seq(lines[p], tr) == len(seqs) + 1:
            offset = p - seqs[-1] - 1
            if offset < n_after:
                # a short row, or a numeric cell equal to the next number: a column that holds numbers in the
                # whole rows, a later line with the same number, or the table's end says it is a cell
                if learn and whole and 2 * numeric[offset] >= whole:
                    p += 1
                    continue
                # of the lines with that number close by, the first where the row would be whole
                window = range(p, min(limit, seqs[-1] + n_after + 3))
                cands = [q for q in window if _seq(lines[q], tr) == len(seqs) + 1]
                whole_at = next((q for q in cands if q - seqs[-1] - 1 >= n_after), None)
                if whole_at is None and _ends_at(lines, p + 1, tr, stops):
                    p += 1
                    break
                p = whole_at if whole_at is not None else p
            if p - seqs[-1] - 1 == n_after:
                whole += 1
                for j, line in enumerate(lines[seqs[-1] + 1 : p]):
                    numeric[j] += bool(tr.match("numeric_cell", squeeze(line.text)))
            seqs.append(p)
        p += 1
    # the last row takes its cells, then only lines that continue a cell (one more unit, a broken word)
    end = seqs[-1] + 1
    while end < p:
        s = squeeze(lines[end].text)
        if end - seqs[-1] > n_after and not (tr.match("unit_line", s) or tr.match("fragment_tail", s)):
            break
        end += 1
    return seqs, end


@dataclass(slots=True)
class _Header:
    lead: list[Line]  # the header cells before 序号 (a category column)
    seq: Line  # the 序号 cell
    cells: list[str]  # the header cells after 序号, split cells joined
    first_lead: list[Line]  # the first row's category cell, printed before its number
    first_row: int  # index of the line holding the number 1


def _header_at(lines: list[Line], i: int, tr: TableRules, stops: set[int]) -> _Header | None:
    """The header around the ``序号`` cell on line ``i``, or None when no numbered rows follow it."""
    lead_n = 0
    while lead_n < tr.lead_header.max_cells and i - lead_n - 1 >= 0:
        prev = lines[i - lead_n - 1]
        if prev.start in stops or not tr.match("lead_header", squeeze(prev.text)):
            break
        lead_n += 1
    k = i + 1
    while k < len(lines) and _seq(lines[k], tr) != 1:
        if k - i > 24 or lines[k].start in stops or "\t" in lines[k].text:
            return None
        k += 1
    if k >= len(lines):
        return None
    head = [squeeze(ln.text) for ln in lines[i + 1 : k]]
    n_head = len(head)
    if lead_n:
        n_head = 0  # the first row's category cell follows the header words
        while n_head < len(head) and tr.match("header_vocab", head[n_head]):
            n_head += 1
    if n_head == len(head):
        lead_n = 0  # no category cell before the first number: the short line above 序号 was a title
    if n_head == 0 or not any(tr.match("header_vocab", h) for h in head[:n_head]):
        return None
    return _Header(lines[i - lead_n : i], lines[i], join_header(head[:n_head], tr), lines[i + 1 + n_head : k], k)


def _split_rows(lines: list[Line], head: _Header, seqs: list[int], end: int, n: int) -> list[_Row]:
    """The lines of each numbered row; with a category column, lines past a row's ``n`` cells are the
    next row's category cell (printed before its number)."""
    raw: list[_Row] = []
    pending = list(head.first_lead)
    for r, (a, b) in enumerate(pairwise([*seqs, end])):
        body = lines[a + 1 : b]
        row = _Row(seq=lines[a], lead=pending, body=body)
        pending = []
        if head.lead and r + 1 < len(seqs) and len(body) > n:
            row.body, pending = body[:n], body[n:]
        raw.append(row)
    return raw


def flat_at(lines: list[Line], i: int, tr: TableRules, stops: set[int]) -> tuple[Grid | Failure | None, int]:
    """The flattened table whose ``序号`` cell is line ``i``, and the line index to go on from."""
    head = _header_at(lines, i, tr, stops)
    if head is None:
        return None, i + 1
    header = head.cells
    seqs, _ = _find_rows(lines, head.first_row, len(header), tr, stops, learn=False)
    typical = Counter(b - a - 1 for a, b in pairwise(seqs)).most_common(1)
    if not head.lead and typical and len(header) > typical[0][0]:
        header = _unwrap_header(header, typical[0][0], tr)
    n = len(header)
    seqs, end = _find_rows(lines, head.first_row, n, tr, stops)
    block: Span = ((head.lead or [head.seq])[0].start, lines[end - 1].end)
    if len(seqs) < tr.min_rows:
        return Failure(block, f"table header found but only {len(seqs)} numbered row(s)"), end
    raw = _split_rows(lines, head, seqs, end, n)
    # what each column holds, learnt from the rows that needed no merging
    exact = [[cell_of(ln) for ln in row.body] for row in raw if len(row.body) == n]
    profiles = _profiles(exact, n, tr) if exact else None
    fitted: list[list[Cell]] = []
    for r, row in enumerate(raw):
        cells = _fit([cell_of(ln) for ln in row.body], n, tr, profiles)
        if cells is None:
            return Failure(block, f"row {r + 1} has {len(row.body)} cells for {n} columns"), end
        fitted.append(cells)
    row_spans = [((row.lead or [row.seq])[0].start, (row.body or [row.seq])[-1].end) for row in raw]
    rows: list[list[Cell]] = []
    category: Cell | None = None
    for row, cells in zip(raw, _complete(fitted, n, tr, row_spans), strict=True):
        if not head.lead:
            rows.append([cell_of(row.seq), *cells])
            continue
        if row.lead:  # a new category cell; rows without one are covered by the one above
            category = Cell("".join(ln.text for ln in row.lead), row.lead[0].start, row.lead[-1].end)
        rows.append([category or Cell("", row.seq.start, row.seq.start), cell_of(row.seq), *cells])
    full_header = [*(squeeze(ln.text) for ln in head.lead), squeeze(head.seq.text), *header]
    return Grid(full_header, rows, row_spans, block, tr.flat_rule.id), end
