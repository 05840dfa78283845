"""Stage 4, meta: title, region, province, issuer, doc number, date and type (SPEC 2)."""

from __future__ import annotations

from policyx.models import Document
from policyx.rules import RuleSet


def extract_meta(doc: Document, rules: RuleSet) -> Document:
    return doc
