"""Stage, targets and statistics (SPEC 4, 5): numbers with unit, comparator, year, indicator."""

from __future__ import annotations

from policyx.models import Document
from policyx.rules import RuleSet


def extract_quantities(doc: Document, rules: RuleSet) -> Document:
    return doc
