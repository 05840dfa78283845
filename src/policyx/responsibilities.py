"""Stage, responsibilities (SPEC 7): who must do the work of each section, and who answers for each target.

The forms live in ``policyx.respforms`` (data in ``rules/responsibilities.yaml``). Each record's section is the
innermost section containing it: the paragraph's section for a tag, the row's task for a table cell.
"""

from __future__ import annotations

from bisect import bisect_left

from policyx.departments import DepartmentRules
from policyx.locate import SectionIndex
from policyx.models import Document, Responsibility, Target
from policyx.respforms import Found, find_responsibilities
from policyx.rules import RuleSet


def extract_responsibilities(doc: Document, rules: RuleSet) -> Document:
    """One record per tag, field, bracket, table row or cell, with its units, leads and department keys."""
    # the tables stage may give the rows of task-division tables; the line forms work without them
    rows = [(a, b) for t in doc.tables if t.kind == "tasks" for a, b in t.row_spans]
    # the rows of tables read by their columns came from the tables stage: their text is taken
    known = [Found(r.span[0], r.span[1], r.units, r.lead, r.rule, r.span[0]) for r in doc.responsibilities]
    found, warnings = find_responsibilities(doc.text, doc.sections, rules, rows, known)
    index = SectionIndex(doc.sections)
    dr = rules.get(DepartmentRules)
    records = [
        Responsibility(
            id=f"r{i + 1}",
            section=index.at(f.at),
            span=(f.start, f.end),
            quote=doc.text[f.start : f.end],
            rule=f.rule,
            units=f.units,
            lead=list(dict.fromkeys(f.lead)),
            unit_keys=[dr.resolve(u).key for u in f.units],
        )
        for i, f in enumerate(sorted([*known, *found], key=lambda f: f.start))
    ]
    return doc.model_copy(update={"responsibilities": records, "warnings": [*doc.warnings, *warnings]})


def _covering(
    target: Target, by_section: dict[str, tuple[list[int], list[Responsibility]]], parents: dict[str, str | None]
) -> list[str]:
    sid = target.section
    while sid is not None:
        found = by_section.get(sid)
        if found:
            # a tag closes the paragraph it assigns: prefer the first record after the target, else the last one
            starts, recs = found
            i = bisect_left(starts, target.span[1])
            return list((recs[i] if i < len(recs) else recs[-1]).units)
        sid = parents.get(sid)
    return []


def attach_responsible(doc: Document, rules: RuleSet) -> Document:
    """Each target's ``responsible``: the units of the record covering its section (walking up the tree)."""
    if not doc.targets or not doc.responsibilities:
        return doc
    parents = {s.id: s.parent for s in doc.sections}
    by_section: dict[str, tuple[list[int], list[Responsibility]]] = {}
    for r in doc.responsibilities:  # records come in document order, so each list is sorted by start
        if r.section is not None:
            starts, recs = by_section.setdefault(r.section, ([], []))
            starts.append(r.span[0])
            recs.append(r)
    targets = []
    for t in doc.targets:
        units = _covering(t, by_section, parents)
        # a copy only for a target that gains units: most keep the empty list they have (a copy each is costly)
        targets.append(t if units == t.responsible else t.model_copy(update={"responsible": units}))
    return doc.model_copy(update={"targets": targets})
