"""Responsibilities from a table read by its columns (SPEC 7, 9): one record per row, the units of its unit cells.

A row's 牵头单位 cell gives units that all lead; 责任单位 / 配合单位 / 协同单位 cells give the other units, in
column order; 负责人 / 分管领导 columns name people and are never read as units. The record spans the row's unit
cells. Only the readers that find cells by their columns (cells closed by ``|``, cells glued together) hand their
rows here: the line forms of ``policyx.respforms`` read flattened and TAB rows themselves.
"""

from __future__ import annotations

from policyx.departments import Resolver
from policyx.locate import SectionIndex
from policyx.models import Responsibility
from policyx.respforms import ResponsibilityRules, column_units
from policyx.tables.cells import Grid
from policyx.tables.columns import roles_of
from policyx.tables.rules import TableRules


def row_responsibilities(
    grid: Grid, table_no: int, text: str, index: SectionIndex, tr: TableRules, rr: ResponsibilityRules, dr: Resolver
) -> list[Responsibility]:
    roles = roles_of(grid.header, tr)
    cols = [j for j, r in enumerate(roles) if r in ("lead", "units")]
    if not cols:
        return []
    out: list[Responsibility] = []
    for r, row in enumerate(grid.rows, 1):
        units: list[str] = []
        lead: list[str] = []
        spans: list[tuple[int, int]] = []
        for j in cols:
            cell = row[j]
            found = column_units(cell.text, rr, dr)
            if not found:
                continue
            units += [u.name for u in found]
            lead += [u.name for u in found if u.lead or roles[j] == "lead"]
            spans.append((cell.start, cell.end))
        if not units:
            continue
        start, end = spans[0][0], spans[-1][1]
        out.append(
            Responsibility(
                id=f"r-tab{table_no}-{r}",
                section=index.at(start),
                span=(start, end),
                quote=text[start:end],
                rule=tr.row_units_rule.id,
                units=units,
                lead=list(dict.fromkeys(lead)),
            )
        )
    return out
