"""Span lookups by bisection: stages that ask "does anything taken overlap this?" once per match stay linear.

A page can hold tens of thousands of matches in one paragraph; scanning every earlier span per match is
quadratic there. These helpers answer in O(log n).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import accumulate


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


class Breaks:
    """The ends of a pattern's matches over one stretch of text: the last one at or before an offset."""

    __slots__ = ("_ends",)

    def __init__(self, ends: list[int]) -> None:
        self._ends = ends  # ascending (the matches of one finditer)

    def last_before(self, lo: int, pos: int) -> int:
        """The end of the last match ending at or before ``pos``, or ``lo`` when it is further back."""
        i = bisect_right(self._ends, pos) - 1
        return max(lo, self._ends[i]) if i >= 0 else lo
