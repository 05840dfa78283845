"""``policyx diff``: the targets of several documents side by side (library: ``policyx.diff``)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from policyx.cli.app import app
from policyx.cli.common import RulesOpt, err_console, load_rules, shown


class Format(StrEnum):
    table = "table"
    markdown = "markdown"
    csv = "csv"
    json = "json"
    html = "html"


@app.command(epilog="Example: policyx diff corpus/ --min-cities 2 --format html -o diff.html")
def diff(
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="PATH", help="Raw documents, extracted .json files, or folders of either.", exists=True),
    ],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
    min_cities: Annotated[
        int, typer.Option("--min-cities", "-k", min=1, help="Keep only the indicators at least K documents set.")
    ] = 1,
    explain: Annotated[bool, typer.Option("--explain", help="Say why each pair of targets shares a row.")] = False,
    rules_dir: RulesOpt = None,
) -> None:
    """Compare the targets of several cities: one row per indicator, one column per document."""
    from rich.console import Console

    from policyx.diff import align, load_documents
    from policyx.diff.render import render

    rules = load_rules(rules_dir)
    err = err_console()
    failed: list[Path] = []

    def report(path: Path, message: str) -> None:
        failed.append(path)
        err.print(f"[red]error:[/] {shown(path)}: {shown(message)}", soft_wrap=True)

    docs = load_documents(paths, rules, on_error=report)
    if len(docs) < 2:
        err.print(f"[red]error:[/] diff needs at least two documents, got {len(docs)}")
        raise typer.Exit(1)
    table = align(docs, rules).keep(min_cities)
    out = Console(highlight=False) if output is None else None
    text = render(table, fmt.value, console=out)
    if text is not None:
        if output is None:
            typer.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")
    if explain:
        from policyx.diff.render_text import explain as explain_lines

        target = out if out is not None and fmt is Format.table else err
        for line in explain_lines(table):
            target.print(line, markup=False, soft_wrap=True)
    if output is not None:
        err.print(f"wrote {output} ({len(table.rows)} rows, {len(docs)} documents)")
    if failed:
        raise typer.Exit(1)
