"""Command-line interface: one thin module per command over the library."""

from __future__ import annotations

from policyx.cli import check, diff, evaluate, extract, refs, schema, show  # noqa: F401  (each registers its command)
from policyx.cli.app import app


def main() -> None:
    app()
