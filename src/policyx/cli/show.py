"""``policyx show``: one document's section tree and records in the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from policyx.cli.app import app
from policyx.cli.common import RulesOpt, err_console, load_rules, shown


@app.command(
    epilog=(
        "Example: policyx show corpus/000_d432b4ee5b26c821.txt\n\n"
        "policyx show --unknown-units out/001_1add88e18a025895.json   (units rules/departments.yaml should learn)\n\n"
        "policyx show out/000_d432b4ee5b26c821.json --html -o page.html   (the text with every record marked)"
    )
)
def show(
    path: Annotated[Path, typer.Argument(help="A raw document (.txt/.html) or an extracted .json.")],
    unknown_units: Annotated[
        bool,
        typer.Option(
            "--unknown-units",
            help="Only list responsible units that have no department key and are not "
            "deliberately keyless (regions, banks, companies).",
        ),
    ] = False,
    as_html: Annotated[
        bool, typer.Option("--html", help="Write one self-contained HTML page: the text with every record marked.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("-o", "--out", help="With --html: the page's file (default or -: stdout).")
    ] = None,
    rules_dir: RulesOpt = None,
) -> None:
    """Print a document's metadata, section tree and extracted records."""
    from rich.console import Console

    from policyx.read import InputError
    from policyx.render import load_or_extract, render_document, render_unknown_units

    rules = load_rules(rules_dir)
    try:
        doc = load_or_extract(path, rules)
    except InputError as exc:
        err_console().print(f"[red]error:[/] {shown(path)}: {shown(exc)}", soft_wrap=True)
        raise typer.Exit(1) from None
    if as_html:
        _write_html(doc, out)
        return
    if unknown_units:
        render_unknown_units(Console(), doc, rules)
        return
    render_document(Console(), doc)


def _write_html(doc: object, out: Path | None) -> None:
    import sys

    from policyx.output import write_atomic
    from policyx.provenance import document_html

    page = document_html(doc)  # type: ignore[arg-type]
    if out is None or str(out) == "-":
        sys.stdout.write(page)
        return
    if out.is_dir():
        err_console().print(f"[red]error:[/] {out} is a folder; --html -o takes the page's file name")
        raise typer.Exit(2)
    write_atomic(out, page.encode("utf-8"))
