"""The summary table printed after a batch."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from policyx.models import Manifest

_COLUMNS = ("sections", "targets", "statistics", "deadlines", "responsibilities", "references", "tables")


def print_summary(console: Console, manifest: Manifest, out: Path) -> None:
    table = Table(title=f"policyx extract → {out}", show_lines=False)
    table.add_column("document")
    table.add_column("status")
    for c in _COLUMNS:
        table.add_column(c, justify="right")
    for e in manifest.entries:
        if e.status == "ok":
            table.add_row(e.doc_id, "[green]ok[/]", *(str(e.counts.get(c, 0)) for c in _COLUMNS))
        else:
            table.add_row(e.doc_id, "[red]error[/]", f"[red]{e.error}[/]")
    console.print(table)
    ok = sum(e.status == "ok" for e in manifest.entries)
    console.print(f"{ok} of {len(manifest.entries)} documents extracted; manifest: {out / 'manifest.json'}")
