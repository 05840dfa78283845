"""Tables whose cells arrive glued together with no separator (a document viewer's text layer), SPEC 9.

``序号项目名称主要内容区政府分管领导牵头单位配合单位1增加教育资源供给实施…。何海平教育局经开区…2促进…``: the header
is the run after 序号 that splits into the most column names (``column_roles``); the viewer's page markers
(``\\n2、``) are read past. A row starts at its number; its task runs to a sentence end after which a person
(when the header has a person column) and a known department begin the unit cells (``glued_units`` of
policyx.respforms): the first unit is the 牵头单位 cell, the rest the other unit cells. A task cell printed once
for several sub-rows (merged cells) gives one row per run of units.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from policyx.departments import Resolver
from policyx.locate import Line
from policyx.respforms import ResponsibilityRules, glued_units
from policyx.tables.cells import Cell, Grid
from policyx.tables.columns import roles_of
from policyx.tables.rules import TableRules
from policyx.unitlist import Unit

_HEADER_CELL_MAX = 10  # characters of one glued column name
_HEADER_MAX = 80  # characters of a glued header
_PERSON = (3, 2, 4)  # lengths of a person's name, most common first
_DIGITS = regex.compile(r"\d+")


@dataclass(slots=True)
class _Stream:
    """The glued text of a table with the page markers left out, and each character's offset in the document."""

    text: str
    at: list[int]


def split_header(s: str, tr: TableRules) -> list[str] | None:
    """``序号项目名称主要内容…`` → the fewest column names it splits into (each part wholly a column name), or None."""
    n = len(s)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(n):
        done = best[i]
        if done is None:
            continue
        for j in range(i + 2, min(n, i + _HEADER_CELL_MAX) + 1):
            cur = best[j]
            if (cur is None or len(done) + 1 < len(cur)) and tr.names_column(s[i:j]):
                best[j] = [*done, s[i:j]]
    return best[n]


def _stream(lines: list[Line], i: int, start: int, tr: TableRules) -> tuple[_Stream, int]:
    """The glued text from offset ``start`` of line ``i`` on, through the lines that open with a page marker."""
    chars: list[str] = []
    at: list[int] = []
    first = lines[i]
    chars += first.text[start - first.start :]
    at += range(start, first.end)
    j = i + 1
    while j < len(lines):
        m = tr.match("page_marker", lines[j].text)
        if not m:
            break
        ln = lines[j]
        chars += ln.text[m.end() :]
        at += range(ln.start + m.end(), ln.end)
        j += 1
    return _Stream("".join(chars), at), j


def _units_at(s: str, pos: int, person: bool, rr: ResponsibilityRules, dr: Resolver) -> tuple[int, list[Unit]] | None:
    """After a sentence end: a person's name (when the table has a person column) and units, the first of them a
    known department. The person's end and the units, or None."""
    for k in _PERSON if person else (0,):
        units = glued_units(s, pos + k, rr, dr)
        if units and dr.resolve(units[0].name).kind == "department":
            return pos + k, units
    return None


def glued_at(
    lines: list[Line], i: int, tr: TableRules, rr: ResponsibilityRules, dr: Resolver
) -> tuple[Grid | None, int]:
    """The glued table whose header starts on line ``i``, and the line index to go on from."""
    line = lines[i]
    m = tr.match("glued_header", line.text)
    if m is None:
        return None, i + 1
    head_start = m.start()
    digit = _DIGITS.search(line.text, m.end())
    if digit is None:
        return None, i + 1
    if digit.start() - head_start > _HEADER_MAX:
        return None, i + 1  # 序号 in a sentence: no run of column names up to a row number
    header = split_header(line.text[head_start : digit.start()], tr)
    roles = roles_of(header or [], tr)
    if header is None or len(header) < 3 or not ({"lead", "units"} & set(roles)):
        return None, i + 1
    s, end_line = _stream(lines, i, line.start + digit.start(), tr)
    person = "person" in roles
    unit_cols = [j for j, r in enumerate(roles) if r in ("lead", "units")]
    repeat = "".join(header)
    rows: list[list[Cell]] = []
    spans: list[tuple[int, int]] = []
    expect, pos = 1, 0
    seq: Cell | None = None
    task_from = 0
    while pos < len(s.text):
        num = _DIGITS.match(s.text, pos)
        if num and int(num.group()) == expect:
            seq = Cell(num.group(), s.at[pos], s.at[num.end() - 1] + 1)
            expect += 1
            pos = task_from = num.end()
            continue
        if s.text.startswith(repeat, pos):  # the header printed again on the next page
            pos += len(repeat)
            continue
        stop = s.text.find("。", pos)
        if stop < 0 or seq is None:
            break
        pos = stop + 1
        got = _units_at(s.text, pos, person, rr, dr)
        if got is None:
            continue
        name_end, units = got
        task = Cell(s.text[task_from:pos], s.at[task_from], s.at[pos - 1] + 1)
        who = Cell(s.text[pos:name_end], s.at[pos], s.at[name_end - 1] + 1 if name_end > pos else s.at[pos])
        first, last = units[0], units[-1]
        lead = Cell(first.name, s.at[first.start], s.at[first.end - 1] + 1)
        end = s.at[last.end - 1] + 1
        if len(unit_cols) == 1:  # one unit column: every unit in it
            cells = [Cell("、".join(u.name for u in units), lead.start, end)]
        elif units[1:]:  # the 牵头单位 cell, then the other units' cell
            cells = [lead, Cell("、".join(u.name for u in units[1:]), s.at[units[1].start], end)]
        else:
            cells = [lead, Cell("", lead.end, lead.end)]
        rows.append(_row(header, roles, seq, task, who, cells, unit_cols))
        spans.append((task.start, end))
        pos = task_from = last.end
    if not rows:
        return None, i + 1
    return Grid(header, rows, spans, (line.start + head_start, lines[end_line - 1].end), tr.glued_rule.id), end_line


def _row(
    header: list[str],
    roles: list[str | None],
    seq: Cell,
    task: Cell,
    who: Cell,
    units: list[Cell],
    unit_cols: list[int],
) -> list[Cell]:
    """The row's cells under ``header``: the number, the task (name and content glued, so all under the task
    column, or the first text column; the name column left empty), the person, the lead unit and the other units."""
    out = [Cell("", task.start, task.start) for _ in header]
    text_cols = [j for j, r in enumerate(roles) if r == "task"]
    text_cols += [j for j, r in enumerate(roles) if r not in ("seq", "person", "lead", "units", "task")]
    for j, r in enumerate(roles):
        if r == "seq":
            out[j] = seq
        elif r == "person":
            out[j] = who
    if text_cols:
        out[text_cols[0]] = task
    for cell, j in zip(units, unit_cols, strict=False):
        out[j] = cell
    return out
