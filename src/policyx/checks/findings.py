"""One finding of ``policyx check``: a rule, a severity, a message and where in the raw file it points."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(slots=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    path: str  # the raw document as given
    doc_id: str
    span: tuple[int, int] | None = None  # into the cleaned Document.text, when the finding has a place
    quote: str | None = None  # text the raw file is searched for to find line:col
    line: int | None = None  # 1-based, in the raw file (in a PDF: on its page)
    col: int | None = None
    page: int | None = None  # a PDF's page (1-based), where ``line`` counts the lines the reader sees on it
    details: dict[str, object] = field(default_factory=dict)

    @property
    def where(self) -> str:
        if self.line is None:
            return self.path
        if self.page is not None:
            return f"{self.path}: page {self.page}, line {self.line}:{self.col}"
        return f"{self.path}:{self.line}:{self.col}"
