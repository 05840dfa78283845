"""Rebuild the table grids of doc.text (SPEC 9): every reader tried in turn over the lines.

``flat`` reads tables flattened one cell per line (anchored on 序号), ``attr`` those with no
序号 whose rows end in a 约束性/预期性 cell, ``tab`` the TAB-separated rows html.py renders, ``pipe`` cells
closed by ``|``.
"""

from __future__ import annotations

from policyx.departments import Resolver
from policyx.locate import Line, text_lines
from policyx.respforms import ResponsibilityRules
from policyx.tables.attr import attr_at
from policyx.tables.cells import Cell, Failure, Grid, squeeze
from policyx.tables.flat import flat_at
from policyx.tables.glued import glued_at
from policyx.tables.pipe import pipe_block
from policyx.tables.rules import TableRules
from policyx.tables.spaced import spaced_tables
from policyx.tables.tab import tab_block, tab_blocks

__all__ = ["Cell", "Failure", "Grid", "Line", "reconstruct", "squeeze"]


def reconstruct(
    text: str,
    tr: TableRules,
    stops: set[int] | None = None,
    dr: Resolver | None = None,
    rr: ResponsibilityRules | None = None,
) -> tuple[list[Grid], list[Failure]]:
    """Every table of ``text``; ``stops`` are offsets of heading lines that no table crosses; ``dr`` (the
    departments' resolver) lets cells closed by ``|`` be read by what their columns hold, and with ``rr`` (the
    responsibility rules) cells glued together be cut at their units."""
    stops = stops or set()
    lines = text_lines(text)
    grids: list[Grid] = []
    failures: list[Failure] = []
    i = 0
    while i < len(lines):
        if "\t" in lines[i].text:
            j = i
            while j < len(lines) and "\t" in lines[j].text:
                j += 1
            found = [tab_block(block, tr) for block in tab_blocks(lines[i:j], tr) if len(block) >= 2]
            i = j
        elif dr is not None and tr.match("pipe_line", lines[i].text):
            j = i
            while j < len(lines) and tr.match("pipe_line", lines[j].text):
                j += 1
            found = [pipe_block(lines[i:j], tr, dr)] if j - i >= tr.pipe_min_lines else []
            i = max(j, i + 1)
        elif dr is not None and rr is not None and tr.match("glued_header", lines[i].text):
            one, i = glued_at(lines, i, tr, rr, dr)
            found = [one]
        elif tr.match("seq_header", squeeze(lines[i].text)):
            one, i = flat_at(lines, i, tr, stops)
            found = [one]
        elif tr.column("indicator", squeeze(lines[i].text)):
            grid, i = attr_at(lines, i, tr, stops)
            found = [grid]
        else:
            found = list(spaced_tables(lines[i], tr)) if dr is not None else []
            i += 1
        grids += [f for f in found if isinstance(f, Grid)]
        failures += [f for f in found if isinstance(f, Failure)]
    return grids, failures
