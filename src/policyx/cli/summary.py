"""The summary table printed after a batch."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from policyx.models import Manifest

# record kind → column header short enough for an 80-column terminal
_COLUMNS = {
    "sections": "sec",
    "targets": "tgt",
    "statistics": "stat",
    "deadlines": "ddl",
    "responsibilities": "resp",
    "references": "refs",
    "tables": "tbl",
}


def _caption() -> str:
    return "  ".join(f"{h}={k}" for k, h in _COLUMNS.items())


def print_summary(console: Console, manifest: Manifest, out: Path) -> None:
    table = Table(title=f"policyx extract → {out}", show_lines=False, caption=_caption())
    table.add_column("document", overflow="fold")
    table.add_column("status")
    for header in _COLUMNS.values():
        table.add_column(header, justify="right")
    for e in manifest.entries:
        if e.status == "ok":
            table.add_row(e.doc_id, "[green]ok[/]", *(str(e.counts.get(c, 0)) for c in _COLUMNS))
        else:
            table.add_row(e.doc_id, "[red]error[/]", *("–" for _ in _COLUMNS))
    console.print(table)
    for e in manifest.entries:
        if e.status != "ok":
            console.print(f"[red]error:[/] {e.path}: {e.error}", soft_wrap=True)
    ok = sum(e.status == "ok" for e in manifest.entries)
    console.print(f"{ok} of {len(manifest.entries)} documents extracted; manifest: {out / 'manifest.json'}")
