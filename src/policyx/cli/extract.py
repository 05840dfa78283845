"""``policyx extract``: documents → one JSON per document plus manifest.json."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from policyx.cli.app import app
from policyx.cli.common import RulesOpt, err_console, load_rules, shown

if TYPE_CHECKING:
    from collections.abc import Callable

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
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            help="Worker processes (default and at most: the machine's cores; more with --force-jobs).",
            show_default=False,
        ),
    ] = 0,
    force_jobs: Annotated[
        bool, typer.Option("--force-jobs", help="Start as many workers as --jobs says, even more than the cores.")
    ] = False,
    fmt: Annotated[
        Literal["json", "jsonl"], typer.Option("--format", help="json: one file per document; jsonl: documents.jsonl.")
    ] = "json",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Extract every file again, serving nothing from the cache (the fresh results replace its "
            "entries; compiled rules stay cached: POLICYX_RULES_CACHE=0 turns that off).",
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

    Writes OUT/<doc_id>.json for every input and OUT/manifest.json (one entry per input seen: ok, error, or
    skipped with the reason). A file's id is its path below the folder given (a/plan.txt → a~plan); two
    inputs of one id are both errors. Outputs of a previous run's inputs that are gone move to OUT/.stale/.
    A bad file is reported on stderr and in the manifest; the batch goes on. Exit status: 0 when every
    file succeeded (skipped ones do not count), 1 when one failed, 2 when the batch could not run (the
    output folder cannot be written, or is in use), 128+N on signal N (the manifest is still written).
    Unchanged files are served from a cache keyed on their bytes, the rule files, the policyx version and
    its code.
    """
    from policyx.batch import BatchError, scan_inputs
    from policyx.cache import default_cache_dir
    from policyx.output import WriteError

    rules = load_rules(rules_dir, cache_dir)  # compiled rules are cached even with --no-cache (policyx.rulecache)
    scan = scan_inputs(paths, rules, out_dir=out)
    if not scan.files and not scan.skipped:
        err_console().print("[red]error:[/] no input files found")
        raise typer.Exit(2)
    cores = os.cpu_count() or 1
    n_jobs = jobs if jobs and (force_jobs or jobs <= cores) else cores
    if jobs > cores and not force_jobs and not quiet:
        err_console().print(f"note: --jobs {jobs} capped to the {cores} cores (--force-jobs to insist)")
    run = _Run(scan.files, scan.skipped, out, rules, n_jobs, fmt, cache_dir or default_cache_dir(), not no_cache)
    try:
        manifest = run.with_bar() if not quiet and len(scan.files) > 1 else run.plain(quiet)
    except (WriteError, BatchError) as exc:
        err_console().print(f"[red]error:[/] {shown(exc)}", soft_wrap=True)
        raise typer.Exit(2) from None
    if not quiet:
        from policyx.cli.summary import print_summary

        print_summary(err_console(), manifest, out)
    if any(e.status == "error" for e in manifest.entries):
        raise typer.Exit(1)


class _Run:
    """One ``extract`` run: the batch, with errors printed as they come (one line each) and a progress bar."""

    def __init__(
        self,
        files: list[str],
        skipped: list[ManifestEntry],
        out: Path,
        rules: RuleSet,
        n_jobs: int,
        fmt: str,
        cache: Path,
        cache_read: bool,
    ) -> None:
        self.files, self.skipped, self.out, self.rules = files, skipped, out, rules
        self.n_jobs, self.fmt, self.cache, self.cache_read = n_jobs, fmt, cache, cache_read

    def batch(self, on_done: Callable[[ManifestEntry], None], on_notice: Callable[[str], None]) -> Manifest:
        from policyx.batch import run_batch

        return run_batch(
            self.files,
            self.out,
            rules=self.rules,
            jobs=self.n_jobs,
            fmt=self.fmt,
            cache_dir=self.cache,
            cache_read=self.cache_read,
            on_done=on_done,
            skipped=self.skipped,
            on_notice=on_notice,
        )

    def plain(self, quiet: bool) -> Manifest:
        # no progress bar to draw: rich is imported only if there is something to print
        consoles: list[Console] = []

        def console() -> Console:
            consoles[:] = consoles or [err_console()]
            return consoles[0]

        def on_done(entry: ManifestEntry) -> None:
            if entry.status == "error":
                console().print(f"[red]error:[/] {shown(entry.path)}: {shown(entry.error)}", soft_wrap=True)

        def on_notice(message: str) -> None:
            if not quiet:
                console().print(f"note: {shown(message)}", soft_wrap=True)

        return self.batch(on_done, on_notice)

    def with_bar(self) -> Manifest:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console(),
            transient=True,
        ) as progress:
            task = progress.add_task("extracting", total=len(self.files))

            def on_done(entry: ManifestEntry) -> None:
                if entry.status == "error":
                    progress.console.print(f"[red]error:[/] {shown(entry.path)}: {shown(entry.error)}", soft_wrap=True)
                progress.advance(task)

            def on_notice(message: str) -> None:
                progress.console.print(f"note: {shown(message)}", soft_wrap=True)

            return self.batch(on_done, on_notice)
