"""``policyx export``: an extraction folder → one SQLite database (or CSV / Parquet files)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from policyx.cli.app import app
from policyx.cli.common import err_console

_DEFAULT_DEST = {"sqlite": Path("corpus.sqlite"), "csv": Path("corpus_csv"), "parquet": Path("corpus_parquet")}


@app.command(
    epilog=(
        "Example: policyx export out/ --to corpus.sqlite\n\n"
        'then: sqlite3 corpus.sqlite "select region, indicator, value, unit, year, lead from targets_v"\n\n'
        "policyx export out/ --format csv --to corpus_csv/   (one .csv per table and view, UTF-8 with BOM)"
    )
)
def export(
    folder: Annotated[
        Path,
        typer.Argument(metavar="FOLDER", help="The folder `policyx extract -o` wrote (read via its manifest.json)."),
    ],
    dest: Annotated[
        Path | None,
        typer.Option(
            "--to",
            "-o",
            help="The database file (sqlite), or the folder of one file per table (csv, parquet). "
            "Default: corpus.sqlite, corpus_csv/ or corpus_parquet/.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        Literal["sqlite", "csv", "parquet"],
        typer.Option("--format", help=r"sqlite; csv (UTF-8 with BOM); parquet (pip install 'policyx\[parquet]')."),
    ] = "sqlite",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")] = False,
) -> None:
    """Write the records of an extraction folder as a database: a table per record kind, keys between them,
    and views (targets_v, statistics_v, responsibilities_v, deadlines_v) joining each record to its
    document and section.

    Exit status: 1 when an entry of the manifest could not be read (the rest is exported);
    2 when the folder has no manifest.json or the destination cannot be used.
    """
    from policyx.export import ExportError
    from policyx.export import export as run_export

    console = err_console()
    target = dest or _DEFAULT_DEST[fmt]
    try:
        loaded, broken = run_export(folder, target, fmt)
    except (ExportError, OSError) as exc:
        console.print(f"[red]error:[/] {_escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None
    for line in loaded.problems:
        console.print(f"[red]error:[/] {_escape(line)}", soft_wrap=True)
    for line in broken:
        console.print(f"[yellow]warning:[/] {_escape(line)}", soft_wrap=True)
    if not quiet:
        n = len(loaded.documents)
        console.print(
            f"exported {n} document{'s' * (n != 1)} to {_escape(str(target))} ({fmt})"
            + (f"; {len(loaded.problems)} could not be read" if loaded.problems else ""),
            soft_wrap=True,
        )
    if loaded.problems:
        raise typer.Exit(1)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
