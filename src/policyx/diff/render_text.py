"""The diff table as text: a rich terminal table, markdown, CSV, JSON, and the ``--explain`` lines."""

from __future__ import annotations

import csv
import io
import re

from rich.table import Table

from policyx.diff.cells import cell_baselines, cell_leads, cell_values, coverage_text
from policyx.diff.model import DiffTable, Link, Row


def _groups(table: DiffTable) -> list[tuple[str, list[Row]]]:
    return [("shared", table.aligned()), ("one only", table.partial())]


def terminal_table(table: DiffTable) -> Table:
    """indicator × document; each cell the value, then baseline and leading department dimmed."""
    n = len(table.columns)
    t = Table(title=f"targets of {n} documents", title_justify="left", show_lines=False)
    t.add_column("indicator", overflow="fold", min_width=10)
    if n >= 3:
        t.add_column("cov.", justify="right")
    for col in table.columns:
        t.add_column(col.label, overflow="fold")
    for name, rows in _groups(table):
        if not rows:
            continue
        t.add_section()
        t.add_row(f"[bold]{name}[/] ({len(rows)})", *([""] * (n + (n >= 3))))
        for row in rows:
            cells = []
            for col in table.columns:
                entries = row.cells[col.label]
                lines = [cell_values(entries).replace("; ", "\n")]  # one target a line
                if base := cell_baselines(entries):
                    lines.append(f"[dim]基线 {base}[/]")
                if lead := cell_leads(entries):
                    lines.append(f"[dim]{lead}[/]")
                cells.append("\n".join(x for x in lines if x) or "[dim]—[/]")
            cov = [coverage_text(row, n)] if n >= 3 else []
            t.add_row(row.indicator, *cov, *cells)
    return t


def _md_escape(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def markdown(table: DiffTable) -> str:
    n = len(table.columns)
    head = ["indicator", "coverage", *(c.label for c in table.columns)]
    lines = ["| " + " | ".join(map(_md_escape, head)) + " |", "|" + "---|" * len(head)]
    for row in table.rows:
        cells = []
        for col in table.columns:
            entries = row.cells[col.label]
            parts = [cell_values(entries)]
            if base := cell_baselines(entries):
                parts.append(f"基线 {base}")
            if lead := cell_leads(entries):
                parts.append(lead)
            cells.append("<br>".join(p for p in parts if p) or "—")
        lines.append("| " + " | ".join(map(_md_escape, [row.indicator, coverage_text(row, n), *cells])) + " |")
    return "\n".join(lines) + "\n"


# OWASP "CSV injection": a cell a spreadsheet would read as a formula starts with one of these
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?%?")


def csv_cell(value: str) -> str:
    """``value`` safe for a spreadsheet: a cell starting like a formula gets a leading ``'`` (shown as text),
    except a plain signed number (``-5``, ``+3.5%``), which no spreadsheet runs."""
    if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_text(table: DiffTable) -> str:
    """Wide CSV: one line per row; per document three columns (value, baseline, lead)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    head = ["indicator", "indicator_key", "unit", "coverage"]
    for c in table.columns:
        head += [c.label, f"{c.label} baseline", f"{c.label} lead"]
    w.writerow([csv_cell(h) for h in head])
    for row in table.rows:
        line = [row.indicator, row.indicator_key or "", row.unit, str(row.coverage)]
        for c in table.columns:
            entries = row.cells[c.label]
            line += [cell_values(entries), cell_baselines(entries), cell_leads(entries)]
        w.writerow([csv_cell(cell) for cell in line])
    return buf.getvalue()


def json_text(table: DiffTable) -> str:
    return table.model_dump_json(indent=2) + "\n"


def explain_link(link: Link) -> str:
    pair = f"{link.a}「{link.a_indicator}」 ↔ {link.b}「{link.b_indicator}」"
    if link.method == "key":
        return f"{pair}: same indicator_key {link.key} [{link.rule}]"
    if link.method == "phrase":
        return f"{pair}: same phrase after normalising [{link.rule}]"
    shared = "、".join(link.shared) or "none"
    return (
        f"{pair}: similarity {link.score:.2f} (words {link.words:.2f}, characters {link.chars:.2f}); "
        f"shared words: {shared} [{link.rule}]"
    )


def explain(table: DiffTable) -> list[str]:
    """One line per row with links: why its targets share it."""
    out: list[str] = []
    for row in table.rows:
        if not row.links:
            continue
        out.append(f"{row.indicator}" + (f" ({row.indicator_key})" if row.indicator_key else ""))
        out.extend(f"  {explain_link(link)}" for link in row.links)
    return out
