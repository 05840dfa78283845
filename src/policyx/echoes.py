"""Stage, echoes: a table row that copies the body states the body's commitments again; keep one record.

Plans often end with a task-division table (附件2 任务分工表) whose 主要内容 column repeats the body's task
text word for word, so every target, deadline and citation of those tasks is found twice: once in the body,
once in the table. An analyst counting commitments wants one. A record inside a table cell merges into its
body twin when the twin agrees on the fields listed in ``rules/echoes.yaml`` and the cell is a copy of the
body passage around the twin (aligned in order, contiguous: thresholds in the same file).

The body's record is kept: its section is the task itself and its year and indicator come from the body
paragraph. It takes from the table twin what it lacks (the row's responsible units), and its ``rule`` gains
the echo rule's id, so ``target.to/number.count/echo.table_row`` says the record was stated twice and merged.
A table row that only restates a task in its own words (a summary borrowing one sentence) is no copy, and
its records stay.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections import defaultdict
from difflib import SequenceMatcher
from typing import Any

import regex

from policyx.models import Deadline, Document, Record, Reference, Statistic, Target
from policyx.rules import Rule, RuleFile, RuleSet

#: the record lists of a Document this stage may merge, with their record model
_KINDS: dict[str, type[Record]] = {
    "targets": Target,
    "statistics": Statistic,
    "deadlines": Deadline,
    "references": Reference,
}
_WS = regex.compile(r"\s+")
_ID = regex.compile(r"^(?P<prefix>\D*)\d+$")


class TableEcho(Rule):
    min_cover: float
    max_stretch: float
    min_block: int
    min_cell: int
    max_cell: int
    max_fuzzy_chars: int
    same: dict[str, list[str]]
    fill: list[str]

    def model_post_init(self, _ctx: object) -> None:
        for kind, fields in self.same.items():
            model = _KINDS.get(kind)
            if model is None:
                raise ValueError(f"same: {kind!r} is not one of {sorted(_KINDS)}")
            unknown = [f for f in fields if f not in model.model_fields]
            if unknown:
                raise ValueError(f"same.{kind}: {unknown} are not fields of {model.__name__}")
        known = set().union(*(m.model_fields for m in _KINDS.values()))
        if bad := [f for f in self.fill if f not in known]:
            raise ValueError(f"fill: {bad} are not record fields")
        if not 0 < self.min_cover <= 1 or self.max_stretch < 1:
            raise ValueError("min_cover must be in (0, 1] and max_stretch at least 1")


class EchoRules(RuleFile):
    FILE = "echoes.yaml"
    table_echo: TableEcho


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return _WS.sub("", unicodedata.normalize("NFKC", value))
    if isinstance(value, list | tuple):
        return tuple(_norm(v) for v in value)
    return value


def _key(rec: Record, fields: list[str]) -> tuple[Any, ...]:
    return tuple(_norm(getattr(rec, f)) for f in fields)


class _Tables:
    """Where the tables sit: is an offset inside one, and the cell (TAB- or line-delimited) around a span."""

    def __init__(self, doc: Document) -> None:
        self.text = doc.text
        rows = [r for t in doc.tables for r in (t.row_spans or [t.span])]
        self.rows = sorted(rows)
        self.row_starts = [a for a, _ in self.rows]
        self.tables = sorted(t.span for t in doc.tables)
        self.table_starts = [a for a, _ in self.tables]

    def in_table(self, span: tuple[int, int]) -> bool:
        i = bisect_right(self.table_starts, span[0]) - 1
        return i >= 0 and span[0] < self.tables[i][1]

    def cell(self, span: tuple[int, int], longest: int) -> tuple[int, int] | None:
        """The cell holding ``span`` (bounded by TAB, line break or the row's ends), or None outside rows or
        when it is longer than ``longest`` (looked for that far only: linear however long a row is)."""
        i = bisect_right(self.row_starts, span[0]) - 1
        if i < 0 or span[1] > self.rows[i][1] or span[1] - span[0] > longest:
            return None
        lo, hi = self.rows[i]
        lo, hi = max(lo, span[0] - longest - 1), min(hi, span[1] + longest + 1)
        text = self.text
        start = max(text.rfind("\t", lo, span[0]), text.rfind("\n", lo, span[0]), lo - 1) + 1
        ends = [p for p in (text.find("\t", span[1], hi), text.find("\n", span[1], hi)) if p != -1]
        end = min(ends) if ends else hi
        if (start == lo and lo > self.rows[i][0]) or (not ends and hi < self.rows[i][1]):
            return None  # no boundary within reach: a cell longer than ``longest``
        return start, end


class _Budget:
    """How many cell characters a document may still align fuzzily (word-for-word copies are always checked)."""

    def __init__(self, chars: int) -> None:
        self.left = chars

    def take(self, chars: int) -> bool:
        if chars > self.left:
            return False
        self.left -= chars
        return True


def _same_place(text: str, cell: tuple[int, int], rec: Record, twin: Record, k: int) -> bool:
    """The record and its twin read the same and so do the ``k`` characters on one side of them, at least."""
    if _norm(rec.quote) != _norm(twin.quote):
        return False
    left = text[max(cell[0], rec.span[0] - k) : rec.span[0]]
    right = text[rec.span[1] : min(cell[1], rec.span[1] + k)]
    at = twin.span[0] - len(left)
    return (at >= 0 and text.startswith(left, at)) or text.startswith(right, twin.span[1])


def _copies(text: str, cell: tuple[int, int], rec: Record, twin: Record, rule: TableEcho, budget: _Budget) -> bool:
    """Is the cell a (near-)verbatim copy of the body passage around ``twin``, placed as ``rec`` sits in it?"""
    c0, c1 = cell
    length = c1 - c0
    if not rule.min_cell <= length <= rule.max_cell or not _same_place(text, cell, rec, twin, rule.min_block):
        return False
    before, after = rec.span[0] - c0, c1 - rec.span[1]
    slack = int((rule.max_stretch - 1) * length) + rule.min_block
    w0 = max(0, twin.span[0] - before - slack)
    w1 = min(len(text), twin.span[1] + after + slack)
    copy, window = text[c0:c1], text[w0:w1]
    at = window.find(copy)
    if at != -1 and w0 + at <= twin.span[0] and twin.span[1] <= w0 + at + length:
        return True  # word for word
    if not budget.take(length):
        return False
    matcher = SequenceMatcher(None, copy, window, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= rule.min_block]
    if not blocks:
        return False
    covered = sum(b.size for b in blocks)
    lo, hi = w0 + blocks[0].b, w0 + blocks[-1].b + blocks[-1].size
    return (
        covered >= rule.min_cover * length
        and hi - lo <= rule.max_stretch * length
        and lo <= twin.span[0]
        and twin.span[1] <= hi
    )


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == ""


def _filled(keep: Record, echo: Record, fill: list[str]) -> dict[str, Any]:
    """The fields the kept record lacks and its echo has."""
    fields = type(keep).model_fields
    return {
        f: getattr(echo, f) for f in fill if f in fields and _empty(getattr(keep, f)) and not _empty(getattr(echo, f))
    }


#: body twins (same key, quote and context) tried per table record: more is a passage repeated so often that
#: which copy a row echoes is undecidable, and trying them all would make the stage quadratic
MAX_TWINS = 16


class _Twins:
    """Body records by what ``_same_place`` compares: their key and quote, and the text just before them
    (every length up to ``k``) or just after; so a table record meets only the twins that can match it, in
    time linear in the records however often a passage repeats."""

    def __init__(self, text: str, k: int) -> None:
        self.text, self.k = text, k
        self.before: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        self.after: dict[tuple[Any, ...], list[int]] = defaultdict(list)

    def add(self, j: int, key: tuple[Any, ...], rec: Record) -> None:
        text, (a, b), quote = self.text, rec.span, _norm(rec.quote)
        for n in range(min(self.k, a) + 1):
            self.before[(key, quote, text[a - n : a])].append(j)
        for n in range(min(self.k, len(text) - b) + 1):
            self.after[(key, quote, text[b : b + n])].append(j)

    def of(self, key: tuple[Any, ...], rec: Record, cell: tuple[int, int]) -> list[int]:
        text, (a, b), quote = self.text, rec.span, _norm(rec.quote)
        left = text[max(cell[0], a - self.k) : a]
        right = text[b : min(cell[1], b + self.k)]
        # each list is in record order, so the first MAX_TWINS of their union are among the first of each
        first = (
            self.before.get((key, quote, left), [])[:MAX_TWINS] + self.after.get((key, quote, right), [])[:MAX_TWINS]
        )
        return sorted(set(first))[:MAX_TWINS]


def _merge_kind(
    doc: Document, tables: _Tables, records: list[Record], fields: list[str], rule: TableEcho, budget: _Budget
) -> list[Record]:
    """``records`` with every table echo merged into its body twin (ids renumbered), or ``records`` itself."""
    body = _Twins(doc.text, rule.min_block)
    inside = [tables.in_table(r.span) for r in records]
    keys = [_key(r, fields) for r in records]
    for i, r in enumerate(records):
        if not inside[i]:
            body.add(i, keys[i], r)
    if not body.before:
        return records
    merged: dict[int, Record] = {}
    dropped: set[int] = set()
    for i, r in enumerate(records):
        cell = tables.cell(r.span, rule.max_cell) if inside[i] else None
        twins = body.of(keys[i], r, cell) if cell is not None else None
        if not twins or cell is None:
            continue
        twin = next((j for j in twins if _copies(doc.text, cell, r, records[j], rule, budget)), None)
        if twin is None:
            continue
        keep = merged.get(twin, records[twin])
        update = _filled(keep, r, rule.fill)
        if not keep.rule.endswith("/" + rule.id):
            update["rule"] = f"{keep.rule}/{rule.id}"
        merged[twin] = keep.model_copy(update=update)
        dropped.add(i)
    if not dropped:
        return records
    out = [merged.get(i, r) for i, r in enumerate(records) if i not in dropped]
    return [_renumber(r, n) for n, r in enumerate(out, 1)]


def _renumber(rec: Record, n: int) -> Record:
    m = _ID.match(rec.id)
    return rec.model_copy(update={"id": f"{m.group('prefix')}{n}"}) if m else rec


def merge_echoes(doc: Document, rules: RuleSet) -> Document:
    """The stage: records of a table cell that copies the body merge into their body twins."""
    if not doc.tables:
        return doc
    rule = rules.get(EchoRules).table_echo
    tables = _Tables(doc)
    budget = _Budget(rule.max_fuzzy_chars)
    update = {}
    for kind, fields in rule.same.items():
        records = getattr(doc, kind)
        kept = _merge_kind(doc, tables, records, fields, rule, budget)
        if kept is not records:
            update[kind] = kept
    return doc.model_copy(update=update) if update else doc
