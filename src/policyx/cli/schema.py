"""``policyx schema``: write the JSON Schema of the output models into schemas/."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from policyx.cli.app import app


@app.command(epilog="Example: policyx schema -o schemas/")
def schema(
    out: Annotated[Path, typer.Option("-o", "--out", help="Folder for the *.schema.json files.")] = Path("schemas"),
) -> None:
    """Write the JSON Schema of every output model (document, manifest) into a folder."""
    from policyx.schemas import write_schemas

    for path in write_schemas(out):
        typer.echo(path)
