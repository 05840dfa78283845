"""Where a record sits: the innermost section containing an offset, and raw line:col of a quote."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from policyx.models import Section


class SectionIndex:
    """Answers "which is the innermost section containing offset i" in O(log n) per call."""

    def __init__(self, sections: Sequence[Section]) -> None:
        # sections come in document order; a later-starting section that contains i is deeper
        self._sections = list(sections)
        self._starts = [s.span[0] for s in self._sections]

    def at(self, offset: int) -> str | None:
        i = bisect_right(self._starts, offset) - 1
        while i >= 0:
            s = self._sections[i]
            if s.span[0] <= offset < s.span[1]:
                return s.id
            i -= 1
        return None


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col
