"""A small table flattened into running text, its cells cut by single spaces (a newspaper's district table), SPEC 9.

``鄞州 海曙、江东、江北 镇海 北仑 合计 新辟线路年度目标 2 5 1 2 10 实际完成 1 2 0 3 6``: rows are a label and the
same count ``k`` of numbers; the ``k`` words before the first row are the column header. Such a table is read by
its rows: a row whose label names a task or target (``年度目标``) gives targets, one per cell, named by the column
and the row (``鄞州新辟线路年度目标``); a progress row (``实际完成``) gives statistics. The year is the one the
paragraph last stated before the table (SPEC 4: a year governs the following clauses of its paragraph).
"""

from __future__ import annotations

from itertools import pairwise

import regex

from policyx.locate import Line, SectionIndex
from policyx.models import Statistic, Target
from policyx.periods import PeriodRules, find_times
from policyx.rules import RuleSet
from policyx.tables.cells import Cell, Grid
from policyx.tables.rules import TableRules

_NUM = r"\d+(?:\.\d+)?"
_ROW = regex.compile(rf"(?<![^\s])(?P<label>\p{{Han}}[\p{{Han}}、]{{1,19}}) (?P<nums>{_NUM}(?: {_NUM})+)(?= |$)")
_WORD = regex.compile(r"(?<![^\s])[\p{Han}、()（）]{1,12}(?= )")
_MIN_ROWS = 2


def _rows_in(line: Line) -> list[list[regex.Match[str]]]:
    """Runs of rows with the same count of numbers, each row right after the one before (one space between)."""
    runs: list[list[regex.Match[str]]] = []
    for m in _ROW.finditer(line.text):
        k = len(m.group("nums").split(" "))
        last = runs[-1][-1] if runs else None
        if last is not None and last.end() + 1 == m.start() and len(last.group("nums").split(" ")) == k:
            runs[-1].append(m)
        else:
            runs.append([m])
    return [r for r in runs if len(r) >= _MIN_ROWS]


def spaced_tables(line: Line, tr: TableRules) -> list[Grid]:
    """The space-separated tables of one line whose row labels name a task or progress role."""
    grids: list[Grid] = []
    for run in _rows_in(line):
        roles = [tr.role_of(m.group("label")) for m in run]
        if not any(r is not None and r.role in ("task", "progress") for r in roles):
            continue
        k = len(run[0].group("nums").split(" "))
        head_end = run[0].start() - 1  # the space before the first row's label
        lo = max(0, head_end - 14 * k)  # k words of at most 12 characters and their spaces: never the whole line
        words = [w for w in _WORD.finditer(line.text, lo, head_end + 1) if w.end() <= head_end]
        header = words[-k:]
        if len(header) < k or any(b.start() != a.end() + 1 for a, b in pairwise(header)):
            continue
        if header[-1].end() != head_end:
            continue
        rows: list[list[Cell]] = []
        for m in run:
            at = line.start + m.start("nums")
            cells = [Cell(m.group("label"), line.start + m.start("label"), line.start + m.end("label"))]
            for num in m.group("nums").split(" "):
                cells.append(Cell(num, at, at + len(num)))
                at += len(num) + 1
            rows.append(cells)
        span = (line.start + header[0].start(), line.start + run[-1].end())
        spans = [(line.start + m.start(), line.start + m.end()) for m in run]
        grids.append(Grid(["", *(w.group() for w in header)], rows, spans, span, tr.spaced_rule.id))
    return grids


def read_spaced(
    grid: Grid, table_no: int, text: str, para: tuple[int, int], index: SectionIndex, rules: RuleSet
) -> tuple[list[Target], list[Statistic]]:
    """Targets of the task rows, statistics of the progress rows (unit ``""``: no header gives one)."""
    tr = rules.get(TableRules)
    times = [t for t in find_times(text, rules.get(PeriodRules), para[0], grid.span[0]) if t.year is not None]
    year = times[-1].year if times else None
    targets: list[Target] = []
    stats: list[Statistic] = []
    for r, row in enumerate(grid.rows, 1):
        label = row[0]
        role = tr.role_of(label.text)
        if role is None or role.role not in ("task", "progress"):
            continue
        for j, cell in enumerate(row[1:], 1):
            common = {
                "section": index.at(label.start),
                "span": (label.start, cell.end),
                "quote": text[label.start : cell.end],
                "indicator": f"{grid.header[j]}{label.text}",
                "value": float(cell.text),
                "unit": "",
                "comparator": "=",
            }
            rule = f"{tr.spaced_rule.id}/{role.id}"
            if role.role == "task":
                targets.append(Target(id=f"t-tab{table_no}-{r}-{j}", rule=rule, year=year, **common))
            else:
                stats.append(Statistic(id=f"s-tab{table_no}-{r}-{j}", rule=rule, as_of=None, **common))
    return targets, stats
