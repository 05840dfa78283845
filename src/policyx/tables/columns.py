"""What each column of a table holds (``column_roles`` in rules/tables.yaml), and how well a cell fits a column.

A column's role comes from its header cell (牵头单位 → lead, 进展情况 → progress, 分管领导 → person …). When a
row arrives short of cells (empty cells simply missing from a flattened page), each cell goes to the column it
fits best, in order: a lone number to 序号, a list of units to a unit column, a name to a person column.
"""

from __future__ import annotations

from bisect import bisect_right

import regex

from policyx.departments import Resolver
from policyx.models import Document, Span
from policyx.rules import RuleSet
from policyx.tables.cells import squeeze
from policyx.tables.rules import TableRules

#: a column left without a cell: dearer than a fair fit, cheaper than a bad one
SKIP = 1.5
_BAD = 4.0
_PIECES = regex.compile(r"[、,，;；\s]+")
_NAME = regex.compile(r"^\p{Han}{2,4}$")
_WHEN = regex.compile(r"\d|[年月季]|底前|以前")
_LONG = 12  # characters: a cell longer than this is prose, not a name
_STATEMENT = regex.compile(r"\d|[。;；,，]")
_SENTENCE_END = regex.compile(r"[。;；!?！？]$")


def roles_of(header: list[str], tr: TableRules) -> list[str | None]:
    """The role of each column named in ``header`` (None: a column the rules do not read)."""
    out: list[str | None] = []
    for h in header:
        r = tr.role_of(h)
        out.append(r.role if r else None)
    return out


def units_in(text: str, dr: Resolver) -> list[str]:
    """The pieces of ``text`` that look like units, split on list separators and white space."""
    return [p for p in _PIECES.split(text.strip(" |")) if p and dr.looks_like_unit(p)]


def _is_units(text: str, dr: Resolver) -> bool:
    pieces = [p for p in _PIECES.split(text.strip(" |")) if p]
    return bool(pieces) and 2 * len(units_in(text, dr)) >= len(pieces)


def cell_cost(text: str, role: str | None, tr: TableRules, dr: Resolver) -> float:
    """How badly the cell ``text`` fits a column of ``role`` (0 = as expected)."""
    s = squeeze(text)
    if not s:
        return 0.0
    seq = bool(tr.match("seq_cell", s))
    if role == "seq":
        return 0.0 if seq else _BAD
    if seq:
        return 3.0  # a number alone belongs to 序号
    units = _is_units(text, dr)
    long = len(s) > _LONG
    if role in ("lead", "units"):
        return 0.0 if units else 3.0
    if role == "person":
        names = [p for p in _PIECES.split(text.strip(" |")) if p]
        return 0.5 if not units and names and all(_NAME.match(p) for p in names) else 3.0
    if role == "deadline":
        return 0.5 if not long and _WHEN.search(s) else 2.0
    # a statement (a sentence end, a number) is work or progress; a short bare phrase is a name
    statement = long or bool(_STATEMENT.search(s))
    if role in ("task", "progress"):
        return 2.0 if units else (1.0 if statement else 2.0)
    if role == "name":
        return 2.0 if units or _SENTENCE_END.search(s) else (0.5 if not long else 1.5)
    return 1.5 if units else 1.0


def align(costs: list[list[float]]) -> tuple[float, list[int]]:
    """The cheapest placement of a row's ``k`` cells into ``n`` columns, in order (``costs[i][j]``: cell i in
    column j), each column left empty costing ``SKIP``; the total and each cell's column. More cells than
    columns cannot be placed: infinite cost."""
    k = len(costs)
    n = len(costs[0]) if costs else 0
    inf = float("inf")
    if k > n:
        return inf, []
    # best[i][j]: the first i cells placed in the first j columns
    best = [[inf] * (n + 1) for _ in range(k + 1)]
    best[0] = [SKIP * j for j in range(n + 1)]
    for i in range(1, k + 1):
        for j in range(i, n + 1):
            best[i][j] = min(best[i][j - 1] + SKIP, best[i - 1][j - 1] + costs[i - 1][j - 1])
    cols: list[int] = []
    i, j = k, n
    while i > 0:
        if j > i and best[i][j] == best[i][j - 1] + SKIP:
            j -= 1
        else:
            cols.append(j - 1)
            i, j = i - 1, j - 1
    return best[k][n], cols[::-1]


def _row_cells(text: str, row: list[str], lo: int, hi: int) -> list[Span | None]:
    """Each cell's span inside its row ``text[lo:hi]``: TAB rows split on their TABs, other rows are searched
    cell after cell (a cell not written there as such, a merged category printed once, a bare number, has None)."""
    if "\t" in text[lo:hi]:
        out: list[Span | None] = []
        at = lo
        for part in text[lo:hi].split("\t"):
            a = at + len(part) - len(part.lstrip())
            out.append((a, a + len(part.strip())) if part.strip() else None)
            at += len(part) + 1
        return out if len(out) == len(row) else [None] * len(row)
    found: list[Span | None] = []
    pos = lo
    for c in row:
        c = c.strip()
        # a bare number (序号) would be found inside the next cell's text: it is not searched
        at = text.find(c, pos, hi) if c and not c.isdigit() else -1
        found.append((at, at + len(c)) if at >= 0 else None)
        pos = at + len(c) if at >= 0 else pos
    return found


def cells_of_role(doc: Document, rules: RuleSet, role: str) -> tuple[str, list[Span]]:
    """The id of the role's rule and the spans of the table cells (``doc.tables``) under a column of ``role``
    (``progress``, ``task`` …)."""
    tr = rules.get(TableRules)
    rule = next(r.id for r in tr.column_roles if r.role == role)
    out: list[Span] = []
    for t in doc.tables:
        cols = [j for j, r in enumerate(roles_of(t.header, tr)) if r == role]
        if not cols or len(t.row_spans) != len(t.rows):
            continue
        for row, (lo, hi) in zip(t.rows, t.row_spans, strict=True):
            if len(row) != len(t.header):
                continue
            spans = _row_cells(doc.text, row, lo, hi)
            out += [s for j in cols if (s := spans[j]) is not None]
    return rule, out


class CellStarts:
    """The table cells of a document: where the cell holding an offset starts (a quantity's phrase stops there)."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: list[Span]) -> None:
        ordered = sorted(spans)
        self._starts = [a for a, _ in ordered]
        self._ends = [b for _, b in ordered]

    def start_of(self, pos: int) -> int | None:
        i = bisect_right(self._starts, pos) - 1
        return self._starts[i] if i >= 0 and self._ends[i] > pos else None


def table_cells(doc: Document, rules: RuleSet) -> CellStarts:
    """Every cell of the document's task tables whose text is found in its row."""
    out: list[Span] = []
    for t in doc.tables:
        if t.kind != "tasks" or len(t.row_spans) != len(t.rows):
            continue
        for row, (lo, hi) in zip(t.rows, t.row_spans, strict=True):
            out += [s for s in _row_cells(doc.text, row, lo, hi) if s is not None and s[1] > s[0]]
    return CellStarts(out)
