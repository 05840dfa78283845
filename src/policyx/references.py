"""Stage, references (SPEC 8): cited titles in 《》 and document numbers."""

from __future__ import annotations

from policyx.models import Document
from policyx.rules import RuleSet


def extract_references(doc: Document, rules: RuleSet) -> Document:
    return doc
