"""The front of the pipeline alone (read → html → clean → guard → meta → sections), for tests of those stages."""

from __future__ import annotations

import os

from policyx.models import Document
from policyx.pipeline import STAGES
from policyx.read import read_document
from policyx.rules import RuleSet
from policyx.script import as_written
from policyx.sections import split_sections

# the pipeline's own stages up to sections, then the written text back (a traditional page reads as written)
FRONT = (*STAGES[: STAGES.index(split_sections) + 1], as_written)


def front(src: str | os.PathLike[str] | bytes, rules: RuleSet, *, name: str | None = None) -> Document:
    doc = read_document(src, rules, name=name)
    for stage in FRONT:
        doc = stage(doc, rules)
    return doc
