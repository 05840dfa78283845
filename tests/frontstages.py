"""The front of the pipeline alone (read → html → clean → guard → meta → sections), for tests of those stages."""

from __future__ import annotations

import os

from policyx.clean import clean
from policyx.guard import ensure_policy_text
from policyx.html import html_to_text
from policyx.meta import extract_meta
from policyx.models import Document
from policyx.read import read_document
from policyx.rules import RuleSet
from policyx.sections import split_sections

FRONT = (html_to_text, clean, ensure_policy_text, extract_meta, split_sections)


def front(src: str | os.PathLike[str] | bytes, rules: RuleSet, *, name: str | None = None) -> Document:
    doc = read_document(src, rules, name=name)
    for stage in FRONT:
        doc = stage(doc, rules)
    return doc
