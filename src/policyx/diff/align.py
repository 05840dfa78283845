"""Targets of several documents → rows of one indicator each.

First every target with the same ``indicator_key`` (the extractor's, else the taxonomy's for its phrase)
forms one group, and every unkeyed target one group per normalised phrase; a group never mixes units the
rules do not convert. Then groups merge, best pair first, while the average similarity of their phrases
reaches the threshold of ``rules/diff.yaml`` and no pair is vetoed (average linkage: one lucky pair is not
enough, which keeps two different indicators out of one row). Against a keyed group the best pair counts
instead, since the taxonomy vouches that its phrases name one indicator. Groups with different keys never merge.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import product

from policyx.diff.config import DiffRules
from policyx.diff.model import Column, DiffTable, Entry, Link, Row
from policyx.diff.phrases import PhraseMatcher, Score
from policyx.indicators import indicator_key, indicator_terms
from policyx.models import Document, Target
from policyx.rules import RuleSet


@dataclass(slots=True)
class _Item:
    col: int
    order: int  # position in the document: rows keep reading order among equals
    target: Target
    key: str | None
    unit: str  # canonical unit (after the conversions of rules/diff.yaml)


@dataclass
class _Group:
    items: list[_Item]
    key: str | None
    unit: str
    links: list[Link] = field(default_factory=list)

    @property
    def phrases(self) -> set[str]:
        return {i.target.indicator for i in self.items}


def canonical_unit(unit: str, cfg: DiffRules) -> str:
    """The unit a convertible unit is compared in (``‰`` → ``%``); any other unit is its own."""
    for conv in cfg.units:
        if conv.source == unit:
            return conv.to
    return unit


def _lead(doc: Document, target: Target) -> tuple[str | None, str | None]:
    if not target.responsible:
        return None, None
    name = target.responsible[0]
    for resp in doc.responsibilities:
        if name in resp.units:
            i = resp.units.index(name)
            return name, resp.unit_keys[i] if i < len(resp.unit_keys) else None
    return name, None


def _entry(doc: Document, t: Target, key: str | None) -> Entry:
    lead, lead_key = _lead(doc, t)
    return Entry(
        indicator=t.indicator,
        indicator_key=key,
        value=t.value,
        value_max=t.value_max,
        unit=t.unit,
        comparator=t.comparator,
        year=t.year,
        baseline=t.baseline,
        lead=lead,
        lead_key=lead_key,
        target_id=t.id,
        section=t.section,
        span=t.span,
        quote=t.quote,
        rule=t.rule,
    )


class Aligner:
    """``taxonomy=False`` ignores indicator keys and aligns by phrases alone (to measure the phrase matcher)."""

    def __init__(self, rules: RuleSet, *, taxonomy: bool = True) -> None:
        self.rules = rules
        self.taxonomy = taxonomy
        self.cfg = rules.get(DiffRules)
        self.matcher = PhraseMatcher(rules)
        self._scores: dict[tuple[str, str], Score] = {}
        self._names = {key: name for key, name, _ in indicator_terms(rules)}

    def score(self, a: str, b: str) -> Score:
        pair = (a, b) if a <= b else (b, a)
        found = self._scores.get(pair)
        if found is None:
            found = self._scores[pair] = self.matcher.compare(*pair)
        return found

    def _linkage(self, g: _Group, h: _Group) -> tuple[float, str, str, Score] | None:
        """Average pair score of two groups and their best pair; None when they may not merge."""
        if g.unit != h.unit or (g.key and h.key and g.key != h.key) or self._contradict(g, h):
            return None
        scored = [(self.score(a, b), a, b) for a, b in product(sorted(g.phrases), sorted(h.phrases))]
        if any(s.vetoed for s, _, _ in scored):
            return None
        best, a, b = max(scored, key=lambda x: x[0].score)
        # a keyed group's phrases are known names of one indicator: matching any of them well is enough
        link = best.score if g.key or h.key else sum(s.score for s, _, _ in scored) / len(scored)
        if link < self.cfg.similarity.threshold:
            return None
        return link, a, b, best

    def _contradict(self, g: _Group, h: _Group) -> bool:
        """One document sets both groups, for the same year, to different values: two indicators, not one."""
        seen = {(i.col, i.target.year): self._in_unit(i, g.unit) for i in g.items}
        for i in h.items:
            other = seen.get((i.col, i.target.year))
            if other is not None and abs(other - self._in_unit(i, g.unit)) > 1e-9:
                return True
        return False

    def _in_unit(self, item: _Item, unit: str) -> float:
        return item.target.value * (self.cfg.factor(item.target.unit, unit) or 1.0)

    def align(self, docs: list[tuple[Column, Document]]) -> DiffTable:
        items = self._items(docs)
        groups = self._initial_groups(items, docs)
        self._merge(groups, docs)
        rows = [self._row(g, docs) for g in groups]
        first = {id(r): min((i.col, i.order) for i in g.items) for r, g in zip(rows, groups, strict=True)}
        rows.sort(key=lambda r: (-r.coverage, first[id(r)]))
        return DiffTable(columns=[c for c, _ in docs], rows=rows)

    def _items(self, docs: list[tuple[Column, Document]]) -> list[_Item]:
        out = []
        for col, (_, doc) in enumerate(docs):
            for order, t in enumerate(doc.targets):
                key = (t.indicator_key or indicator_key(t.indicator, self.rules)) if self.taxonomy else None
                out.append(_Item(col, order, t, key, canonical_unit(t.unit, self.cfg)))
        return out

    def _initial_groups(self, items: list[_Item], docs: list[tuple[Column, Document]]) -> list[_Group]:
        groups: list[_Group] = []
        by: dict[tuple[str, str], list[_Group]] = {}
        for it in items:
            ident = f"key:{it.key}" if it.key else f"phrase:{self.matcher.phrase(it.target.indicator).norm}"
            alone = _Group([it], it.key, it.unit)
            candidates = by.setdefault((ident, it.unit), [])
            # one phrase set to two values for one year by one document names two things (配备托位 2608个, 10个)
            g = next((c for c in candidates if it.key or not self._contradict(c, alone)), None)
            if g is None:
                candidates.append(alone)
                groups.append(alone)
                continue
            anchor = g.items[0]
            g.links.append(
                Link(
                    method="key" if it.key else "phrase",
                    a=docs[anchor.col][0].label,
                    a_indicator=anchor.target.indicator,
                    b=docs[it.col][0].label,
                    b_indicator=it.target.indicator,
                    key=it.key,
                    rule=self.cfg.by_key.id if it.key else self.cfg.by_phrase.id,
                )
            )
            g.items.append(it)
        return groups

    def _strong_words(self, g: _Group) -> set[str]:
        words = (self.matcher.phrase(p).words for p in g.phrases)
        return {w for ws in words for w in ws if self.matcher.weight(w) == 1.0}

    def _merge(self, groups: list[_Group], docs: list[tuple[Column, Document]]) -> None:
        """Merge the best-linked pair until none reaches the threshold. Only groups that share a substantive
        word can merge (the similarity rule needs one), so candidates come from a word index, and a pair's
        linkage is computed once until one of its groups changes."""
        alive = dict(enumerate(groups))
        index: dict[str, set[int]] = {}
        for gid, g in alive.items():
            for w in self._strong_words(g):
                index.setdefault(w, set()).add(gid)
        linkage: dict[tuple[int, int], tuple[float, str, str, Score]] = {}

        def relink(gid: int) -> None:
            g = alive[gid]
            others = {o for w in self._strong_words(g) for o in index.get(w, ())} - {gid}
            for o in others:
                pair = (min(gid, o), max(gid, o))
                found = self._linkage(alive[pair[0]], alive[pair[1]])
                if found:
                    linkage[pair] = found

        for gid in list(alive):
            relink(gid)
        while linkage:
            (gi, hj), (_, pa, pb, pair) = max(linkage.items(), key=lambda kv: (kv[1][0], -kv[0][0], -kv[0][1]))
            g, h = alive[gi], alive.pop(hj)
            for w in self._strong_words(h):
                index[w].discard(hj)
                index[w].add(gi)
            for key in [k for k in linkage if gi in k or hj in k]:
                del linkage[key]
            a = next(it for it in g.items if it.target.indicator == pa)
            b = next(it for it in h.items if it.target.indicator == pb)
            g.links.extend(h.links)
            g.links.append(
                Link(
                    method="similarity",
                    a=docs[a.col][0].label,
                    a_indicator=pa,
                    b=docs[b.col][0].label,
                    b_indicator=pb,
                    score=round(pair.score, 3),
                    words=round(pair.words, 3),
                    chars=round(pair.chars, 3),
                    shared=list(pair.shared),
                    rule=self.cfg.similarity.id,
                )
            )
            g.items.extend(h.items)
            g.key = g.key or h.key
            relink(gi)
        groups[:] = list(alive.values())

    def _row(self, g: _Group, docs: list[tuple[Column, Document]]) -> Row:
        units = Counter(i.target.unit for i in g.items)
        unit = units.most_common(1)[0][0]
        cells: dict[str, list[Entry]] = {col.label: [] for col, _ in docs}
        for it in sorted(g.items, key=lambda i: (i.col, i.order)):
            col, doc = docs[it.col]
            entry = _entry(doc, it.target, it.key)
            factor = self.cfg.factor(entry.unit, unit)
            entry.row_value = entry.value * factor if factor is not None else None
            cells[col.label].append(entry)
        label = self._names.get(g.key) if g.key else None
        if not label:
            label = min(g.phrases, key=lambda p: (len(p), p))
        return Row(indicator=label, indicator_key=g.key, unit=unit, cells=cells, links=g.links)


def align(docs: list[tuple[Column, Document]], rules: RuleSet) -> DiffTable:
    """The side-by-side table of the targets of ``docs`` (one column each, in the order given)."""
    return Aligner(rules).align(docs)
