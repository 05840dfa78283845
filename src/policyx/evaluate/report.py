"""Presenting an Evaluation: rich tables for people, a stable JSON structure for machines, the misses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from policyx.evaluate.score import PRF_KINDS, TARGET_FIELDS, Counts, DocScore, Evaluation

#: bump when the JSON structure changes shape
JSON_VERSION = 1


def _f(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


# (summary key, column header, the DocScore figure) of each table; three narrow tables fit 80 columns
_Column = tuple[str, str, Callable[[DocScore], float | None]]
_RECORDS: tuple[_Column, ...] = (
    ("sections_f1", "sec F1", lambda d: d.sections.prf[2]),
    ("targets_p", "tgt P", lambda d: d.targets.prf[0]),
    ("targets_r", "tgt R", lambda d: d.targets.prf[1]),
    ("targets_f1", "tgt F1", lambda d: d.targets.prf[2]),
    ("resp_f1", "resp F1", lambda d: d.resp.prf[2]),
    ("resp_units_f1", "unit F1", lambda d: d.resp_units.prf[2]),
    ("resp_lead", "lead", lambda d: d.resp_lead.value),
)
_FIELDS: tuple[_Column, ...] = tuple(
    (f"tf_{name}", name, lambda d, name=name: d.target_fields[name].value) for name in TARGET_FIELDS
)
_CLEANING: tuple[_Column, ...] = (
    ("meta", "meta exact", lambda d: d.meta.value),
    ("boilerplate_removed", "boilerplate removed", lambda d: d.boilerplate_removed.value),
    ("body_kept", "body kept", lambda d: d.body_kept.value),
)


def _table(ev: Evaluation, title: str, columns: tuple[_Column, ...], caption: str | None = None) -> Table:
    table = Table(title=title, caption=caption, title_justify="left")
    table.add_column("document", overflow="fold")
    for _, header, _ in columns:
        table.add_column(header, justify="right")
    for stem, score in ev.docs.items():
        if score is None:
            table.add_row(stem, "[red]no output[/]", *("" for _ in columns[1:]))
        else:
            table.add_row(stem, *(_f(figure(score)) for _, _, figure in columns))
    summary = ev.summary()
    table.add_section()
    table.add_row("[bold]overall[/]", *(f"[bold]{_f(summary.get(key))}[/]" for key, _, _ in columns))
    return table


def render_tables(console: Console, ev: Evaluation, title: str) -> None:
    """Per document and overall: records, the fields of matched targets, metadata and cleaning."""
    matched = ev.totals.get("targets", Counts()).tp
    console.print(
        _table(ev, title, _RECORDS, "sec=sections tgt=targets resp=responsibilities unit=their units lead=lead units")
    )
    console.print(
        _table(ev, f"fields of the {matched} matched targets (accuracy)", _FIELDS, "indicator: character F1 ≥ 0.5")
    )
    console.print(_table(ev, "metadata and cleaning (share right)", _CLEANING))


def render_misses(console: Console, ev: Evaluation) -> None:
    """What a rule writer needs to fix: each miss and false positive with its quote, per document."""
    for stem, score in ev.docs.items():
        if score is None:
            continue
        lines = [
            *(("sec miss", m) for m in score.sections_miss),
            *(("tgt miss", m) for m in score.targets_miss),
            *(("tgt fp", m) for m in score.targets_fp),
            *(
                ("tgt field", f"{name} of {quote}: want {want!r}, got {got!r}")
                for name, quote, want, got in score.field_misses
            ),
            *(("resp miss", m) for m in score.resp_miss),
            *(("meta miss", f"{k}: want {want!r}, got {got!r}") for k, want, got in score.meta_miss),
        ]
        if not lines:
            continue
        t, r = score.targets, score.resp
        console.print(
            f"[bold]{escape(stem)}[/]  targets tp/fp/fn {t.tp}/{t.fp}/{t.fn}  responsibilities {r.tp}/{r.fp}/{r.fn}"
        )
        for label, text in lines:
            console.print(f"  [yellow]{label:<10}[/]{escape(str(text))}", soft_wrap=True)


def doc_json(score: DocScore) -> dict[str, Any]:
    """One document's counts ([tp, fp, fn] and [right, total]), figures and misses."""
    return {
        **{kind: getattr(score, kind).as_list() for kind in PRF_KINDS},
        **{name: ratio.as_list() for name, ratio in score.ratios.items()},
        "target_fields": {name: r.as_list() for name, r in score.target_fields.items()},
        "figures": score.figures(),
        "sections_miss": score.sections_miss,
        "targets_miss": score.targets_miss,
        "targets_fp": score.targets_fp,
        "resp_miss": score.resp_miss,
        "meta_miss": [list(m) for m in score.meta_miss],
        "field_misses": [list(m) for m in score.field_misses],
    }


def evaluation_json(ev: Evaluation) -> dict[str, Any]:
    """``{"version", "summary", "per_doc"}``; summary keys are those of the reference scorer."""
    return {
        "version": JSON_VERSION,
        "summary": ev.summary(),
        "per_doc": {stem: None if score is None else doc_json(score) for stem, score in ev.docs.items()},
    }


def dumps(ev: Evaluation) -> bytes:
    # default=str: a gold date written without quotes loads as a date and must still serialise
    return orjson.dumps(evaluation_json(ev), option=orjson.OPT_INDENT_2, default=str)
