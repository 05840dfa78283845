"""Stage, responsibilities (SPEC 7): who must do the work of each section."""

from __future__ import annotations

from policyx.models import Document
from policyx.rules import RuleSet


def extract_responsibilities(doc: Document, rules: RuleSet) -> Document:
    return doc


def attach_responsible(doc: Document, rules: RuleSet) -> Document:
    """Each target's ``responsible``: the units of the record covering its section (walking up the tree)."""
    return doc
