"""The output contract of SPEC.md as pydantic models: one Document and every record kind.

These models are the source of truth for types; ``policyx schema`` writes their JSON Schema
into ``schemas/``. Field names marked (contract) in SPEC.md must not change without bumping
``SCHEMA_VERSION``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

SCHEMA_VERSION = "1.0"

Comparator = Literal["=", ">=", ">", "<=", "<", "~"]
DocType = Literal["plan", "notice", "opinion", "proposal", "reply", "news", "other"]
Span = tuple[int, int]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)  # built on first use: a cached run needs two models


class Source(_Model):
    path: str = Field(description="the input path as given")
    sha256: str = Field(description="sha256 of the raw bytes")
    encoding: str = Field(description="the encoding detected, e.g. utf-8, gb18030")
    format: Literal["text", "html", "pdf", "docx"]


class Meta(_Model):
    title: str | None = None
    region: str | None = Field(None, description="the city/county/province that issued it, e.g. 扬州市")
    province: str | None = None
    issuer: str | None = None
    doc_number: str | None = Field(None, description="e.g. 扬府发〔2022〕80号")
    issued_on: str | None = Field(None, description="YYYY-MM-DD")
    doc_type: DocType | None = None
    fields: dict[str, str] = Field(
        default_factory=dict,
        description="metadata label blocks of the page (发文字号, 索引号, 主题分类 …) as label → value",
    )


class DocWarning(_Model):
    code: str
    message: str
    span: Span | None = None


class Record(_Model):
    """The provenance every extracted record carries (contract)."""

    id: str
    section: str | None = Field(description="id of the innermost section containing the record")
    span: Span = Field(description="[start, end) into Document.text")
    quote: str = Field(description="text[start:end]")
    rule: str = Field(description="id of the rule that produced the record")


class Section(_Model):
    id: str
    parent: str | None
    level: int = Field(ge=1)
    number: str | None = Field(description="numbering token as written: 一, (一), 1, 第一章, 附件1; null if unnumbered")
    title: str
    span: Span = Field(description="the whole section including children")
    rule: str = Field(description="id of the heading style that matched")


class Baseline(_Model):
    value: float
    year: int | None = None


class Quantity(Record):
    indicator: str
    indicator_key: str | None = None
    value: float
    value_max: float | None = None
    unit: str
    comparator: Comparator = "="


class Target(Quantity):
    year: int | None = None
    recurring: Literal["annual"] | None = None
    baseline: Baseline | None = None
    binding: Literal["binding", "expected"] | None = None
    responsible: list[str] = Field(default_factory=list)


class Statistic(Quantity):
    as_of: str | None = Field(None, description="YYYY or YYYY-MM")


class Deadline(Record):
    text: str
    kind: Literal["by", "range", "period", "recurring"]
    start: str | None = Field(None, description="YYYY-MM")
    end: str | None = Field(None, description="YYYY-MM")


class Responsibility(Record):
    units: list[str]
    lead: list[str] = Field(default_factory=list)
    unit_keys: list[str | None] = Field(
        default_factory=list, description="department key of each unit (rules/departments.yaml), null if unknown"
    )


class Reference(Record):
    title: str | None = None
    doc_number: str | None = None


class Table(Record):
    header: list[str]
    rows: list[list[str]]
    kind: Literal["indicator", "tasks", "other"] = "other"
    row_spans: list[Span] = Field(default_factory=list, description="[start, end) of each row in Document.text")


class Document(_Model):
    schema_version: str = SCHEMA_VERSION
    doc_id: str
    source: Source
    meta: Meta = Field(default_factory=Meta)
    text: str = ""
    sections: list[Section] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    statistics: list[Statistic] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    responsibilities: list[Responsibility] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    warnings: list[DocWarning] = Field(default_factory=list)

    # the text as written while the stages match its simplified view (policyx.script); never serialised
    _written: str | None = PrivateAttr(None)


class ManifestEntry(_Model):
    path: str
    doc_id: str
    status: Literal["ok", "error", "skipped"]  # skipped: seen, not extracted; the reason is in error
    error: str | None = None
    output: str | None = None
    counts: dict[str, int] = Field(default_factory=dict)
    cached: bool = False


class Manifest(_Model):
    schema_version: str = SCHEMA_VERSION
    policyx_version: str
    entries: list[ManifestEntry] = Field(default_factory=list)


#: the models whose JSON Schema is written to schemas/
SCHEMA_MODELS: dict[str, type[BaseModel]] = {"document": Document, "manifest": Manifest}
