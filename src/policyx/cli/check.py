"""``policyx check``: the CI gate for newly added documents (the library is ``policyx.check``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from policyx.cli.app import app
from policyx.cli.common import RulesOpt, err_console, load_rules


@app.command(
    epilog=(
        "Examples: policyx check corpus/new_plan.txt · policyx check corpus/ --changed-since origin/main "
        "--format github · policyx check corpus/ --update"
    ),
)
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(metavar="PATH", help="Files or folders to check (with --changed-since: where to look)."),
    ] = None,
    changed_since: Annotated[
        str | None,
        typer.Option(
            "--changed-since",
            metavar="REV",
            help="Only documents git saw added or modified since REV (committed or not), plus untracked ones.",
        ),
    ] = None,
    expected: Annotated[
        Path, typer.Option("--expected", help="Folder of accepted outputs <doc_id>.json to compare with.")
    ] = Path("expected"),
    update: Annotated[
        bool, typer.Option("--update", help="Accept the new output: write it to the --expected folder.")
    ] = False,
    fmt: Annotated[
        Literal["text", "json", "github"],
        typer.Option("--format", help="text, json, or github (workflow annotations)."),
    ] = "text",
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail the check too.")] = False,
    rules_dir: RulesOpt = None,
) -> None:
    """Check documents before they join the corpus: they extract, validate and pass the sanity rules.

    Sanity rules (ids, severities, thresholds): rules/checks.yaml. Findings point at file:line:col of the raw file.

    Accepted outputs: --expected DIR/<doc_id>.json, compared record by record; --update accepts the new output.

    Exit status: 0 clean, 1 an error (or a warning with --strict), 2 a usage error.
    """
    from policyx.check import check_paths, select_inputs
    from policyx.checks.changed import GitError
    from policyx.checks.report import FORMATTERS, exit_status

    if not paths and changed_since is None:
        raise typer.BadParameter("give files or folders to check, or --changed-since REV", param_hint="PATH")
    rules = load_rules(rules_dir)
    try:
        inputs = select_inputs(paths or [], rules, changed_since)
    except GitError as exc:
        err_console().print(f"[red]error:[/] --changed-since: {exc}")
        raise typer.Exit(2) from None
    results = check_paths(inputs, rules, expected_dir=expected, update=update)
    typer.echo(FORMATTERS[fmt](results), nl=False)
    raise typer.Exit(exit_status(results, strict))
