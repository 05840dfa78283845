"""Small helpers the commands share: the stderr console and the rules option."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from policyx.rules import RuleSet

RulesOpt = Annotated[
    Path | None,
    typer.Option("--rules", help="Folder of rule files (default: the rules/ shipped with policyx, or $POLICYX_RULES)."),
]


def err_console() -> Console:
    return Console(stderr=True, highlight=False)


def load_rules(rules_dir: Path | None) -> RuleSet:
    """The RuleSet of ``--rules`` or the default folder; a broken rule file is a one-line error."""
    from policyx.rules import RuleError, ruleset_for

    try:
        rules = ruleset_for(str(rules_dir) if rules_dir else None)
    except RuleError as exc:
        err_console().print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    return rules
