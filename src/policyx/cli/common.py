"""Small helpers the commands share: the stderr console and the rules option."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from policyx.rules import RuleSet

RulesOpt = Annotated[
    Path | None,
    typer.Option("--rules", help="Folder of rule files (default: the rules/ shipped with policyx, or $POLICYX_RULES)."),
]


def err_console() -> Console:
    from rich.console import Console  # not at import: a quiet run that prints nothing never needs rich

    return Console(stderr=True, highlight=False)


def load_rules(rules_dir: Path | None, cache_dir: Path | None = None) -> RuleSet:
    """The RuleSet of ``--rules`` or the default folder; a broken rule file is a one-line error.

    ``cache_dir``: the cache folder compiled rule files are kept under (None: the default).
    """
    from policyx.rules import RuleError, ruleset_for

    try:
        rules = ruleset_for(str(rules_dir) if rules_dir else None, str(cache_dir) if cache_dir else None)
    except RuleError as exc:
        err_console().print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    return rules


def shown(text: object) -> str:
    """``text`` for a rich console: control characters escaped (``policyx.output.printable``), markup inert."""
    from rich.markup import escape

    from policyx.output import printable

    return escape(printable(str(text)))
