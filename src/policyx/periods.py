"""Time expressions: years, plan periods, ranges and 每年, read with the patterns of ``rules/periods.yaml``.

Shared by the quantities stage (the year a target is due, the date of a statistic) and the deadlines
stage (SPEC 6). Expressions are found in priority order (the file order) and never overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import regex
from pydantic import PrivateAttr

from policyx.rules import Pattern, Rule, RuleFile, check_ids_unique
from policyx.spans import Disjoint

TimeKind = Literal["to", "by", "as_of", "bare", "range", "period", "recurring"]


class TimeRule(Rule):
    kind: TimeKind
    pattern: Pattern


class PeriodRules(RuleFile):
    FILE = "periods.yaml"
    plans: dict[str, tuple[int, int]]
    expressions: list[TimeRule]

    _compiled: list[tuple[TimeRule, regex.Pattern[str]]] = PrivateAttr()

    def model_post_init(self, _ctx: object) -> None:
        check_ids_unique(list(self.expressions), self.FILE)
        self._compiled = [(r, regex.compile(r.pattern)) for r in self.expressions]
        for start, end in self.plans.values():
            if start > end:
                raise ValueError(f"{self.FILE}: plan period ends before it starts")


@dataclass(frozen=True, slots=True)
class TimeExpr:
    start: int
    end: int
    kind: TimeKind
    rule: str
    year: int | None  # the year it points at: the due year, the as-of year, the end of a range or period
    month: int | None = None
    first_year: int | None = None  # start of a range or period
    first_month: int | None = None
    plan_part: str | None = None  # 期间 / 时期 / 末 / 以来 for a plan period


def _int(m: regex.Match[str], name: str) -> int | None:
    value = m.groupdict().get(name)
    return int(value) if value else None


def _expr(m: regex.Match[str], r: TimeRule, pr: PeriodRules) -> TimeExpr | None:
    if r.kind == "period":
        first, last = pr.plans[m.group("plan")]
        return TimeExpr(m.start(), m.end(), r.kind, r.id, last, 12, first, 1, m.groupdict().get("part"))
    if r.kind == "recurring":
        return TimeExpr(m.start(), m.end(), r.kind, r.id, None)
    year, month = _int(m, "y"), _int(m, "m")
    if r.kind == "range":
        y2 = _int(m, "y2") or year
        m2 = _int(m, "m2") or (12 if m.groupdict().get("end2") or not _int(m, "m2") else None)
        if y2 is None or year is None or (y2, m2 or 12) < (year, month or 1):
            return None
        return TimeExpr(m.start(), m.end(), r.kind, r.id, y2, m2, year, month or 1)
    if year is None or not 1 <= (month or 1) <= 12:
        return None
    return TimeExpr(m.start(), m.end(), r.kind, r.id, year, month)


def find_times(text: str, pr: PeriodRules, lo: int = 0, hi: int | None = None) -> list[TimeExpr]:
    """Every time expression in ``text[lo:hi]``, in text order, none overlapping (earlier rules win)."""
    hi = len(text) if hi is None else hi
    taken: list[TimeExpr] = []  # in text order
    earlier: Disjoint | None = None  # the spans of `taken`
    for rule, pat in pr._compiled:
        # one rule's matches never overlap each other: check them against the earlier rules' only
        new = []
        for m in pat.finditer(text, lo, hi):
            if earlier is not None and earlier.overlaps(m.start(), m.end()):
                continue
            found = _expr(m, rule, pr)
            if found is not None:
                new.append(found)
        if new:
            taken = sorted([*taken, *new], key=_start)  # two sorted runs: a linear merge
            earlier = Disjoint((t.start, t.end) for t in taken)
    return taken


def _start(t: TimeExpr) -> int:
    return t.start


def ym(year: int | None, month: int | None) -> str | None:
    """``YYYY-MM`` (month 12 when only the year is known, i.e. the end of that year)."""
    if year is None:
        return None
    return f"{year:04d}-{(month or 12):02d}"
