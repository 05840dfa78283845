"""The result of ``policyx diff``: columns (one per document), rows (one per indicator), and why rows align.

Every renderer (terminal, markdown, CSV, JSON, HTML) reads this one structure; ``--format json`` is its dump.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from policyx.models import Baseline, Comparator, Span


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Column(_Model):
    label: str = Field(description="the region that issued the document, else the file name; unique")
    doc_id: str
    path: str
    region: str | None = None
    title: str | None = None
    targets: int = Field(0, description="how many targets the document sets")


class Entry(_Model):
    """One target of one document, as shown in its cell (with the provenance to find it)."""

    indicator: str
    indicator_key: str | None = None
    value: float
    value_max: float | None = None
    unit: str
    comparator: Comparator = "="
    year: int | None = None
    baseline: Baseline | None = None
    row_value: float | None = Field(None, description="value in the row's unit (‰ → %), for charts")
    lead: str | None = Field(None, description="the leading department: first unit of the target's responsible")
    lead_key: str | None = Field(None, description="department key of the lead (rules/departments.yaml)")
    target_id: str
    section: str | None = None
    span: Span
    quote: str
    rule: str


class Link(_Model):
    """Why a target joined its row: the same indicator key, or similar indicator phrases."""

    method: Literal["key", "phrase", "similarity"]
    a: str = Field(description="column label of one side")
    a_indicator: str
    b: str
    b_indicator: str
    key: str | None = None
    score: float | None = None
    words: float | None = None
    chars: float | None = None
    shared: list[str] = Field(default_factory=list)
    rule: str = Field(description="id of the rule that aligned them")


class Row(_Model):
    indicator: str = Field(description="the taxonomy name when the key is known, else the shortest phrase")
    indicator_key: str | None = None
    unit: str = Field(description="the unit values are compared in (charts convert to it)")
    cells: dict[str, list[Entry]] = Field(description="column label → the targets of that document in this row")
    links: list[Link] = Field(default_factory=list)

    @property
    def coverage(self) -> int:
        return sum(1 for entries in self.cells.values() if entries)


class DiffTable(_Model):
    columns: list[Column]
    rows: list[Row]

    def aligned(self) -> list[Row]:
        """Rows at least two documents share, most widely shared first."""
        return [r for r in self.rows if r.coverage >= 2]

    def partial(self) -> list[Row]:
        """Rows only one document sets (or, with --min-cities, fewer than all)."""
        return [r for r in self.rows if r.coverage < 2]

    def keep(self, min_cities: int) -> DiffTable:
        return self.model_copy(update={"rows": [r for r in self.rows if r.coverage >= min_cities]})
