"""What every table reader shares: lines with their spans, cells, the grid they make, a failure to make one."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from policyx.models import Span
from policyx.tables.rules import TableRules

_SPACE = regex.compile(r"\s+")


def squeeze(text: str) -> str:
    """A cell without its white space: ``指    标`` reads as ``指标``."""
    return _SPACE.sub("", text)


@dataclass(slots=True)
class Line:
    start: int  # offset of the first non-space character
    end: int  # offset just past the last non-space character
    text: str


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


def text_lines(text: str) -> list[Line]:
    """The non-blank lines of ``text`` with their stripped spans."""
    out: list[Line] = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append(Line(pos + lead, pos + lead + len(stripped), stripped))
        pos += len(raw) + 1
    return out


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
