"""Stage, tables (SPEC 9): rebuild tables flattened one cell per line, read tab-separated HTML rows.

The grids come from ``grid``; ``read`` decides each table's kind and turns an indicator
table's rows into targets (with baseline and binding) and its numeric baselines into statistics.
A table whose header is found but whose rows do not line up gives a ``table_unreconstructed`` warning
instead of a table.
"""

from __future__ import annotations

from policyx.departments import DepartmentRules
from policyx.locate import SectionIndex
from policyx.models import Document, DocWarning, Responsibility, Statistic, Table, Target
from policyx.respforms import ResponsibilityRules
from policyx.rules import RuleSet
from policyx.tables.grid import reconstruct
from policyx.tables.read import read_indicators, table_kind
from policyx.tables.rowunits import row_responsibilities
from policyx.tables.rules import TableRules
from policyx.tables.spaced import read_spaced


def extract_tables(doc: Document, rules: RuleSet) -> Document:
    tr = rules.get(TableRules)
    # no table runs across a heading: the heading lines bound the last row
    stops = {s.span[0] for s in doc.sections}
    dr = rules.get(DepartmentRules).resolver
    rr = rules.get(ResponsibilityRules)
    grids, failures = reconstruct(doc.text, tr, stops, dr, rr)
    # the readers whose rows give their units here (respforms' line forms read flattened and TAB rows)
    by_columns = {tr.pipe_rule.id, tr.glued_rule.id}
    resps: list[Responsibility] = []
    index = SectionIndex(doc.sections)
    tables: list[Table] = []
    targets: list[Target] = []
    stats: list[Statistic] = []
    for no, grid in enumerate(grids, 1):
        start, end = grid.span
        kind = table_kind(grid.header, tr)
        tables.append(
            Table(
                id=f"tab{no}",
                section=index.at(start),
                span=grid.span,
                quote=doc.text[start:end],
                rule=grid.rule,
                header=grid.header,
                rows=[[c.text for c in row] for row in grid.rows],
                kind=kind,
                row_spans=grid.row_spans,
            )
        )
        if kind == "indicator":
            t, s = read_indicators(grid, no, doc.text, index, tr)
            targets += t
            stats += s
        if grid.rule == tr.spaced_rule.id:
            t, s = read_spaced(grid, no, doc.text, _paragraph(doc.text, start), index, rules)
            targets += t
            stats += s
        if grid.rule in by_columns:
            resps += row_responsibilities(grid, no, doc.text, index, tr, rr, dr)
    warnings = [DocWarning(code="table_unreconstructed", message=f.message, span=f.span) for f in failures]
    return doc.model_copy(
        update={
            "tables": [*doc.tables, *tables],
            "targets": [*doc.targets, *targets],
            "statistics": [*doc.statistics, *stats],
            "responsibilities": [*doc.responsibilities, *resps],
            "warnings": [*doc.warnings, *warnings],
        }
    )


def _paragraph(text: str, pos: int) -> tuple[int, int]:
    """The line (paragraph) holding offset ``pos``."""
    lo = text.rfind("\n", 0, pos) + 1
    hi = text.find("\n", pos)
    return lo, len(text) if hi < 0 else hi
