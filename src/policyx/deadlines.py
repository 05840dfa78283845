"""Stage, deadlines (SPEC 6): by / range / period / recurring time bounds.

The time expressions are those of ``rules/periods.yaml`` (shared with the quantities stage). Which of them
bind an action is data too: ``deadline_kinds`` maps an expression kind to a deadline kind, and a plan period
counts only with the parts listed in ``period_parts`` (“十四五”期间 binds; “十三五”以来 looks back).
Time expressions inside a cited title (《…》) or a document number are not deadlines.
"""

from __future__ import annotations

from policyx.locate import SectionIndex
from policyx.models import Deadline, Document
from policyx.periods import PeriodRules, TimeExpr, find_times, ym
from policyx.rules import RuleFile, RuleSet
from policyx.spans import depths


class DeadlineRules(RuleFile):
    FILE = "deadlines.yaml"
    #: expression kind (periods.yaml) → deadline kind (SPEC 6); kinds not listed are not deadlines
    deadline_kinds: dict[str, str]
    period_parts: list[str]
    #: brackets whose inside is a title or a document number, not running text
    quiet_open: str
    quiet_close: str


def _quiet(text: str, dr: DeadlineRules) -> list[int]:
    """For every offset: inside 《…》 or 〔…〕 (titles and document numbers) when non-zero."""
    return depths(text, 0, len(text), dr.quiet_open, dr.quiet_close)


def _bounds(t: TimeExpr, kind: str) -> tuple[str | None, str | None]:
    if kind == "recurring":
        return None, None
    if kind in {"range", "period"}:
        return ym(t.first_year, t.first_month or 1), ym(t.year, t.month)
    return None, ym(t.year, t.month)


def find_deadlines(doc: Document, rules: RuleSet) -> list[Deadline]:
    dr = rules.get(DeadlineRules)
    quiet = _quiet(doc.text, dr)
    sections = SectionIndex(doc.sections)
    out: list[Deadline] = []
    for t in find_times(doc.text, rules.get(PeriodRules)):
        kind = dr.deadline_kinds.get(t.kind)
        if kind is None or quiet[t.start]:
            continue
        if t.kind == "period":
            if t.plan_part not in dr.period_parts:
                continue
            if t.plan_part in {"末", "期末"}:
                kind = "by"  # “十四五”末: due at the end, not over the whole period
        start, end = _bounds(t, kind)
        quote = doc.text[t.start : t.end]
        out.append(
            Deadline(
                id=f"d{len(out) + 1}",
                section=sections.at(t.start),
                span=(t.start, t.end),
                quote=quote,
                rule=t.rule,
                text=quote,
                kind=kind,  # type: ignore[arg-type]
                start=start,
                end=end,
            )
        )
    return out


def extract_deadlines(doc: Document, rules: RuleSet) -> Document:
    return doc.model_copy(update={"deadlines": find_deadlines(doc, rules)})
