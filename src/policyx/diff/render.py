"""One entry point for every output format of ``policyx diff``."""

from __future__ import annotations

import io

from rich.console import Console

from policyx.diff.model import DiffTable
from policyx.diff.render_text import csv_text, json_text, markdown, terminal_table

FORMATS = ("table", "markdown", "csv", "json", "html")


def render(table: DiffTable, fmt: str, console: Console | None = None) -> str | None:
    """The table in ``fmt`` as text; for ``table`` with a console, printed there instead (returns None)."""
    if fmt == "table":
        if console is not None:
            console.print(terminal_table(table))
            return None
        buf = Console(file=io.StringIO(), width=200, record=True, highlight=False)
        buf.print(terminal_table(table))
        return buf.export_text()
    if fmt == "markdown":
        return markdown(table)
    if fmt == "csv":
        return csv_text(table)
    if fmt == "json":
        return json_text(table)
    if fmt == "html":
        from policyx.diff.render_html import html_report

        return html_report(table)
    raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
