"""Stage, tables (SPEC 9): rebuild tables flattened one cell per line, read tab-separated HTML rows."""

from __future__ import annotations

from policyx.models import Document
from policyx.rules import RuleSet


def extract_tables(doc: Document, rules: RuleSet) -> Document:
    return doc
