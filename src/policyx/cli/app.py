"""The typer application every command module registers on. Commands import the library lazily."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="policyx",
    help=(
        "Turn Chinese government policy documents into structured, traceable data.\n\n"
        "Example: policyx extract corpus/ -o out/"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


@app.callback()
def _group() -> None:
    # keeps `policyx COMMAND` a group even when main() registered only the command being run
    pass
