"""Map a place in the cleaned text back to ``line:col`` of the RAW file, for messages an editor can jump to.

Cleaning folds full-width characters and collapses white space, and HTML adds markup, so offsets do not carry
over. Instead the quote is searched in a folded, white-space-free copy of the raw text that remembers each
character's raw offset; among several hits the one nearest the span's relative position wins. When the whole
quote is not found (an HTML tag or entity inside it), ever shorter prefixes and a table row's first cell are
tried; when nothing is found the finding keeps no line and points at the file.
"""

from __future__ import annotations

import regex

from policyx.locate import line_col

# the folding clean.py applies (full-width ASCII → half-width, ideographic space and NBSP → space)
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xA0: 0x20}
_NON_SPACE = regex.compile(r"\S+")
_PREFIXES = (24, 12, 6, 3)
_MAX_HITS = 2000


def fold(text: str) -> str:
    """Full-width folded, white space removed."""
    return "".join(_NON_SPACE.findall(text.translate(_FOLD)))


class RawLocator:
    """Finds quotes of the cleaned text in the raw text (built once per document: O(raw length))."""

    def __init__(self, raw: str, clean_len: int) -> None:
        self.raw = raw
        self.clean_len = max(clean_len, 1)
        parts: list[str] = []
        offsets: list[int] = []
        for m in _NON_SPACE.finditer(raw.translate(_FOLD)):
            parts.append(m.group())
            offsets.extend(range(m.start(), m.end()))
        self.folded = "".join(parts)
        self.offsets = offsets

    def _hits(self, needle: str) -> list[int]:
        hits: list[int] = []
        i = self.folded.find(needle)
        while i >= 0 and len(hits) < _MAX_HITS:
            hits.append(i)
            i = self.folded.find(needle, i + 1)
        return hits

    def offset(self, quote: str, span: tuple[int, int] | None = None) -> int | None:
        """Raw offset where ``quote`` (found at ``span`` of the cleaned text) starts, or None."""
        needle = fold(quote)
        if not needle or not self.offsets:
            return None
        candidates = [needle] + [needle[:n] for n in _PREFIXES if n < len(needle)]
        first = fold(quote.split(None, 1)[0]) if quote.strip() else ""
        if 2 <= len(first) < len(needle):
            candidates.append(first)  # a table row: its first cell is one text node of the raw HTML
        for cand in candidates:
            hits = self._hits(cand)
            if hits:
                want = (span[0] / self.clean_len if span else 0.0) * len(self.folded)
                best = min(hits, key=lambda h: abs(h - want))
                return self.offsets[best]
        return None

    def line_col(self, quote: str | None, span: tuple[int, int] | None = None) -> tuple[int, int] | None:
        if not quote:
            return None
        off = self.offset(quote, span)
        return None if off is None else line_col(self.raw, off)
