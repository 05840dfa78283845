"""Stage 5, sections: numbered and unnumbered headings → a section tree (SPEC 3)."""

from __future__ import annotations

from policyx.models import Document
from policyx.rules import RuleSet


def split_sections(doc: Document, rules: RuleSet) -> Document:
    return doc
