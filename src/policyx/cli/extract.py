"""``policyx extract``: documents → one JSON per document plus manifest.json."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from policyx.cli.app import app
from policyx.cli.common import RulesOpt, err_console, load_rules

if TYPE_CHECKING:
    from rich.console import Console

    from policyx.models import Manifest, ManifestEntry
    from policyx.rules import RuleSet


@app.command(
    epilog="Example: policyx extract corpus/ -o out/ --jobs 2",
)
def extract(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH",
            help="Files or folders. Folders are searched recursively for text and HTML files (the suffixes in "
            "rules/input.yaml: .txt .md .html .htm …) and files without a suffix; dot-names are skipped.",
        ),
    ],
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder.")] = Path("out"),
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", help="Worker processes (default: the machine's cores).", show_default=False)
    ] = 0,
    fmt: Annotated[
        Literal["json", "jsonl"], typer.Option("--format", help="json: one file per document; jsonl: documents.jsonl.")
    ] = "json",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Extract every file again, ignoring cached documents (compiled rules stay cached: "
            "POLICYX_RULES_CACHE=0 turns that off).",
        ),
    ] = False,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir",
            help="Cache folder of documents and compiled rules (default: $POLICYX_CACHE_DIR or ~/.cache/policyx).",
        ),
    ] = None,
    rules_dir: RulesOpt = None,
) -> None:
    """Extract sections, targets, statistics, deadlines, responsibilities, references and tables.

    Writes OUT/<doc_id>.json for every input and OUT/manifest.json (one entry per input with its
    status). A bad file is reported on stderr and in the manifest; the batch goes on. Exit status
    is 0 only when every file succeeded. Unchanged files are served from a cache keyed on their
    bytes, the rule files, the policyx version and its code.
    """
    from policyx.batch import collect_inputs, run_batch
    from policyx.cache import default_cache_dir

    rules = load_rules(rules_dir, cache_dir)  # compiled rules are cached even with --no-cache (policyx.rulecache)
    inputs = collect_inputs(paths, rules)
    if not inputs:
        err_console().print("[red]error:[/] no input files found")
        raise typer.Exit(2)
    n_jobs = jobs or os.cpu_count() or 1
    cache = None if no_cache else (cache_dir or default_cache_dir())
    if not quiet and len(inputs) > 1:
        manifest = _run_with_bar(inputs, out, rules, n_jobs, fmt, cache)
    else:  # no progress bar to draw: rich is imported only if there is something to print
        consoles: list[Console] = []

        def on_done(entry: ManifestEntry) -> None:
            if entry.status == "error":
                consoles[:] = consoles or [err_console()]
                consoles[0].print(f"[red]error:[/] {entry.path}: {entry.error}", soft_wrap=True)

        manifest = run_batch(inputs, out, rules=rules, jobs=n_jobs, fmt=fmt, cache_dir=cache, on_done=on_done)
    if not quiet:
        from policyx.cli.summary import print_summary

        print_summary(err_console(), manifest, out)
    if any(e.status != "ok" for e in manifest.entries):
        raise typer.Exit(1)


def _run_with_bar(inputs: list[str], out: Path, rules: RuleSet, n_jobs: int, fmt: str, cache: Path | None) -> Manifest:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from policyx.batch import run_batch

    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console(),
        transient=True,
    ) as progress:
        task = progress.add_task("extracting", total=len(inputs))

        def on_done(entry: ManifestEntry) -> None:
            if entry.status == "error":
                progress.console.print(f"[red]error:[/] {entry.path}: {entry.error}", soft_wrap=True)
            progress.advance(task)

        return run_batch(inputs, out, rules=rules, jobs=n_jobs, fmt=fmt, cache_dir=cache, on_done=on_done)
