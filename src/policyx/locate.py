"""Where text sits: the non-blank lines with their offsets, the innermost section containing an offset,
and raw line:col of a quote."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from policyx.models import Section


@dataclass(slots=True)
class Line:
    start: int  # offset of the first non-space character
    end: int  # offset just past the last non-space character
    text: str


def text_lines(text: str) -> list[Line]:
    """The non-blank lines of ``text`` with their stripped spans."""
    out: list[Line] = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append(Line(pos + lead, pos + lead + len(stripped), stripped))
        pos += len(raw) + 1
    return out


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
