"""Compare a document's output with the accepted one (``expected/<doc_id>.json``), record by record.

Records are matched by kind and quote (the n-th record quoting the same words matches the n-th), not by id:
ids shift when one record is inserted, quotes do not. Section ids in ``section``/``parent`` are shown as the
section's number and title, so a renumbered tree does not show up as a change of every record.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

KINDS = ("sections", "targets", "statistics", "deadlines", "responsibilities", "references", "tables", "warnings")
_SECTION_REFS = ("section", "parent")


@dataclass(slots=True)
class Change:
    kind: str  # meta, text, source, or a record kind
    op: str  # added, removed, changed
    key: str  # the record's quote (or field name for meta)
    span: tuple[int, int] | None = None  # in the NEW text when the record exists there
    quote: str | None = None  # words to find the record by in the raw file
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def describe(self) -> str:
        if self.op != "changed":
            return self.op
        return "; ".join(f"{k} {_short(a)} → {_short(b)}" for k, (a, b) in self.fields.items())


def _short(v: Any, limit: int = 60) -> str:
    s = repr(v) if not isinstance(v, str) else f"'{v}'"
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _section_labels(doc: dict[str, Any]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for s in doc.get("sections", []):
        own = f"{s.get('number') or ''} {s.get('title') or ''}".strip()
        parent = labels.get(s.get("parent") or "")
        labels[s["id"]] = f"{parent} / {own}" if parent else own
    return labels


def _key(kind: str, rec: dict[str, Any]) -> str:
    if kind == "sections":
        return f"{rec.get('number') or ''} {rec.get('title') or ''}".strip()
    if kind == "warnings":
        return f"{rec.get('code')}: {rec.get('message')}"
    return str(rec.get("quote", rec.get("id", "")))


def _keyed(kind: str, recs: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    seen: dict[str, int] = defaultdict(int)
    out = {}
    for r in recs:
        k = _key(kind, r)
        out[(k, seen[k])] = r
        seen[k] += 1
    return out


def _quote(kind: str, rec: dict[str, Any]) -> str | None:
    q = rec.get("title") if kind == "sections" else rec.get("quote")
    return q if isinstance(q, str) else None


def _span(rec: dict[str, Any]) -> tuple[int, int] | None:
    span = rec.get("span")
    return (int(span[0]), int(span[1])) if isinstance(span, list | tuple) and len(span) == 2 else None


def _comparable(rec: dict[str, Any], labels: dict[str, str], ignore: set[str], text_same: bool) -> dict[str, Any]:
    out = {}
    for k, v in rec.items():
        if k in ignore or (k == "span" and not text_same):
            continue  # spans move whenever the text moves; the quote is compared instead
        out[k] = labels.get(v, v) if k in _SECTION_REFS and isinstance(v, str) else v
    return out


def _first_difference(a: str, b: str) -> int:
    n = min(len(a), len(b))
    return next((i for i in range(n) if a[i] != b[i]), n)


def diff_documents(old: dict[str, Any], new: dict[str, Any], ignore_fields: list[str]) -> list[Change]:
    """What changed from ``old`` (accepted) to ``new`` (just extracted)."""
    changes: list[Change] = []
    ignore = set(ignore_fields)
    old_meta, new_meta = old.get("meta") or {}, new.get("meta") or {}
    for k in sorted(set(old_meta) | set(new_meta)):
        if old_meta.get(k) != new_meta.get(k):
            changes.append(Change("meta", "changed", k, None, None, {k: (old_meta.get(k), new_meta.get(k))}))
    old_src = {k: v for k, v in (old.get("source") or {}).items() if k != "path"}  # paths differ by machine
    new_src = {k: v for k, v in (new.get("source") or {}).items() if k != "path"}
    for k in sorted(set(old_src) | set(new_src)):
        if old_src.get(k) != new_src.get(k):
            changes.append(Change("source", "changed", k, None, None, {k: (old_src.get(k), new_src.get(k))}))
    old_text, new_text = old.get("text", ""), new.get("text", "")
    text_same = old_text == new_text
    if not text_same:
        i = _first_difference(old_text, new_text)
        changes.append(
            Change(
                "text",
                "changed",
                f"at offset {i}",
                (i, min(i + 20, len(new_text))),
                new_text[i : i + 20],
                {"text": (old_text[i : i + 20], new_text[i : i + 20])},
            )
        )
    old_labels, new_labels = _section_labels(old), _section_labels(new)
    for kind in KINDS:
        before = _keyed(kind, old.get(kind) or [])
        after = _keyed(kind, new.get(kind) or [])
        for k, rec in after.items():
            if k not in before:
                changes.append(Change(kind, "added", k[0], _span(rec), _quote(kind, rec)))
                continue
            a = _comparable(before[k], old_labels, ignore, text_same)
            b = _comparable(rec, new_labels, ignore, text_same)
            fields = {f: (a.get(f), b.get(f)) for f in sorted(set(a) | set(b)) if a.get(f) != b.get(f)}
            if fields:
                changes.append(Change(kind, "changed", k[0], _span(rec), _quote(kind, rec), fields))
        for k, rec in before.items():
            if k not in after:
                changes.append(Change(kind, "removed", k[0], None, _quote(kind, rec)))
    return changes
