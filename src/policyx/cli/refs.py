"""``policyx refs``: the most-cited documents across a corpus, with the documents citing them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from policyx.cli.app import app
from policyx.cli.common import RulesOpt, err_console, load_rules, shown


@app.command(
    epilog=(
        "Example: policyx refs corpus/   (or an extracted folder: policyx refs out/ --format json)\n\n"
        "Shows, e.g., 国办发〔2020〕52号 with the documents that cite it."
    ),
)
def refs(
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH", help="Raw documents, extracted .json files, or folders of either.")
    ],
    top: Annotated[int, typer.Option("--top", "-n", help="Show at most this many cited documents (0: all).")] = 20,
    min_docs: Annotated[int, typer.Option("--min-docs", help="Only documents cited by at least this many.")] = 1,
    fmt: Annotated[Literal["table", "json"], typer.Option("--format", help="table (rich) or json.")] = "table",
    rules_dir: RulesOpt = None,
) -> None:
    """List the documents a corpus cites most (by document number, else title) and who cites each."""
    from policyx.refs import load_documents, most_cited

    console = err_console()
    docs, errors = load_documents(paths, load_rules(rules_dir))
    for e in errors:
        console.print(f"[red]error:[/] {shown(e)}", soft_wrap=True)
    if not docs:
        console.print("[red]error:[/] no documents found")
        raise typer.Exit(2)
    cited = [c for c in most_cited(docs) if len(c.citing) >= min_docs]
    if top:
        cited = cited[:top]
    if fmt == "json":
        import orjson

        sys.stdout.buffer.write(orjson.dumps([c.as_json() for c in cited], option=orjson.OPT_INDENT_2) + b"\n")
    else:
        _print_table(cited, len(docs))
    if errors:
        raise typer.Exit(1)


def _print_table(cited: list, n_docs: int) -> None:  # type: ignore[type-arg]
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"most-cited documents ({n_docs} documents read)", title_justify="left")
    t.add_column("#", justify="right")
    t.add_column("doc number", no_wrap=True)
    t.add_column("title", overflow="fold", ratio=3)
    t.add_column("cited by", justify="right", no_wrap=True)
    t.add_column("citing documents", no_wrap=True)
    for i, c in enumerate(cited, 1):
        t.add_row(str(i), c.doc_number or "—", c.title or "—", str(len(c.citing)), "\n".join(c.citing))
    Console().print(t)
