"""Command-line interface: one thin module per command over the library.

``main`` imports only the module of the command being run, so ``policyx extract`` pays neither
for the imports of ``diff`` or ``check`` nor for typer building their options; ``policyx --help``
(or no command) imports them all. ``from policyx.cli import app`` gives the application with
every command registered. A new command module goes into ``COMMANDS``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import policyx.cli.app as _app_module  # the application object the command modules register on

if TYPE_CHECKING:
    import typer

# Importing the submodule also bound the name ``app`` on this package to that module: unbind it, so that
# ``from policyx.cli import app`` reaches __getattr__ below and gets the application with every command.
globals().pop("app", None)

#: command name → the module of ``policyx.cli`` that registers it
COMMANDS = {
    "check": "check",
    "diff": "diff",
    "eval": "evaluate",
    "export": "export",
    "extract": "extract",
    "refs": "refs",
    "schema": "schema",
    "show": "show",
}


def _app_with(modules: Iterable[str]) -> typer.Typer:
    for module in modules:
        __import__(f"policyx.cli.{module}")  # the import statement's path: `python -X importtime` shows it
    return _app_module.app


def __getattr__(name: str) -> Any:
    if name == "app":
        app = globals()["app"] = _app_with(COMMANDS.values())
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    from policyx.rules import RuleError

    command = sys.argv[1] if len(sys.argv) > 1 else ""
    try:
        _app_with([COMMANDS[command]] if command in COMMANDS else COMMANDS.values())()
    except RuleError as exc:  # rule files load on first use, so a broken one can surface in any command
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
