"""Pairing gold records with predicted ones: one-to-one, best overlap first; section paths.

Gold and predictions are the plain JSON-like mappings of the files (a gold YAML entry, a target of
an extracted document), so a stale or partial output is still scored rather than rejected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from policyx.evaluate.text import QUOTE_OVERLAP, UNITS_JACCARD, norm, num_eq, overlap, unit_norm

Obj = Mapping[str, Any]
Pair = tuple[int, int]
SectionKey = tuple[tuple[str, ...], str]

#: a broken parent chain (a cycle) is cut after this many steps
_MAX_DEPTH = 50
#: a section title matches on this many leading characters (gold titles are often abridged)
TITLE_PREFIX = 4


def greedy_pairs(candidates: list[tuple[tuple[float, ...], int, int]]) -> list[Pair]:
    """One-to-one pairs from (sort key, gold index, predicted index): lowest key first, ties by index."""
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs: list[Pair] = []
    for _, gi, pi in sorted(candidates):
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gi, pi))
    return sorted(pairs)


def match_targets(gold: Sequence[Obj], pred: Sequence[Obj]) -> list[Pair]:
    """Pairs among candidates with equal value and unit whose quotes overlap, best overlap first."""
    candidates: list[tuple[tuple[float, ...], int, int]] = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if not num_eq(g.get("value"), p.get("value")) or unit_norm(g.get("unit")) != unit_norm(p.get("unit")):
                continue
            o = overlap(g.get("quote"), p.get("quote"))
            if o >= QUOTE_OVERLAP:
                candidates.append(((-o,), gi, pi))
    return greedy_pairs(candidates)


def unit_set(record: Obj, key: str = "units") -> set[str]:
    return {norm(u) for u in record.get(key) or []}


def match_responsibilities(gold: Sequence[Obj], pred: Sequence[Obj]) -> list[Pair]:
    """Pairs whose quotes overlap and whose unit sets agree (Jaccard); best overlap, then most shared units."""
    candidates: list[tuple[tuple[float, ...], int, int]] = []
    for gi, g in enumerate(gold):
        gu = unit_set(g)
        if not gu:  # a gold tag without units cannot be confirmed by any prediction
            continue
        for pi, p in enumerate(pred):
            pu = unit_set(p)
            shared = len(gu & pu)
            if shared / len(gu | pu) < UNITS_JACCARD:  # the cheap test first: quote overlap costs more
                continue
            o = overlap(g.get("quote"), p.get("quote"))
            if o >= QUOTE_OVERLAP:
                candidates.append(((-o, -shared), gi, pi))
    return greedy_pairs(candidates)


def predicted_section_keys(sections: Sequence[Obj]) -> list[SectionKey]:
    """(path, title) of each predicted section; the path walks up the parents, an unnumbered heading by its title."""
    by_id = {s.get("id"): s for s in sections}
    keys: list[SectionKey] = []
    for s in sections:
        path: list[str] = []
        cur: Obj | None = s
        while cur is not None and len(path) < _MAX_DEPTH:
            path.append(norm(cur.get("number") or cur.get("title") or ""))
            cur = by_id.get(cur.get("parent"))
        keys.append((tuple(reversed(path)), norm(s.get("title"))))
    return keys


def gold_section_keys(sections: Sequence[Obj]) -> list[SectionKey]:
    return [(tuple(norm(x) for x in s["path"]), norm(s.get("title"))) for s in sections]


def match_sections(gold: Sequence[SectionKey], pred: Sequence[SectionKey]) -> list[int | None]:
    """For each gold section in order, the first unused predicted one with the same path and title prefix."""
    used: set[int] = set()
    found: list[int | None] = []
    for g_path, g_title in gold:
        k = min(TITLE_PREFIX, len(g_title))
        hit = next(
            (
                i
                for i, (p_path, p_title) in enumerate(pred)
                if i not in used and p_path == g_path and p_title[:k] == g_title[:k]
            ),
            None,
        )
        if hit is not None:
            used.add(hit)
        found.append(hit)
    return found
