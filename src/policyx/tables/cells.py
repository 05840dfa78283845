"""What every table reader shares: lines with their spans, cells, the grid they make, a failure to make one."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from policyx.locate import Line
from policyx.models import Span
from policyx.tables.rules import TableRules

_SPACE = regex.compile(r"\s+")


def squeeze(text: str) -> str:
    """A cell without its white space: ``指    标`` reads as ``指标``."""
    return _SPACE.sub("", text)


@dataclass(slots=True)
class Cell:
    text: str
    start: int
    end: int


@dataclass(slots=True)
class Grid:
    header: list[str]
    rows: list[list[Cell]]
    row_spans: list[Span]
    span: Span
    rule: str


@dataclass(slots=True)
class Failure:
    span: Span
    message: str


def cell_of(line: Line) -> Cell:
    return Cell(line.text, line.start, line.end)


def join_header(cells: list[str], tr: TableRules) -> list[str]:
    out: list[str] = []
    for c in cells:
        if out and tr.joins(out[-1], c):
            out[-1] += c
        else:
            out.append(c)
    return out
