"""``policyx eval``: score an extraction (a folder of JSON, or documents extracted now) against gold files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from policyx.cli.app import app
from policyx.cli.common import RulesOpt, err_console, load_rules, shown


def _parse_floor(text: str) -> tuple[str, float]:
    key, sep, value = text.partition("=")
    try:
        if not sep:
            raise ValueError
        return key.strip(), float(value)
    except ValueError:
        raise typer.BadParameter(f"{text!r}: write FIGURE=VALUE, e.g. targets_f1=0.6", param_hint="--floor") from None


@app.command(
    "eval",
    epilog=(
        "Examples: policyx eval tests/gold out/ --misses  ·  policyx eval tests/gold --docs corpus/ "
        "--floors tests/gold_floors.yaml  ·  policyx eval tests/gold out/ --json > scores.json"
    ),
)
def evaluate_cmd(
    gold_dir: Annotated[Path, typer.Argument(help="Folder of gold *.yaml files.")],
    out_dir: Annotated[Path | None, typer.Argument(help="Folder of extracted *.json (policyx extract -o).")] = None,
    docs: Annotated[
        Path | None, typer.Option("--docs", help="Extract the documents of this folder now instead of reading OUT_DIR.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON (summary + per_doc).")] = False,
    misses: Annotated[
        bool, typer.Option("--misses", help="List misses and false positives with their quotes.")
    ] = False,
    floors_file: Annotated[
        Path | None,
        typer.Option(
            "--floors", help="YAML of floors (figure: list of floors, oldest first); exit 1 when one is not met."
        ),
    ] = None,
    floor: Annotated[
        list[str] | None, typer.Option("--floor", help="FIGURE=VALUE, e.g. targets_f1=0.6 (repeatable).")
    ] = None,
    rules_dir: RulesOpt = None,
) -> None:
    """Score targets, sections, responsibilities, metadata and cleaning against hand-checked gold files.

    Documents meet their gold file by source file stem. Prints P/R/F1 per document and overall,
    and on matched targets the accuracy of comparator, year, indicator, baseline and binding.
    Exit status 1 when a floor (--floors/--floor) is not met, 2 on unreadable input.
    """
    from rich.console import Console

    from policyx.evaluate import (
        FloorError,
        GoldError,
        evaluate,
        extract_outputs,
        load_floors,
        load_gold,
        load_outputs,
        unmet_floors,
    )
    from policyx.evaluate.report import dumps, render_misses, render_tables

    console = err_console()
    if (out_dir is None) == (docs is None):
        console.print("[red]error:[/] give OUT_DIR or --docs CORPUS_DIR (one of them)")
        raise typer.Exit(2)
    floors = dict(_parse_floor(f) for f in floor or [])
    try:
        golds = load_gold(gold_dir)
        if not golds:
            raise GoldError(f"{gold_dir}: no gold *.yaml files")
        if floors_file is not None:
            floors = load_floors(floors_file) | floors
    except (GoldError, FloorError, OSError) as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    if docs is not None:
        from policyx.batch import collect_inputs

        rules = load_rules(rules_dir)

        def on_error(path: str, message: str) -> None:
            console.print(f"[red]error:[/] {shown(path)}: {shown(message)}", soft_wrap=True)

        preds = extract_outputs(collect_inputs([docs], rules), set(golds), rules, on_error)
        source = str(docs)
    else:
        assert out_dir is not None
        if not out_dir.is_dir():
            console.print(f"[red]error:[/] {out_dir}: not a folder")
            raise typer.Exit(2)
        preds = load_outputs(out_dir)
        source = str(out_dir)
        if not preds and any(out_dir.glob("*.jsonl")):
            console.print("[yellow]hint:[/] eval reads one .json per document: extract with --format json")

    ev = evaluate(golds, preds)
    if as_json:
        typer.echo(dumps(ev).decode())
    else:
        out = Console(highlight=False)
        render_tables(out, ev, f"policyx eval {gold_dir} ← {source}")
        if misses:
            render_misses(out, ev)
        for stem in ev.missing:
            console.print(f"[yellow]warning:[/] no output for gold document {stem}")
    if failures := unmet_floors(ev.summary(), floors):
        for line in failures:
            console.print(f"[red]floor:[/] {line}")
        raise typer.Exit(1)
