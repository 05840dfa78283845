"""Stage, deadlines (SPEC 6): by / range / period / recurring time bounds."""

from __future__ import annotations

from policyx.models import Document
from policyx.rules import RuleSet


def extract_deadlines(doc: Document, rules: RuleSet) -> Document:
    return doc
