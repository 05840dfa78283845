"""How one target reads in a cell: ``≥55% (2025)``, ``10–15个``, baseline ``0.2个 (2020)``."""

from __future__ import annotations

from policyx.diff.model import Entry, Row

_SYMBOL = {"=": "", ">=": "≥", ">": ">", "<=": "≤", "<": "<", "~": "≈"}


def number(v: float) -> str:
    """``55``, ``4.5``, ``33.33``, ``48400000``: no exponent, no trailing zeros."""
    if v == int(v):
        return str(int(v))
    return f"{v:.2f}".rstrip("0").rstrip(".")


def value_text(e: Entry) -> str:
    span = number(e.value) + (f"–{number(e.value_max)}" if e.value_max is not None else "")
    year = f" ({e.year})" if e.year is not None else ""
    return f"{_SYMBOL[e.comparator]}{span}{e.unit}{year}"


def baseline_text(e: Entry) -> str:
    if e.baseline is None:
        return ""
    year = f" ({e.baseline.year})" if e.baseline.year is not None else ""
    return f"{number(e.baseline.value)}{e.unit}{year}"


def lead_text(e: Entry) -> str:
    return e.lead or e.lead_key or ""


def _joined(parts: list[str]) -> str:
    return "; ".join(dict.fromkeys(p for p in parts if p))


def cell_values(entries: list[Entry]) -> str:
    return _joined([value_text(e) for e in entries])


def cell_baselines(entries: list[Entry]) -> str:
    return _joined([baseline_text(e) for e in entries])


def cell_leads(entries: list[Entry]) -> str:
    return _joined([lead_text(e) for e in entries])


def coverage_text(row: Row, n: int) -> str:
    return f"{row.coverage}/{n}"
