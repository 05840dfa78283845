"""Span lookups by bisection and bracket depths: what stages ask once per match, answered without rescanning.

A page can hold tens of thousands of matches in one paragraph; scanning every earlier span (or the text
before) per match is quadratic there. The span indexes answer in O(log n); ``depths`` reads a stretch once.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import lru_cache
from itertools import accumulate

import regex


class Disjoint:
    """Non-empty, pairwise non-overlapping spans ``[start, end)``, frozen: sorted, so their ends are sorted too."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [a for a, _ in ordered]
        self._ends = [b for _, b in ordered]

    def overlaps(self, start: int, end: int) -> bool:
        """Some span shares a character with ``[start, end)`` (``start < b and a < end``)."""
        i = bisect_left(self._starts, end) - 1  # the last span starting before `end` reaches furthest
        return i >= 0 and self._ends[i] > start


class Covering:
    """Any spans (they may nest or overlap), frozen: is an offset inside one of them?"""

    __slots__ = ("_reach", "_starts")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [a for a, _ in ordered]
        self._reach = list(accumulate((b for _, b in ordered), max))  # furthest end among spans starting so far

    def covers(self, pos: int) -> bool:
        """``a <= pos < b`` for some span."""
        i = bisect_right(self._starts, pos) - 1
        return i >= 0 and self._reach[i] > pos


@lru_cache(maxsize=8)
def _bracket_chars(opens: str, closes: str) -> regex.Pattern[str]:
    return regex.compile(f"[{regex.escape(opens + closes)}]")


def depths(text: str, lo: int, hi: int, opens: str, closes: str) -> list[int]:
    """Nesting depth at every offset of ``text[lo:hi]`` (an unclosed bracket closes at ``hi``).

    A bracket counts at its own offset: the opening one after its step up, the closing one before its step down.
    """
    segment = text[lo:hi]
    out = [0] * len(segment)
    depth, since = 0, 0  # `depth` holds from offset `since` up to the next bracket
    for m in _bracket_chars(opens, closes).finditer(segment):  # brackets only: most paragraphs have a few
        i = m.start()
        if depth:
            out[since:i] = [depth] * (i - since)
        ch = segment[i]
        if ch in opens:
            depth += 1
        out[i] = depth
        if ch in closes and depth:
            depth -= 1
        since = i + 1
    if depth:
        out[since:] = [depth] * (len(segment) - since)
    return out
