"""``extract_document``: the ordered stages, nothing else.

Every stage is a plain function ``(Document, RuleSet) -> Document``; the CLI, the tests and any
engine (a process pool, Dask, Spark) call this one function.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from policyx.clean import clean
from policyx.deadlines import extract_deadlines
from policyx.echoes import merge_echoes
from policyx.guard import ensure_policy_text
from policyx.html import html_to_text
from policyx.meta import extract_meta
from policyx.models import Document
from policyx.read import InputError, read_document
from policyx.references import extract_references
from policyx.responsibilities import attach_responsible, extract_responsibilities
from policyx.rules import RuleSet, ruleset_for
from policyx.script import as_written, simplified_view
from policyx.sections import split_sections
from policyx.tables import extract_tables
from policyx.targets import extract_quantities

Stage = Callable[[Document, RuleSet], Document]

STAGES: tuple[Stage, ...] = (
    html_to_text,
    clean,
    simplified_view,  # from here on every stage matches simplified characters
    ensure_policy_text,
    extract_meta,
    split_sections,
    extract_tables,
    extract_quantities,
    extract_deadlines,
    extract_references,
    extract_responsibilities,
    attach_responsible,
    merge_echoes,
    as_written,  # quotes, titles and indicators as the document wrote them
)


def extract_document(
    src: str | os.PathLike[str] | bytes,
    *,
    name: str | None = None,
    rules: RuleSet | None = None,
) -> Document:
    """Read one file (or its bytes, named ``name``) and run every stage over it.

    Raises ``policyx.read.InputError`` with a one-line message for input that is not a policy text.
    """
    rules = rules or ruleset_for()
    doc = read_document(src, rules, name=name)
    for stage in STAGES:
        try:
            doc = stage(doc, rules)
        except RecursionError:
            # HTML nested thousands deep outruns a recursive walk: a bad input with a clear error, not a crash
            raise InputError(f"nested too deeply to process ({stage.__name__})") from None
    return doc
