"""Read a rebuilt table (SPEC 9): its kind, and an indicator table's rows as targets and baseline statistics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from policyx.locate import SectionIndex
from policyx.models import Baseline, Comparator, Statistic, Target
from policyx.numbers import parse_number
from policyx.tables.cells import Cell, Grid, squeeze
from policyx.tables.columns import roles_of
from policyx.tables.rules import TableRules

TableKind = Literal["indicator", "tasks", "other"]


def column_of(header: list[str], role: str, tr: TableRules) -> int | None:
    return next((j for j, h in enumerate(header) if tr.column(role, h)), None)


def table_kind(header: list[str], tr: TableRules) -> TableKind:
    if column_of(header, "indicator", tr) is not None and _target_columns(header, tr):
        return "indicator"
    if column_of(header, "tasks", tr) is not None:
        return "tasks"
    # a column of work, progress or responsible units (column_roles): a task or progress table
    if {"task", "progress", "lead", "units"} & set(roles_of(header, tr)):
        return "tasks"
    return "other"


def _baseline_column(header: list[str], tr: TableRules) -> int | None:
    """2020年期初值; failing that, the first of two or more bare year columns (2020年 | 2025年)."""
    found = column_of(header, "baseline", tr)
    if found is not None:
        return found
    years = [j for j, h in enumerate(header) if tr.match("year_only", h)]
    return years[0] if len(years) >= 2 else None


def _target_columns(header: list[str], tr: TableRules) -> list[int]:
    # the baseline column (2020年期初值, or the first bare year) never counts as a target column
    base = _baseline_column(header, tr)
    return [j for j, h in enumerate(header) if tr.column("target", h) and j != base]


def _year(header: str, tr: TableRules) -> int | None:
    """The year a target or baseline header names: 2025年目标值, 目标值(2025年), 2020年."""
    m = tr.match("header_year", header)
    return int(m.group("year")) if m else None


@dataclass(slots=True)
class Unit:
    unit: str
    scale: float


def bracket_unit(text: str, tr: TableRules) -> tuple[Unit | None, str]:
    """The unit bracket ending ``text`` and ``text`` without it: ``改造户数(万户)`` → (户 × 10000, 改造户数)."""
    m = tr.match("unit_bracket", text)
    if not m:
        return None, text
    scale = tr.scales.get(m.group("scale") or "", 1.0)
    return Unit(m.group("unit"), scale), text[: m.start()].rstrip()


def _unit_cell(text: str, tr: TableRules) -> Unit | None:
    """A unit column's cell: ``万户`` → 户 × 10000."""
    s = squeeze(text)
    if not s:
        return None
    head = s[0]
    if head in tr.scales and len(s) > 1:
        return Unit(s[1:], tr.scales[head])
    return Unit(s, 1.0)


@dataclass(slots=True)
class _Value:
    value: float
    value_max: float | None
    comparator: Comparator
    percent: str | None  # % or ‰ written in the cell itself


def read_value(cell: str, tr: TableRules) -> _Value | None:
    """``≥90`` → 90 ``>=``; ``主城区100`` → 100 ``=``; ``10-15`` → 10..15; ``-``, empty or two numbers → None."""
    m = tr.match("value_cell", squeeze(cell))
    if not m:
        return None
    value = parse_number(m.group("num"))
    top = parse_number(m.group("max")) if m.group("max") else None
    if value is None or (m.group("max") and top is None):
        return None
    word = m.group("cmp") or m.group("post") or ""
    return _Value(value, top, tr.comparators.get(word, "="), m.group("after"))


def _scaled(value: float, scale: float) -> float:
    # 0.38 × 10000 is 3799.9999999999995 in binary: scaling never adds precision below 1e-6
    return round(value * scale, 6)


def read_indicators(
    grid: Grid, table_no: int, text: str, index: SectionIndex, tr: TableRules
) -> tuple[list[Target], list[Statistic]]:
    """One target per row and target column, one statistic per numeric baseline."""
    h = grid.header
    ind = column_of(h, "indicator", tr)
    if ind is None:
        return [], []
    base = _baseline_column(h, tr)
    bind = column_of(h, "binding", tr)
    unit_col = column_of(h, "unit", tr)
    targets: list[Target] = []
    stats: list[Statistic] = []
    for r, row in enumerate(grid.rows, 1):
        cell: Cell = row[ind]
        if not cell.text.strip():
            continue
        unit, indicator = bracket_unit(cell.text.strip(), tr)
        if unit is None and unit_col is not None:
            unit = _unit_cell(row[unit_col].text, tr)
        common = {
            "section": index.at(cell.start),
            "span": (cell.start, cell.end),
            "quote": text[cell.start : cell.end],
            "indicator": indicator,
        }
        baseline: Baseline | None = None
        if base is not None:
            got = read_value(row[base].text, tr)
            if got is not None:
                b_unit = unit or _header_unit(h[base], tr) or Unit(got.percent or "", 1.0)
                year = _year(h[base], tr)
                baseline = Baseline(value=_scaled(got.value, b_unit.scale), year=year)
                stats.append(
                    Statistic(
                        id=f"s-tab{table_no}-{r}",
                        rule=tr.baseline_rule.id,
                        value=baseline.value,
                        unit=b_unit.unit,
                        comparator=got.comparator,
                        as_of=str(year) if year else None,
                        **common,
                    )
                )
        binding = tr.binding(row[bind].text) if bind is not None else None
        for k, col in enumerate(_target_columns(h, tr)):
            got = read_value(row[col].text, tr)
            if got is None:
                continue
            t_unit = unit or _header_unit(h[col], tr) or Unit(got.percent or "", 1.0)
            targets.append(
                Target(
                    id=f"t-tab{table_no}-{r}" + (f"-{k + 1}" if k else ""),
                    rule=tr.target_rule.id,
                    value=_scaled(got.value, t_unit.scale),
                    value_max=_scaled(got.value_max, t_unit.scale) if got.value_max is not None else None,
                    unit=t_unit.unit,
                    comparator=got.comparator,
                    year=_year(h[col], tr),
                    baseline=baseline,
                    binding=binding,  # type: ignore[arg-type]
                    **common,
                )
            )
    return targets, stats


def _header_unit(header: str, tr: TableRules) -> Unit | None:
    return bracket_unit(header, tr)[0]
