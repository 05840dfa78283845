"""The sanity checks of ``policyx check`` over one extracted Document (thresholds in ``rules/checks.yaml``).

Each check reads the Document model only, so it holds whatever the extraction stages produce, and returns
findings that carry a span into the cleaned text; ``policyx.check`` maps them back to the raw file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pydantic import ValidationError

from policyx.checks.config import Check, CheckRules
from policyx.checks.findings import Finding
from policyx.models import Document, Record, Section

RECORD_KINDS = ("targets", "statistics", "deadlines", "responsibilities", "references", "tables")


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"  # a template naming a field the check does not fill stays readable


def finding(
    check: Check, doc: Document, span: tuple[int, int] | None = None, quote: str | None = None, **fields: Any
) -> Finding:
    try:
        message = check.message.format_map(_Blank(fields))
    except (ValueError, TypeError, IndexError):  # e.g. {value:g} given a string: show the raw fields instead
        message = f"{check.message} {fields}"
    return Finding(
        rule=check.id,
        severity=check.severity,
        message=message,
        path=doc.source.path,
        doc_id=doc.doc_id,
        span=span,
        quote=quote if quote is not None else (doc.text[span[0] : span[1]] if span else None),
        details=fields,
    )


def check_schema(data: dict[str, Any], doc: Document, cfg: CheckRules) -> list[Finding]:
    """The JSON as written round-trips through the Document model the schema is generated from."""
    try:
        Document.model_validate(data)
    except ValidationError as exc:
        out = []
        for err in exc.errors()[: cfg.validates.max_reported]:
            where = ".".join(str(x) for x in err["loc"]) or "(top level)"
            out.append(finding(cfg.validates, doc, where=where, error=err["msg"]))
        return out
    return []


def _records(doc: Document) -> Iterator[tuple[str, Record]]:
    for kind in RECORD_KINDS:
        for rec in getattr(doc, kind):
            yield kind, rec


def check_provenance(doc: Document, cfg: CheckRules) -> list[Finding]:
    """Spans inside the text, quote == text[span], ids unique, section ids that exist."""
    c = cfg.provenance
    n = len(doc.text)
    section_ids = {s.id for s in doc.sections}
    seen: set[str] = set()
    out: list[Finding] = []

    def bad(kind: str, rec: Record | Section, problem: str, span: tuple[int, int] | None) -> None:
        out.append(finding(c, doc, span, record=rec.id, kind=kind, problem=problem))

    for s in doc.sections:
        ok = 0 <= s.span[0] <= s.span[1] <= n
        if not ok:
            bad("section", s, f"span {list(s.span)} outside the text (length {n})", None)
        if s.parent is not None and s.parent not in section_ids:
            bad("section", s, f"parent {s.parent!r} is not a section", s.span if ok else None)
    for kind, rec in _records(doc):
        start, end = rec.span
        in_text = 0 <= start <= end <= n
        if rec.id in seen:
            bad(kind, rec, "id used twice in the document", rec.span if in_text else None)
        seen.add(rec.id)
        if not in_text:
            bad(kind, rec, f"span {list(rec.span)} outside the text (length {n})", None)
        elif doc.text[start:end] != rec.quote:
            bad(kind, rec, f"quote {rec.quote!r} is not text[span] {doc.text[start:end]!r}", rec.span)
        if rec.section is not None and rec.section not in section_ids:
            bad(kind, rec, f"section {rec.section!r} is not a section", rec.span if in_text else None)
        if not rec.rule:
            bad(kind, rec, "no rule id", rec.span if in_text else None)
    return out[: c.max_reported]


def _span_of(doc: Document, rec: Record) -> tuple[int, int] | None:
    start, end = rec.span
    return rec.span if 0 <= start <= end <= len(doc.text) else None


def check_percent(doc: Document, cfg: CheckRules) -> list[Finding]:
    c = cfg.percent
    out = []
    for kind, recs in (("target", doc.targets), ("statistic", doc.statistics)):
        for r in recs:
            high = max(r.value, r.value_max if r.value_max is not None else r.value)
            if r.unit in c.units and high > c.limit:
                out.append(
                    finding(
                        c,
                        doc,
                        _span_of(doc, r),
                        r.quote,
                        kind=kind,
                        indicator=r.indicator,
                        value=high,
                        unit=r.unit,
                        limit=c.limit,
                    )
                )
    return out


def issue_year(doc: Document) -> int | None:
    date = doc.meta.issued_on or ""
    return int(date[:4]) if date[:4].isdigit() else None


def check_target_year(doc: Document, cfg: CheckRules) -> list[Finding]:
    c = cfg.target_year
    issued = issue_year(doc)
    if issued is None or doc.meta.doc_type in c.skip_doc_types:
        return []  # nothing to compare against (or a date that is not the policy's own)
    out = []
    for t in doc.targets:
        if t.year is None:
            continue
        if t.year < issued - c.max_years_before:
            why = "before the document was issued"
        elif t.year > issued + c.max_years_after:
            why = f"more than {c.max_years_after} years after the issue date"
        else:
            continue
        out.append(
            finding(
                c,
                doc,
                _span_of(doc, t),
                t.quote,
                indicator=t.indicator,
                year=t.year,
                why=why,
                issued=doc.meta.issued_on,
            )
        )
    return out


def _valid_span(doc: Document, span: tuple[int, int] | None) -> tuple[int, int] | None:
    if span is None:
        return None
    return span if 0 <= span[0] <= span[1] <= len(doc.text) else None


def check_warnings(doc: Document, cfg: CheckRules) -> list[Finding]:
    """The pipeline's own warnings: heading numbering by its own check, the rest as they are."""
    out = []
    for w in doc.warnings:
        span = _valid_span(doc, w.span)
        if w.code in cfg.heading_numbers.codes:
            out.append(finding(cfg.heading_numbers, doc, span, code=w.code, message=w.message))
        elif w.code not in cfg.pipeline_warnings.ignore_codes:
            out.append(finding(cfg.pipeline_warnings, doc, span, code=w.code, message=w.message))
    return out


def check_brackets(doc: Document, cfg: CheckRules) -> list[Finding]:
    c = cfg.unclosed_bracket
    out = []
    for pat in cfg._brackets:
        for m in pat.finditer(doc.text):
            start = m.start()
            end = doc.text.find("\n", start)
            end = min(len(doc.text) if end < 0 else end, start + c.context_chars)
            span = (start, max(end, m.end()))
            out.append(finding(c, doc, span, opener=m.group() or doc.text[start], context=doc.text[span[0] : span[1]]))
    return out


def check_commitments(doc: Document, cfg: CheckRules) -> list[Finding]:
    c = cfg.no_commitments
    if doc.meta.doc_type in c.doc_types and not doc.targets and not doc.responsibilities:
        return [finding(c, doc, doc_type=doc.meta.doc_type)]
    return []


def check_region(doc: Document, cfg: CheckRules) -> list[Finding]:
    return [] if doc.meta.region else [finding(cfg.region_missing, doc)]


def boilerplate_share(doc: Document, cfg: CheckRules) -> float:
    """Share of the text's characters on lines that look like page furniture rather than the document."""
    c = cfg.boilerplate
    heading_starts = {s.span[0] for s in doc.sections}
    total = junk = 0
    pos = 0
    for line in doc.text.split("\n"):
        stripped = line.strip()
        start = pos + len(line) - len(line.lstrip())
        pos += len(line) + 1
        if not stripped:
            continue
        total += len(stripped)
        fragment = (
            len(stripped) <= c.fragment_max_len and not cfg._punct.search(stripped) and start not in heading_starts
        )
        if fragment or cfg._markers.search(stripped):
            junk += len(stripped)
    return junk / total if total else 0.0


def check_boilerplate(doc: Document, cfg: CheckRules) -> list[Finding]:
    c = cfg.boilerplate
    if len(doc.text) < c.min_chars:
        return []
    share = boilerplate_share(doc, cfg)
    return [finding(c, doc, share=share, limit=c.max_share)] if share > c.max_share else []


SANITY_CHECKS: tuple[Callable[[Document, CheckRules], list[Finding]], ...] = (
    check_provenance,
    check_percent,
    check_target_year,
    check_warnings,
    check_brackets,
    check_commitments,
    check_region,
    check_boilerplate,
)


def run_sanity(doc: Document, cfg: CheckRules) -> list[Finding]:
    found: list[Finding] = []
    for check in SANITY_CHECKS:
        try:
            found.extend(check(doc, cfg))
        except Exception as exc:  # one check tripping over an odd document must not stop the gate
            error = f"{type(exc).__name__}: {exc}".splitlines()[0]
            found.append(finding(cfg.internal, doc, name=check.__name__, error=error))
    return found
